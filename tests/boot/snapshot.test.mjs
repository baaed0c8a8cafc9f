// Linux saved and loaded whole (the monitor's savevm and loadvm, QEMU's -loadvm), at one hart and
// at two, under both engines: booted to the shell with a mark in a shell variable and a file on
// the disk, saved, then
//   - loadvm in the same running machine takes it back to the save (a variable set since is gone);
//   - a new hartvm started with -loadvm FILE is at the shell prompt without booting (no firmware
//     or kernel boot message), the variable still set, the disk file readable, timers firing
//     (sleep 1 returns), the clock going on forward, smp-stress passing on every hart, and
//     poweroff ending it with status 0.
// Then once under each other flush policy: the saved shell comes back usable (and under block, a
// reboot there boots the images afresh). And at -smp 4 with a snapshot=on disk, a counting loop
// left running in the background: saved, restored in a new
// hartvm, saved there again and restored in a third, the loop counts on from where it was each
// time (the time from starting hartvm to the shell's first answer is reported, beside a boot's).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { imagesDir, SerialSession, withoutKernelMessages } from './serial.mjs';

const images = imagesDir();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'hartvm-snapshot-boot-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const PROMPT = '~ # ';
const BOOT_MESSAGES = /OpenSBI|Linux version|Booting Linux|hartvm guest ready/;

function args({ smp, engine = 'interp', policy = 'fence', disk, monitor, drive = '' }) {
  return ['-smp', String(smp), '-m', '256M', '-no-reboot', `--engine=${engine}`, `--tlb-flush=${policy}`,
    '-bios', path.join(images, 'fw_dynamic.bin'), '-kernel', path.join(images, 'Image'), '-initrd', path.join(images, 'rootfs.cpio.gz'),
    '-append', 'console=ttyS0', '-drive', `file=${disk},format=raw${drive}`, '-monitor', `unix:${monitor},server,nowait`];
}

/**
 * What `command` printed: the text after its echo, up to the next prompt, without kernel messages
 * (a restored guest's first moments may bring one, e.g. `hrtimer: interrupt took N ns`; no command
 * here prints the kernel's log).
 */
async function shell(guest, command, timeoutMs) {
  return withoutKernelMessages(await guest.run(command, PROMPT, timeoutMs));
}

/** A client of the monitor socket: ask(command) resolves to what it printed before its next prompt. */
async function monitorClient(socketPath) {
  for (const deadline = Date.now() + 60000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    const socket = await new Promise((resolve) => {
      const s = net.connect(socketPath, () => resolve(s));
      s.on('error', () => resolve(undefined));
    });
    if (!socket) continue;
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d) => { text += d; });
    socket.ask = async (command) => {
      const from = text.length;
      if (command !== undefined) socket.write(`${command}\n`);
      for (const until = Date.now() + 300000; Date.now() < until; await new Promise((r) => setTimeout(r, 20))) {
        const at = text.indexOf('(hartvm) ', from);
        if (at >= 0) return text.slice(from, at).replace(/\r/g, '');
      }
      throw new Error(`no monitor prompt after ${command}: ${text}`);
    };
    await socket.ask();
    return socket;
  }
  throw new Error('the monitor socket never took a connection');
}

/**
 * `waiting`, or when it fails (a guest that stopped answering), its error with where the harts
 * are and what their translation stores did, as the monitor at `socketPath` tells.
 */
async function withGuestState(waiting, socketPath) {
  try {
    return await waiting;
  } catch (e) {
    let monitor;
    const asking = (async () => {
      monitor = await monitorClient(socketPath);
      return `${await monitor.ask('info registers')}\n${await monitor.ask('info store')}`;
    })();
    const timeout = new Promise((resolve) => setTimeout(resolve, 30000, '(the monitor did not answer within 30 s)').unref());
    const state = await Promise.race([asking.catch((m) => `(the monitor: ${m.message})`), timeout]);
    monitor?.destroy();
    e.message += `\n--- the guest's state then:\n${state}`;
    throw e;
  }
}

/** Boots Linux to the shell with the marks set; returns the guest, its monitor, and the guest's time then. */
async function bootAndMark(options, mark) {
  const guest = new SerialSession(args(options));
  await guest.expect('hartvm guest ready', 600000);
  await guest.expect(PROMPT);
  const monitor = await monitorClient(options.monitor);
  await shell(guest, `MARK=${mark}; echo ${mark} > /mnt/snapshot-mark.txt && sync`);
  return { guest, monitor };
}

for (const engine of ['interp', 'jit']) {
  for (const smp of [1, 2]) {
    test(`--engine=${engine} -smp ${smp}: savevm, loadvm in the running machine, and -loadvm in a new one that starts at the prompt`, { timeout: 1800000 }, async () => {
      const name = `${engine}-${smp}`;
      const disk = path.join(tmp, `${name}.ext2`);
      const file = path.join(tmp, `${name}.snap`);
      copyFileSync(path.join(images, 'disk.ext2'), disk);
      const mark = `saved-${name}-${process.pid}`;
      const { guest, monitor } = await bootAndMark({ smp, engine, disk, monitor: path.join(tmp, `${name}-1.sock`) }, mark);
      try {
        const savedSeconds = Number((await shell(guest, 'date +%s')).trim());
        assert.equal(await monitor.ask(`savevm ${file}`), '');
        assert.ok(statSync(file).size > 0);
        assert.equal(await shell(guest, 'echo $MARK'), `${mark}\n`, 'the machine runs on after savevm');
        await shell(guest, 'MARK=changed-after-the-save; echo changed > /mnt/snapshot-mark.txt && sync');

        assert.equal(await monitor.ask(`loadvm ${file}`), '');
        assert.equal(await shell(guest, 'echo $MARK'), `${mark}\n`, 'loadvm took the shell back to the save');
        assert.equal(await shell(guest, 'cat /mnt/snapshot-mark.txt'), `${mark}\n`, 'and the disk with it');
        assert.ok(Number((await shell(guest, 'date +%s')).trim()) >= savedSeconds);
        monitor.write('quit\n');
        assert.equal(await guest.exited, 0, guest.stderr);
      } finally {
        guest.kill();
        monitor.destroy();
      }

      const loaded = new SerialSession([...args({ smp, engine, disk, monitor: path.join(tmp, `${name}-2.sock`) }), '-loadvm', file]);
      try {
        assert.equal(await shell(loaded, 'echo $MARK'), `${mark}\n`, 'the shell variable set before the save');
        assert.doesNotMatch(loaded.output, BOOT_MESSAGES, 'no boot: the machine started where it was saved');
        assert.equal(await shell(loaded, 'cat /mnt/snapshot-mark.txt'), `${mark}\n`);
        const before = Number((await shell(loaded, 'date +%s')).trim());
        assert.equal(await shell(loaded, 'sleep 1; echo slept'), 'slept\n', 'timers fire');
        const after = Number((await shell(loaded, 'date +%s')).trim());
        assert.ok(after >= before + 1, `the guest's clock goes on (${before} then ${after})`);
        assert.match(await shell(loaded, 'cat /proc/cpuinfo'), new RegExp(`^processor\\s*: ${smp - 1}$`, 'm'));
        const stress = await shell(loaded, `smp-stress -t ${smp} -n 20000 -s 900; echo status=$?`, 1200000);
        assert.match(stress, new RegExp(`^smp-stress: PASS threads=${smp} `, 'm'), stress);
        assert.match(stress, /^status=0$/m);
        loaded.send('poweroff\n');
        assert.equal(await loaded.exited, 0, loaded.stderr);
      } finally {
        loaded.kill();
      }
    });
  }
}

for (const policy of ['block', 'instruction']) {
  test(`--tlb-flush=${policy}: a machine saved at the shell comes back usable with -loadvm`, { timeout: 1800000 }, async () => {
    const disk = path.join(tmp, `${policy}.ext2`);
    const file = path.join(tmp, `${policy}.snap`);
    copyFileSync(path.join(images, 'disk.ext2'), disk);
    const mark = `saved-${policy}-${process.pid}`;
    const { guest, monitor } = await bootAndMark({ smp: 1, policy, disk, monitor: path.join(tmp, `${policy}-1.sock`) }, mark);
    try {
      assert.equal(await monitor.ask(`savevm ${file}`), '');
      monitor.write('quit\n');
      assert.equal(await guest.exited, 0, guest.stderr);
    } finally {
      guest.kill();
      monitor.destroy();
    }
    // (under block, without -no-reboot: a reboot boots the images, which a loaded machine reads only then)
    const rebooting = policy === 'block';
    const loadedMonitor = path.join(tmp, `${policy}-2.sock`);
    const loadedArgs = args({ smp: 1, policy, disk, monitor: loadedMonitor }).filter((a) => !rebooting || a !== '-no-reboot');
    const loaded = new SerialSession([...loadedArgs, '-loadvm', file]);
    try {
      const answer = await withGuestState(shell(loaded, 'echo $MARK; cat /mnt/snapshot-mark.txt; sleep 1; echo slept'), loadedMonitor);
      assert.equal(answer, `${mark}\n${mark}\nslept\n`);
      assert.doesNotMatch(loaded.output, BOOT_MESSAGES);
      if (rebooting) {
        loaded.send('reboot\n');
        await loaded.expect('OpenSBI', 600000);
        await loaded.expect('Linux version', 600000);
        await loaded.expect('hartvm guest ready', 600000);
        await loaded.expect(PROMPT);
        assert.equal(await shell(loaded, 'echo "[$MARK]"'), '[]\n', 'a fresh shell after the reboot');
      }
      loaded.send('poweroff\n');
      assert.equal(await loaded.exited, 0, loaded.stderr);
    } finally {
      loaded.kill();
    }
  });
}

test('-smp 4, a snapshot=on disk: a counting loop goes on from where it was across restore, save and restore again', { timeout: 1800000 }, async (t) => {
  const disk = path.join(tmp, 'loop.ext2');
  copyFileSync(path.join(images, 'disk.ext2'), disk);
  const options = { smp: 4, engine: 'jit', disk, drive: ',snapshot=on' };
  const count = async (guest) => Number((await shell(guest, 'cat /tmp/count')).trim());
  const bootStarted = performance.now();
  const first = new SerialSession(args({ ...options, monitor: path.join(tmp, 'loop-1.sock') }));
  let saved, bootSeconds;
  const files = [path.join(tmp, 'loop-1.snap'), path.join(tmp, 'loop-2.snap')];
  try {
    await first.expect('hartvm guest ready', 600000);
    await first.expect(PROMPT);
    bootSeconds = (performance.now() - bootStarted) / 1000;
    const monitor = await monitorClient(path.join(tmp, 'loop-1.sock'));
    await shell(first, '(n=0; while :; do n=$((n+1)); echo $n >/tmp/count; sleep 0.05; done) &');
    await shell(first, 'sleep 1');
    assert.equal(await monitor.ask(`savevm ${files[0]}`), '');
    monitor.write('quit\n');
    monitor.destroy();
    await first.exited;
  } finally {
    first.kill();
  }
  // the count the loop had reached when the machine was saved: the first restore reads it back
  let previous = 0;
  for (const [i, file] of files.entries()) {
    const started = performance.now();
    const loaded = new SerialSession([...args({ ...options, monitor: path.join(tmp, `loop-${i + 2}.sock`) }), '-loadvm', file]);
    try {
      const resumed = await count(loaded);
      const restoreSeconds = (performance.now() - started) / 1000;
      t.diagnostic(`restore ${i + 1}: hartvm started to the shell's first answer in ${restoreSeconds.toFixed(2)} s (a boot to the prompt: ${bootSeconds.toFixed(2)} s)`);
      assert.doesNotMatch(loaded.output, BOOT_MESSAGES, 'nothing booted');
      assert.ok(resumed >= previous && resumed > 5, `the loop's count came back from the save (${resumed}, read ${previous} just before it)`);
      // (3 s: 4 harts on a loaded 2-core host run an iteration of the loop, two forks, in well over its 0.05 s)
      await shell(loaded, 'sleep 3');
      const later = await count(loaded);
      assert.ok(later > resumed + 5, `the loop counts on (${resumed} then ${later})`);
      assert.equal(await shell(loaded, 'nproc'), '4\n');
      if (i + 1 < files.length) {
        const monitor = await monitorClient(path.join(tmp, `loop-${i + 2}.sock`));
        previous = await count(loaded);
        assert.equal(await monitor.ask(`savevm ${files[i + 1]}`), '');
        monitor.write('quit\n');
        monitor.destroy();
        await loaded.exited;
      } else {
        loaded.send('kill %1; poweroff\n');
        assert.equal(await loaded.exited, 0, loaded.stderr);
      }
    } finally {
      loaded.kill();
    }
  }
});
