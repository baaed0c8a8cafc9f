// Linux on the virt board, booting the shipped default images (images/: OpenSBI, the kernel and
// initramfs, the disk): a shell driven through the serial console, a file written to the ext2 disk
// and found in the host image afterwards, the RTC's date, and poweroff ending the run with status
// 0. Once per translation-store policy, and once with hot code translated to WebAssembly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { imagesDir, SerialSession } from './serial.mjs';

const images = imagesDir();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'hartvm-boot-'));
const PROMPT = '~ # ';

function bootArgs(policy, disk) {
  return ['-m', '256M', '-no-reboot', `--tlb-flush=${policy}`, '-bios', path.join(images, 'fw_dynamic.bin'),
    '-kernel', path.join(images, 'Image'), '-initrd', path.join(images, 'rootfs.cpio.gz'), '-append', 'console=ttyS0',
    '-drive', `file=${disk},format=raw`];
}

test('Linux boots to a shell and powers off (fence policy): uname, cpuinfo, mount, disk, date', { timeout: 600000 }, async () => {
  const disk = path.join(tmp, 'fence.ext2');
  copyFileSync(path.join(images, 'disk.ext2'), disk);
  const guest = new SerialSession(bootArgs('fence', disk));
  try {
    await guest.expect('hartvm guest ready', 300000);
    await guest.expect(PROMPT);
    assert.match(await guest.run('uname -a'), /^Linux \S+ 6\.1\.\d+ .* riscv64 GNU\/Linux\n$/);
    const cpuinfo = await guest.run('cat /proc/cpuinfo');
    assert.match(cpuinfo, /^processor\s*: 0$/m);
    assert.match(cpuinfo, /^isa\s*: rv64imafdc/m);
    assert.match(cpuinfo, /^mmu\s*: sv57$/m);
    const mounts = await guest.run('mount');
    assert.match(mounts, /^proc on \/proc type proc/m);
    assert.match(mounts, /^devtmpfs on \/dev type devtmpfs/m);
    assert.match(mounts, /^\/dev\/vda on \/mnt type ext[24]/m);
    const stamp = `written-by-the-guest-${process.pid}`;
    await guest.run(`echo ${stamp} > /mnt/proof.txt && sync && cat /mnt/proof.txt`);
    const guestSeconds = Number((await guest.run('date +%s')).trim());
    assert.ok(Math.abs(guestSeconds - Date.now() / 1000) < 120, `guest date ${guestSeconds} is the host's within 2 minutes`);
    guest.send('poweroff\n');
    assert.equal(await guest.exited, 0, `exit status after poweroff\n${guest.stderr}`);
  } finally {
    guest.kill();
  }
  assert.ok(readFileSync(disk).includes(`written-by-the-guest-${process.pid}`), 'the file written in the guest is in the host image');
});

for (const policy of ['block', 'instruction']) {
  test(`Linux boots to a shell and powers off under --tlb-flush=${policy}`, { timeout: 1200000 }, async () => {
    const disk = path.join(tmp, `${policy}.ext2`);
    copyFileSync(path.join(images, 'disk.ext2'), disk);
    const guest = new SerialSession(bootArgs(policy, disk));
    try {
      await guest.expect('hartvm guest ready', 900000);
      await guest.expect(PROMPT);
      assert.match(await guest.run('uname -m'), /^riscv64\n$/);
      assert.match(await guest.run('ls /mnt'), /\S/);
      guest.send('poweroff\n');
      assert.equal(await guest.exited, 0);
    } finally {
      guest.kill();
    }
  });
}

test('Linux boots to a shell and powers off under --engine=jit (fence policy), running translated code', { timeout: 1800000 }, async () => {
  const disk = path.join(tmp, 'jit.ext2');
  copyFileSync(path.join(images, 'disk.ext2'), disk);
  const guest = new SerialSession([...bootArgs('fence', disk), '--engine=jit', '--stats=json']);
  try {
    await guest.expect('hartvm guest ready', 1200000);
    await guest.expect(PROMPT, 300000);
    assert.match(await guest.run('uname -m'), /^riscv64\n$/);
    const out = await guest.run('j=0; while [ $j -lt 3000 ]; do j=$((j+1)); done; echo j=$j; md5sum /init /bin/busybox | wc -l', PROMPT, 600000);
    assert.match(out, /^j=3000\r?\n2\r?$/m, out);
    const stamp = `jit-wrote-this-${process.pid}`;
    await guest.run(`echo ${stamp} > /mnt/jit.txt && sync && cat /mnt/jit.txt`, PROMPT, 300000);
    guest.send('poweroff\n');
    assert.equal(await guest.exited, 0, `exit status after poweroff\n${guest.stderr}`);
  } finally {
    guest.kill();
  }
  assert.ok(readFileSync(disk).includes(`jit-wrote-this-${process.pid}`), 'the file written in the guest is in the host image');
  const stats = JSON.parse(guest.stderr.trimEnd().split('\n').pop());
  const jit = stats.harts[0].jit;
  assert.ok(jit && jit.translatedInstructions > stats.harts[0].instructions / 4,
    `translated ${jit?.translatedInstructions} of ${stats.harts[0].instructions} instructions`);
});

test('-no-reboot turns a guest reboot into exit status 0', { timeout: 600000 }, async () => {
  const disk = path.join(tmp, 'reboot.ext2');
  copyFileSync(path.join(images, 'disk.ext2'), disk);
  const guest = new SerialSession(bootArgs('fence', disk));
  try {
    await guest.expect(PROMPT, 300000);
    guest.send('reboot\n');
    assert.equal(await guest.exited, 0);
  } finally {
    guest.kill();
  }
});

for (const [signal, status] of [['SIGTERM', 143], ['SIGHUP', 129]]) {
  test(`${signal} ends a boot cleanly: status ${status}, and what the guest wrote is in the image`, { timeout: 600000 }, async () => {
    const disk = path.join(tmp, `${signal}.ext2`);
    copyFileSync(path.join(images, 'disk.ext2'), disk);
    const guest = new SerialSession(bootArgs('fence', disk));
    try {
      await guest.expect(PROMPT, 300000);
      await guest.run(`echo before-the-signal-${process.pid} > /mnt/sig.txt && sync`);
      guest.child.kill(signal);
      assert.equal(await guest.exited, status);
    } finally {
      guest.kill();
    }
    assert.ok(readFileSync(disk).includes(`before-the-signal-${process.pid}`));
  });
}
