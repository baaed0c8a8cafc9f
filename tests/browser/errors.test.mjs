// The browser host with bad input: each case gives one clear message on the page (or on the
// terminal for `hartvm serve`), and nothing hangs. A page served without COOP/COEP, an image URL
// that 404s, a corrupt image (bad gzip data, a file that is not a kernel), a kernel too big for
// the memory, a bad option; and `hartvm serve` on a port in use.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { HARTVM, ROOT } from '../guest/harness.mjs';
import { defaultImages, launchBrowser, openPage, settle, startServe } from './harness.mjs';

let server, browser;
const images = mkdtempSync(path.join(os.tmpdir(), 'hartvm-browser-images-'));

before(async () => {
  const good = defaultImages();
  for (const f of ['Image.gz', 'rootfs.cpio.gz', 'disk.ext2.gz', 'fw_dynamic.bin.gz']) copyFileSync(path.join(good, f), path.join(images, f));
  // gzip's magic number, then nonsense: DecompressionStream fails on it.
  const corrupt = Buffer.alloc(4096, 0x5a);
  corrupt[0] = 0x1f; corrupt[1] = 0x8b; corrupt[2] = 8;
  writeFileSync(path.join(images, 'corrupt.gz'), corrupt);
  // A gzip file cut short.
  const whole = readFileSync(path.join(images, 'fw_dynamic.bin.gz'));
  writeFileSync(path.join(images, 'truncated.gz'), whole.subarray(0, whole.length >> 1));
  // Neither an ELF file nor a Linux Image.
  writeFileSync(path.join(images, 'notes.txt'), 'these are not the bytes of a kernel\n'.repeat(100));
  server = await startServe(['--images', images]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

/** Opens the page with `query`; resolves to the one message it shows, and the page's problems. */
async function errorOf(query, url = server.url) {
  const { page, context, problems } = await openPage(browser, `${url}?${query}`);
  try {
    const state = await settle(page, 60000);
    assert.equal(state.state, 'error', `the page shows an error, not ${JSON.stringify(state.end)}`);
    const shown = await page.locator('#error').innerText();
    assert.equal(shown, state.error, 'the message on the page is the one error');
    assert.equal(await page.locator('.error:visible').count(), 1, 'one error message');
    // The error stops the machine: no hart keeps running behind it.
    return { message: shown, problems: problems.filter((p) => !p.includes('Failed to load resource')) };
  } finally {
    await context.close();
  }
}

test('a page without COOP/COEP headers says the server must send them, and how', { timeout: 60000 }, async () => {
  // A plain static server: the right files, none of the headers.
  const dir = path.join(ROOT, 'dist', 'browser');
  const plain = createServer((req, res) => {
    const name = new URL(req.url, 'http://x').pathname.replace(/^\/$/, '/index.html');
    try {
      const body = readFileSync(path.join(dir, path.normalize(name)));
      res.writeHead(200, { 'Content-Type': name.endsWith('.js') ? 'application/javascript' : name.endsWith('.css') ? 'text/css' : 'text/html' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => plain.listen(0, '127.0.0.1', resolve));
  try {
    const { message, problems } = await errorOf('', `http://127.0.0.1:${plain.address().port}/`);
    assert.match(message, /not cross-origin isolated/);
    assert.match(message, /Cross-Origin-Opener-Policy: same-origin/);
    assert.match(message, /Cross-Origin-Embedder-Policy: require-corp/);
    assert.match(message, /hartvm serve/);
    assert.deepEqual(problems, []);
  } finally {
    plain.close();
  }
});

test('an image URL that 404s is named, with the status', { timeout: 60000 }, async () => {
  const { message, problems } = await errorOf('kernel=images/no-such-Image.gz&initrd=images/rootfs.cpio.gz&append=console%3DttyS0');
  assert.match(message, /^cannot load the kernel http:\/\/\S+\/images\/no-such-Image\.gz: not found \(HTTP 404\)$/);
  assert.deepEqual(problems, []);
});

test('corrupt gzip data, and a gzip file cut short, are said to be so', { timeout: 60000 }, async () => {
  const corrupt = await errorOf('kernel=images/corrupt.gz');
  assert.match(corrupt.message, /^the kernel corrupt\.gz is not valid gzip data \(corrupt or truncated\)/);
  const truncated = await errorOf('bios=images/truncated.gz');
  assert.match(truncated.message, /^the firmware truncated\.gz is not valid gzip data/);
  assert.deepEqual([...corrupt.problems, ...truncated.problems], []);
});

test('a gzip disk that turns out corrupt while the guest boots (it unpacks meanwhile) ends the machine with one message', { timeout: 60000 }, async () => {
  const { message, problems } = await errorOf('drive=images/corrupt.gz');
  assert.match(message, /^the disk 0 corrupt\.gz is not valid gzip data \(corrupt or truncated\)/);
  assert.deepEqual(problems, []);
});

test('a file that is not a kernel is refused', { timeout: 60000 }, async () => {
  const { message, problems } = await errorOf('kernel=images/notes.txt');
  assert.match(message, /^the kernel notes\.txt is neither a RISC-V Linux Image nor an ELF file/);
  assert.deepEqual(problems, []);
});

test('a kernel too big for the memory (m=16M) says so and how to give more', { timeout: 60000 }, async () => {
  const { message, problems } = await errorOf('m=16M');
  assert.match(message, /^kernel \([\d.]+ MiB at 0x80200000\) does not fit in RAM .*; give more RAM with m= in the URL/);
  assert.deepEqual(problems, []);
});

test('a bad option in the URL is named', { timeout: 60000 }, async () => {
  assert.match((await errorOf('smp=0')).message, /^bad option in the page's URL: smp=0: the board has 1 to 32 harts$/);
  assert.match((await errorOf('tlb-flush=sometimes')).message, /tlb-flush=sometimes: expected one of instruction, block, fence/);
  assert.match((await errorOf('m=lots')).message, /m=lots: invalid memory size/);
  assert.match((await errorOf('kernal=x')).message, /unknown option 'kernal'/);
});

test('hartvm serve on a port in use: one line, exit status 1', { timeout: 30000 }, async () => {
  const port = Number(new URL(server.url).port);
  const child = spawn(process.execPath, [HARTVM, 'serve', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const status = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(status, 1);
  assert.equal(stdout, '');
  assert.equal(stderr, `hartvm: cannot serve on 127.0.0.1:${port}: the port is in use (choose another with --port)\n`);
});

test('a kernel panic (no init) is reported as such, and with no-reboot ends the machine', { timeout: 120000 }, async () => {
  const { page, context, problems } = await openPage(browser, `${server.url}?no-reboot&append=${encodeURIComponent('console=ttyS0 rdinit=/nope init=/nope')}`);
  try {
    const state = await settle(page, 100000);
    assert.equal(state.state, 'ended');
    assert.equal(state.end.reason, 'panic');
    assert.equal(state.end.status, 1);
    assert.match(await page.locator('#end').innerText(), /^The guest kernel panicked/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
