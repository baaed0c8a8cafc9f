// The top of every range hartvm accepts must work: the largest -m runs Linux to a shell and
// powers off (and a program under `hartvm run`), and the largest -smp brings every hart up in the
// kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, runHartvm } from '../guest/harness.mjs';
import { MAX_RAM } from '../../dist/machine/machine-options.js';
import { MAX_HARTS } from '../../dist/machine/session.js';
import { SerialSession } from './serial.mjs';

const PROMPT = '~ # ';

test(`-m ${MAX_RAM / 2 ** 30}G, the most RAM accepted: Linux boots to a shell, sees the RAM and powers off`, { timeout: 600000 }, async () => {
  const guest = new SerialSession(['-m', `${MAX_RAM / 2 ** 20}M`, '-no-reboot']);
  try {
    await guest.expect(PROMPT, 300000);
    const memTotalKiB = Number(/^MemTotal:\s+(\d+) kB$/m.exec(await guest.run('cat /proc/meminfo'))?.[1]);
    // the kernel keeps its image and reserved regions out of MemTotal: well under 64 MiB of it
    assert.ok(memTotalKiB * 1024 > MAX_RAM - 64 * 2 ** 20, `MemTotal ${memTotalKiB} kB of ${MAX_RAM} bytes`);
    guest.send('poweroff\n');
    assert.equal(await guest.exited, 0, `exit status after poweroff\n${guest.stderr}`);
  } finally {
    guest.kill();
  }
});

test(`hartvm run -m ${MAX_RAM / 2 ** 30}G runs a program`, async () => {
  const r = await runHartvm(['run', '-m', `${MAX_RAM / 2 ** 20}M`, path.join(ROOT, 'build/guest/tests/c/sort.elf')], { timeoutMs: 60000 });
  assert.equal(r.status, 0, r.stderr);
});

test(`-smp ${MAX_HARTS}, the most harts accepted: the kernel brings all of them up`, { timeout: 900000 }, async () => {
  const guest = new SerialSession(['-smp', String(MAX_HARTS), '-no-reboot']);
  try {
    await guest.expect(`smp: Brought up 1 node, ${MAX_HARTS} CPUs`, 840000);
  } finally {
    guest.kill();
  }
});
