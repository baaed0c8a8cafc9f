// virtio-9p: the 9P2000.L server over a host folder (host/node/folder-share.ts) driven by a
// small client, and the device through the virtio-mmio transport. Every request a shell and a
// build use; nothing outside the folder reachable through "..", names with "/", the host's
// symlinks pointing out, or swaps; readonly=on refusing every change with EROFS; bad messages
// and fids answered with Rlerror; the fid bound; mapped-xattr keeping the guest's owner and
// mode in user.virtfs.* and its symlinks as regular host files.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, statSync, lstatSync, symlinkSync, readlinkSync, existsSync, rmSync, readdirSync, linkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes, createHash } from 'node:crypto';
import { NinePServer, MAX_FIDS } from '../../../dist/devices/virtio/9p/server.js';
import { VirtioNineP } from '../../../dist/devices/virtio/9p/device.js';
import { FsError } from '../../../dist/devices/virtio/9p/backend.js';
import { VirtioMmioTransport } from '../../../dist/devices/virtio/mmio-transport.js';
import { FolderShare } from '../../../dist/host/node/folder-share.js';
import { Client, T, ERRNO, message, Reply, RLERROR } from './ninep-client.mjs';
import { FakeDriver, RecordingSink, makeMemory, REG, F } from './fake-driver.mjs';

const O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_TRUNC = 0o1000, O_APPEND = 0o2000;
const sha = (b) => createHash('sha256').update(b).digest('hex');

/** A scratch directory holding the share and, beside it, a canary outside the share. */
function scratch() {
  const base = mkdtempSync(path.join(tmpdir(), 'hartvm-9p-'));
  const share = path.join(base, 'share');
  mkdirSync(share);
  const canary = path.join(base, 'canary');
  writeFileSync(canary, 'canary\n');
  const before = statSync(canary, { bigint: true });
  return {
    base, share, canary,
    /** the canary's content and times are as they were, and nothing new appeared beside the share */
    untouched() {
      assert.equal(readFileSync(canary, 'utf8'), 'canary\n');
      const now = statSync(canary, { bigint: true });
      assert.equal(now.mtimeNs, before.mtimeNs);
      assert.equal(now.mode, before.mode);
      assert.equal(now.size, before.size);
      assert.deepEqual(readdirSync(base).sort(), ['canary', 'share']);
    },
    cleanup() { rmSync(base, { recursive: true, force: true }); },
  };
}

async function mount(dir, options = {}) {
  const backend = new FolderShare(dir, options);
  const server = new NinePServer(backend, options);
  const client = new Client((m) => server.handle(m));
  const v = await client.version();
  assert.equal(v.version, '9P2000.L');
  await client.attach(0);
  return { client, server, backend };
}

async function expectErrno(promise, errno) {
  await assert.rejects(promise, (e) => { assert.equal(e.errno, errno, `errno ${e.errno}, expected ${errno}`); return true; });
}

test('version: msize is capped at 512 KiB; an unknown version is answered "unknown"', async () => {
  const s = scratch();
  try {
    const server = new NinePServer(new FolderShare(s.share));
    const c = new Client((m) => server.handle(m));
    assert.deepEqual(await c.version(8 * 1024 * 1024), { msize: 512 * 1024, version: '9P2000.L' });
    assert.deepEqual(await c.version(8192), { msize: 8192, version: '9P2000.L' });
    const r = await c.rpc(T.version, [['u32', 8192], ['s', '9P2000.u']]);
    r.u32();
    assert.equal(r.s(), 'unknown');
  } finally { s.cleanup(); }
});

test('create, write, read, getattr, readdir, fsync: the file is on the host with the bytes written', async () => {
  const s = scratch();
  try {
    const { client: c } = await mount(s.share);
    const dir = await c.walk(0, []);
    const qid = await c.lcreate(dir.fid, 'hello.txt', O_RDWR, 0o640);
    assert.equal(qid.type, 0);
    const data = randomBytes(300000);
    let at = 0;
    while (at < data.length) at += await c.write(dir.fid, at, data.subarray(at, at + 65536));
    await c.fsync(dir.fid);
    assert.equal(sha(readFileSync(path.join(s.share, 'hello.txt'))), sha(data));
    assert.equal(statSync(path.join(s.share, 'hello.txt')).mode & 0o777, 0o640);
    const back = [];
    for (let off = 0; ; ) {
      const piece = await c.read(dir.fid, off, 100000);
      if (piece.length === 0) break;
      back.push(piece);
      off += piece.length;
    }
    assert.equal(sha(Buffer.concat(back)), sha(data));
    const a = await c.getattr(dir.fid);
    assert.equal(a.size, BigInt(data.length));
    assert.equal(a.mode, 0o100640);
    await c.clunk(dir.fid);
    // files made on the host show in the guest's readdir, in small reads too
    for (let i = 0; i < 50; i++) writeFileSync(path.join(s.share, `host-${i}`), `${i}`);
    const d = await c.walk(0, []);
    await c.lopen(d.fid, O_RDONLY);
    const names = await c.readdir(d.fid, 200);
    assert.deepEqual(names.sort(), ['.', '..', 'hello.txt', ...Array.from({ length: 50 }, (_, i) => `host-${i}`)].sort());
    const f = await c.walk(0, ['host-7']);
    await c.lopen(f.fid, O_RDONLY);
    assert.equal(Buffer.from(await c.read(f.fid, 0, 100)).toString(), '7');
  } finally { s.cleanup(); }
});

test('mkdir, symlink, readlink, link, rename (fids follow), unlink, rmdir, setattr, statfs', async () => {
  const s = scratch();
  try {
    const { client: c } = await mount(s.share);
    await c.mkdir(0, 'a');
    const a = await c.walk(0, ['a']);
    await c.mkdir(a.fid, 'b', 0o700);
    assert.ok(statSync(path.join(s.share, 'a/b')).isDirectory());
    // the guest's modes exactly, whatever this process's umask
    await c.mkdir(a.fid, 'open', 0o777);
    assert.equal(statSync(path.join(s.share, 'a/open')).mode & 0o7777, 0o777);
    const g = await c.walk(a.fid, []);
    await c.lcreate(g.fid, 'shared', O_RDWR, 0o2666);
    assert.equal(statSync(path.join(s.share, 'a/shared')).mode & 0o7777, 0o2666);
    // a file there already (the guest did not know) is opened as it is
    writeFileSync(path.join(s.share, 'a/there'), 'old', { mode: 0o600 });
    const h = await c.walk(a.fid, []);
    await c.lcreate(h.fid, 'there', O_RDWR, 0o777);
    assert.equal(Buffer.from(await c.read(h.fid, 0, 10)).toString(), 'old');
    assert.equal(statSync(path.join(s.share, 'a/there')).mode & 0o7777, 0o600);
    await c.unlinkat(a.fid, 'open', 0x200);
    await c.unlinkat(a.fid, 'shared');
    await c.unlinkat(a.fid, 'there');
    const sym = await c.symlink(a.fid, 'abs', '/etc/passwd');
    assert.equal(sym.type, 2);
    assert.equal(readlinkSync(path.join(s.share, 'a/abs')), '/etc/passwd');
    const l = await c.walk(a.fid, ['abs']);
    assert.equal(await c.readlink(l.fid), '/etc/passwd');
    const b = await c.walk(a.fid, ['b']);
    const f = await c.walk(b.fid, []);
    await c.lcreate(f.fid, 'file', O_WRONLY);
    await c.write(f.fid, 0, Buffer.from('content'));
    await c.link(a.fid, f.fid, 'hard');
    assert.equal(statSync(path.join(s.share, 'a/hard')).nlink, 2);
    // rename a directory: a fid below it names the same file afterwards
    const deep = await c.walk(0, ['a', 'b', 'file']);
    await c.renameat(0, 'a', 0, 'z');
    assert.ok(existsSync(path.join(s.share, 'z/b/file')) && !existsSync(path.join(s.share, 'a')));
    assert.equal((await c.getattr(deep.fid)).size, 7n);
    await c.rename(deep.fid, 0, 'moved');
    assert.equal(readFileSync(path.join(s.share, 'moved'), 'utf8'), 'content');
    // setattr: mode, size, times
    await c.setattr(deep.fid, { valid: 0x1 | 0x8 | 0x20 | 0x100, mode: 0o600, size: 3, mtime: 1000000000 });
    const st = statSync(path.join(s.share, 'moved'));
    assert.equal(st.mode & 0o777, 0o600);
    assert.equal(st.size, 3);
    assert.equal(Math.round(st.mtimeMs / 1000), 1000000000);
    await c.unlinkat(0, 'moved');
    assert.ok(!existsSync(path.join(s.share, 'moved')));
    await expectErrno(c.unlinkat(0, 'z', 0x200), ERRNO.ENOTEMPTY);
    await c.unlinkat(await c.walk(0, ['z']).then((w) => w.fid), 'hard');
    await c.unlinkat(await c.walk(0, ['z']).then((w) => w.fid), 'abs');
    await c.unlinkat(await c.walk(0, ['z']).then((w) => w.fid), 'b', 0x200);
    await c.unlinkat(0, 'z', 0x200);
    assert.deepEqual(readdirSync(s.share), []);
    const fs = await c.statfs(0);
    assert.equal(fs.type, 0x01021997);
    assert.ok(fs.bsize > 0 && fs.blocks > 0n);
    // an open file stays readable and its attributes known once unlinked
    const t = await c.walk(0, []);
    await c.lcreate(t.fid, 'tmp', O_RDWR);
    await c.write(t.fid, 0, Buffer.from('xyz'));
    await c.unlinkat(0, 'tmp');
    assert.equal((await c.getattr(t.fid)).size, 3n);
    assert.equal(Buffer.from(await c.read(t.fid, 0, 10)).toString(), 'xyz');
    await c.setattr(t.fid, { valid: 0x1 | 0x8, mode: 0o600, size: 1 }); // through the open file
    const ta = await c.getattr(t.fid);
    assert.deepEqual([ta.size, ta.mode], [1n, 0o100600]);
    // append
    const ap = await c.walk(0, []);
    await c.lcreate(ap.fid, 'log', O_WRONLY | O_APPEND);
    await c.write(ap.fid, 0, Buffer.from('one '));
    await c.write(ap.fid, 0, Buffer.from('two'));
    assert.equal(readFileSync(path.join(s.share, 'log'), 'utf8'), 'one two');
    s.untouched();
  } finally { s.cleanup(); }
});

test('confinement: "..", names with "/", the host\'s symlinks out, hard links and renames: nothing outside changes', async () => {
  const s = scratch();
  try {
    // the host has put symlinks out of the folder in it
    symlinkSync(s.canary, path.join(s.share, 'to-canary'));
    symlinkSync(s.base, path.join(s.share, 'to-base'));
    symlinkSync('../canary', path.join(s.share, 'relative-out'));
    mkdirSync(path.join(s.share, 'd'));
    const { client: c } = await mount(s.share);
    const root = await c.getattr(0);
    // ".." at the root stays at the root, also many of them
    const up = await c.walk(0, ['..', '..', '..']);
    assert.deepEqual(up.qids.at(-1), root.qid);
    const upFromD = await c.walk(0, ['d', '..', '..', '..']);
    assert.deepEqual(upFromD.qids.at(-1), root.qid);
    // names with "/", empty, or too long are refused
    await expectErrno(c.walk(0, ['../canary']), ERRNO.EINVAL);
    await expectErrno(c.walk(0, ['d/../../canary']), ERRNO.EINVAL);
    await expectErrno(c.walk(0, ['']), ERRNO.EINVAL);
    await expectErrno(c.walk(0, ['x'.repeat(256)]), ERRNO.ENAMETOOLONG);
    await expectErrno(c.lcreate((await c.walk(0, [])).fid, '../escape'), ERRNO.EINVAL);
    await expectErrno(c.mkdir(0, '..'), ERRNO.EINVAL);
    await expectErrno(c.renameat(0, 'd', 0, '../d'), ERRNO.EINVAL);
    // a symlink is walked to as itself, never through
    const link = await c.walk(0, ['to-base']);
    assert.equal(link.qids[0].type, 2);
    const through = await c.walk(0, ['to-base', 'canary']);
    assert.equal(through.qids.length, 1, 'the walk stops at the symlink');
    await expectErrno(c.walk(0, ['to-base', 'canary']).then(() => c.getattr(through.fid)), ERRNO.EBADF);
    // opening, truncating, chmod-ing, timing a symlink to the canary leaves the canary alone
    const tc = await c.walk(0, ['to-canary']);
    await expectErrno(c.lopen(tc.fid, O_RDONLY), ERRNO.ELOOP);
    await expectErrno(c.lopen(tc.fid, O_WRONLY | O_TRUNC), ERRNO.ELOOP);
    await c.setattr(tc.fid, { valid: 0x1 | 0x20 | 0x100, mode: 0o777, mtime: 12345 }).catch(() => {});
    await expectErrno(c.setattr(tc.fid, { valid: 0x8, size: 0 }), ERRNO.EINVAL);
    const rel = await c.walk(0, ['relative-out']);
    await expectErrno(c.lopen(rel.fid, O_RDWR), ERRNO.ELOOP);
    // creating over a symlink does not follow it
    await expectErrno(c.lcreate((await c.walk(0, [])).fid, 'to-canary', O_WRONLY | O_TRUNC), ERRNO.ELOOP);
    // mkdir and create through the symlinked directory are not possible: the walk stops
    assert.equal((await c.walk(0, ['to-base', 'share', 'canary'])).qids.length, 1);
    // a hard link of the symlink is a link to the symlink, inside the share
    await c.link(0, tc.fid, 'link-of-link');
    assert.ok(lstatSync(path.join(s.share, 'link-of-link')).isSymbolicLink());
    assert.equal(statSync(s.canary).nlink, 1);
    // rename over the symlink replaces the symlink, not the canary
    const m = await c.walk(0, []);
    await c.lcreate(m.fid, 'new', O_WRONLY);
    await c.write(m.fid, 0, Buffer.from('not the canary'));
    await c.renameat(0, 'new', 0, 'to-canary');
    assert.equal(readFileSync(path.join(s.share, 'to-canary'), 'utf8'), 'not the canary');
    // a directory swapped for a symlink out between walks is not followed
    const d = await c.walk(0, ['d']);
    rmSync(path.join(s.share, 'd'), { recursive: true });
    symlinkSync(s.base, path.join(s.share, 'd'));
    await expectErrno(c.lcreate(d.fid, 'canary', O_WRONLY | O_TRUNC), ERRNO.ENOTDIR);
    await expectErrno(c.mkdir(d.fid, 'x'), ERRNO.ENOTDIR);
    await expectErrno(c.unlinkat(d.fid, 'canary'), ERRNO.ENOTDIR);
    const dir = await c.walk(d.fid, []);
    await expectErrno(c.lopen(dir.fid, O_RDONLY), ERRNO.ELOOP);
    s.untouched();
  } finally { s.cleanup(); }
});

test('readonly=on: every change is EROFS; reading works', async () => {
  const s = scratch();
  try {
    writeFileSync(path.join(s.share, 'f'), 'data');
    mkdirSync(path.join(s.share, 'd'));
    const { client: c } = await mount(s.share, { readOnly: true });
    const f = await c.walk(0, ['f']);
    await expectErrno(c.lopen(f.fid, O_WRONLY), ERRNO.EROFS);
    await expectErrno(c.lopen(f.fid, O_RDONLY | O_TRUNC), ERRNO.EROFS);
    await c.lopen(f.fid, O_RDONLY);
    assert.equal(Buffer.from(await c.read(f.fid, 0, 10)).toString(), 'data');
    await expectErrno(c.write(f.fid, 0, Buffer.from('x')), ERRNO.EROFS);
    await expectErrno(c.lcreate((await c.walk(0, [])).fid, 'new'), ERRNO.EROFS);
    await expectErrno(c.mkdir(0, 'new'), ERRNO.EROFS);
    await expectErrno(c.symlink(0, 'new', 'f'), ERRNO.EROFS);
    await expectErrno(c.link(0, (await c.walk(0, ['f'])).fid, 'new'), ERRNO.EROFS);
    await expectErrno(c.renameat(0, 'f', 0, 'g'), ERRNO.EROFS);
    await expectErrno(c.rename((await c.walk(0, ['f'])).fid, 0, 'g'), ERRNO.EROFS);
    await expectErrno(c.unlinkat(0, 'f'), ERRNO.EROFS);
    await expectErrno(c.unlinkat(0, 'd', 0x200), ERRNO.EROFS);
    await expectErrno(c.setattr((await c.walk(0, ['f'])).fid, { valid: 0x1, mode: 0o777 }), ERRNO.EROFS);
    await expectErrno(c.ok(T.mknod, [['u32', 0], ['s', 'n'], ['u32', 0o100644], ['u32', 0], ['u32', 0], ['u32', 0]]), ERRNO.EROFS);
    const r = (await c.walk(0, ['f'])).fid;
    await expectErrno(c.ok(T.remove, [['u32', r]]), ERRNO.EROFS);
    await expectErrno(c.getattr(r), ERRNO.EBADF); // Tremove clunks its fid even when it fails
    assert.equal(readFileSync(path.join(s.share, 'f'), 'utf8'), 'data');
    assert.deepEqual(readdirSync(s.share).sort(), ['d', 'f']);
  } finally { s.cleanup(); }
});

test('bad messages and fids: Rlerror, never an exception; the fid bound', async () => {
  const s = scratch();
  try {
    const { client: c, server } = await mount(s.share);
    const raw = async (bytes) => new Reply(await server.handle(bytes));
    assert.equal((await raw(Uint8Array.of(1, 2, 3))).errno, ERRNO.EPROTO);
    // a size field that says more than was sent
    const m = message(T.getattr, 9, [['u32', 0], ['u64', 0x7ff]]);
    new DataView(m.buffer).setUint32(0, 1000, true);
    assert.equal((await raw(m)).errno, ERRNO.EPROTO);
    // fields cut short
    assert.equal((await raw(message(T.walk, 9, [['u32', 0], ['u32', 5], ['u16', 3], ['s', 'a']]))).errno, ERRNO.EPROTO);
    assert.equal((await raw(message(T.walk, 9, [['u32', 0], ['u32', 5], ['u16', 17]]))).errno, ERRNO.EINVAL);
    // a string that is not UTF-8
    assert.equal((await raw(message(T.walk, 9, [['u32', 0], ['u32', 5], ['u16', 1], ['u16', 2], ['d', Uint8Array.of(0xff, 0xfe)]]))).errno, ERRNO.EPROTO);
    assert.equal((await raw(message(T.getattr, 9, [['u32', 12345], ['u64', 0x7ff]]))).errno, ERRNO.EBADF);
    assert.equal((await raw(message(112 /* Topen, 9P2000 */, 9, [['u32', 0], ['u8', 0]]))).errno, ERRNO.EOPNOTSUPP);
    assert.equal((await raw(message(255, 9, []))).errno, ERRNO.EOPNOTSUPP);
    assert.equal((await c.walk(0, [], 0)).qids.length, 0); // newfid = fid, nothing walked: allowed
    await expectErrno(c.walk(0, ['nothing']), ERRNO.ENOENT);
    await expectErrno(c.read(0, 0, 10), ERRNO.EBADF);
    assert.equal((await c.rpc(T.xattrwalk, [['u32', 0], ['u32', 77], ['s', 'user.x']])).errno, ERRNO.EOPNOTSUPP);
    // fids are bounded
    for (let i = server.fidCount; i < MAX_FIDS; i++) await c.walk(0, []);
    await expectErrno(c.walk(0, []), ERRNO.EMFILE);
    // flush of a request that is not in flight, and of one that is
    assert.equal((await c.rpc(T.flush, [['u16', 4321]])).type, T.flush + 1);
  } finally { s.cleanup(); }
});

test('mapped-xattr: the guest\'s owner and mode in user.virtfs.*, host files private, symlinks as regular files', async () => {
  const s = scratch();
  try {
    const { client: c } = await mount(s.share, { securityModel: 'mapped-xattr' });
    const d = await c.walk(0, []);
    await c.ok(T.lcreate, [['u32', d.fid], ['s', 'f'], ['u32', O_RDWR], ['u32', 0o4755], ['u32', 1234]]);
    assert.equal(statSync(path.join(s.share, 'f')).mode & 0o7777, 0o600);
    const a = await c.getattr(d.fid);
    assert.equal(a.mode, 0o104755);
    assert.equal(a.gid, 1234);
    await c.setattr(d.fid, { valid: 0x1 | 0x2, mode: 0o640, uid: 4321 });
    const b = await c.getattr((await c.walk(0, ['f'])).fid);
    assert.equal(b.mode, 0o100640);
    assert.equal(b.uid, 4321);
    assert.equal(statSync(path.join(s.share, 'f')).mode & 0o7777, 0o600);
    await c.symlink(0, 'ln', '/etc/shadow');
    assert.ok(lstatSync(path.join(s.share, 'ln')).isFile());
    const l = await c.walk(0, ['ln']);
    assert.equal(l.qids[0].type, 2);
    assert.equal(await c.readlink(l.fid), '/etc/shadow');
    assert.equal((await c.getattr(l.fid)).mode & 0o170000, 0o120000);
    await c.mkdir(0, 'dir', 0o755);
    assert.equal(statSync(path.join(s.share, 'dir')).mode & 0o777, 0o700);
    assert.equal((await c.getattr((await c.walk(0, ['dir'])).fid)).mode, 0o40755);
    const dd = await c.walk(0, []);
    await c.lopen(dd.fid, O_RDONLY);
    assert.deepEqual((await c.readdir(dd.fid)).sort(), ['.', '..', 'dir', 'f', 'ln']);
    s.untouched();
  } finally { s.cleanup(); }
});

test('the device: id 9, the mount tag in its configuration, requests answered through the queue', async () => {
  const s = scratch();
  try {
    writeFileSync(path.join(s.share, 'hello'), 'hello from the host');
    const memory = makeMemory();
    const device = new VirtioNineP(new NinePServer(new FolderShare(s.share)), 'hostshare');
    const transport = new VirtioMmioTransport(device, memory, new RecordingSink(), 3);
    const driver = new FakeDriver(transport, memory);
    assert.equal(driver.r32(REG.DEVICE_ID), 9);
    assert.equal(driver.deviceFeatures(), F.VERSION_1 | F.INDIRECT_DESC | 1n);
    const config = [...Array(11)].map((_, i) => Number(transport.read(REG.CONFIG + i, 1)));
    assert.deepEqual(config, [9, 0, ...Buffer.from('hostshare')]);
    driver.init();
    let tag = 1;
    const send = async (bytes) => {
      const room = 8192;
      const replyAt = driver.alloc(room);
      // the T-message split over two descriptors, as a zero-copy write is
      const cut = Math.min(7, bytes.length);
      driver.submit(0, [
        { addr: driver.buffer(bytes.subarray(0, cut)), len: cut },
        ...(bytes.length > cut ? [{ addr: driver.buffer(bytes.subarray(cut)), len: bytes.length - cut }] : []),
        { addr: replyAt, len: room, write: true },
      ]);
      for (let i = 0; i < 1000; i++) {
        const used = driver.takeUsed(0);
        if (used.length) return Uint8Array.from(driver.read(replyAt, used[0].len));
        await new Promise((r) => setTimeout(r, 1));
      }
      throw new Error('no reply');
    };
    const c = new Client(send);
    c.tag = tag;
    await c.version(65536);
    await c.attach(0);
    const f = await c.walk(0, ['hello']);
    await c.lopen(f.fid, O_RDONLY);
    assert.equal(Buffer.from(await c.read(f.fid, 0, 100000)).toString(), 'hello from the host');
    assert.throws(() => new VirtioNineP(new NinePServer(new FolderShare(s.share)), ''), /mount tag/);
  } finally { s.cleanup(); }
});

test('a slow host file system holds no one: other requests are answered meanwhile, and Tflush waits for the request it names', async () => {
  const s = scratch();
  try {
    writeFileSync(path.join(s.share, 'fast'), 'fast');
    const folder = new FolderShare(s.share);
    // stat of "slow" hangs until released, as a file on a stalled network file system would
    let release;
    const stalled = new Promise((resolve) => { release = resolve; });
    const backend = Object.create(folder);
    backend.stat = async (p) => { if (p.at(-1) === 'slow') { await stalled; throw new FsError(ERRNO.ENOENT); } return folder.stat(p); };
    const server = new NinePServer(backend);
    const c = new Client((m) => server.handle(m));
    await c.version();
    await c.attach(0);
    const order = [];
    const slow = c.rpc(T.walk, [['u32', 0], ['u32', 50], ['u16', 1], ['s', 'slow']]).then((r) => { order.push('slow'); return r; });
    const slowTag = c.tag - 1;
    const flush = c.rpc(T.flush, [['u16', slowTag]]).then((r) => { order.push('flush'); return r; });
    const f = await c.walk(0, ['fast']);
    await c.lopen(f.fid, O_RDONLY);
    assert.equal(Buffer.from(await c.read(f.fid, 0, 10)).toString(), 'fast');
    order.push('fast');
    release();
    assert.equal((await slow).errno, ERRNO.ENOENT);
    assert.equal((await flush).type, T.flush + 1);
    assert.deepEqual(order, ['fast', 'slow', 'flush']);
  } finally { s.cleanup(); }
});

test('the device: a reply that comes after the driver reset the device is dropped; the request after the reset is answered', async () => {
  const s = scratch();
  try {
    const folder = new FolderShare(s.share);
    let release;
    const stalled = new Promise((resolve) => { release = resolve; });
    const backend = Object.create(folder);
    backend.stat = async (p) => { if (p.at(-1) === 'slow') await stalled; return folder.stat(p); };
    const memory = makeMemory();
    const device = new VirtioNineP(new NinePServer(backend), 'tag');
    const errors = [];
    const transport = new VirtioMmioTransport(device, memory, new RecordingSink(), 3, { onDeviceError: (m) => errors.push(m) });
    const driver = new FakeDriver(transport, memory);
    driver.init();
    const ask = (bytes) => {
      const replyAt = driver.alloc(4096);
      driver.submit(0, [{ addr: driver.buffer(bytes), len: bytes.length }, { addr: replyAt, len: 4096, write: true }]);
      return replyAt;
    };
    ask(message(T.version, 0xffff, [['u32', 65536], ['s', '9P2000.L']]));
    ask(message(T.attach, 1, [['u32', 0], ['u32', 0xffffffff], ['s', 'root'], ['s', ''], ['u32', 0]]));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(driver.takeUsed(0).length, 2);
    const stale = ask(message(T.walk, 2, [['u32', 0], ['u32', 1], ['u16', 1], ['s', 'slow']]));
    driver.put(stale, new Uint8Array(16).fill(0xee));
    driver.init(); // the driver resets the device and sets it up anew
    release();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(driver.takeUsed(0).length, 0, 'nothing from before the reset');
    assert.deepEqual([...driver.read(stale, 16)], new Array(16).fill(0xee), 'the old buffer untouched');
    const at = ask(message(T.version, 0xffff, [['u32', 65536], ['s', '9P2000.L']]));
    await new Promise((r) => setTimeout(r, 50));
    const used = driver.takeUsed(0);
    assert.equal(used.length, 1);
    assert.equal(new Reply(Uint8Array.from(driver.read(at, used[0].len))).type, T.version + 1);
    assert.deepEqual(errors, []);
  } finally { s.cleanup(); }
});

test('random and truncated messages: every one answered with a well-formed reply of its tag, nothing thrown, nothing outside changed', async () => {
  const s = scratch();
  try {
    writeFileSync(path.join(s.share, 'f'), 'data');
    const { client: c, server } = await mount(s.share);
    await c.walk(0, ['f'], 1);
    let seed = 12345;
    const random = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
    const types = Object.values(T);
    for (let i = 0; i < 3000; i++) {
      const type = i % 3 === 0 ? random() & 0xff : types[random() % types.length];
      if (type === T.version) continue; // (it would start a new session: fine, but it ends this test's fids)
      const body = Uint8Array.from({ length: random() % 40 }, () => random() & 0xff);
      // fids 0 and 1 mostly, so that requests get past the fid lookup
      if (body.length >= 4 && i % 2 === 0) body.set([random() % 2, 0, 0, 0], 0);
      const tag = i & 0x7fff;
      const bytes = message(type, tag, [['d', body]]);
      const r = new Reply(await server.handle(bytes));
      assert.equal(r.size, r.bytes.length);
      assert.equal(r.tag, tag);
      assert.ok(r.type === RLERROR || r.type === type + 1, `type ${type}: reply ${r.type}`);
    }
    s.untouched();
  } finally { s.cleanup(); }
});
