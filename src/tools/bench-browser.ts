// The browser section of `npm run bench`: the page of `hartvm serve` in Debian's chromium
// (headless, driven by playwright-core) boots the default images to the shell prompt and runs
// the Linux section's console workload at smp=1, then the SMP case's parallel processes at
// smp=1 and smp=2, under each engine (the page's ?engine=), so that each figure stands beside the
// same on Node with that engine (and QEMU) with the ratio. Times are taken inside the page: from navigation start (performance.now() of the
// page) to the first kernel message and to the prompt; the workloads marker to marker.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { HARTVM, progress, ROOT, type EngineName } from './bench-common.js';
import { marker, PROMPT, workloadLine } from './bench-linux.js';
import { smpWorkloadLine } from './bench-smp.js';

export const CHROMIUM = process.env.HARTVM_CHROMIUM ?? '/usr/bin/chromium';
const TIMEOUT_MS = 20 * 60_000;

export interface BrowserBoot {
  engine: EngineName;
  harts: number;
  ok: boolean;
  error?: string;
  /** page navigation -> the first console byte (OpenSBI), the kernel's first message, the prompt */
  firstOutputSeconds?: number;
  linuxVersionSeconds?: number;
  bootSeconds?: number;
  /** the Linux section's workload, marker to marker (smp=1 runs only) */
  workloadSeconds?: number;
  /** the SMP case's parallel processes, marker to marker */
  smpSeconds?: number;
}

export interface BrowserSection {
  chromium: string;
  /** the bundle's files (dist/browser) and their sizes in bytes */
  bundle: Record<string, number>;
  runs: BrowserBoot[];
  /** per engine and smp: each figure's best over the good runs, taken separately (bestOfEach) */
  best: Partial<Record<EngineName, Record<number, BrowserBoot | undefined>>>;
}

/** `hartvm serve` on a free port of 127.0.0.1; resolves to its URL. */
async function serve(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [HARTVM, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      text += d;
      const m = /(http:\/\/\S+\/)/.exec(text);
      if (m) resolve(m[1]);
    });
    child.stderr!.on('data', (d: Buffer) => { text += d; });
    child.on('close', (status) => reject(new Error(`hartvm serve ended (status ${status}): ${text.trim()}`)));
  });
  return { url, child };
}

function bundleSizes(): Record<string, number> {
  const dir = join(ROOT, 'dist', 'browser');
  const sizes: Record<string, number> = {};
  for (const f of readdirSync(dir)) {
    const file = join(dir, f);
    if (statSync(file).isFile() && !f.endsWith('.map')) sizes[f] = statSync(file).size;
  }
  return sizes;
}

/** Waits in the page until its transcript holds `text` after `from`; resolves to the page's time then and the position after it. */
async function waitFor(page: Page, text: string, from: number): Promise<{ at: number; ms: number }> {
  const handle = await page.waitForFunction(([t, f]) => {
    const h = (globalThis as unknown as { hartvm: { state: string; error?: string; end?: { text: string }; transcript: string } }).hartvm;
    if (h.state === 'error' || h.state === 'ended') return { failed: h.error ?? h.end?.text ?? h.state };
    const i = h.transcript.indexOf(t as string, f as number);
    return i >= 0 ? { at: i + (t as string).length, ms: performance.now() } : false;
  }, [text, from], { timeout: TIMEOUT_MS, polling: 10 });
  const value = await handle.jsonValue() as { at: number; ms: number; failed?: string };
  if (value.failed) throw new Error(`the page ended: ${value.failed}`);
  return value;
}

async function bootOnce(browser: Browser, url: string, engine: EngineName, harts: number): Promise<BrowserBoot> {
  const run: BrowserBoot = { engine, harts, ok: false };
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(`${url}?smp=${harts}&engine=${engine}`);
    let at = (await waitFor(page, PROMPT, 0)).at;
    const timings = await page.evaluate(() => (globalThis as unknown as { hartvm: { timings: Record<string, number> } }).hartvm.timings);
    run.firstOutputSeconds = timings.firstOutput / 1000;
    run.linuxVersionSeconds = timings.linuxVersion / 1000;
    run.bootSeconds = timings.prompt / 1000;
    const type = (line: string): Promise<void> => page.evaluate((l) => (globalThis as unknown as { hartvm: { input(t: string): void } }).hartvm.input(l), `${line}\n`);
    if (harts === 1) {
      await type(workloadLine());
      const begin = await waitFor(page, marker('begin').printed, at);
      const end = await waitFor(page, marker('end').printed, begin.at);
      run.workloadSeconds = (end.ms - begin.ms) / 1000;
      at = (await waitFor(page, PROMPT, end.at)).at;
    }
    await type(smpWorkloadLine());
    const begin = await waitFor(page, marker('smp-begin').printed, at);
    const end = await waitFor(page, marker('smp-end').printed, begin.at);
    run.smpSeconds = (end.ms - begin.ms) / 1000;
    await waitFor(page, PROMPT, end.at);
    await type('poweroff');
    await page.waitForFunction(() => (globalThis as unknown as { hartvm: { state: string } }).hartvm.state === 'ended', null, { timeout: TIMEOUT_MS });
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    run.ok = true;
  } catch (e) {
    run.error = (e as Error).message.split('\n')[0];
  } finally {
    await context.close();
  }
  return run;
}

export async function runBrowserSection(runs: number, engines: readonly EngineName[]): Promise<BrowserSection | undefined> {
  if (!existsSync(CHROMIUM)) {
    progress(`${CHROMIUM} is not installed (Debian's chromium: npm run setup): the browser section is skipped`);
    return undefined;
  }
  const { url, child } = await serve();
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const section: BrowserSection = { chromium: browser.version(), bundle: bundleSizes(), runs: [], best: {} };
  try {
    for (const engine of engines) for (const harts of [1, 2]) {
      for (let i = 0; i < runs; i++) {
        const run = await bootOnce(browser, url, engine, harts);
        section.runs.push(run);
        progress(`browser engine=${engine} smp=${harts}: ${run.ok
          ? `prompt ${run.bootSeconds!.toFixed(2)} s${run.workloadSeconds !== undefined ? `, workload ${run.workloadSeconds.toFixed(2)} s` : ''}, ` +
            `smp processes ${run.smpSeconds!.toFixed(2)} s` : `FAILED, ${run.error}`}`);
      }
      const good = section.runs.filter((r) => r.engine === engine && r.harts === harts && r.ok);
      (section.best[engine] ??= {})[harts] = good.length ? bestOfEach(good) : undefined;
    }
  } finally {
    await browser.close();
    child.kill('SIGTERM');
  }
  return section;
}

/**
 * The best of each figure over `runs`, taken separately as the Linux section's are: one run's
 * slow workload must not stand beside another's fast boot, nor the reverse.
 */
export function bestOfEach(runs: readonly BrowserBoot[]): BrowserBoot {
  const best = (figure: (run: BrowserBoot) => number | undefined): number | undefined => {
    const values = runs.map(figure).filter((v): v is number => v !== undefined);
    return values.length ? Math.min(...values) : undefined;
  };
  return {
    ...runs[0],
    firstOutputSeconds: best((r) => r.firstOutputSeconds),
    linuxVersionSeconds: best((r) => r.linuxVersionSeconds),
    bootSeconds: best((r) => r.bootSeconds),
    workloadSeconds: best((r) => r.workloadSeconds),
    smpSeconds: best((r) => r.smpSeconds),
  };
}

/** Figures of the same work on Node (and QEMU), from the Linux and SMP sections, for the ratios. */
export interface NodeFigures {
  bootSeconds?: number;
  workloadSeconds?: number;
  qemuBootSeconds?: number;
  qemuWorkloadSeconds?: number;
  smp1Seconds?: number;
  smp2Seconds?: number;
}

export function formatBrowserReport(section: BrowserSection, nodeFor: (engine: EngineName) => NodeFigures): string {
  const s = (v: number | undefined): string => (v === undefined ? '-' : `${v.toFixed(2)} s`);
  const r = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined ? '-' : `${(a / b).toFixed(2)}x`);
  const engines = [...new Set(section.runs.map((x) => x.engine))];
  const count = section.runs.filter((x) => x.engine === engines[0] && x.harts === 1).length;
  const out = [`browser: ${section.chromium} headless, the page of hartvm serve (fence policy), each figure the best of ${count}, taken separately;`,
    '  times inside the page (performance.now()); node and qemu: the Linux and SMP sections\' host-side times of the same work'];
  for (const engine of engines) {
    const one = section.best[engine]?.[1], two = section.best[engine]?.[2];
    out.push(...engineLines(engine, one, two, nodeFor(engine), s, r));
  }
  const total = Object.values(section.bundle).reduce((a, b) => a + b, 0);
  out.push(`  bundle (dist/browser, without maps): ${Object.entries(section.bundle).map(([f, n]) => `${f} ${(n / 1024).toFixed(0)} KiB`).join(', ')}; ${(total / 2 ** 20).toFixed(2)} MiB in all`);
  return out.join('\n') + '\n';
}

function engineLines(engine: EngineName, one: BrowserBoot | undefined, two: BrowserBoot | undefined, node: NodeFigures,
  s: (v: number | undefined) => string, r: (a: number | undefined, b: number | undefined) => string): string[] {
  const out = [`  engine=${engine}`];
  out.push(`    page load -> first console byte ${s(one?.firstOutputSeconds)}, first kernel message ${s(one?.linuxVersionSeconds)}`);
  out.push(`    boot to prompt   smp=1 ${s(one?.bootSeconds)} (node ${s(node.bootSeconds)}: browser/node ${r(one?.bootSeconds, node.bootSeconds)}; qemu ${s(node.qemuBootSeconds)}: browser/qemu ${r(one?.bootSeconds, node.qemuBootSeconds)}), smp=2 ${s(two?.bootSeconds)}`);
  out.push(`    workload         ${s(one?.workloadSeconds)} (node ${s(node.workloadSeconds)}: browser/node ${r(one?.workloadSeconds, node.workloadSeconds)}; qemu ${s(node.qemuWorkloadSeconds)}: browser/qemu ${r(one?.workloadSeconds, node.qemuWorkloadSeconds)})`);
  out.push(`    SMP processes    smp=1 ${s(one?.smpSeconds)}, smp=2 ${s(two?.smpSeconds)}, speed-up ${r(one?.smpSeconds, two?.smpSeconds)} ` +
    `(node: smp=1 ${s(node.smp1Seconds)}, smp=2 ${s(node.smp2Seconds)}, speed-up ${r(node.smp1Seconds, node.smp2Seconds)}; browser/node at smp=2 ${r(two?.smpSeconds, node.smp2Seconds)})`);
  return out;
}

export function browserFailures(section: BrowserSection): string[] {
  return section.runs.filter((r) => !r.ok).map((r) => `browser/${r.engine}/smp${r.harts}`);
}
