// The browser's board clock (src/host/browser/board-clock.ts) never goes backwards from one
// thread to another: four Web Workers take turns under a lock in shared memory, each reading the
// clock and comparing it with the last reading any worker took under the lock. Under the lock the
// readings are ordered in real time, so a smaller one would be time going backwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { ROOT } from '../guest/harness.mjs';
import { launchBrowser } from './harness.mjs';

const WORKER = `
import { browserBoardClock } from ${JSON.stringify(path.join(ROOT, 'src/host/browser/board-clock.ts'))};
onmessage = ({ data }) => {
  const clock = browserBoardClock(data.origin, 10_000_000);
  const w = new Int32Array(data.lock);            // [0] lock, [1] readings, [2] backwards
  const last = new Float64Array(data.last);       // the last reading taken under the lock
  for (let i = 0; i < data.rounds; i++) {
    while (Atomics.compareExchange(w, 0, 0, 1) !== 0) {}
    const t = clock();
    if (t < last[0]) Atomics.add(w, 2, 1);
    last[0] = t;
    Atomics.add(w, 1, 1);
    Atomics.store(w, 0, 0);
  }
  postMessage('done');
};`;

const PAGE = `<!doctype html><script type="module">
import { browserClockOrigin, browserBoardClock } from './clock.js';
const origin = browserClockOrigin();
const lock = new SharedArrayBuffer(12), last = new SharedArrayBuffer(8);
const rounds = 20000;
const workers = Array.from({ length: 4 }, () => new Worker('./worker.js', { type: 'module' }));
await Promise.all(workers.map((w) => new Promise((resolve) => { w.onmessage = resolve; w.postMessage({ origin, lock, last, rounds }); })));
const w = new Int32Array(lock);
const ticks = browserBoardClock(origin, 10_000_000)();
window.result = { readings: w[1], backwards: w[2], ticks };
</script>`;

test('the browser board clock never goes backwards from one Web Worker to another', { timeout: 120000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hartvm-clock-'));
  writeFileSync(path.join(dir, 'worker-entry.js'), WORKER);
  await esbuild.build({ entryPoints: [path.join(dir, 'worker-entry.js')], outfile: path.join(dir, 'worker.js'), bundle: true, format: 'esm', logLevel: 'error' });
  await esbuild.build({ entryPoints: [path.join(ROOT, 'src/host/browser/board-clock.ts')], outfile: path.join(dir, 'clock.js'), bundle: true, format: 'esm', logLevel: 'error' });
  writeFileSync(path.join(dir, 'index.html'), PAGE);
  const server = createServer((req, res) => {
    const name = req.url === '/' ? 'index.html' : path.basename(req.url);
    try {
      const body = readFileSync(path.join(dir, name));
      res.writeHead(200, { 'Content-Type': name.endsWith('.js') ? 'application/javascript' : 'text/html',
        'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => globalThis.result, null, { timeout: 100000 });
    const result = await page.evaluate(() => globalThis.result);
    assert.deepEqual(errors, []);
    assert.equal(result.readings, 80000);
    assert.equal(result.backwards, 0, `readings smaller than one taken before on another worker: ${result.backwards}`);
    assert.ok(result.ticks > 0, 'the clock has advanced');
  } finally {
    await browser.close();
    server.close();
  }
});
