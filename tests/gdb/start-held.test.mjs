// -S without a debugger (the library's startHeld): every hart waits at the reset vector, its
// clock standing, until the monitor's cont lets it go, at one hart and at two.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createMachine } from '../../dist/index.js';
import { COUNTING } from './rsp-client.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pcs = (text) => [...text.matchAll(/^ pc       ([0-9a-f]{16})$/gm)].map((m) => BigInt(`0x${m[1]}`));

for (const smp of [1, 2]) {
  test(`-smp ${smp}: startHeld holds every hart at reset until cont`, { timeout: 60000 }, async () => {
    const machine = createMachine({ bios: 'none', kernel: readFileSync(COUNTING), smp, startHeld: true, warmUp: false });
    try {
      await machine.start();
      await sleep(300);
      assert.equal(machine.paused, true);
      assert.equal(await machine.monitorCommand('info status'), 'VM status: paused\n');
      assert.deepEqual(pcs(await machine.monitorCommand('info registers -a')), Array(smp).fill(0x1000n));
      assert.equal(await machine.monitorCommand('cont'), '');
      // until every hart has counted a while (hart threads start late on a loaded host)
      for (const deadline = Date.now() + 60000; !machine.statistics().harts.every((h) => h.instructions >= 100000); await sleep(50)) {
        assert.ok(Date.now() < deadline, 'every hart runs after cont');
      }
      await machine.monitorCommand('stop');
      const after = pcs(await machine.monitorCommand('info registers -a'));
      after.forEach((pc, hart) => assert.ok(pc >= 0x8000002cn && pc < 0x8000003en, `hart ${hart} counts in its loop (pc ${pc.toString(16)})`));
    } finally {
      await machine.stop();
    }
  });
}
