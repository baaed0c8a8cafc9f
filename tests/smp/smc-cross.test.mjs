// Code patched by one hart while another runs it hot: two hart threads run
// guest/smp-bare/smc-cross.S. Hart 0 rewrites an instruction in hart 1's loop ROUNDS times,
// each time after hart 1 has run the loop thousands of times more (so that under --engine=jit it
// runs translated code); hart 1 runs fence.i once it sees the new round announced and must then
// run the new instruction. Under the interpreter and under the JIT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep, smpBareElf, startBareBoard } from './bare-board.mjs';

const RUNS = [
  { policy: 'fence', engine: 'interp' },
  { policy: 'fence', engine: 'jit' },
  { policy: 'block', engine: 'jit' },
];

for (const { policy, engine } of RUNS) {
  test(`a hart runs the code another hart patched once it has run fence.i (--tlb-flush=${policy} --engine=${engine})`, { timeout: 300000 }, async () => {
    const board = startBareBoard(smpBareElf('smc-cross'), { harts: 2, policy, engine });
    const { word } = board;
    let exits;
    try {
      const deadline = Date.now() + 240_000;
      while (word('done') === 0n && word('failed') === 0n && word('trapped') === 0n && Date.now() < deadline) await sleep(20);
    } finally {
      exits = await board.stop();
    }
    assert.equal(word('trapped'), 0n, `a hart trapped (mcause ${word('trapped')})`);
    const failed = word('failed');
    assert.equal(failed, 0n, `hart 1 ran ${failed === 2n ? 'neither the old nor the new code' : 'the old code after fence.i'}: a0 = ${word('failed_value')} in round ${word('round')}`);
    assert.equal(word('done'), 1n, `all rounds done (acknowledged ${word('ack')})`);
    assert.equal(word('ack'), 30n);
    if (engine === 'jit') {
      // The first rounds patch translated code (each fence.i drops it; a page whose translation
      // keeps going stale is then left to the interpreter, which the later rounds exercise).
      const jit = exits[1].statistics.jit;
      assert.ok(jit && jit.translatedInstructions > 100_000, `hart 1 ran translated code: ${jit?.translatedInstructions} instructions`);
      assert.ok(jit.dropped >= 3, `hart 1 dropped translations of the patched page: ${jit.dropped}`);
    }
  });
}
