// `hartvm serve`: the page, its scripts and the images with the cross-origin isolation headers
// and the right MIME types; nothing outside the served folders.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { defaultImages, startServe } from './harness.mjs';

let server;
before(async () => { server = await startServe(['--images', defaultImages()]); });
after(() => server?.stop());

const ISOLATION = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
};

test('the page, its scripts and styles, and the images come with COOP/COEP/CORP and their MIME types', async () => {
  for (const [path, type] of [['', 'text/html'], ['index.html', 'text/html'], ['main.js', 'application/javascript'],
    ['device-worker.js', 'application/javascript'], ['hart-worker.js', 'application/javascript'], ['main.css', 'text/css'],
    ['images/Image.gz', 'application/gzip'], ['images/rootfs.cpio.gz', 'application/gzip']]) {
    const response = await fetch(server.url + path);
    assert.equal(response.status, 200, path);
    assert.equal(response.headers.get('content-type').split(';')[0], type, path);
    for (const [name, value] of Object.entries(ISOLATION)) assert.equal(response.headers.get(name), value, `${path}: ${name}`);
    assert.ok(Number(response.headers.get('content-length')) > 0, `${path}: a length, for the page's progress`);
    await response.arrayBuffer();
  }
  const head = await fetch(server.url + 'images/Image.gz', { method: 'HEAD' });
  assert.equal(head.status, 200);
});

test('missing files are 404 with the headers; paths out of the served folders are refused', async () => {
  const missing = await fetch(server.url + 'images/nothing.gz');
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get('cross-origin-embedder-policy'), 'require-corp');
  for (const path of ['..%2fpackage.json', 'images/..%2f..%2fpackage.json', '%2e%2e/%2e%2e/package.json']) {
    const response = await fetch(server.url + path);
    assert.ok(response.status === 404 || response.status === 400, `${path}: ${response.status}`);
    assert.doesNotMatch(await response.text(), /"name": "hartvm"/, path);
  }
  const post = await fetch(server.url, { method: 'POST' });
  assert.equal(post.status, 405);
});
