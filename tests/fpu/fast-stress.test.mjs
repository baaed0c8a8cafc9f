// Stress for the fast paths: operands in ordinary ranges (where the native-arithmetic paths with
// error-free transformations are used), with patterns that make exact, halfway and near-halfway
// results common, in every rounding mode, checked against the reference model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeDut, dutExec, hex } from './harness.mjs';
import { refExec } from './ref-model.mjs';
import { makeRng, dbl, flt } from './gen.mjs';

const PER = Number(process.env.FPU_STRESS ?? 3000);
const SEED = Number(process.env.FPU_SEED ?? 1);
const BOX = 0xffffffff00000000n;

function num(r, p) {
  // significand with a random number of significant bits, exponent in a moderate range
  const bits = 1 + r.below(p);
  let m = 0;
  for (let i = 0; i < bits; i++) m = m * 2 + (i === 0 || i === bits - 1 ? 1 : r.below(2));
  const x = m * 2 ** (r.below(120) - 60 - bits) * (r.below(2) ? -1 : 1);
  return p === 53 ? x : Math.fround(x);
}

function operands(r, n, p) {
  const v = [num(r, p), num(r, p), num(r, p)];
  if (n === 3 && r.below(2)) {
    const prod = v[0] * v[1]; // RN of the product: c = -prod cancels all but the rounding error
    v[2] = p === 53 ? -prod : Math.fround(-prod);
    if (r.below(2)) v[2] += v[2] * 2 ** -(r.below(60));
    if (p === 24) v[2] = Math.fround(v[2]);
  }
  if (n === 2 && r.below(3) === 0) v[1] = v[0] * 2 ** -(r.below(p + 4)) * (r.below(2) ? 1 : -1);
  return v.slice(0, n).map((x) => (p === 53 ? dbl(x) : BOX | flt(x)));
}

const OPS = [
  ['fadd', 2], ['fsub', 2], ['fmul', 2], ['fdiv', 2], ['fsqrt', 1],
  ['fmadd', 3], ['fmsub', 3], ['fnmsub', 3], ['fnmadd', 3],
];

for (const [t, p] of [['d', 53], ['s', 24]]) {
  test(`fast paths .${t}: ordinary operands, all rounding modes`, () => {
    const r = makeRng(SEED * 7919 + p);
    const dut = makeDut();
    const bad = [];
    let n = 0;
    for (const [base, k] of OPS) {
      const name = `${base}.${t}`;
      for (let rm = 0; rm < 5; rm++) {
        for (let i = 0; i < PER; i++) {
          let ops = operands(r, k, p);
          if (base === 'fsqrt') ops = ops.map((b) => b & ~(1n << (p === 53 ? 63n : 31n)));
          const want = refExec(name, rm, ops);
          const got = dutExec(dut, name, rm, ops);
          n++;
          if (got.result !== want.result || got.flags !== want.flags) {
            bad.push(`${name} rm=${rm} ${ops.map(hex).join(' ')}: want ${hex(want.result)}/${want.flags} got ${hex(got.result)}/${got.flags}`);
          }
        }
      }
    }
    assert.equal(bad.length, 0, `${bad.length}/${n} mismatches:\n` + bad.slice(0, 20).join('\n'));
  });
}

test('fast paths: 64-bit integer to float conversions, all rounding modes', () => {
  const r = makeRng(SEED * 104729);
  const dut = makeDut();
  const bad = [];
  for (const name of ['fcvt.d.l', 'fcvt.d.lu', 'fcvt.s.l', 'fcvt.s.lu', 'fcvt.s.w', 'fcvt.s.wu']) {
    for (let rm = 0; rm < 5; rm++) {
      for (let i = 0; i < PER; i++) {
        const width = 1 + r.below(64);
        let v = (r.u64() >> BigInt(64 - width)) | (1n << BigInt(width - 1));
        if (r.below(2)) v = (v >> BigInt(r.below(12))) << BigInt(r.below(12)); // trailing zeros: ties
        if (r.below(2)) v = -v;
        const ops = [BigInt.asUintN(64, v)];
        const want = refExec(name, rm, ops);
        const got = dutExec(dut, name, rm, ops);
        if (got.result !== want.result || got.flags !== want.flags) bad.push(`${name} rm=${rm} ${hex(ops[0])}: want ${hex(want.result)}/${want.flags} got ${hex(got.result)}/${got.flags}`);
      }
    }
  }
  assert.equal(bad.length, 0, bad.slice(0, 20).join('\n'));
});

test('fast paths: fcvt.s.d and float->int, all rounding modes', () => {
  const r = makeRng(SEED * 15485863);
  const dut = makeDut();
  const bad = [];
  for (let rm = 0; rm < 5; rm++) {
    for (let i = 0; i < PER * 4; i++) {
      const x = num(r, 53) * 2 ** (r.below(40) - 20);
      const ops = [dbl(x)];
      for (const name of ['fcvt.s.d', 'fcvt.w.d', 'fcvt.l.d', 'fcvt.wu.d', 'fcvt.lu.d']) {
        const want = refExec(name, rm, ops);
        const got = dutExec(dut, name, rm, ops);
        if (got.result !== want.result || got.flags !== want.flags) bad.push(`${name} rm=${rm} ${hex(ops[0])}: want ${hex(want.result)}/${want.flags} got ${hex(got.result)}/${got.flags}`);
      }
      const sops = [BOX | flt(Math.fround(x))];
      for (const name of ['fcvt.w.s', 'fcvt.l.s', 'fcvt.wu.s', 'fcvt.lu.s']) {
        const want = refExec(name, rm, sops);
        const got = dutExec(dut, name, rm, sops);
        if (got.result !== want.result || got.flags !== want.flags) bad.push(`${name} rm=${rm} ${hex(sops[0])}: want ${hex(want.result)}/${want.flags} got ${hex(got.result)}/${got.flags}`);
      }
    }
  }
  assert.equal(bad.length, 0, bad.slice(0, 20).join('\n'));
});
