// Compares the FpUnit and the reference model against vectors recorded on qemu-system-riscv64
// (guest/fpu-vectors: regenerate with guest/fpu-vectors/regen.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { makeDut, dutExec, FOPS, hex } from './harness.mjs';
import { refExec } from './ref-model.mjs';

const text = gunzipSync(readFileSync(new URL('./data/qemu-vectors.txt.gz', import.meta.url))).toString();
const vectors = [];
for (const line of text.split('\n')) {
  if (!line || line.startsWith('#')) continue;
  const w = line.split(' ');
  vectors.push({
    line, name: w[0], rm: parseInt(w[1], 16),
    operands: w.slice(2, -2).map((x) => BigInt('0x' + x)),
    result: BigInt('0x' + w[w.length - 2]), flags: parseInt(w[w.length - 1], 16),
  });
}

function check(label, run) {
  const bad = [];
  const perOp = new Map();
  for (const v of vectors) {
    perOp.set(v.name, (perOp.get(v.name) ?? 0) + 1);
    const r = run(v);
    if (r.result !== v.result || r.flags !== v.flags) {
      bad.push(`${v.line}  -> ${label} ${hex(r.result)} ${hex(r.flags)}`);
    }
  }
  assert.ok(vectors.length > 50000, 'vector file looks truncated');
  assert.equal(perOp.size, FOPS.size, 'every F/D compute op has vectors');
  assert.equal(bad.length, 0, `${bad.length} mismatches vs QEMU, first ones:\n` + bad.slice(0, 25).join('\n'));
}

test(`FpUnit matches QEMU on ${vectors.length} vectors (dynamic rm)`, () => {
  const dut = makeDut();
  check('fpunit', (v) => dutExec(dut, v.name, v.rm, v.operands, 'dyn'));
});

test('FpUnit matches QEMU with static rm and rd aliasing rs1', () => {
  const dut = makeDut();
  check('fpunit', (v) => dutExec(dut, v.name, v.rm, v.operands, 'static', true));
});

test('reference model matches QEMU', () => {
  check('ref', (v) => refExec(v.name, v.rm, v.operands));
});
