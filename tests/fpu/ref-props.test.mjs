// Property tests: FpUnit vs the rational reference model on random edge-biased inputs, every
// F/D compute op, every rounding mode (dynamic and static encodings).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeDut, dutExec, FOPS, hex } from './harness.mjs';
import { refExec } from './ref-model.mjs';
import { makeRng, genOperands, opShape, rounds } from './gen.mjs';

const PER = Number(process.env.FPU_CASES ?? 1500);
const SEED = Number(process.env.FPU_SEED ?? 7);

let total = 0;
for (const [name, { regs }] of FOPS) {
  test(`${name} vs reference model`, () => {
    const dut = makeDut();
    const r = makeRng(name.split('').reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, SEED));
    const shape = opShape(name, regs);
    const bad = [];
    const rms = rounds(name) ? [0, 1, 2, 3, 4] : [0];
    let n = 0;
    for (const rm of rms) {
      for (let i = 0; i < PER; i++) {
        const ops = genOperands(r, shape.kind, shape.n);
        const want = refExec(name, rm, ops);
        const got = dutExec(dut, name, rm, ops, i & 1 ? 'static' : 'dyn', (i & 2) !== 0);
        n++;
        if (!got.ok || got.result !== want.result || got.flags !== want.flags) {
          bad.push(`${name} rm=${rm} ${ops.map(hex).join(' ')}: want ${hex(want.result)}/${hex(want.flags)} got ${hex(got.result)}/${hex(got.flags)}${got.ok ? '' : ' (returned false)'}`);
        }
      }
    }
    total += n;
    assert.equal(bad.length, 0, `${bad.length}/${n} mismatches:\n` + bad.slice(0, 20).join('\n'));
  });
}

test('case count', () => {
  assert.ok(total > 50000, `ran ${total} cases`);
});
