// User-mode networking (passt) through Linux's virtio-net driver, on 127.0.0.1 only: DHCP gives
// eth0 an address at boot; the guest fetches files from an HTTP server this test runs on the
// host's loopback (through the gateway address, which reaches the host's loopback) and checks
// their checksums; the host fetches pages from busybox httpd in the guest through a hostfwd
// port, once with a large body and 1,000 times in a row; and a file goes up through the
// forwarded port too. QEMU's spelling at -smp 2, and the refusals: a forwarded port that is
// taken, and a missing passt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { imagesDir, SerialSession } from './serial.mjs';
import { HARTVM } from '../guest/harness.mjs';

const images = imagesDir();
const PROMPT = '~ # ';
const boot = (...args) => ['-bios', path.join(images, 'fw_dynamic.bin'), '-kernel', path.join(images, 'Image'),
  '-initrd', path.join(images, 'rootfs.cpio.gz'), '-no-reboot', ...args];
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const MIB = 1024 * 1024;
/** Bytes each way in the large transfers. */
const LARGE = 50 * MIB;

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve) => {
    const s = createTcpServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** An HTTP server on 127.0.0.1 serving `files` (path -> bytes); resolves to it and its port. */
function hostServer(files) {
  const server = createServer((req, res) => {
    const body = files.get(req.url);
    if (!body) { res.statusCode = 404; res.end(); return; }
    res.setHeader('content-length', body.length);
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port })));
}

/**
 * A TCP server on 127.0.0.1 that takes `expected` bytes on a connection and then closes it;
 * resolves to it, its port, and a promise of what the first connection brought.
 */
function hostSink(expected) {
  let done;
  const received = new Promise((resolve) => { done = resolve; });
  const server = createTcpServer((socket) => {
    const hash = createHash('sha256');
    let bytes = 0;
    socket.on('data', (d) => {
      hash.update(d);
      bytes += d.length;
      if (bytes >= expected) socket.end();
    });
    socket.on('close', () => done({ bytes, sha256: hash.digest('hex') }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port, received })));
}

/** GET http://127.0.0.1:port/path with a fresh connection; resolves to the body. */
async function fetchBody(port, urlPath) {
  const res = await fetch(`http://127.0.0.1:${port}${urlPath}`, { headers: { connection: 'close' } });
  assert.equal(res.status, 200, `GET ${urlPath}: status ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

test('--nic user,hostfwd=...: DHCP, files both ways with their checksums, 1,000 requests through the forwarded port', { timeout: 1200000 }, async () => {
  const blob = randomBytes(LARGE);
  const { server, port: hostPort } = await hostServer(new Map([['/blob', blob], ['/small', Buffer.from('from the host\n')]]));
  const forwarded = await freePort();
  const guest = new SerialSession(boot('--nic', `user,hostfwd=tcp::${forwarded}-:80`));
  try {
    const ready = await guest.expect('hartvm guest ready', 300000);
    assert.match(ready, /init: eth0 has \d+\.\d+\.\d+\.\d+\/\d+/);
    await guest.expect(PROMPT);
    const gateway = (await guest.run("ip route | awk '/^default/ { print $3 }'")).trim();
    assert.match(gateway, /^\d+\.\d+\.\d+\.\d+$/, 'a default route through the gateway');

    // the guest fetches from the host's loopback, through the gateway (short command lines: the
    // shell's line editing wraps long ones)
    await guest.run(`H=http://${gateway}:${hostPort}`);
    assert.equal(await guest.run('wget -q -O - $H/small'), 'from the host\n');
    await guest.run('wget -q -O /tmp/blob $H/blob', PROMPT, 600000);
    const got = await guest.run('sha256sum /tmp/blob; rm /tmp/blob', PROMPT, 300000);
    assert.equal(got.split(' ')[0], sha256(blob), 'the guest has the host\'s file, byte for byte');

    // the guest serves, the host fetches through the forwarded port
    await guest.run('mkdir -p /www; echo hello from the guest >/www/index.html');
    await guest.run('dd if=/dev/urandom of=/www/large bs=1M count=50 2>/dev/null', PROMPT, 300000);
    await guest.run('httpd -p 80 -h /www');
    const guestSum = (await guest.run('sha256sum /www/large', PROMPT, 300000)).split(' ')[0];
    assert.equal((await fetchBody(forwarded, '/index.html')).toString(), 'hello from the guest\n');
    assert.equal(sha256(await fetchBody(forwarded, '/large')), guestSum, 'the host has the guest\'s file, byte for byte');
    for (let i = 0; i < 1000; i++) {
      assert.equal((await fetchBody(forwarded, '/index.html')).toString(), 'hello from the guest\n', `request ${i + 1} of 1,000`);
    }

    // and up from the guest to the host, over a plain connection
    const sink = await hostSink(LARGE);
    try {
      await guest.run(`nc ${gateway} ${sink.port} </www/large`, PROMPT, 600000);
      assert.deepEqual(await sink.received, { bytes: LARGE, sha256: guestSum });
    } finally {
      sink.server.close();
    }

    guest.send('poweroff\n');
    assert.equal(await guest.exited, 0, guest.stderr);
    assert.equal(guest.stderr, '');
  } finally {
    guest.kill();
    server.close();
  }
});

test('QEMU\'s -netdev user with -device virtio-net-device at -smp 2: DHCP and a forwarded port', { timeout: 600000 }, async () => {
  const forwarded = await freePort();
  const guest = new SerialSession(boot('-smp', '2', '-netdev', `user,id=n0,hostfwd=tcp:127.0.0.1:${forwarded}-:8080`,
    '-device', 'virtio-net-device,netdev=n0'));
  try {
    assert.match(await guest.expect('hartvm guest ready', 300000), /init: eth0 has \d+\.\d+\.\d+\.\d+\/\d+/);
    await guest.expect(PROMPT);
    await guest.run('mkdir -p /www; echo smp >/www/index.html; httpd -p 8080 -h /www');
    assert.equal((await fetchBody(forwarded, '/index.html')).toString(), 'smp\n');
    guest.send('poweroff\n');
    assert.equal(await guest.exited, 0, guest.stderr);
  } finally {
    guest.kill();
  }
});

test('a forwarded port that is taken, and a missing passt, are one line each and nothing boots', async () => {
  const taken = createTcpServer();
  const port = await new Promise((resolve) => taken.listen(0, '127.0.0.1', () => resolve(taken.address().port)));
  try {
    const r = spawnSync(process.execPath, [HARTVM, 'boot', '--nic', `user,hostfwd=tcp::${port}-:22`], { encoding: 'utf8', timeout: 60000 });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `hartvm: hostfwd=tcp:127.0.0.1:${port}-:22: port ${port} on 127.0.0.1 is in use\n`);
  } finally {
    taken.close();
  }
  const r = spawnSync(process.execPath, [HARTVM, 'boot', '-nic', 'user'], { encoding: 'utf8', timeout: 60000, env: { ...process.env, PATH: '/nonexistent' } });
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'hartvm: user networking needs passt, which is not installed (Debian\'s package passt: npm run setup installs it)\n');
});

test('passt ends with hartvm, however hartvm ends', { timeout: 300000 }, async () => {
  const guest = new SerialSession(boot('--nic', 'user'));
  const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
  try {
    await guest.expect('hartvm guest ready', 300000);
    // (Debian's passt runs passt.avx2 where the CPU has it)
    const children = spawnSync('pgrep', ['-P', String(guest.child.pid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
    const passt = children.filter((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('passt'));
    assert.equal(passt.length, 1, 'passt runs while the guest does');
    guest.kill(); // SIGKILL: no exit handler of hartvm's runs
    await guest.exited;
    for (let i = 0; i < 50 && alive(passt[0]); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(alive(passt[0]), false, 'passt ended when its socket closed');
  } finally {
    guest.kill();
  }
});
