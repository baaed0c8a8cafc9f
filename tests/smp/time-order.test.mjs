// Time never goes backwards between harts: every hart thread reads the board's clock on its own,
// and a reading on one hart taken after another hart's must not be smaller (Linux's timekeeping
// takes a step back for a jump of nearly 2^64 ticks, and spins with interrupts off). The harts
// run guest/smp-bare/time-order.S: each loads the largest time any hart has published, reads
// `time`, checks it is not smaller, and publishes it with amomax.d.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep, smpBareElf, startBareBoard } from './bare-board.mjs';

const RUN_MS = 2000;

for (const [harts, engine] of [[2, 'interp'], [4, 'interp'], [2, 'jit']]) {
  test(`the time CSR is monotonic across ${harts} hart threads (--engine=${engine})`, { timeout: 120000 }, async () => {
    const board = startBareBoard(smpBareElf('time-order'), { harts, policy: 'fence', engine });
    const { word } = board;
    const deadline = Date.now() + RUN_MS;
    while (Date.now() < deadline && word('bad_hart') === 0n && word('trapped') === 0n) await sleep(20);
    await board.stop();
    assert.equal(word('trapped'), 0n, `a hart trapped (mcause ${word('trapped')}, mepc 0x${word('trap_pc').toString(16)}, mtval 0x${word('trap_value').toString(16)})`);
    const bad = word('bad_hart');
    assert.equal(bad, 0n, `hart ${bad - 1n} read time ${word('bad_time')} after another hart had read ${word('bad_latest')}`);
    let crossings = 0n;
    for (let h = 0; h < harts; h++) {
      assert.ok(word('counts', h) > 1000n, `hart ${h} read the clock ${word('counts', h)} times`);
      crossings += word('crossings', h);
    }
    if (process.env.HARTVM_TEST_VERBOSE) console.log(harts, Array.from({ length: harts }, (_, h) => `${word('counts', h)}/${word('crossings', h)}`).join(' '));
    // The check only means something when harts read right after one another.
    assert.ok(crossings > 10000n, `readings that followed another hart's: ${crossings}`);
  });
}
