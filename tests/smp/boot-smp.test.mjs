// Linux on an SMP board: every hart on a worker thread of its own. The guest must see all of
// them (nproc, /proc/cpuinfo), run work on all of them at once, keep the disk and poweroff
// working, and boot again and again without a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { imagesDir, SerialSession } from '../boot/serial.mjs';

const images = imagesDir();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'hartvm-smp-'));
const PROMPT = '~ # ';

function bootArgs(harts, extra = []) {
  return ['-smp', String(harts), '-m', '256M', '-no-reboot',
    '-kernel', path.join(images, 'Image'), '-initrd', path.join(images, 'rootfs.cpio.gz'), '-append', 'console=ttyS0', ...extra];
}

/** Per hart, from the statistics object of --stats=json (the last line of stderr). */
function statsRows(stderr) {
  const line = stderr.trimEnd().split('\n').pop();
  assert.ok(line.startsWith('{'), `no statistics object in stderr:\n${stderr}`);
  return JSON.parse(line).harts.map((h) => ({ hart: h.hartId, instructions: h.instructions }));
}

for (const harts of [2, 4, 8]) {
  test(`-smp ${harts}: Linux sees ${harts} harts, runs on all of them, keeps the disk and powers off`, { timeout: 900000 }, async () => {
    const disk = path.join(tmp, `smp${harts}.ext2`);
    copyFileSync(path.join(images, 'disk.ext2'), disk);
    const guest = new SerialSession(bootArgs(harts, ['-drive', `file=${disk},format=raw`, '--stats=json']));
    try {
      await guest.expect(`${harts} hart(s)`, 600000);
      await guest.expect(PROMPT, 120000);
      assert.equal((await guest.run('nproc')).trim(), String(harts));
      const cpuinfo = await guest.run('cat /proc/cpuinfo');
      assert.equal((cpuinfo.match(/^processor\s*:/gm) ?? []).length, harts, cpuinfo);
      for (let h = 0; h < harts; h++) assert.match(cpuinfo, new RegExp(`^hart\\s*: ${h}$`, 'm'));
      // One busy shell per hart at once; each leaves its count behind.
      const out = await guest.run(`for i in $(seq ${harts}); do (j=0; while [ $j -lt 2000 ]; do j=$((j+1)); done; echo $j >/tmp/c$i) & done; ` +
        `wait; echo sum=$(cat /tmp/c* | awk '{s+=$1} END {print s}')`, PROMPT, 600000);
      assert.match(out, new RegExp(`^sum=${2000 * harts}\r?$`, 'm'), out);
      const stamp = `smp${harts}-wrote-this-${process.pid}`;
      await guest.run(`echo ${stamp} > /mnt/smp.txt && sync`);
      guest.send('poweroff\n');
      assert.equal(await guest.exited, 0, `exit status after poweroff\n${guest.stderr}`);
    } finally {
      guest.kill();
    }
    assert.ok(readFileSync(disk).includes(`smp${harts}-wrote-this-${process.pid}`), 'the file written in the guest is in the host image');
    const rows = statsRows(guest.stderr);
    assert.deepEqual(rows.map((r) => r.hart), Array.from({ length: harts }, (_, i) => i), guest.stderr);
    for (const r of rows) assert.ok(r.instructions > 1_000_000, `hart ${r.hart} ran (${r.instructions} instructions)`);
  });
}

test('-smp 2 --engine=jit: Linux runs on both harts with hot code translated, and powers off', { timeout: 1800000 }, async () => {
  const guest = new SerialSession(bootArgs(2, ['--engine=jit', '--stats=json']));
  try {
    await guest.expect('2 hart(s)', 1200000);
    await guest.expect(PROMPT, 300000);
    assert.equal((await guest.run('nproc')).trim(), '2');
    const out = await guest.run('for i in 1 2; do (j=0; while [ $j -lt 2000 ]; do j=$((j+1)); done; echo $j >/tmp/c$i) & done; ' +
      "wait; echo sum=$(cat /tmp/c* | awk '{s+=$1} END {print s}')", PROMPT, 600000);
    assert.match(out, /^sum=4000\r?$/m, out);
    guest.send('poweroff\n');
    assert.equal(await guest.exited, 0, `exit status after poweroff\n${guest.stderr}`);
  } finally {
    guest.kill();
  }
  const stats = JSON.parse(guest.stderr.trimEnd().split('\n').pop());
  for (const h of stats.harts) {
    assert.ok(h.jit && h.jit.translatedInstructions > 1_000_000, `hart ${h.hartId} ran translated code: ${h.jit?.translatedInstructions} of ${h.instructions}`);
  }
});

test('-smp 1 --hart-threads: the one hart on a worker thread boots, runs and powers off', { timeout: 900000 }, async () => {
  const guest = new SerialSession(bootArgs(1, ['--hart-threads', '--stats=json']));
  try {
    await guest.expect(PROMPT, 600000);
    assert.equal((await guest.run('nproc')).trim(), '1');
    guest.send('poweroff\n');
    assert.equal(await guest.exited, 0, `exit status after poweroff\n${guest.stderr}`);
  } finally {
    guest.kill();
  }
  // The hart threads' figures are there only when harts run on threads.
  assert.equal(statsRows(guest.stderr).length, 1);
  const { threads } = JSON.parse(guest.stderr.trimEnd().split('\n').pop());
  assert.equal(threads?.length, 1, guest.stderr);
  assert.ok(threads[0].mmioRequests > 0, 'the hart on its thread reached the devices through the MMIO channel');
});

test('-smp 4: twenty boots in a row, each to the prompt and back, none hangs', { timeout: 3600000 }, async () => {
  for (let run = 1; run <= 20; run++) {
    const guest = new SerialSession(bootArgs(4));
    try {
      await guest.expect('4 hart(s)', 300000);
      await guest.expect(PROMPT, 60000);
      assert.equal((await guest.run('nproc')).trim(), '4', `boot ${run}`);
      guest.send('poweroff\n');
      const status = await Promise.race([guest.exited, new Promise((resolve) => setTimeout(() => resolve('hang'), 60000))]);
      assert.equal(status, 0, `boot ${run}: exit status after poweroff\n${guest.stderr}`);
    } finally {
      guest.kill();
    }
  }
});
