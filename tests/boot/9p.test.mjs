// Host folders shared over virtio-9p, through Linux's v9fs (mount -t 9p -o trans=virtio,
// version=9p2000.L) driven on the serial console. At -smp 4 with QEMU's -virtfs: trees made on
// either side found on the other with their contents, a large file's checksum both ways, renames
// and unlinks seen on both sides, a tar round trip of the project's guest/ folder, four writers
// at once, fsync, flock and statfs; every escape attempt fails and the canary beside the share
// keeps its content and mtime. QEMU's -fsdev and -device virtio-9p-device spelling with
// readonly=on (every change EROFS, nothing on the host changes) beside a mapped-xattr share.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
  cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, statSync,
  symlinkSync, unlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { imagesDir, SerialSession } from './serial.mjs';

const images = imagesDir();
const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const boot = (...args) => ['-bios', path.join(images, 'fw_dynamic.bin'), '-kernel', path.join(images, 'Image'),
  '-initrd', path.join(images, 'rootfs.cpio.gz'), '-no-reboot', ...args];
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const MIB = 1024 * 1024;
const MOUNT = 'mount -t 9p -o trans=virtio,version=9p2000.L';

/** A scratch folder holding the share and, beside it, a canary outside the share. */
function scratch() {
  const base = mkdtempSync(path.join(tmpdir(), 'hartvm-9p-boot-'));
  const share = path.join(base, 'share');
  mkdirSync(share);
  const canary = path.join(base, 'canary');
  writeFileSync(canary, 'canary\n');
  const before = statSync(canary, { bigint: true });
  return {
    base, share, canary,
    untouched() {
      assert.equal(readFileSync(canary, 'utf8'), 'canary\n', 'the canary\'s content');
      const now = statSync(canary, { bigint: true });
      assert.equal(now.mtimeNs, before.mtimeNs, 'the canary\'s mtime');
      assert.equal(now.nlink, 1n, 'no hard link to the canary');
      assert.deepEqual(readdirSync(base).sort(), ['canary', 'share'], 'nothing new beside the share');
    },
    cleanup() { rmSync(base, { recursive: true, force: true }); },
  };
}

/** Every file below `dir`: relative path -> sha256 of a file, '-> target' of a symlink, 'dir' of a directory. */
function tree(dir) {
  const out = new Map();
  const walk = (rel) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const r = path.join(rel, name), full = path.join(dir, r);
      const st = lstatSync(full);
      if (st.isSymbolicLink()) out.set(r, `-> ${readlinkSync(full)}`);
      else if (st.isDirectory()) { out.set(r, 'dir'); walk(r); } else out.set(r, `${sha256(readFileSync(full))} ${(st.mode & 0o111) ? 'x' : '-'}`);
    }
  };
  walk('');
  return out;
}

let commands = 0;
/**
 * Runs a shell command in the guest; resolves to what it printed (its exit status too with
 * `status`). Markers around it (typed split, so the echoed line does not match them) find its
 * output however the terminal wraps the echoed command.
 */
async function sh(guest, command, timeoutMs = 120000, { status = false } = {}) {
  const id = ++commands;
  guest.send(`echo "__S""${id}__"; ${command}; echo "__E""${id}__:$?"\n`);
  await guest.expect(`__S${id}__\r\n`, timeoutMs);
  const text = await guest.expect(new RegExp(`__E${id}__:(\\d+)`), timeoutMs);
  const out = text.replace(/__E\d+__:\d+$/, '').replace(/\r/g, '');
  const code = Number(/:(\d+)$/.exec(text)[1]);
  return status ? { out, code } : out;
}

/** `sha256sum` lines as path -> hash. */
function sums(text) {
  return new Map(text.trim().split('\n').filter(Boolean).map((l) => { const [hash, file] = l.trim().split(/\s+/); return [file, hash]; }));
}

test('-virtfs at -smp 4: trees, a large file both ways, rename, unlink, tar of guest/, four writers at once; no escape', { timeout: 1200000 }, async () => {
  const s = scratch();
  // what the host puts in the share before the guest boots
  const fromHost = new Map();
  for (let i = 0; i < 24; i++) {
    const rel = `from-host/d${i % 3}/e${i % 2}/file-${i}`;
    const bytes = randomBytes(1 + i * 997);
    mkdirSync(path.dirname(path.join(s.share, rel)), { recursive: true });
    writeFileSync(path.join(s.share, rel), bytes);
    fromHost.set(rel, sha256(bytes));
  }
  const bigHost = randomBytes(32 * MIB);
  writeFileSync(path.join(s.share, 'big-host'), bigHost);
  cpSync(path.join(PROJECT, 'guest'), path.join(s.share, 'project/guest'), { recursive: true, verbatimSymlinks: true });
  // symlinks out of the share, as a careless host might have left them
  symlinkSync(s.canary, path.join(s.share, 'out-absolute'));
  symlinkSync('../canary', path.join(s.share, 'out-relative'));
  symlinkSync(s.base, path.join(s.share, 'out-dir'));

  const guest = new SerialSession(boot('-smp', '4', '-virtfs', `local,path=${s.share},mount_tag=hostshare,security_model=none`));
  try {
    await guest.expect('hartvm guest ready', 300000);
    await guest.expect('~ # ');
    assert.equal(await sh(guest, `mkdir -p /mnt && ${MOUNT} hostshare /mnt && echo mounted`), 'mounted\n');
    assert.match(await sh(guest, 'grep hostshare /proc/mounts'), /hostshare \/mnt 9p .*trans=virtio/);

    // the host's tree, read in the guest
    const seen = sums(await sh(guest, 'cd /mnt && find from-host -type f | sort | xargs sha256sum; cd /'));
    assert.deepEqual(seen, fromHost);
    assert.equal((await sh(guest, 'sha256sum /mnt/big-host', 300000)).split(' ')[0], sha256(bigHost));

    // a tree made in the guest, found on the host
    await sh(guest, 'mkdir -p /mnt/from-guest/x/y/z && for i in $(seq 1 30); do echo "guest file $i" > /mnt/from-guest/x/y/z/f$i; done; '
      + 'echo top > /mnt/from-guest/top; ln -s x/y/z/f1 /mnt/from-guest/link; chmod 750 /mnt/from-guest/x');
    for (let i = 1; i <= 30; i++) assert.equal(readFileSync(path.join(s.share, `from-guest/x/y/z/f${i}`), 'utf8'), `guest file ${i}\n`);
    assert.equal(readlinkSync(path.join(s.share, 'from-guest/link')), 'x/y/z/f1');
    assert.equal(statSync(path.join(s.share, 'from-guest/x')).mode & 0o777, 0o750);
    const bigGuest = (await sh(guest, 'dd if=/dev/urandom of=/mnt/big-guest bs=1M count=32 2>/dev/null && sync && sha256sum /mnt/big-guest', 300000)).split(' ')[0];
    assert.equal(sha256(readFileSync(path.join(s.share, 'big-guest'))), bigGuest);

    // rename and unlink, each side seeing the other's
    await sh(guest, 'mv /mnt/from-guest/x/y/z/f1 /mnt/from-guest/moved && rm /mnt/from-guest/x/y/z/f2 && mv /mnt/from-guest/x/y /mnt/from-guest/yy');
    assert.equal(readFileSync(path.join(s.share, 'from-guest/moved'), 'utf8'), 'guest file 1\n');
    assert.ok(!existsSync(path.join(s.share, 'from-guest/x/y')));
    assert.ok(!existsSync(path.join(s.share, 'from-guest/yy/z/f2')));
    assert.equal(readFileSync(path.join(s.share, 'from-guest/yy/z/f3'), 'utf8'), 'guest file 3\n');
    renameSync(path.join(s.share, 'from-host/d0'), path.join(s.share, 'from-host/renamed-on-host'));
    unlinkSync(path.join(s.share, 'from-host/d1/e1/file-1'));
    assert.equal(await sh(guest, 'ls -1 /mnt/from-host | cat'), 'd1\nd2\nrenamed-on-host\n');
    assert.equal(await sh(guest, 'ls -1 /mnt/from-host/d1/e1 | cat'), 'file-13\nfile-19\nfile-7\n');
    assert.match(await sh(guest, 'cat /mnt/from-host/renamed-on-host/e0/file-0 | wc -c'), /^\s*1\n/);

    // tar round trip of the project's guest/ folder: read from the share, written back into it
    assert.equal(await sh(guest, 'cd /mnt/project && tar cf /tmp/guest.tar guest && mkdir /mnt/tar-out && tar xf /tmp/guest.tar -C /mnt/tar-out && echo tarred; cd /', 600000), 'tarred\n');
    assert.deepEqual(tree(path.join(s.share, 'tar-out/guest')), tree(path.join(PROJECT, 'guest')));
    assert.equal(await sh(guest, 'tar cf /mnt/guest.tar -C /mnt/project guest && mkdir /tmp/back && tar xf /mnt/guest.tar -C /tmp/back && diff -r /tmp/back/guest /mnt/project/guest && echo same'), 'same\n');

    // four harts writing different files at once
    const four = sums(await sh(guest, 'for i in 1 2 3 4; do (dd if=/dev/urandom of=/mnt/w$i bs=64k count=64 2>/dev/null; sha256sum /mnt/w$i > /tmp/w$i.sum) & done; wait; cat /tmp/w1.sum /tmp/w2.sum /tmp/w3.sum /tmp/w4.sum', 300000));
    assert.equal(four.size, 4);
    for (let i = 1; i <= 4; i++) assert.equal(sha256(readFileSync(path.join(s.share, `w${i}`))), four.get(`/mnt/w${i}`), `w${i}`);

    // fsync, locks, statfs
    assert.equal(await sh(guest, 'echo data > /mnt/locked && flock /mnt/locked -c "echo locked" && sync /mnt/locked && echo synced'), 'locked\nsynced\n');
    assert.equal(await sh(guest, 'stat -f -c %t /mnt'), '1021997\n'); // V9FS_MAGIC

    // escapes: each fails, or (a symlink the guest resolves itself) lands in the guest's own namespace
    const escapes = [
      ['fails', 'cat /mnt/out-relative'], // ../canary from /mnt is the guest's /canary: none yet
      ['fails', 'echo pwned > /mnt/out-absolute'], // the host's path does not exist in the guest
      ['fails', 'ls /mnt/out-dir/canary'],
      ['fails', 'echo pwned > /mnt/out-dir/canary'],
      ['fails', 'ln /etc/passwd /mnt/hard-in'], // across the boundary: EXDEV
      ['guest', 'echo pwned > /mnt/out-relative'], // makes the guest's /canary
      ['guest', 'cat /mnt/../canary'],
      ['guest', 'mv /mnt/from-guest/top /mnt/../top-moved-out && ls /top-moved-out'], // a copy into the guest's root
      ['guest', 'ln -s ../canary /mnt/evil-relative && echo pwned > /mnt/evil-relative'],
      ['guest', `mkdir -p ${s.base} && ln -s ${s.canary} /mnt/evil-absolute && echo pwned > /mnt/evil-absolute && cat ${s.canary}`],
      ['guest', 'truncate -s 0 /mnt/out-absolute'],
      ['guest', 'touch -d "2001-01-01" /mnt/out-absolute /mnt/out-relative'],
      ['guest', 'chmod 777 /mnt/out-absolute'],
      ['guest', 'ln /mnt/out-absolute /mnt/hard-to-symlink'], // a hard link to the symlink itself
      ['guest', '(cd /mnt && cd .. && cd .. && ls /canary)'],
    ];
    for (const [expected, command] of escapes) {
      const { out, code } = await sh(guest, `${command} 2>&1`, 120000, { status: true });
      if (expected === 'fails') assert.notEqual(code, 0, `${command}: ${out}`);
      else assert.equal(code, 0, `${command}: ${out}`);
    }
    assert.equal(await sh(guest, 'cat /canary'), 'pwned\n', 'the guest\'s own /canary got what was written through ../canary');
    assert.ok(lstatSync(path.join(s.share, 'hard-to-symlink')).isSymbolicLink());
    assert.ok(!existsSync(path.join(s.share, 'from-guest/top')), 'moved out of the share, into the guest');
    s.untouched();
    // the symlinks out are still symlinks with the same targets
    assert.equal(readlinkSync(path.join(s.share, 'out-absolute')), s.canary);
    assert.equal(readlinkSync(path.join(s.share, 'out-relative')), '../canary');
    // what the guest wrote "through" them went nowhere on the host but inside the share
    assert.equal(readFileSync(s.canary, 'utf8'), 'canary\n');

    assert.equal(await sh(guest, 'umount /mnt && echo unmounted'), 'unmounted\n');
    guest.send('poweroff -f\n');
    await guest.exited;
    s.untouched();
  } finally {
    guest.kill();
    s.cleanup();
  }
});

test('-fsdev with -device virtio-9p-device: readonly=on refuses every change (EROFS); mapped-xattr keeps the guest\'s owners and modes', { timeout: 600000 }, async () => {
  const s = scratch();
  const ro = path.join(s.share, 'ro'), mapped = path.join(s.share, 'mapped');
  mkdirSync(path.join(ro, 'dir'), { recursive: true });
  writeFileSync(path.join(ro, 'file'), 'read only\n');
  mkdirSync(mapped);
  const before = tree(ro);
  const beforeStat = statSync(path.join(ro, 'file'), { bigint: true });
  const guest = new SerialSession(boot(
    '-fsdev', `local,id=r,path=${ro},security_model=none,readonly=on`, '-device', 'virtio-9p-device,fsdev=r,mount_tag=ro',
    '-fsdev', `local,id=m,path=${mapped},security_model=mapped-xattr`, '-device', 'virtio-9p-device,id=dev1,fsdev=m,mount_tag=mapped'));
  try {
    await guest.expect('hartvm guest ready', 300000);
    await guest.expect('~ # ');
    assert.equal(await sh(guest, `mkdir -p /ro /mapped && ${MOUNT} ro /ro && ${MOUNT} mapped /mapped && echo mounted`), 'mounted\n');
    assert.equal(await sh(guest, 'cat /ro/file'), 'read only\n');
    const changes = [
      'touch /ro/new', 'echo x > /ro/file', 'echo x >> /ro/file', 'rm /ro/file', 'mkdir /ro/newdir', 'rmdir /ro/dir', 'mv /ro/file /ro/moved',
      'ln -s file /ro/link', 'ln /ro/file /ro/hard', 'chmod 777 /ro/file', 'truncate -s 0 /ro/file', 'touch /ro/file', 'mknod /ro/fifo p',
    ];
    for (const command of changes) {
      const { out, code } = await sh(guest, `${command} 2>&1`, 120000, { status: true });
      assert.match(out, /Read-only file system/, command);
      assert.notEqual(code, 0, command);
    }
    assert.deepEqual(tree(ro), before);
    assert.equal(statSync(path.join(ro, 'file'), { bigint: true }).mtimeNs, beforeStat.mtimeNs);

    // mapped-xattr: the guest's owner and mode, host files the host user's only
    assert.equal(await sh(guest, 'echo m > /mapped/f && chown 123:456 /mapped/f && chmod 4751 /mapped/f && stat -c "%A %u %g" /mapped/f'), '-rwsr-x--x 123 456\n');
    assert.equal(statSync(path.join(mapped, 'f')).mode & 0o7777, 0o600);
    assert.equal(readFileSync(path.join(mapped, 'f'), 'utf8'), 'm\n');
    assert.equal(await sh(guest, 'ln -s /etc/passwd /mapped/l && readlink /mapped/l'), '/etc/passwd\n');
    assert.ok(lstatSync(path.join(mapped, 'l')).isFile(), 'a guest symlink is a regular file on the host');
    assert.equal(await sh(guest, 'mkdir /mapped/d && chmod 755 /mapped/d && stat -c %a /mapped/d'), '755\n');
    assert.equal(statSync(path.join(mapped, 'd')).mode & 0o777, 0o700);
    guest.send('poweroff -f\n');
    await guest.exited;
    s.untouched();
  } finally {
    guest.kill();
    s.cleanup();
  }
});
