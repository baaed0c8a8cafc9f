// The page's network card (nic=user): its frames go over a WebSocket to `hartvm serve`'s relay,
// which gives the page user-mode networking on this machine through passt. The guest gets an
// address by DHCP and reaches servers on this machine's loopback through its gateway, both
// ways, with checksums; the relay takes only pages of its own origin; a relay that cannot be
// reached is said on the page while the guest runs on; bad nic= options are one message.
// Everything stays on 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { WebSocket } from 'ws';
import { BrowserGuest, launchBrowser, openPage, settle, startServe } from './harness.mjs';

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

const md5 = (bytes) => createHash('md5').update(bytes).digest('hex');

/** Listens on 127.0.0.1; resolves to the server and its port. */
async function listening(s) {
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
  return s.address().port;
}

test('nic=user: the guest gets an address and carries files both ways to and from the host\'s loopback', { timeout: 600000 }, async () => {
  const blob = randomBytes(4 << 20);
  const web = createServer((req, res) => {
    if (req.url === '/blob') { res.writeHead(200, { 'Content-Length': blob.length }); res.end(blob); } else res.writeHead(404).end();
  });
  const webPort = await listening(web);
  const received = [];
  const sink = createTcpServer((socket) => {
    const chunks = [];
    socket.on('data', (d) => chunks.push(d));
    socket.on('end', () => received.push(Buffer.concat(chunks)));
  });
  const sinkPort = await listening(sink);
  const { page, context, problems } = await openPage(browser, `${server.url}?nic=user`);
  try {
    const guest = new BrowserGuest(page);
    const boot = await guest.expect(PROMPT, 300000);
    assert.match(boot, /init: eth0 has \d+\.\d+\.\d+\.\d+\/\d+/, 'DHCP gave eth0 an address at boot');
    const gateway = (await guest.run("ip route | awk '/^default/ { print $3 }'")).trim();
    assert.match(gateway, /^\d+\.\d+\.\d+\.\d+$/, 'a default route through the gateway');
    await guest.run(`G=${gateway}`);
    const down = await guest.run(`wget -q -O /tmp/blob http://$G:${webPort}/blob && md5sum /tmp/blob`, PROMPT, 300000);
    assert.equal(down.split(' ')[0], md5(blob), 'the file the guest fetched has the host\'s checksum');
    const up = await guest.run(`md5sum /tmp/blob; nc $G ${sinkPort} </tmp/blob`, PROMPT, 300000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(received.length, 1, 'one connection reached the host\'s sink');
    assert.equal(md5(received[0]), up.split(' ')[0], 'what the host received has the guest\'s checksum');
    assert.equal(received[0].length, blob.length);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    web.close();
    sink.close();
  }
});

/** Opens a WebSocket to the relay with `origin`; resolves to 'open' or the HTTP status it was refused with. */
function relayAnswer(origin) {
  const url = new URL('net', server.url);
  url.protocol = 'ws:';
  return new Promise((resolve) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    ws.on('open', () => { ws.close(); resolve('open'); });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode));
    ws.on('error', () => resolve('error'));
  });
}

test('the relay takes pages of its own origin only', { timeout: 60000 }, async () => {
  assert.equal(await relayAnswer(new URL(server.url).origin), 'open');
  assert.equal(await relayAnswer('http://example.com'), 403, 'another site\'s page is refused');
  assert.equal(await relayAnswer(undefined), 403, 'a client that names no origin is refused');
});

test('a relay that cannot be reached is said on the page, and the guest boots without a network', { timeout: 600000 }, async () => {
  // (nothing listens on port 9, the discard port, of 127.0.0.1)
  const { page, context, problems } = await openPage(browser, `${server.url}?nic=user,relay=ws://127.0.0.1:9/`);
  try {
    await page.locator('#end').filter({ hasText: 'cannot be reached' }).waitFor({ timeout: 120000 });
    assert.match(await page.locator('#end').innerText(), /the network relay ws:\/\/127\.0\.0\.1:9\/ cannot be reached/);
    const guest = new BrowserGuest(page);
    await guest.expect(PROMPT, 300000);
    assert.equal((await guest.run('echo $((6 * 7))')).trim(), '42');
    assert.deepEqual(problems.filter((p) => !p.includes('WebSocket')), []);
  } finally {
    await context.close();
  }
});

for (const [query, expected] of [
  ['nic=user,hostfwd=tcp::2222-:22', /nic=user,hostfwd=tcp::2222-:22: hostfwd is not possible in a page/],
  ['nic=tap', /nic=tap: only user networking \(nic=user\) is supported/],
  ['nic=user,speed=1', /nic=user,speed=1: unknown option 'speed'/],
]) {
  test(`${query} is one message on the page`, { timeout: 60000 }, async () => {
    const { page, context } = await openPage(browser, `${server.url}?${query}`);
    try {
      const state = await settle(page, 60000);
      assert.equal(state.state, 'error');
      assert.match(state.error, expected);
    } finally {
      await context.close();
    }
  });
}
