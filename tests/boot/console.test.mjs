// The console on a real terminal: raw mode while the guest runs, Ctrl-A H lists the escapes,
// Ctrl-A X quits with status 0, and the terminal is restored. A pseudo-terminal stands in for
// the user's (Python's pty module drives it: Node has none built in).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT, HARTVM } from '../guest/harness.mjs';
import { imagesDir } from './serial.mjs';

test('on a terminal: raw mode, Ctrl-A H help, Ctrl-A X quits, terminal restored', { timeout: 600000 }, () => {
  const dir = imagesDir();
  const r = spawnSync('python3', [path.join(ROOT, 'tests/boot/pty-session.py'), process.execPath, HARTVM, 'boot',
    '-bios', path.join(dir, 'fw_dynamic.bin'), '-kernel', path.join(dir, 'Image'), '-initrd', path.join(dir, 'rootfs.cpio.gz'), '-append', 'console=ttyS0'],
  { encoding: 'utf8', timeout: 590000 });
  assert.equal(r.status, 0, r.stderr);
  const checks = Object.fromEntries(r.stdout.trim().split('\n').map((line) => line.split(' ')));
  assert.deepEqual(checks, { prompt: 'True', 'raw-mode': 'True', echo: 'True', help: 'True', exit: '0', restored: 'True' });
});
