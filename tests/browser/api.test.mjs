// The browser library as an independent page uses it: a page of its own (not hartvm's) imports
// hartvm.js from the bundle, creates a machine with createMachine() (the kernel given as bytes,
// the initramfs as a URL), reads the console from its events, types on it, and sees poweroff. Its
// network card's relay is one that cannot be reached: the page hears it, and the guest runs on.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT } from '../guest/harness.mjs';
import { defaultImages, launchBrowser } from './harness.mjs';

const BUNDLE = path.join(ROOT, 'dist', 'browser');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.gz': 'application/gzip', '.json': 'application/json' };

const EMBED = `<!doctype html><meta charset="utf-8"><title>embed</title><pre id="out"></pre>
<script type="module">
import { createMachine } from './hartvm.js';
const log = (s) => { document.getElementById('out').textContent += s; };
try {
  const kernel = new Uint8Array(await (await fetch('images/Image.gz')).arrayBuffer());
  const machine = createMachine({ smp: 2, memory: '256M', kernel, initrd: 'images/rootfs.cpio.gz', append: 'console=ttyS0 embedded=yes', drives: [],
    network: { relay: 'ws://127.0.0.1:9/' } });
  let text = '';
  const decoder = new TextDecoder();
  machine.addEventListener('output', (e) => { text += decoder.decode(e.detail, { stream: true }); });
  const until = async (pattern, from) => { while (text.indexOf(pattern, from) < 0) await new Promise((r) => setTimeout(r, 50)); return text.length; };
  const events = [];
  machine.addEventListener('poweroff', (e) => events.push('poweroff ' + e.detail.status));
  machine.addEventListener('exit', (e) => events.push('exit ' + e.detail.reason));
  const networkErrors = [];
  machine.addEventListener('network-error', (e) => networkErrors.push(e.detail));
  await machine.start();
  let at = await until('~ # ', 0);
  machine.input('cat /proc/cmdline; nproc\\n');
  at = await until('~ # ', at);
  machine.input('poweroff\\n');
  const exit = await machine.wait();
  window.done = { exit, events, text, harts: machine.statistics()?.harts.length, networkErrors };
} catch (e) {
  window.done = { error: String(e?.message ?? e) };
}
</script>`;

let server, base, browser;

before(async () => {
  const images = defaultImages();
  server = createServer((request, response) => {
    const url = new URL(request.url, 'http://x');
    let file;
    if (url.pathname === '/embed.html') file = null;
    else if (url.pathname.startsWith('/images/')) file = path.join(images, path.basename(url.pathname));
    else file = path.join(BUNDLE, path.basename(url.pathname));
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin' };
    if (file === null) {
      response.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(EMBED);
    } else if (existsSync(file) && statSync(file).isFile()) {
      response.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    } else {
      response.writeHead(404, headers).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.close();
});

test('an independent page embeds hartvm with createMachine(): bytes and URLs, console events, input, poweroff', async () => {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${base}embed.html`);
  await page.waitForFunction(() => globalThis.done, null, { timeout: 180000, polling: 200 });
  const done = await page.evaluate(() => globalThis.done);
  assert.equal(done.error, undefined, done.error);
  assert.deepEqual(done.exit, { status: 0, reason: 'poweroff' });
  assert.deepEqual(done.events, ['poweroff 0', 'exit poweroff']);
  assert.match(done.text, /embedded=yes\r?\n2\r?\n/);
  assert.equal(done.harts, 2);
  assert.match(done.text, /init: eth0 got no address from DHCP/, 'the card is there, its network is not');
  assert.equal(done.networkErrors.length, 1);
  assert.match(done.networkErrors[0], /the network relay ws:\/\/127\.0\.0\.1:9\/ cannot be reached/);
  assert.deepEqual(problems, []);
  await page.close();
});
