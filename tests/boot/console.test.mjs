// The console on a real terminal: raw mode while the guest runs, Ctrl-A B sends a break, Ctrl-A T
// toggles timestamps, Ctrl-A S writes a snapshot=on disk back to its image, Ctrl-A C switches to
// the monitor (stop and cont), Ctrl-A H lists the escapes, Ctrl-A X quits with status 0, and the
// terminal is restored; at -smp 32 with every hart busy, Ctrl-A X ends the process within a second. A pseudo-terminal stands in for the user's
// (Python's pty module drives it: Node has none built in).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, HARTVM } from '../guest/harness.mjs';
import { imagesDir } from './serial.mjs';

test('on a terminal: raw mode, Ctrl-A B, T, S, C (the monitor) and H, Ctrl-A X quits, terminal restored', { timeout: 600000 }, () => {
  const dir = imagesDir();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'hartvm-console-'));
  try {
    const disk = path.join(scratch, 'disk.ext2');
    copyFileSync(path.join(dir, 'disk.ext2'), disk);
    const r = spawnSync('python3', [path.join(ROOT, 'tests/boot/pty-session.py'), process.execPath, HARTVM, 'boot',
      '-bios', path.join(dir, 'fw_dynamic.bin'), '-kernel', path.join(dir, 'Image'), '-initrd', path.join(dir, 'rootfs.cpio.gz'), '-append', 'console=ttyS0',
      '-drive', `file=${disk},format=raw,snapshot=on`],
    { encoding: 'utf8', timeout: 590000 });
    assert.equal(r.status, 0, r.stderr);
    const checks = Object.fromEntries(r.stdout.trim().split('\n').map((line) => line.split(' ')));
    assert.deepEqual(checks, {
      prompt: 'True', 'raw-mode': 'True', echo: 'True', break: 'True', timestamps: 'True', 'timestamps-off': 'True',
      written: 'True', commit: 'True', 'written-later': 'True', monitor: 'True', 'monitor-status': 'True', held: 'True', continued: 'True',
      help: 'True', exit: '0', restored: 'True',
    });
    const image = readFileSync(disk);
    assert.ok(image.includes('committed-21\n'), 'the file written before Ctrl-A S is in the image');
    assert.ok(!image.includes('later-36\n'), 'the file written after Ctrl-A S stayed in the snapshot');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});

test('-smp 32: Ctrl-A X the moment every hart has started ends the process within a second', { timeout: 600000 }, () => {
  // Then the hart threads compile the interpreter for the guest's code, all at once on the host's
  // cores, and a thread inside a compile cannot see the stop.
  for (let run = 0; run < 3; run++) {
    const r = spawnSync('python3', [path.join(ROOT, 'tests/boot/pty-quit.py'), '--ready', 'all 32 harts running', '--seconds', '0',
      process.execPath, HARTVM, 'boot', '-smp', '32', '-bios', 'none', '-kernel', path.join(ROOT, 'build/guest/cli/all-harts-spin.elf')],
    { encoding: 'utf8', timeout: 590000 });
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    assert.ok(result.ready, `the harts never all ran\n${result.stderr}`);
    assert.ok(result.quit_seconds < 1, `run ${run}: Ctrl-A X took ${result.quit_seconds} s`);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
  }
});

test('-smp 32, every hart busy: Ctrl-A X ends the process within a second, its disk closed intact', { timeout: 600000 }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hartvm-quit-'));
  try {
    const disk = path.join(dir, 'disk.img');
    const bytes = Buffer.alloc(1 << 20, 0xa5);
    writeFileSync(disk, bytes);
    // all-harts-spin: every hart checks in and loops; hart 0 says so once all 32 have.
    const r = spawnSync('python3', [path.join(ROOT, 'tests/boot/pty-quit.py'), '--ready', 'all 32 harts running', '--seconds', '5',
      process.execPath, HARTVM, 'boot', '-smp', '32', '-bios', 'none', '-kernel', path.join(ROOT, 'build/guest/cli/all-harts-spin.elf'),
      '-drive', `file=${disk},format=raw`], { encoding: 'utf8', timeout: 590000 });
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    assert.ok(result.ready, `the harts never all ran\n${result.stderr}`);
    assert.ok(result.quit_seconds < 1, `Ctrl-A X took ${result.quit_seconds} s`);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.ok(readFileSync(disk).equals(bytes), 'the disk file is as it was');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
