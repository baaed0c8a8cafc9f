// Snapshots in the page: Save state downloads the whole machine; a page started with
// loadvm=URL is put back as it was saved instead of booting (the shell variable and the file on
// the disk are there, timers and harts run); Load state with a file that is no snapshot says so
// and leaves the machine running. At two harts, each on a Web Worker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { BrowserGuest, launchBrowser, openPage, startServe } from './harness.mjs';
import { withoutKernelMessages } from '../boot/serial.mjs';

const PROMPT = '~ # ';
let server, browser;

before(async () => {
  server = await startServe();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test('Save state, then a page with loadvm=URL starts where it was saved; Load state refuses a file that is no snapshot', { timeout: 600000 }, async () => {
  const a = await openPage(browser, `${server.url}?smp=2`);
  let state;
  try {
    const guest = new BrowserGuest(a.page);
    await guest.expect(PROMPT, 300000);
    await guest.run('X=saved-in-page-a; echo $X >/mnt/marker; sync');
    const [download] = await Promise.all([a.page.waitForEvent('download'), a.page.locator('#save').click()]);
    state = readFileSync(await download.path());
    assert.ok(state.length > 4096, `a snapshot of ${state.length} bytes`);
    // the machine runs on after a save
    assert.equal((await guest.run('echo $X')).trim(), 'saved-in-page-a');
    assert.deepEqual(a.problems, []);
  } finally {
    await a.context.close();
  }
  // the snapshot from another origin of this machine, as a static host would serve it
  const files = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': state.length,
      'Cross-Origin-Resource-Policy': 'cross-origin', 'Access-Control-Allow-Origin': '*' });
    res.end(state);
  });
  await new Promise((resolve) => files.listen(0, '127.0.0.1', resolve));
  const b = await openPage(browser, `${server.url}?smp=2&loadvm=${encodeURIComponent(`http://127.0.0.1:${files.address().port}/state`)}`);
  try {
    const guest = new BrowserGuest(b.page);
    await b.page.waitForFunction(() => globalThis.hartvm?.state === 'running' || globalThis.hartvm?.state === 'error', null, { timeout: 300000 });
    assert.equal(await b.page.evaluate(() => globalThis.hartvm.error), undefined);
    // (a restored guest's first moments may bring a kernel message, e.g. `hrtimer: interrupt took N ns`)
    assert.equal(withoutKernelMessages(await guest.run('echo $X; cat /mnt/marker', PROMPT, 120000)).trim(), 'saved-in-page-a\nsaved-in-page-a');
    assert.doesNotMatch(await guest.transcript(), /OpenSBI|Linux version/, 'nothing booted');
    const before = Number((await guest.run("awk '{print $1}' /proc/uptime")).trim());
    await guest.run('sleep 1');
    const after = Number((await guest.run("awk '{print $1}' /proc/uptime")).trim());
    assert.ok(after - before >= 1, `the guest's clock goes on: ${before} -> ${after}`);
    assert.equal((await guest.run('nproc')).trim(), '2');
    // Load state with a file that is not a snapshot: one line, and the machine runs on
    await b.page.locator('#load-file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a snapshot\n'.repeat(64)) });
    await b.page.locator('#end').filter({ hasText: 'Load state:' }).waitFor({ timeout: 60000 });
    assert.match(await b.page.locator('#end').innerText(), /^Load state: .+/);
    assert.equal((await guest.run('echo $X')).trim(), 'saved-in-page-a');
    assert.deepEqual(b.problems, []);
  } finally {
    await b.context.close();
    files.close();
  }
});
