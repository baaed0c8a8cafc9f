// The instruction table's semantic descriptions, evaluated the way a code generator would read
// them, against the interpreter: every integer ALU instruction and every branch, on edge-case
// and random operands, must give what the interpreter computes.
import test from 'node:test';
import assert from 'node:assert/strict';
import { Bus } from '../../dist/bus/bus.js';
import { GuestMemory } from '../../dist/bus/guest-memory.js';
import { Hart } from '../../dist/cpu/hart.js';
import { ENCODINGS } from '../../dist/cpu/isa/encodings.js';

const BASE = 0x80000000n;
const [A0, A1, A2] = [10, 11, 12];
const HOST = { mtime: () => 0, interruptLines: () => 0, watchedWrite: () => false };

let seed = 0x2545f491;
function rnd32() { // xorshift32
  seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
  return seed >>> 0;
}
const rnd64 = () => BigInt.asIntN(64, (BigInt(rnd32()) << 32n) | BigInt(rnd32()));

const OPERANDS = [
  0n, 1n, 2n, -1n, -2n, 31n, 32n, 63n, 64n, 0x7fn, 0x80n, 0xffffn, 0x7fffffffn, -0x80000000n, 0x80000000n, 0xffffffffn,
  0x100000000n, -0x8000000000000000n, 0x7fffffffffffffffn, 0x0123456789abcdefn, -0x0123456789abcdefn, 0x00ff00ff80000001n,
  ...Array.from({ length: 10 }, rnd64),
];

/** operand 2 of an immediate form: the decoded immediate (shift amounts: shamt) */
function immediatesOf(e) {
  if ((e.mask >>> 26) === 0) return [0, 1, -1, 5, 31, 2047, -2048, 0x555]; // bits 31:20 all immediate
  return e.mask & (1 << 25) ? [0, 1, 7, 16, 31] : [0, 1, 7, 31, 32, 33, 63]; // shamt: 5 or 6 bits
}
function withImmediate(e, imm) {
  return (e.match | ((imm & 0xfff) << 20)) >>> 0;
}

const s = (bits, v) => BigInt.asIntN(bits, v);
const u = (bits, v) => BigInt.asUintN(bits, v);

/** rd of one ALU instruction from its declaration: what a code generator would emit. */
function evaluate({ operation, word, rs1ZeroExtended, rs1Shift }, rs1, operand2) {
  const w = word ? 32 : 64, W = BigInt(w);
  let a = rs1ZeroExtended ? u(32, rs1) : rs1;
  a = s(64, a << BigInt(rs1Shift));
  const b = operand2;
  const sa = s(w, a), ua = u(w, a), sb = s(w, b), ub = u(w, b);
  const amount = BigInt(Number(ub & (W - 1n)));
  const bit = 1n << (u(64, b) & 63n);
  const bytes = (f) => { let r = 0n; for (let i = 0n; i < 8n; i++) r |= f((u(64, a) >> (8n * i)) & 0xffn, i); return r; };
  let r;
  switch (operation) {
    case 'add': r = sa + sb; break;
    case 'sub': r = sa - sb; break;
    case 'sll': r = ua << amount; break;
    case 'srl': r = ua >> amount; break;
    case 'sra': r = sa >> amount; break;
    case 'slt': r = sa < sb ? 1n : 0n; break;
    case 'sltu': r = ua < ub ? 1n : 0n; break;
    case 'xor': r = sa ^ sb; break;
    case 'or': r = sa | sb; break;
    case 'and': r = sa & sb; break;
    case 'mul': r = sa * sb; break;
    case 'mulh': r = (sa * sb) >> W; break;
    case 'mulhsu': r = (sa * ub) >> W; break;
    case 'mulhu': r = (ua * ub) >> W; break;
    case 'div': r = sb === 0n ? -1n : sa / sb; break; // the overflow case wraps to the dividend
    case 'divu': r = ub === 0n ? -1n : ua / ub; break;
    case 'rem': r = sb === 0n ? sa : sa % sb; break;
    case 'remu': r = ub === 0n ? ua : ua % ub; break;
    case 'andn': r = sa & ~sb; break;
    case 'orn': r = sa | ~sb; break;
    case 'xnor': r = ~(sa ^ sb); break;
    case 'clz': { let n = 0n; while (n < W && ((ua >> (W - 1n - n)) & 1n) === 0n) n++; r = n; break; }
    case 'ctz': { let n = 0n; while (n < W && ((ua >> n) & 1n) === 0n) n++; r = n; break; }
    case 'cpop': { let n = 0n; for (let v = ua; v !== 0n; v >>= 1n) n += v & 1n; r = n; break; }
    case 'max': r = sa > sb ? sa : sb; break;
    case 'min': r = sa < sb ? sa : sb; break;
    case 'maxu': r = ua > ub ? ua : ub; break;
    case 'minu': r = ua < ub ? ua : ub; break;
    case 'sext.b': r = s(8, a); break;
    case 'sext.h': r = s(16, a); break;
    case 'zext.h': r = u(16, a); break;
    case 'rol': r = (ua << amount) | (ua >> ((W - amount) % W)); break;
    case 'ror': r = (ua >> amount) | (ua << ((W - amount) % W)); break;
    case 'orc.b': r = bytes((byte, i) => (byte === 0n ? 0n : 0xffn) << (8n * i)); break;
    case 'rev8': r = bytes((byte, i) => byte << (8n * (7n - i))); break;
    case 'bclr': r = a & ~bit; break;
    case 'bext': r = (u(64, a) & bit) === 0n ? 0n : 1n; break;
    case 'binv': r = a ^ bit; break;
    case 'bset': r = a | bit; break;
    default: throw new Error(`no reference for ${operation}`);
  }
  return word ? s(32, r) : s(64, r);
}

const TAKEN = {
  eq: (a, b) => a === b, ne: (a, b) => a !== b, lt: (a, b) => a < b, ge: (a, b) => a >= b,
  ltu: (a, b) => u(64, a) < u(64, b), geu: (a, b) => u(64, a) >= u(64, b),
};

/**
 * Runs instruction words one at a time with rs1, rs2 in a0, a1: each word sits at its own
 * address (decoded code is kept per address), and the hart is reset to it for each run.
 */
class Runner {
  constructor(words) {
    this.at = new Map(words.map((w, i) => [w, i * 4]));
    const memory = new GuestMemory([{ name: 'ram', base: BASE, size: 0x10000, writable: true }]);
    const image = new Uint8Array(words.length * 4);
    words.forEach((w, i) => new DataView(image.buffer).setUint32(i * 4, w, true));
    memory.load(BASE, image);
    this.hart = new Hart(new Bus(memory), HOST, { hartId: 0, policy: 0 });
  }

  /** Runs `word` once; returns the hart. */
  run(word, rs1, rs2) {
    const hart = this.hart, at = BASE + BigInt(this.at.get(word));
    hart.reset(at, rs1, rs2);
    const traps = hart.trapsTaken;
    hart.execute(1);
    assert.equal(hart.trapsTaken, traps, `0x${word.toString(16)}: no trap`);
    return hart;
  }
}

test('ALU semantics, evaluated from the declaration, agree with the interpreter', () => {
  const rd = A2 << 7, rs1 = A0 << 15, rs2 = A1 << 20;
  const cases = [];
  for (const e of ENCODINGS) {
    if (e.alu === null) continue;
    if (e.alu.operand2 === 'imm') {
      for (const imm of immediatesOf(e)) for (const a of OPERANDS) cases.push([e, (withImmediate(e, imm) | rd | rs1) >>> 0, a, 0n, BigInt(imm)]);
    } else {
      const word = (e.match | rd | rs1 | (e.alu.operand2 === 'rs2' ? rs2 : 0)) >>> 0;
      for (const a of OPERANDS) for (const b of OPERANDS) cases.push([e, word, a, b, b]);
    }
  }
  const runner = new Runner([...new Set(cases.map((c) => c[1]))]);
  for (const [e, word, a, b, operand2] of cases) {
    const hart = runner.run(word, a, b);
    assert.equal(hart.state.x64[A2], evaluate(e.alu, a, operand2), `${e.name} ${a}, ${operand2}`);
  }
  assert.ok(cases.length > 10000, `${cases.length} cases`);
});

test('branch conditions, evaluated from the declaration, agree with the interpreter', () => {
  const plus8 = (8 >> 1) << 8; // imm[4:1] in bits 11:8
  const branches = ENCODINGS.filter((e) => e.branch !== null);
  const wordOf = (e) => (e.match | plus8 | (A0 << 15) | (A1 << 20)) >>> 0;
  const runner = new Runner(branches.map(wordOf));
  for (const e of branches) {
    const at = BASE + BigInt(runner.at.get(wordOf(e)));
    for (const a of OPERANDS) for (const b of OPERANDS) {
      const hart = runner.run(wordOf(e), a, b);
      assert.equal(hart.pc, TAKEN[e.branch](a, b) ? at + 8n : at + 4n, `${e.name} ${a}, ${b}`);
    }
  }
});
