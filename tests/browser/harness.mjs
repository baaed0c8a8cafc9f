// The browser tests' harness: `hartvm serve` as a child process on a free port, Debian's
// chromium driven by playwright-core (headless), and a guest driven through the page's terminal:
// keys typed into xterm.js, output read from the page's transcript (window.hartvm).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { HARTVM, ROOT } from '../guest/harness.mjs';
import { outputAfterEcho } from '../boot/serial.mjs';

export const ARTIFACTS = path.join(ROOT, 'build', 'test-artifacts');
export const CHROMIUM = process.env.HARTVM_CHROMIUM ?? '/usr/bin/chromium';

/** The folder of gzipped default images to serve: the shipped images/. */
export function defaultImages() {
  return path.join(ROOT, 'images');
}

/** `hartvm serve` on a free port; resolves once it prints its URL. */
export async function startServe(args = []) {
  const child = spawn(process.execPath, [HARTVM, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /(http:\/\/\S+\/)/.exec(stdout);
      if (m) resolve(m[1]);
    });
    child.on('close', (status) => reject(new Error(`hartvm serve ended (status ${status}) before serving:\n${stdout}${stderr}`)));
  });
  return { url, child, stop: () => child.kill('SIGTERM'), get stderr() { return stderr; } };
}

export async function launchBrowser() {
  assert.ok(existsSync(CHROMIUM), `no ${CHROMIUM}: install Debian's chromium (npm run setup does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      // CI containers often have a tiny /dev/shm, which crashes chromium's renderers.
      '--disable-dev-shm-usage'],
  });
}

/** A page of the browser host; records page errors and console errors (which fail the tests). */
export async function openPage(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('crash', () => problems.push('the page crashed'));
  await page.goto(url);
  return { page, context, problems };
}

/** The page's state (window.hartvm). */
export function pageState(page) {
  return page.evaluate(() => {
    const h = globalThis.hartvm;
    return h && { state: h.state, error: h.error, end: h.end, timings: h.timings, length: h.transcript.length, statistics: h.statistics };
  });
}

/** Waits until the page shows an error or an end; resolves to its state. */
export async function settle(page, timeoutMs = 60000) {
  await page.waitForFunction(() => ['error', 'ended'].includes(globalThis.hartvm?.state), null, { timeout: timeoutMs, polling: 100 });
  return pageState(page);
}

/** The guest on a page: types on its terminal, reads its console from the transcript. */
export class BrowserGuest {
  constructor(page) {
    this.page = page;
    this.seen = 0;
  }

  async transcript() {
    return this.page.evaluate(() => globalThis.hartvm.transcript);
  }

  /** Waits until `pattern` appears in output not consumed yet; returns the text up to and including it. */
  async expect(pattern, timeoutMs = 120000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const output = await this.transcript();
      const rest = output.slice(this.seen);
      const m = typeof pattern === 'string' ? (rest.includes(pattern) ? { index: rest.indexOf(pattern), 0: pattern } : null) : pattern.exec(rest);
      if (m) {
        const end = this.seen + m.index + m[0].length;
        const text = output.slice(this.seen, end);
        this.seen = end;
        return text;
      }
      const state = await pageState(this.page);
      if (state.state === 'error' || state.state === 'ended') {
        throw new Error(`the page says ${state.error ?? state.end?.text} before ${pattern}\n--- console tail:\n${output.slice(-3000)}`);
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}\n--- console tail:\n${output.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Types on the terminal, as a person would (Enter for a newline). */
  async type(text) {
    await this.page.locator('.xterm-helper-textarea').focus();
    await this.page.keyboard.type(text);
  }

  /**
   * Runs a shell command and returns what it printed before the next prompt: the text after its
   * echo (a kernel message printed before or into the echo is not the command's).
   */
  async run(command, prompt = '~ # ', timeoutMs = 120000) {
    await this.type(command + '\n');
    const text = await this.expect(prompt, timeoutMs);
    const body = text.slice(0, -prompt.length);
    const output = outputAfterEcho(body, command);
    if (output !== undefined) return output;
    const firstNewline = body.indexOf('\n');
    return firstNewline >= 0 ? body.slice(firstNewline + 1).replace(/\r/g, '') : '';
  }
}

export function artifact(name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}
