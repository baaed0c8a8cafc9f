// Exhaustive special-value cross products vs the reference model, hand-written known answers
// taken from the ISA manual, and the FpUnit.execute contract (invalid rm, x0, NaN-boxing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeDut, dutExec, FOPS, FFLAGS, FRM, hex } from './harness.mjs';
import { refExec } from './ref-model.mjs';
import { SPECIAL_D, SPECIAL_S, opShape, rounds, dbl, flt } from './gen.mjs';

const BOX = 0xffffffff00000000n;
const NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16;

function compareAll(cases) {
  const dut = makeDut();
  const bad = [];
  for (const [name, rm, ops] of cases) {
    const want = refExec(name, rm, ops);
    const got = dutExec(dut, name, rm, ops);
    if (got.result !== want.result || got.flags !== want.flags) {
      bad.push(`${name} rm=${rm} ${ops.map(hex).join(' ')}: want ${hex(want.result)}/${hex(want.flags)} got ${hex(got.result)}/${hex(got.flags)}`);
    }
  }
  assert.equal(bad.length, 0, `${bad.length}/${cases.length} mismatches:\n` + bad.slice(0, 20).join('\n'));
  return cases.length;
}

test('special values: all pairs for unary/binary ops, all rounding modes', () => {
  const cases = [];
  for (const [name, { regs }] of FOPS) {
    const { kind, n } = opShape(name, regs);
    if (kind === 'x' || n === 3) continue;
    const sp = kind === 'd' ? SPECIAL_D : SPECIAL_S.map((b) => BOX | b);
    const rms = rounds(name) ? [0, 1, 2, 3, 4] : [0];
    for (const rm of rms) {
      for (const a of sp) {
        if (n === 1) cases.push([name, rm, [a]]);
        else for (const b of sp) cases.push([name, rm, [a, b]]);
      }
    }
  }
  assert.ok(compareAll(cases) > 50000);
});

test('special values: triples for the fused ops, all rounding modes', () => {
  const pickD = SPECIAL_D.filter((_, i) => i % 3 === 0);
  const pickS = SPECIAL_S.filter((_, i) => i % 3 === 0).map((b) => BOX | b);
  const cases = [];
  for (const name of ['fmadd', 'fmsub', 'fnmsub', 'fnmadd']) {
    for (const [t, sp] of [['d', pickD], ['s', pickS]]) {
      for (let rm = 0; rm < 5; rm++) for (const a of sp) for (const b of sp) for (const c of sp) cases.push([`${name}.${t}`, rm, [a, b, c]]);
    }
  }
  compareAll(cases);
});

test('integer boundaries for int<->float conversions, all rounding modes', () => {
  const ints = [];
  for (const k of [0, 1, 23, 24, 25, 31, 32, 52, 53, 54, 62, 63, 64]) {
    for (const d of [-3n, -2n, -1n, 0n, 1n, 2n, 3n]) {
      const v = (1n << BigInt(k)) + d;
      ints.push(BigInt.asUintN(64, v), BigInt.asUintN(64, -v));
    }
  }
  // ties and near-ties just past 24/53 bits, at several magnitudes
  for (const p of [24, 53]) for (const sh of [1, 2, 8, 10]) {
    const top = (1n << BigInt(p)) - 1n;
    for (const tail of [1n << BigInt(sh - 1), (1n << BigInt(sh - 1)) + 1n, (1n << BigInt(sh - 1)) - 1n]) {
      const v = (top << BigInt(sh)) | tail;
      if (v < 1n << 64n) ints.push(v, BigInt.asUintN(64, -v));
    }
  }
  const floatsD = [], floatsS = [];
  for (const base of [2 ** 31, 2 ** 32, 2 ** 63, 2 ** 64, 2 ** 52, 2 ** 53, 1, 0]) {
    for (const sgn of [1, -1]) for (const off of [-1.5, -1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1, 1.5]) {
      const x = sgn * (base + off);
      floatsD.push(dbl(x));
      floatsS.push(BOX | flt(Math.fround(x)));
    }
  }
  // exact neighbours of the saturation points
  for (const x of [2 ** 31, 2 ** 32, 2 ** 63, 2 ** 64]) for (const sgn of [1, -1]) {
    const b = dbl(sgn * x);
    floatsD.push(b - 1n, b, b + 1n);
    const s = flt(sgn * x);
    floatsS.push(BOX | (s - 1n), BOX | s, BOX | (s + 1n));
  }
  const cases = [];
  for (let rm = 0; rm < 5; rm++) {
    for (const t of ['w', 'wu', 'l', 'lu']) {
      for (const v of ints) { cases.push([`fcvt.d.${t}`, rm, [v]]); cases.push([`fcvt.s.${t}`, rm, [v]]); }
      for (const v of floatsD) cases.push([`fcvt.${t}.d`, rm, [v]]);
      for (const v of floatsS) cases.push([`fcvt.${t}.s`, rm, [v]]);
    }
  }
  compareAll(cases);
});

// ---- known answers straight from the spec (independent of both models) ----
const D = (x) => dbl(x), S = (x) => BOX | flt(x);
const CANON_D = 0x7ff8000000000000n, CANON_S = BOX | 0x7fc00000n;
const SNAN_D = 0x7ff0000000000001n, SNAN_S = BOX | 0x7f800001n, QNAN_S = BOX | 0x7fc12345n;
const M = 0xffffffffffffffffn;
const KNOWN = [
  // [name, rm, operands, result, flags]
  ['fadd.d', 0, [D(1), D(2 ** -53)], D(1), NX], // tie to even
  ['fadd.d', 0, [D(1 + 2 ** -52), D(2 ** -53)], D(1 + 2 ** -51), NX],
  ['fadd.d', 4, [D(1), D(2 ** -53)], D(1 + 2 ** -52), NX], // tie away
  ['fadd.d', 2, [D(1), D(-1)], 0x8000000000000000n, 0], // x - x = -0 in RDN
  ['fadd.d', 0, [D(1), D(-1)], 0n, 0],
  ['fsub.d', 0, [D(-0), D(0)], 0x8000000000000000n, 0],
  ['fadd.d', 0, [D(Infinity), D(-Infinity)], CANON_D, NV],
  ['fadd.d', 0, [SNAN_D, D(1)], CANON_D, NV],
  ['fadd.d', 0, [D(Number.MAX_VALUE), D(Number.MAX_VALUE)], D(Infinity), OF | NX],
  ['fadd.d', 1, [D(Number.MAX_VALUE), D(Number.MAX_VALUE)], D(Number.MAX_VALUE), OF | NX],
  ['fmul.d', 0, [D(2 ** -1022), D(0.5)], D(2 ** -1023), 0], // exact subnormal: no UF
  ['fmul.d', 0, [D(2 ** -1022 + 2 ** -1074), D(0.5)], D(2 ** -1023), UF | NX],
  ['fmul.d', 0, [D(2 ** -1074), D(0.5)], 0n, UF | NX],
  ['fmul.d', 3, [D(2 ** -1074), D(0.5)], D(2 ** -1074), UF | NX],
  // tininess after rounding: 2^-1022 (1 - 2^-53) is exact with an unbounded exponent, so it is
  // tiny, though it rounds (tie to even) to 2^-1022 on the subnormal grid -> UF
  ['fmul.d', 0, [D(2 ** -1022 * 2 ** 52), D((1 - 2 ** -53) * 2 ** -52)], D(2 ** -1022), UF | NX],
  // 2^-1022 (1 - 2^-104) rounds to 2^-1022 even with an unbounded exponent: not tiny, no UF
  ['fmul.d', 0, [D(1 - 2 ** -52), D(2 ** -1022 * (1 + 2 ** -52))], D(2 ** -1022), NX],
  ['fmul.d', 1, [D(1 - 2 ** -52), D(2 ** -1022 * (1 + 2 ** -52))], D(2 ** -1022 - 2 ** -1074), UF | NX],
  ['fdiv.d', 0, [D(1), D(0)], D(Infinity), DZ],
  ['fdiv.d', 0, [D(-1), D(0)], D(-Infinity), DZ],
  ['fdiv.d', 0, [D(0), D(0)], CANON_D, NV],
  ['fdiv.d', 0, [D(1), D(3)], D(1 / 3), NX],
  ['fsqrt.d', 0, [D(-1)], CANON_D, NV],
  ['fsqrt.d', 0, [D(-0)], D(-0), 0],
  ['fsqrt.d', 0, [D(4)], D(2), 0],
  ['fsqrt.d', 0, [D(2)], D(Math.SQRT2), NX],
  ['fmadd.d', 0, [D(Infinity), D(0), CANON_D], CANON_D, NV], // inf*0 is invalid even with a qNaN addend
  ['fmadd.d', 0, [D(1 + 2 ** -52), D(1 - 2 ** -53), D(-1)], D(2 ** -53 - 2 ** -105), 0],
  ['fmadd.d', 0, [D(2), D(3), D(-6)], 0n, 0],
  ['fmadd.d', 2, [D(2), D(3), D(-6)], 0x8000000000000000n, 0],
  ['fnmadd.d', 0, [D(2), D(3), D(-6)], 0n, 0],
  ['fmadd.s', 0, [S(1 + 2 ** -23), S(1 + 2 ** -23), S(-1)], S(2 ** -22), NX], // 2^-22 + 2^-46 needs 25 bits
  ['fmadd.s', 3, [S(1 + 2 ** -23), S(1 + 2 ** -23), S(-1)], S(2 ** -22 + 2 ** -45), NX],
  ['fmadd.s', 0, [S(1 + 2 ** -23), S(1 - 2 ** -24), S(0)], S(1), NX],
  ['fmin.d', 0, [D(-0), D(0)], D(-0), 0],
  ['fmax.d', 0, [D(-0), D(0)], D(0), 0],
  ['fmin.d', 0, [CANON_D, D(5)], D(5), 0],
  ['fmax.d', 0, [SNAN_D, D(5)], D(5), NV],
  ['fmax.d', 0, [SNAN_D, CANON_D], CANON_D, NV],
  ['fmin.s', 0, [QNAN_S, S(-3)], S(-3), 0],
  ['fmin.s', 0, [D(1), S(2)], S(2), 0], // unboxed operand reads as canonical NaN
  ['feq.d', 0, [CANON_D, D(1)], 0n, 0],
  ['feq.d', 0, [SNAN_D, D(1)], 0n, NV],
  ['flt.d', 0, [CANON_D, D(1)], 0n, NV],
  ['fle.d', 0, [D(-0), D(0)], 1n, 0],
  ['flt.d', 0, [D(-0), D(0)], 0n, 0],
  ['feq.s', 0, [S(1), D(1)], 0n, 0],
  ['fclass.d', 0, [D(-Infinity)], 1n, 0],
  ['fclass.d', 0, [D(-1)], 2n, 0],
  ['fclass.d', 0, [D(-(2 ** -1074))], 4n, 0],
  ['fclass.d', 0, [D(-0)], 8n, 0],
  ['fclass.d', 0, [D(0)], 16n, 0],
  ['fclass.d', 0, [D(2 ** -1074)], 32n, 0],
  ['fclass.d', 0, [D(1)], 64n, 0],
  ['fclass.d', 0, [D(Infinity)], 128n, 0],
  ['fclass.d', 0, [SNAN_D], 256n, 0],
  ['fclass.d', 0, [CANON_D], 512n, 0],
  ['fclass.s', 0, [D(1)], 512n, 0], // improperly boxed -> canonical NaN
  ['fclass.s', 0, [SNAN_S], 256n, 0],
  ['fcvt.w.d', 0, [CANON_D], 0x7fffffffn, NV],
  ['fcvt.w.d', 0, [D(-Infinity)], 0xffffffff80000000n, NV],
  ['fcvt.w.d', 0, [D(-2147483648.5)], 0xffffffff80000000n, NX],
  ['fcvt.w.d', 2, [D(-2147483648.5)], 0xffffffff80000000n, NV],
  ['fcvt.w.d', 1, [D(2147483647.9)], 0x7fffffffn, NX],
  ['fcvt.w.d', 0, [D(2147483647.5)], 0x7fffffffn, NV],
  ['fcvt.wu.d', 0, [D(-1)], 0n, NV],
  ['fcvt.wu.d', 0, [D(-0.4)], 0n, NX],
  ['fcvt.wu.d', 0, [D(3e9)], 0xffffffffb2d05e00n, 0], // sign-extended 32-bit result
  ['fcvt.wu.d', 0, [CANON_D], M, NV],
  ['fcvt.lu.d', 0, [CANON_D], M, NV],
  ['fcvt.l.d', 0, [CANON_D], 0x7fffffffffffffffn, NV],
  ['fcvt.l.d', 0, [D(-(2 ** 63))], 0x8000000000000000n, 0],
  ['fcvt.l.d', 0, [D(2 ** 63)], 0x7fffffffffffffffn, NV],
  ['fcvt.lu.d', 0, [D(2 ** 64 - 2048)], 0xfffffffffffff800n, 0],
  ['fcvt.l.s', 4, [S(-2.5)], BigInt.asUintN(64, -3n), NX],
  ['fcvt.w.s', 0, [S(-2.5)], BigInt.asUintN(64, -2n), NX],
  ['fcvt.w.s', 3, [S(-2.5)], BigInt.asUintN(64, -2n), NX],
  ['fcvt.w.s', 2, [S(-2.5)], BigInt.asUintN(64, -3n), NX],
  ['fcvt.s.l', 0, [(1n << 62n) + (1n << 38n)], S(2 ** 62), NX], // exact tie -> even
  ['fcvt.s.l', 0, [(1n << 62n) + (1n << 38n) + 1n], S(2 ** 62 + 2 ** 39), NX],
  ['fcvt.d.lu', 0, [M], D(2 ** 64), NX],
  ['fcvt.d.lu', 1, [M], D(2 ** 64 - 2048), NX],
  ['fcvt.d.l', 0, [M], D(-1), 0],
  ['fcvt.d.wu', 0, [M], D(4294967295), 0],
  ['fcvt.d.w', 0, [0x80000000n], D(-2147483648), 0], // only the low 32 bits are read
  ['fcvt.s.d', 0, [D(2 ** 128)], S(Infinity), OF | NX],
  ['fcvt.s.d', 1, [D(2 ** 128)], S(3.4028234663852886e38), OF | NX],
  ['fcvt.s.d', 0, [D(2 ** -150)], S(0), UF | NX],
  ['fcvt.s.d', 0, [SNAN_D], CANON_S, NV],
  ['fcvt.d.s', 0, [SNAN_S], CANON_D, NV],
  ['fcvt.d.s', 0, [S(2 ** -149)], D(2 ** -149), 0],
  ['fcvt.d.s', 0, [D(1)], CANON_D, 0], // unboxed -> canonical NaN, quiet: no NV
  ['fsgnj.s', 0, [D(1), S(-1)], BOX | 0xffc00000n, 0], // unboxed source treated as canonical NaN
  ['fsgnjn.d', 0, [SNAN_D, D(1)], SNAN_D | (1n << 63n), 0],
  ['fsgnjx.d', 0, [D(-2), D(-1)], D(2), 0],
  ['fmv.x.w', 0, [0x12345678_fedcba98n], 0xfffffffffedcba98n, 0], // no NaN-box check, sign-extends
  ['fmv.w.x', 0, [0x12345678_7edcba98n], BOX | 0x7edcba98n, 0],
  ['fmv.d.x', 0, [0x7ff0000000000001n], 0x7ff0000000000001n, 0],
  ['fmv.x.d', 0, [SNAN_D], SNAN_D, 0],
  ['fadd.s', 0, [S(1), D(1)], CANON_S, 0], // unboxed -> canonical (quiet) NaN, no NV
  ['fadd.s', 0, [S(16777216), S(1)], S(16777216), NX],
  ['fmul.s', 0, [S(2 ** -126), S(0.5)], S(2 ** -127), 0],
  ['fdiv.s', 0, [S(1), S(3)], S(Math.fround(1 / 3)), NX],
  ['fsqrt.s', 0, [S(2)], S(Math.fround(Math.SQRT2)), NX],
];

test(`known answers from the spec (${KNOWN.length})`, () => {
  const dut = makeDut();
  const bad = [];
  for (const [name, rm, ops, res, fl] of KNOWN) {
    for (const mode of ['dyn', 'static']) {
      const got = dutExec(dut, name, rm, ops, mode);
      if (got.result !== res || got.flags !== fl) bad.push(`fpunit ${name} rm=${rm} ${mode} ${ops.map(hex)}: want ${hex(res)}/${fl} got ${hex(got.result)}/${got.flags}`);
    }
    const ref = refExec(name, rm, ops);
    if (ref.result !== res || ref.flags !== fl) bad.push(`ref ${name} rm=${rm} ${ops.map(hex)}: want ${hex(res)}/${fl} got ${hex(ref.result)}/${ref.flags}`);
  }
  assert.equal(bad.length, 0, bad.join('\n'));
});

test('invalid rounding modes: returns false and modifies nothing; non-rounding ops ignore rm', () => {
  const dut = makeDut();
  const { state, unit } = dut;
  for (const [name, { op }] of FOPS) {
    for (const [rmField, frm] of [[5, 0], [6, 0], [7, 5], [7, 6], [7, 7]]) {
      for (let i = 0; i < 64; i++) { state.fi32[i] = 0x3ff00000 + i; }
      for (let i = 1; i < 32; i++) state.x64[i] = BigInt(i) * 0x0101010101n;
      state.misc[FFLAGS] = 0x15;
      state.misc[FRM] = frm;
      const before = new Uint8Array(state.buffer.slice(0));
      const ok = unit.execute(op, 9, 1, 2, 3, rmField);
      const after = new Uint8Array(state.buffer);
      if (rounds(name)) {
        assert.equal(ok, false, `${name} rm=${rmField} frm=${frm} must be illegal`);
        assert.deepEqual(after, before, `${name}: state modified on illegal rm`);
      } else {
        assert.equal(ok, true, `${name} ignores rm`);
      }
    }
  }
});

test('integer x0: reads of x0 are zero, writes go to the sink slot 32', () => {
  const dut = makeDut();
  const { state, unit } = dut;
  state.x64[0] = 0n;
  state.fi32[2] = 0; state.fi32[3] = 0x40000000; // f1 = 2.0
  unit.execute(FOPS.get('fcvt.l.d').op, 32, 1, 0, 0, 0);
  assert.equal(state.x64[32], 2n);
  assert.equal(state.x64[0], 0n);
  unit.execute(FOPS.get('fcvt.d.l').op, 4, 0, 0, 0, 0);
  assert.equal(state.f64[4], 0);
  assert.equal(Object.is(state.f64[4], -0), false);
  unit.execute(FOPS.get('fmv.w.x').op, 5, 0, 0, 0, 0);
  assert.equal(state.fi32[10], 0);
  assert.equal(state.fi32[11], -1);
});

test('flags accrue (OR) rather than overwrite', () => {
  const dut = makeDut();
  const { state, unit, fb } = dut;
  fb[1] = dbl(1); fb[2] = dbl(3); fb[3] = dbl(0);
  state.misc[FFLAGS] = DZ;
  unit.execute(FOPS.get('fdiv.d').op, 4, 1, 2, 0, 0);
  assert.equal(state.misc[FFLAGS], DZ | NX);
  unit.execute(FOPS.get('fdiv.d').op, 4, 3, 3, 0, 0);
  assert.equal(state.misc[FFLAGS], DZ | NX | NV);
});
