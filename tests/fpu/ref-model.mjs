// Slow, simple reference model of the RISC-V F/D compute instructions, written straight from
// the ISA manual and IEEE 754 with exact rational arithmetic (BigInt numerator/denominator):
// every result is "the exact real value, rounded once to the format in the given mode".
// It shares no code with src/cpu/fpu. Interface: refExec(mnemonic, rm, operands) where operands
// are 64-bit register images (BigInt) and the result is the 64-bit destination register image.

const NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16;
const RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;

const FMT = {
  s: { p: 24, ebits: 8, bias: 127, emin: -126, emax: 127, width: 32, qnan: 0x7fc00000n },
  d: { p: 53, ebits: 11, bias: 1023, emin: -1022, emax: 1023, width: 64, qnan: 0x7ff8000000000000n },
};

const abs = (x) => (x < 0n ? -x : x);
const pow2 = (k) => 1n << BigInt(k);

// ---------- exact rationals: { n, d } with d > 0 ----------
function gcd(a, b) { a = abs(a); b = abs(b); while (b) [a, b] = [b, a % b]; return a; }
function rat(n, d = 1n) {
  if (d < 0n) { n = -n; d = -d; }
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}
const radd = (x, y) => rat(x.n * y.d + y.n * x.d, x.d * y.d);
const rmul = (x, y) => rat(x.n * y.n, x.d * y.d);
const rdiv = (x, y) => rat(x.n * y.d, x.d * y.n);
const rneg = (x) => ({ n: -x.n, d: x.d });
/** compare x and y: -1, 0, 1 */
const rcmp = (x, y) => { const a = x.n * y.d, b = y.n * x.d; return a < b ? -1 : a > b ? 1 : 0; };
/** 2^k as a rational */
const rpow2 = (k) => (k >= 0 ? rat(pow2(k)) : rat(1n, pow2(-k)));

function isqrt(n) {
  if (n < 2n) return n;
  let x = n, y = (x + 1n) / 2n;
  while (y < x) { x = y; y = (x + n / x) / 2n; }
  return x;
}

// ---------- "exact real" values: a rational, or the square root of a non-negative rational ----------
// Each supports: sign, floorLog2 (of |x|), floorScaled(q) = floor(|x| / 2^q), cmpAbs(r) with r >= 0.
function ratReal(r) {
  return {
    sign: r.n < 0n ? -1 : r.n > 0n ? 1 : 0,
    floorLog2() {
      const a = abs(r.n);
      let e = a.toString(2).length - r.d.toString(2).length;
      // adjust so that 2^e <= |r| < 2^(e+1)
      while (rcmp(rat(a, r.d), rpow2(e)) < 0) e--;
      while (rcmp(rat(a, r.d), rpow2(e + 1)) >= 0) e++;
      return e;
    },
    floorScaled(q) {
      const a = abs(r.n);
      return q >= 0 ? a / (r.d << BigInt(q)) : (a << BigInt(-q)) / r.d;
    },
    cmpAbs(x) { return rcmp(rat(abs(r.n), r.d), x); },
  };
}
function sqrtReal(r) { // r > 0
  const inner = ratReal(r);
  return {
    sign: 1,
    floorLog2() { return Math.floor(inner.floorLog2() / 2); },
    floorScaled(q) { // floor(sqrt(r) / 2^q) = isqrt(floor(r / 4^q))
      return isqrt(inner.floorScaled(2 * q));
    },
    cmpAbs(x) { return rcmp(r, rmul(x, x)); },
  };
}

/** Round |x| to a multiple of 2^q in mode rm (sign from x). Returns { t, inexact }. */
function roundAt(x, q, rm) {
  const t = x.floorScaled(q);
  const lowCmp = x.cmpAbs(rmul(rat(t), rpow2(q)));
  if (lowCmp === 0) return { t, inexact: false };
  const mid = x.cmpAbs(rmul(rat(2n * t + 1n), rpow2(q - 1)));
  const neg = x.sign < 0;
  let up;
  switch (rm) {
    case RNE: up = mid > 0 || (mid === 0 && (t & 1n) === 1n); break;
    case RTZ: up = false; break;
    case RDN: up = neg; break;
    case RUP: up = !neg; break;
    case RMM: up = mid >= 0; break;
    default: throw new Error('bad rm ' + rm);
  }
  return { t: up ? t + 1n : t, inexact: true };
}

/** Encode the value t * 2^q (t >= 0, representable in f) with the given sign. */
function encode(neg, t, q, f) {
  const s = neg ? pow2(f.width - 1) : 0n;
  if (t === 0n) return s;
  // normalize t to exactly p bits if possible
  while (t >= pow2(f.p)) { if (t & 1n) throw new Error('not representable'); t >>= 1n; q++; }
  while (t < pow2(f.p - 1) && q > f.emin - f.p + 1) { t <<= 1n; q--; }
  if (t < pow2(f.p - 1)) return s | t; // subnormal
  const be = q + f.p - 1 + f.bias;
  if (be >= 2 ** f.ebits - 1 || be < 1) throw new Error('exponent out of range');
  return s | (BigInt(be) << BigInt(f.p - 1)) | (t - pow2(f.p - 1));
}

const infBits = (neg, f) => (neg ? pow2(f.width - 1) : 0n) | (((1n << BigInt(f.ebits)) - 1n) << BigInt(f.p - 1));
const maxBits = (neg, f) => infBits(neg, f) - 1n;
const zeroBits = (neg, f) => (neg ? pow2(f.width - 1) : 0n);

/** Round a non-zero exact real to format f. Returns { bits, flags }. */
function roundReal(x, f, rm) {
  const neg = x.sign < 0;
  const E = x.floorLog2();
  let flags = 0;
  let tiny = false;
  if (E < f.emin) {
    const q = E - f.p + 1; // unbounded exponent range
    const r = roundAt(x, q, rm);
    tiny = rcmp(rmul(rat(r.t), rpow2(q)), rpow2(f.emin)) < 0;
  }
  const q = Math.max(E, f.emin) - f.p + 1;
  const r = roundAt(x, q, rm);
  if (rcmp(rmul(rat(r.t), rpow2(q)), rpow2(f.emax + 1)) >= 0) {
    const toInf = rm === RNE || rm === RMM || (rm === RDN && neg) || (rm === RUP && !neg);
    return { bits: toInf ? infBits(neg, f) : maxBits(neg, f), flags: OF | NX };
  }
  if (r.inexact) flags |= NX | (tiny ? UF : 0);
  return { bits: encode(neg, r.t, q, f), flags };
}

// ---------- decoding ----------
function decode(bits, f) {
  const neg = (bits >> BigInt(f.width - 1)) & 1n ? true : false;
  const be = Number((bits >> BigInt(f.p - 1)) & ((1n << BigInt(f.ebits)) - 1n));
  const frac = bits & (pow2(f.p - 1) - 1n);
  if (be === 2 ** f.ebits - 1) {
    if (frac === 0n) return { k: 'inf', neg };
    return { k: 'nan', neg, snan: (frac >> BigInt(f.p - 2)) === 0n };
  }
  if (be === 0 && frac === 0n) return { k: 'zero', neg, v: rat(0n) };
  const m = be === 0 ? frac : frac | pow2(f.p - 1);
  const e = (be === 0 ? f.emin : be - f.bias) - (f.p - 1);
  const mag = rmul(rat(m), rpow2(e));
  return { k: be === 0 ? 'sub' : 'norm', neg, v: neg ? rneg(mag) : mag };
}
const isNan = (u) => u.k === 'nan';
const isFinite_ = (u) => u.k === 'zero' || u.k === 'sub' || u.k === 'norm';

// operand fetch with NaN-boxing (single operands must have the upper 32 bits all ones)
const BOX = 0xffffffff00000000n;
function fop(reg, f) {
  if (f.width === 64) return reg;
  return (reg >> 32n) === 0xffffffffn ? reg & 0xffffffffn : 0x7fc00000n;
}
const fres = (bits, f) => (f.width === 64 ? bits : BOX | bits);
const sext = (v, bits) => BigInt.asUintN(64, BigInt.asIntN(bits, v));

// ---------- operations (each returns { bits, flags } in the format's width) ----------
function nanOut(f, ...us) {
  return { bits: f.qnan, flags: us.some((u) => isNan(u) && u.snan) ? NV : 0 };
}

/** exact sum of two finite values, zero sign per IEEE 754 6.3 */
function sumFinite(xv, xneg, yv, yneg, f, rm) {
  const s = radd(xv, yv);
  if (s.n === 0n) {
    const neg = xneg === yneg && rcmp(xv, rat(0n)) === 0 && rcmp(yv, rat(0n)) === 0 ? xneg : rm === RDN;
    return { bits: zeroBits(neg, f), flags: 0 };
  }
  return roundReal(ratReal(s), f, rm);
}

function opAdd(a, b, f, rm, negB) {
  const x = decode(a, f), y = decode(b, f);
  if (negB) { y.neg = !y.neg; if (y.v) y.v = rneg(y.v); }
  if (isNan(x) || isNan(y)) return nanOut(f, x, y);
  if (x.k === 'inf' && y.k === 'inf') return x.neg === y.neg ? { bits: infBits(x.neg, f), flags: 0 } : { bits: f.qnan, flags: NV };
  if (x.k === 'inf') return { bits: infBits(x.neg, f), flags: 0 };
  if (y.k === 'inf') return { bits: infBits(y.neg, f), flags: 0 };
  return sumFinite(x.v, x.neg, y.v, y.neg, f, rm);
}

function opMul(a, b, f, rm) {
  const x = decode(a, f), y = decode(b, f);
  if (isNan(x) || isNan(y)) return nanOut(f, x, y);
  const neg = x.neg !== y.neg;
  if (x.k === 'inf' || y.k === 'inf') {
    if (x.k === 'zero' || y.k === 'zero') return { bits: f.qnan, flags: NV };
    return { bits: infBits(neg, f), flags: 0 };
  }
  const p = rmul(x.v, y.v);
  if (p.n === 0n) return { bits: zeroBits(neg, f), flags: 0 };
  return roundReal(ratReal(p), f, rm);
}

function opDiv(a, b, f, rm) {
  const x = decode(a, f), y = decode(b, f);
  if (isNan(x) || isNan(y)) return nanOut(f, x, y);
  const neg = x.neg !== y.neg;
  if (x.k === 'inf' && y.k === 'inf') return { bits: f.qnan, flags: NV };
  if (x.k === 'inf') return { bits: infBits(neg, f), flags: 0 };
  if (y.k === 'inf') return { bits: zeroBits(neg, f), flags: 0 };
  if (y.k === 'zero') {
    if (x.k === 'zero') return { bits: f.qnan, flags: NV };
    return { bits: infBits(neg, f), flags: DZ };
  }
  if (x.k === 'zero') return { bits: zeroBits(neg, f), flags: 0 };
  return roundReal(ratReal(rdiv(x.v, y.v)), f, rm);
}

function opSqrt(a, f, rm) {
  const x = decode(a, f);
  if (isNan(x)) return nanOut(f, x);
  if (x.k === 'zero') return { bits: zeroBits(x.neg, f), flags: 0 };
  if (x.neg) return { bits: f.qnan, flags: NV };
  if (x.k === 'inf') return { bits: infBits(false, f), flags: 0 };
  return roundReal(sqrtReal(x.v), f, rm);
}

/** negProd: -(a*b); negC: -c. Single rounding of the exact a*b+c. */
function opFma(a, b, c, f, rm, negProd, negC) {
  const x = decode(a, f), y = decode(b, f), z = decode(c, f);
  if ((x.k === 'inf' && y.k === 'zero') || (x.k === 'zero' && y.k === 'inf')) return { bits: f.qnan, flags: NV };
  if (isNan(x) || isNan(y) || isNan(z)) return nanOut(f, x, y, z);
  const pneg = (x.neg !== y.neg) !== negProd;
  const zneg = z.neg !== negC;
  const pinf = x.k === 'inf' || y.k === 'inf';
  if (pinf && z.k === 'inf' && pneg !== zneg) return { bits: f.qnan, flags: NV };
  if (pinf) return { bits: infBits(pneg, f), flags: 0 };
  if (z.k === 'inf') return { bits: infBits(zneg, f), flags: 0 };
  let p = rmul(x.v, y.v);
  if (negProd) p = rneg(p);
  const cv = negC ? rneg(z.v) : z.v;
  return sumFinite(p, pneg, cv, zneg, f, rm);
}

function opMinMax(a, b, f, isMax) {
  const x = decode(a, f), y = decode(b, f);
  const flags = (isNan(x) && x.snan) || (isNan(y) && y.snan) ? NV : 0;
  if (isNan(x) && isNan(y)) return { bits: f.qnan, flags };
  if (isNan(x)) return { bits: b, flags };
  if (isNan(y)) return { bits: a, flags };
  const c = cmpVals(x, y);
  let pickA;
  if (c === 0) pickA = isMax ? !x.neg : x.neg; // -0 < +0 (equal non-zero values are identical)
  else pickA = isMax ? c > 0 : c < 0;
  return { bits: pickA ? a : b, flags };
}

function cmpVals(x, y) {
  const key = (u) => (u.k === 'inf' ? (u.neg ? -2 : 2) : 0);
  if (key(x) !== key(y)) return key(x) < key(y) ? -1 : 1;
  if (key(x) !== 0) return 0;
  return rcmp(x.v, y.v);
}

function opCmp(a, b, f, kind) {
  const x = decode(a, f), y = decode(b, f);
  if (isNan(x) || isNan(y)) {
    const sig = (isNan(x) && x.snan) || (isNan(y) && y.snan);
    return { bits: 0n, flags: kind === 'eq' && !sig ? 0 : NV };
  }
  const c = cmpVals(x, y);
  return { bits: (kind === 'eq' ? c === 0 : kind === 'lt' ? c < 0 : c <= 0) ? 1n : 0n, flags: 0 };
}

function opClass(a, f) {
  const x = decode(a, f);
  const bit = {
    inf: x.neg ? 0 : 7, norm: x.neg ? 1 : 6, sub: x.neg ? 2 : 5, zero: x.neg ? 3 : 4,
    nan: x.snan ? 8 : 9,
  }[x.k];
  return { bits: 1n << BigInt(bit), flags: 0 };
}

function opToInt(a, f, rm, width, signed) {
  const x = decode(a, f);
  const max = signed ? pow2(width - 1) - 1n : pow2(width) - 1n;
  const min = signed ? -pow2(width - 1) : 0n;
  const out = (v) => sext(v, width);
  if (isNan(x)) return { bits: out(max), flags: NV };
  if (x.k === 'inf') return { bits: out(x.neg ? min : max), flags: NV };
  if (x.k === 'zero') return { bits: 0n, flags: 0 };
  const r = roundAt(ratReal(x.v), 0, rm);
  const v = x.neg ? -r.t : r.t;
  if (v > max || v < min) return { bits: out(x.neg ? min : max), flags: NV };
  return { bits: out(v), flags: r.inexact ? NX : 0 };
}

function opFromInt(reg, f, rm, width, signed) {
  const v = signed ? BigInt.asIntN(width, reg) : BigInt.asUintN(width, reg);
  if (v === 0n) return { bits: 0n, flags: 0 };
  return roundReal(ratReal(rat(v)), f, rm);
}

function opCvtFF(a, from, to, rm) {
  const x = decode(a, from);
  if (isNan(x)) return nanOut(to, x);
  if (x.k === 'inf') return { bits: infBits(x.neg, to), flags: 0 };
  if (x.k === 'zero') return { bits: zeroBits(x.neg, to), flags: 0 };
  return roundReal(ratReal(x.v), to, rm);
}

function opSgnj(a, b, f, mode) {
  const sb = pow2(f.width - 1);
  const sa = a & sb, sbb = b & sb;
  const s = mode === 'j' ? sbb : mode === 'n' ? sbb ^ sb : sa ^ sbb;
  return { bits: (a & ~sb) | s, flags: 0 };
}

/**
 * Executes one instruction in the reference model.
 * @param {string} name mnemonic, e.g. 'fmadd.d'
 * @param {number} rm effective rounding mode 0..4
 * @param {bigint[]} ops operand register images (f regs: 64-bit image; x regs: 64-bit value)
 * @returns {{ result: bigint, flags: number }} destination register image (unsigned 64-bit)
 */
export function refExec(name, rm, ops) {
  const m = /^f([a-z]+)\.([a-z]+)(?:\.([a-z]+))?$/.exec(name);
  if (!m) throw new Error('bad mnemonic ' + name);
  const base = m[1];
  const t1 = m[2], t2 = m[3];
  let f = t2 === undefined ? (t1 === 's' ? FMT.s : FMT.d) : null;
  const [A, B, C] = ops;
  const wrapF = (r, ff) => ({ result: fres(r.bits, ff), flags: r.flags });
  const wrapX = (r) => ({ result: BigInt.asUintN(64, r.bits), flags: r.flags });
  switch (base) {
    case 'add': return wrapF(opAdd(fop(A, f), fop(B, f), f, rm, false), f);
    case 'sub': return wrapF(opAdd(fop(A, f), fop(B, f), f, rm, true), f);
    case 'mul': return wrapF(opMul(fop(A, f), fop(B, f), f, rm), f);
    case 'div': return wrapF(opDiv(fop(A, f), fop(B, f), f, rm), f);
    case 'sqrt': return wrapF(opSqrt(fop(A, f), f, rm), f);
    case 'madd': return wrapF(opFma(fop(A, f), fop(B, f), fop(C, f), f, rm, false, false), f);
    case 'msub': return wrapF(opFma(fop(A, f), fop(B, f), fop(C, f), f, rm, false, true), f);
    case 'nmsub': return wrapF(opFma(fop(A, f), fop(B, f), fop(C, f), f, rm, true, false), f);
    case 'nmadd': return wrapF(opFma(fop(A, f), fop(B, f), fop(C, f), f, rm, true, true), f);
    case 'sgnj': return wrapF(opSgnj(fop(A, f), fop(B, f), f, 'j'), f);
    case 'sgnjn': return wrapF(opSgnj(fop(A, f), fop(B, f), f, 'n'), f);
    case 'sgnjx': return wrapF(opSgnj(fop(A, f), fop(B, f), f, 'x'), f);
    case 'min': return wrapF(opMinMax(fop(A, f), fop(B, f), f, false), f);
    case 'max': return wrapF(opMinMax(fop(A, f), fop(B, f), f, true), f);
    case 'eq': return wrapX(opCmp(fop(A, f), fop(B, f), f, 'eq'));
    case 'lt': return wrapX(opCmp(fop(A, f), fop(B, f), f, 'lt'));
    case 'le': return wrapX(opCmp(fop(A, f), fop(B, f), f, 'le'));
    case 'class': return wrapX(opClass(fop(A, f), f));
    case 'mv': {
      // fmv.x.w / fmv.x.d / fmv.w.x / fmv.d.x: bit moves (no NaN-box check on fmv.x.w)
      if (t1 === 'x' && t2 === 'w') return { result: sext(A & 0xffffffffn, 32), flags: 0 };
      if (t1 === 'x' && t2 === 'd') return { result: A, flags: 0 };
      if (t1 === 'w') return { result: BOX | (A & 0xffffffffn), flags: 0 };
      return { result: BigInt.asUintN(64, A), flags: 0 };
    }
    case 'cvt': {
      const isInt = (t) => ['w', 'wu', 'l', 'lu'].includes(t);
      const width = (t) => (t[0] === 'w' ? 32 : 64);
      const signed = (t) => t.length === 1;
      if (isInt(t1)) { // float -> int
        f = t2 === 's' ? FMT.s : FMT.d;
        return wrapX(opToInt(fop(A, f), f, rm, width(t1), signed(t1)));
      }
      const to = t1 === 's' ? FMT.s : FMT.d;
      if (isInt(t2)) return wrapF(opFromInt(BigInt.asUintN(64, A), to, rm, width(t2), signed(t2)), to);
      const from = t2 === 's' ? FMT.s : FMT.d;
      return wrapF(opCvtFF(fop(A, from), from, to, rm), to);
    }
    default: throw new Error('unknown op ' + name);
  }
}
