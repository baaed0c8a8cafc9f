// The mapping an AMO uses stays fixed while another hart rewrites its PTE: two hart threads over
// one guest RAM (the same worker and HartRunner as `hartvm boot -smp N`), running
// guest/smp-bare/amo-pin.S. Hart 0 does 200000 amoadd.d through virtual page X, re-translating X
// before each; hart 1 flips X's PTE between two physical pages all the while. The totals of the
// two pages must add up exactly, and both pages must have been hit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep, smpBareElf, startBareBoard } from './bare-board.mjs';

async function runAmoPin(policy, engine) {
  const board = startBareBoard(smpBareElf('amo-pin'), { harts: 2, policy, engine });
  const { word } = board;
  const deadline = Date.now() + 600_000;
  while (word('result') === 0n && word('trapped') === 0n && Date.now() < deadline) await sleep(20);
  // Hart 1 stores its count once it sees `done`; give it a moment.
  for (let i = 0; i < 100 && word('flips') === 0n; i++) await sleep(10);
  const ended = await board.stop();
  return {
    result: word('result'), trapped: word('trapped'), flips: word('flips'),
    page1: word('page1'), page2: word('page2'), exits: ended,
  };
}

for (const [policy, engine] of [['fence', 'interp'], ['instruction', 'interp'], ['fence', 'jit']]) {
  test(`an AMO keeps the mapping it translated while another hart rewrites the PTE (--tlb-flush=${policy} --engine=${engine})`, { timeout: 900000 }, async () => {
    const r = await runAmoPin(policy, engine);
    if (process.env.HARTVM_TEST_VERBOSE) console.log(policy, r.page1, r.page2, r.flips);
    assert.equal(r.trapped, 0n, `a hart trapped (mcause ${r.trapped})`);
    assert.equal(r.result, 1n, `result ${r.result} (3: page totals ${r.page1} + ${r.page2} != 200000; 5: one page never hit)`);
    assert.equal(r.page1 + r.page2, 200000n);
    assert.ok(r.page1 > 0n && r.page2 > 0n, `both mappings were used: ${r.page1} / ${r.page2}`);
    assert.ok(r.flips >= 100n, `hart 1 rewrote the PTE ${r.flips} times while the AMOs ran`);
    for (const e of r.exits) assert.ok(e.statistics.instructions > 0, `hart ${e.hartId} ran`);
  });
}
