// The console's output into a reader slower than the guest. hartvm holds the guest back (its
// UART's transmitter shows busy) instead of piling the output up, so its memory stays flat; a
// guest that waits for THRE loses nothing, one that ignores LSR loses what does not fit (said
// once); Ctrl-A X ends it at once all the same. A console output that fails while Linux runs
// ends the run, with the disk holding what the guest synced. (Linux's interrupt-driven output
// into a reader that is behind: tests/api/machine.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HARTVM, ROOT } from '../guest/harness.mjs';
import { imagesDir, SerialSession } from './serial.mjs';

const COUNT = path.join(ROOT, 'build/guest/cli/uart-count.elf'); // numbered lines, waiting for THRE
const BLAST = path.join(ROOT, 'build/guest/cli/uart-blast.elf'); // lines, never looking at LSR
const PROMPT = '~ # ';
/** Resident memory may wobble with the JIT and the garbage collector, not grow with the output. */
const FLAT_KB = 10 * 1024;
const DROP_WARNING = /hartvm: warning: the guest writes to its console faster than the output is read/g;

/** A scratch folder with a disk of a known pattern, to see that it is intact after the run. */
function scratch() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hartvm-flow-'));
  const disk = path.join(dir, 'disk.img');
  const bytes = Buffer.alloc(1 << 20, 0x5a);
  writeFileSync(disk, bytes);
  return { dir, disk, bytes };
}

/** hartvm boot under tests/boot/pty-quit.py: stdin a terminal, stdout read at `rate` bytes/s. */
function ptyQuit(bootArgs, { ready, seconds = 12, rate = 16384, countLines = false, stdoutTty = false }) {
  const args = [path.join(ROOT, 'tests/boot/pty-quit.py'), '--ready', ready, '--seconds', String(seconds), '--rate', String(rate),
    ...(countLines ? ['--count-lines'] : []), ...(stdoutTty ? ['--stdout-tty'] : []), process.execPath, HARTVM, 'boot', ...bootArgs];
  const r = spawnSync('python3', args, { encoding: 'utf8', timeout: 300000 });
  assert.equal(r.status, 0, `pty-quit.py: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function assertFlat(rssKb, what) {
  assert.ok(rssKb.length >= 8, `${what}: memory samples ${rssKb}`);
  const growth = rssKb[rssKb.length - 1] - rssKb[0];
  assert.ok(growth < FLAT_KB, `${what}: resident memory grew by ${growth} KiB in ${rssKb.length} s (${rssKb.join(' ')})`);
}

function assertQuitAtOnce(r, what) {
  assert.ok(r.quit_seconds < 1, `${what}: Ctrl-A X took ${r.quit_seconds} s`);
  assert.equal(r.status, 0, `${what}: exit status ${r.status}\n${r.stderr}`);
}

for (const smp of ['1', '2']) {
  for (const stdoutTty of [false, true]) {
    const reader = stdoutTty ? 'a terminal' : 'a pipe';
    test(`-smp ${smp}, a polling guest into ${reader} read slowly: memory flat, no line lost, Ctrl-A X at once, disk intact`, () => {
      const { dir, disk, bytes } = scratch();
      try {
        const r = ptyQuit(['-smp', smp, '-bios', 'none', '-kernel', COUNT, '-drive', `file=${disk},format=raw`],
          { ready: '00000100', countLines: true, stdoutTty, rate: stdoutTty ? 4096 : 16384 });
        assert.ok(r.ready, `the guest's output never came\n${r.stderr}`);
        assertFlat(r.rss_kb, reader);
        assert.ok(r.in_order, `${reader}: the ${r.lines} lines read are numbered without a gap`);
        assertQuitAtOnce(r, reader);
        assert.equal(r.stderr, '');
        assert.ok(readFileSync(disk).equals(bytes), 'the disk file is as it was');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  test(`-smp ${smp}, a guest that ignores LSR into a pipe read slowly: what does not fit is dropped, said once; Ctrl-A X at once`, () => {
    const r = ptyQuit(['-smp', smp, '-bios', 'none', '-kernel', BLAST], { ready: 'xxxx\n' });
    assert.ok(r.ready, r.stderr);
    // The device thread (-smp 1: also the hart's) holds the backlog; hart threads' garbage makes
    // their memory saw-toothed, so it is measured where it is flat.
    if (smp === '1') assertFlat(r.rss_kb, 'blast');
    assert.equal(r.stderr.match(DROP_WARNING)?.length, 1, r.stderr);
    assertQuitAtOnce(r, 'blast');
  });
}

test('Linux: a console output whose reader goes away ends the run with one line and status 1; the disk holds what was synced', { timeout: 600000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hartvm-flow-'));
  const disk = path.join(dir, 'disk.ext2');
  copyFileSync(path.join(imagesDir(), 'disk.ext2'), disk);
  const guest = new SerialSession(['-drive', `file=${disk},format=raw`]);
  try {
    await guest.expect(PROMPT);
    const marker = `epipe-marker-${process.pid}-${Date.now()}`;
    await guest.run(`echo ${marker} > /mnt/epipe.txt; sync`);
    guest.child.stdout.destroy(); // as `| head` does once it has its lines
    guest.send('echo the reader has gone\n');
    await guest.exited;
    assert.equal(guest.signal, null, `killed (a hang?)\n${guest.stderr}`);
    assert.equal(guest.status, 1, guest.stderr);
    assert.equal(guest.stderr, 'hartvm: cannot write the console output: broken pipe (its reader has gone)\n');
    assert.ok(readFileSync(disk).includes(Buffer.from(marker)), 'the synced file is on the disk image');
  } finally {
    guest.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
