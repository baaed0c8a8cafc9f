// RISC-V F and D compute instructions, IEEE-754 exact (all rounding modes, exact fflags).
//
// Fast paths use native double arithmetic plus error-free transformations (TwoSum, Dekker
// TwoProduct, round-to-odd) to detect inexactness exactly without allocating; they only accept
// operand/result ranges where those transformations are provably exact and the result can be
// neither tiny nor overflowing. Everything else (NaNs, infinities, zeros where the sign matters,
// subnormal/near-overflow results, directed rounding of inexact results) goes to the exact
// BigInt implementation in soft.ts.

import { HartState, Misc } from '../state.js';
import { Op } from '../isa/encodings.js';
import * as S from './soft.js';

const NX = 1;
const RNE = 0, RTZ = 1, RDN = 2, RUP = 3;

/** Dekker/Veltkamp split constant 2^27 + 1. */
const SPLIT = 134217729;
/** Below this magnitude, products' rounding errors might not be representable: use the slow path. */
const LO = 2 ** -968;
/** Above this, Veltkamp splitting could overflow. */
const SPLIT_HI = 2 ** 995;
const HI = 2 ** 1000;
const MIN_NORMAL_S = 2 ** -126;
const MAX_S = 3.4028234663852886e38;
const TWO32 = 4294967296;

const CANON_S = 0x7fc00000;

// Scratch for bit-level access to a double / a float (little-endian: [0] = low word).
const sF = new Float64Array(1);
const sI = new Int32Array(sF.buffer);
const sF32 = new Float32Array(1);
const sI32 = new Int32Array(sF32.buffer);

// Results of the last fast-path helper:
/** exception flags */
let fx = 0;
/** sign of (exact result - round-to-nearest result): -1, 0 (exact), 1 */
let fd = 0;
/** exact value of (exact - RN result) when it is a double that could make a tie, else 0 */
let fe = 0;

const sgn = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : 0);

/** Round-to-odd of s + e where (s, e) is an exact TwoSum pair (s = RN(s + e)). */
function roundOdd(s: number, e: number): number {
  if (e === 0) return s;
  sF[0] = s;
  const lo = sI[0]!;
  if ((lo & 1) !== 0) return s;
  if ((e > 0) === (s > 0)) {
    sI[0] = lo + 1; // even low word: no carry
  } else if (lo === 0) {
    sI[0] = -1;
    sI[1] = sI[1]! - 1;
  } else {
    sI[0] = lo - 1;
  }
  return sF[0]!;
}

/** Next double towards +inf (up) or -inf; z finite, non-zero, not at an extreme. */
function stepD(z: number, up: boolean): number {
  sF[0] = z;
  const lo = sI[0]!;
  if ((z > 0) === up) {
    if (lo === -1) { sI[0] = 0; sI[1] = sI[1]! + 1; } else sI[0] = lo + 1;
  } else if (lo === 0) {
    sI[0] = -1;
    sI[1] = sI[1]! - 1;
  } else {
    sI[0] = lo - 1;
  }
  return sF[0]!;
}

/** Next float towards +inf (up) or -inf; r finite, non-zero, |r| < MAX_S. */
function stepS(r: number, up: boolean): number {
  sF32[0] = r;
  sI32[0] = sI32[0]! + ((r > 0) === up ? 1 : -1);
  return sF32[0]!;
}

/**
 * Turns the round-to-nearest-even result z (with fd/fe describing the exact value) into the
 * result in mode rm. Only called in the fast-path ranges (z far from 0, subnormals and overflow).
 */
function finishD(z: number, rm: number): number {
  if (fd === 0) { fx = 0; return z; }
  fx = NX;
  switch (rm) {
    case RNE: return z;
    case RTZ: return (fd > 0) !== (z > 0) ? stepD(z, fd > 0) : z;
    case RDN: return fd < 0 ? stepD(z, false) : z;
    case RUP: return fd > 0 ? stepD(z, true) : z;
    default: {
      // RMM differs from RNE only on an exact tie, where z + 2*fe is the other neighbour
      if (fe === 0) return z;
      const t = z + 2 * fe;
      return t - z === 2 * fe && Math.abs(t) > Math.abs(z) ? t : z;
    }
  }
}

/** Exact error of p = RN(a*b); valid for |a|,|b| in [LO, SPLIT_HI) and |p| >= LO. */
function prodErr(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

function inRange(x: number): boolean {
  const ax = Math.abs(x);
  return ax >= LO && ax < SPLIT_HI;
}

// Double-precision fast paths: return the result, or NaN meaning "use the exact slow path".

function addD(a: number, b: number, rm: number): number {
  const s = a + b;
  if (s - s !== 0) return NaN;
  const bb = s - a;
  const err = (a - (s - bb)) + (b - bb);
  if (err - err !== 0) return NaN;
  if (s === 0) {
    fx = 0;
    // exact zero: +0 unless both operands are -0 (RNE...RMM); RDN: -0 unless both are +0
    return rm === RDN ? -(-a + -b) : s;
  }
  fd = sgn(err);
  fe = err;
  // an inexact sum is never tiny (|s| >= 2^-1021); near overflow, leave it to the slow path
  if (fd !== 0 && Math.abs(s) > HI) return NaN;
  return finishD(s, rm);
}

function mulD(a: number, b: number, rm: number): number {
  const p = a * b;
  const ap = Math.abs(p);
  if (ap >= LO && ap <= HI && inRange(a) && inRange(b)) {
    const err = prodErr(a, b, p);
    fd = sgn(err);
    fe = err;
    return finishD(p, rm);
  }
  if ((a === 0 && b - b === 0) || (b === 0 && a - a === 0)) { fx = 0; return p; }
  return NaN;
}

function divD(a: number, b: number, rm: number): number {
  const q = a / b;
  const aq = Math.abs(q), aa = Math.abs(a);
  if (aq >= LO && aq < SPLIT_HI && aa >= LO && aa <= HI && inRange(b)) {
    const p = q * b;
    // a - q*b = (a - p) - pl exactly in sign (a - p is exact: Sterbenz)
    const rem = (a - p) - prodErr(q, b, p);
    fd = b > 0 ? sgn(rem) : -sgn(rem);
    fe = 0; // a quotient is never exactly halfway
    return finishD(q, rm);
  }
  if (a === 0 && b !== 0 && b - b === 0) { fx = 0; return q; }
  return NaN;
}

function sqrtD(a: number, rm: number): number {
  if (a >= LO && a <= HI) {
    const r = Math.sqrt(a);
    const p = r * r;
    fd = sgn((a - p) - prodErr(r, r, p));
    fe = 0; // a square root is never exactly halfway
    return finishD(r, rm);
  }
  if (a === 0) { fx = 0; return a; }
  return NaN;
}

/** fma(a, b, c) via exact product + round-to-odd (Boldo-Melquiond), then rounding mode fix-up. */
function fmaD(a: number, b: number, c: number, rm: number): number {
  const uh = a * b;
  const au = Math.abs(uh);
  if (au >= LO && au <= HI && inRange(a) && inRange(b) && Math.abs(c) <= HI) {
    const ul = prodErr(a, b, uh);
    // (th, tl) = TwoSum(c, uh)
    const th = c + uh;
    let bb = th - c;
    const tl = (c - (th - bb)) + (uh - bb);
    // (s1, e3) = TwoSum(tl, ul); v = RO(tl + ul)
    const s1 = tl + ul;
    bb = s1 - tl;
    const e3 = (tl - (s1 - bb)) + (ul - bb);
    const v = roundOdd(s1, e3);
    // z = RN(th + v) = RN(a*b + c); e2 = exact error of that addition
    const z = th + v;
    bb = z - th;
    const e2 = (th - (z - bb)) + (v - bb);
    if (z - z !== 0) return NaN;
    if (e2 !== 0) {
      fd = sgn(e2);
      fe = e3 === 0 ? e2 : 0;
    } else if (e3 !== 0) {
      // Unreachable: e3 != 0 needs tl != 0, so |v| <= ~ulp(th) and v is odd far below ulp(z),
      // hence th + v is inexact (e2 != 0). Defer to the slow path rather than reason further.
      return NaN;
    } else {
      if (z === 0 && rm === RDN) return NaN; // exact zero: sign rules, slow path
      fx = 0;
      return z;
    }
    if (Math.abs(z) < LO) return NaN;
    return finishD(z, rm);
  }
  if ((a === 0 || b === 0) && a - a === 0 && b - b === 0 && c !== 0 && c - c === 0) { fx = 0; return c; }
  return NaN;
}

// Single-precision fast paths. Singles are exact in doubles; `o` below is either the exact
// result or its round-to-odd to 53 bits, from which rounding to 24 bits in any mode is exact.

function roundS(o: number, rm: number): number {
  const r = Math.fround(o);
  if (r === o) { fx = 0; return r; }
  const ar = Math.abs(r);
  if (!(ar > MIN_NORMAL_S)) return NaN; // possibly tiny (or NaN)
  fx = NX;
  if (rm === RNE) return ar <= MAX_S ? r : NaN;
  if (!(ar < MAX_S)) return NaN;
  const d = o > r;
  switch (rm) {
    case RTZ: return d !== (r > 0) ? stepS(r, d) : r;
    case RDN: return d ? r : stepS(r, false);
    case RUP: return d ? stepS(r, true) : r;
    default: {
      const t = r + 2 * (o - r); // the other neighbour iff o is exactly halfway
      return Math.fround(t) === t && Math.abs(t) > ar ? t : r;
    }
  }
}

/** r = RN24 of a quotient or square root, d = sign(exact - r) (never a tie). */
function directS(r: number, d: number, rm: number): number {
  if (d === 0) { fx = 0; return r; }
  const ar = Math.abs(r);
  if (!(ar > MIN_NORMAL_S && ar < MAX_S)) return NaN;
  fx = NX;
  switch (rm) {
    case RTZ: return (d > 0) !== (r > 0) ? stepS(r, d > 0) : r;
    case RDN: return d < 0 ? stepS(r, false) : r;
    case RUP: return d > 0 ? stepS(r, true) : r;
    default: return r;
  }
}

function addS(a: number, b: number, rm: number): number {
  const s = a + b;
  if (s - s !== 0) return NaN;
  const bb = s - a;
  const err = (a - (s - bb)) + (b - bb);
  if (s === 0) { fx = 0; return rm === RDN ? -(-a + -b) : s; }
  return roundS(roundOdd(s, err), rm);
}

function mulS(a: number, b: number, rm: number): number {
  return roundS(a * b, rm); // the double product of two singles is exact
}

function divS(a: number, b: number, rm: number): number {
  if (b === 0 || b - b !== 0) return NaN;
  const r = Math.fround(a / b); // double rounding is innocuous here: 53 >= 2*24+2
  if (r - r !== 0) return NaN;
  if (r === 0) { if (a === 0) { fx = 0; return r; } return NaN; }
  const rem = a - r * b; // r*b is exact, and the difference too (Sterbenz)
  return directS(r, b > 0 ? sgn(rem) : -sgn(rem), rm);
}

function sqrtS(a: number, rm: number): number {
  if (a > 0 && a - a === 0) {
    const r = Math.fround(Math.sqrt(a));
    return directS(r, sgn(a - r * r), rm);
  }
  if (a === 0) { fx = 0; return a; }
  return NaN;
}

function fmaS(a: number, b: number, c: number, rm: number): number {
  const p = a * b; // exact
  const s = p + c;
  if (s - s !== 0) return NaN;
  const bb = s - p;
  const err = (p - (s - bb)) + (c - bb);
  if (s === 0 && rm === RDN) return NaN;
  return roundS(roundOdd(s, err), rm);
}

/** Rounds a finite double to an integer value in mode rm (result may be -0). */
function roundToInt(x: number, rm: number): number {
  switch (rm) {
    case S.Rm.RNE: {
      const t = Math.floor(x);
      const d = x - t;
      if (d > 0.5) return t + 1;
      if (d < 0.5) return t;
      return t % 2 === 0 ? t : t + 1;
    }
    case S.Rm.RTZ: return Math.trunc(x);
    case S.Rm.RDN: return Math.floor(x);
    case S.Rm.RUP: return Math.ceil(x);
    default: {
      const t = Math.trunc(x);
      const d = x - t;
      return d >= 0.5 ? t + 1 : d <= -0.5 ? t - 1 : t;
    }
  }
}

const enum IntK { W, WU, L, LU }

export class FpUnit {
  private readonly x32: Int32Array;
  private readonly x64: BigInt64Array;
  private readonly fi32: Int32Array;
  private readonly f64: Float64Array;
  private readonly f32: Float32Array;
  private readonly fb: BigUint64Array;
  private readonly misc: Int32Array;

  constructor(state: HartState) {
    this.x32 = state.x32;
    this.x64 = state.x64;
    this.fi32 = state.fi32;
    this.f64 = state.f64;
    this.f32 = state.f32;
    this.misc = state.misc;
    this.fb = new BigUint64Array(state.f64.buffer, state.f64.byteOffset, state.f64.length);
  }

  // ---- register access ----

  /** single operand as a number (NaN if not NaN-boxed or NaN) */
  private rS(i: number): number {
    return this.fi32[2 * i + 1] === -1 ? this.f32[2 * i]! : NaN;
  }
  /** single operand's bits (canonical NaN if not NaN-boxed) */
  private wS(i: number): number {
    return this.fi32[2 * i + 1] === -1 ? this.fi32[2 * i]! : CANON_S;
  }
  private bS(i: number): bigint {
    return BigInt(this.wS(i) >>> 0);
  }
  private setS(i: number, v: number): void {
    this.f32[2 * i] = v;
    this.fi32[2 * i + 1] = -1;
  }
  private setSBits(i: number, b: bigint): void {
    this.fi32[2 * i] = Number(b) | 0;
    this.fi32[2 * i + 1] = -1;
  }
  private flush(): void {
    if (S.soft.flags !== 0) {
      this.misc[Misc.FFLAGS] |= S.soft.flags;
      S.soft.flags = 0;
    }
  }
  private raise(f: number): void {
    if (f !== 0) this.misc[Misc.FFLAGS] |= f;
  }
  /** Writes a 64-bit integer given as an integral double (|v| < 2^64). */
  private setXNum(rd: number, v: number): void {
    const hi = Math.floor(v / TWO32);
    this.x32[2 * rd] = (v - hi * TWO32) | 0;
    this.x32[2 * rd + 1] = hi | 0;
  }
  private setX32(rd: number, v: number): void {
    this.x32[2 * rd] = v;
    this.x32[2 * rd + 1] = v >> 31;
  }

  // ---- slow-path helpers ----

  private slowD(rd: number, bits: bigint): true {
    this.fb[rd] = bits;
    this.flush();
    return true;
  }
  private slowS(rd: number, bits: bigint): true {
    this.setSBits(rd, bits);
    this.flush();
    return true;
  }

  /** float -> int. `fmt` 0 single, 1 double. */
  private toInt(fmtD: boolean, k: IntK, rd: number, rs1: number, rm: number): boolean {
    const x = fmtD ? this.f64[rs1]! : this.rS(rs1);
    if (x - x === 0) {
      const r = roundToInt(x, rm);
      let ok: boolean;
      switch (k) {
        case IntK.W: ok = r >= -2147483648 && r <= 2147483647; break;
        case IntK.WU: ok = r >= 0 && r <= 4294967295; break;
        case IntK.L: ok = r >= -9223372036854775808 && r < 9223372036854775808; break;
        default: ok = r >= 0 && r < 18446744073709551616; break;
      }
      if (ok) {
        if (k === IntK.W || k === IntK.WU) this.setX32(rd, r | 0);
        else this.setXNum(rd, r);
        if (r !== x) this.misc[Misc.FFLAGS] |= NX;
        return true;
      }
    }
    const bits = fmtD ? this.fb[rs1]! : this.bS(rs1);
    const wide = k === IntK.L || k === IntK.LU;
    const signed = k === IntK.W || k === IntK.L;
    this.x64[rd] = S.toInt(fmtD ? S.F64 : S.F32, bits, rm, wide ? 64 : 32, signed);
    this.flush();
    return true;
  }

  /** int -> float. */
  private fromInt(fmtD: boolean, k: IntK, rd: number, rs1: number, rm: number): boolean {
    const lo = this.x32[2 * rs1]!;
    let s: number, err = 0;
    switch (k) {
      case IntK.W: s = lo; break;
      case IntK.WU: s = lo >>> 0; break;
      default: {
        const hiW = this.x32[2 * rs1 + 1]!;
        const hi = (k === IntK.L ? hiW : hiW >>> 0) * TWO32;
        const l = lo >>> 0;
        s = hi + l;
        const bb = s - hi;
        err = (hi - (s - bb)) + (l - bb);
      }
    }
    if (fmtD) {
      fd = sgn(err);
      fe = err;
      this.f64[rd] = finishD(s, rm); // inexact only if |s| > 2^53
      this.raise(fx);
      return true;
    }
    const z = roundS(roundOdd(s, err), rm);
    if (z === z) { this.setS(rd, z); this.raise(fx); return true; }
    const x = this.x64[rs1]!;
    let v: bigint;
    switch (k) {
      case IntK.W: v = BigInt.asIntN(32, x); break;
      case IntK.WU: v = BigInt.asUintN(32, x); break;
      case IntK.L: v = x; break;
      default: v = BigInt.asUintN(64, x); break;
    }
    const b = S.fromInt(fmtD ? S.F64 : S.F32, v, rm);
    return fmtD ? this.slowD(rd, b) : this.slowS(rd, b);
  }

  private slowFmaD(rd: number, rs1: number, rs2: number, rs3: number, rm: number, negP: boolean, negC: boolean): boolean {
    const fb = this.fb;
    return this.slowD(rd, S.fma(S.F64, fb[rs1]!, fb[rs2]!, fb[rs3]!, negP, negC, rm));
  }

  private slowFmaS(rd: number, rs1: number, rs2: number, rs3: number, rm: number, negP: boolean, negC: boolean): boolean {
    return this.slowS(rd, S.fma(S.F32, this.bS(rs1), this.bS(rs2), this.bS(rs3), negP, negC, rm));
  }

  private slowBinD(op: Op, rd: number, rs1: number, rs2: number, rm: number): boolean {
    const a = this.fb[rs1]!, b = this.fb[rs2]!;
    let r: bigint;
    switch (op) {
      case Op.FADD_D: r = S.add(S.F64, a, b, false, rm); break;
      case Op.FSUB_D: r = S.add(S.F64, a, b, true, rm); break;
      case Op.FMUL_D: r = S.mul(S.F64, a, b, rm); break;
      default: r = S.div(S.F64, a, b, rm); break;
    }
    return this.slowD(rd, r);
  }

  private slowBinS(op: Op, rd: number, rs1: number, rs2: number, rm: number): boolean {
    const a = this.bS(rs1), b = this.bS(rs2);
    let r: bigint;
    switch (op) {
      case Op.FADD_S: r = S.add(S.F32, a, b, false, rm); break;
      case Op.FSUB_S: r = S.add(S.F32, a, b, true, rm); break;
      case Op.FMUL_S: r = S.mul(S.F32, a, b, rm); break;
      default: r = S.div(S.F32, a, b, rm); break;
    }
    return this.slowS(rd, r);
  }

  private minmaxD(rd: number, rs1: number, rs2: number, isMax: boolean): boolean {
    const a = this.f64[rs1]!, b = this.f64[rs2]!;
    if (a === a && b === b) {
      if (a !== b || a !== 0) {
        // distinct values, or equal non-zero values (identical encodings): copy the bits
        const src = (isMax ? a >= b : a <= b) ? rs1 : rs2;
        const fi = this.fi32;
        const lo = fi[2 * src]!, hi = fi[2 * src + 1]!;
        fi[2 * rd] = lo;
        fi[2 * rd + 1] = hi;
      } else {
        // two zeros: -0 < +0
        const na = 1 / a < 0, nb = 1 / b < 0;
        this.f64[rd] = (isMax ? na && nb : na || nb) ? -0 : 0;
      }
      return true;
    }
    return this.slowD(rd, S.minmax(S.F64, this.fb[rs1]!, this.fb[rs2]!, isMax));
  }

  private minmaxS(rd: number, rs1: number, rs2: number, isMax: boolean): boolean {
    const a = this.rS(rs1), b = this.rS(rs2);
    if (a === a && b === b) {
      if (a !== b || a !== 0) this.setS(rd, isMax ? (a >= b ? a : b) : (a <= b ? a : b));
      else {
        const na = 1 / a < 0, nb = 1 / b < 0;
        this.setS(rd, (isMax ? na && nb : na || nb) ? -0 : 0);
      }
      return true;
    }
    return this.slowS(rd, S.minmax(S.F32, this.bS(rs1), this.bS(rs2), isMax));
  }

  private cmpD(rd: number, rs1: number, rs2: number, kind: 'eq' | 'lt' | 'le'): boolean {
    const a = this.f64[rs1]!, b = this.f64[rs2]!;
    let r: number;
    if (a === a && b === b) {
      r = kind === 'eq' ? +(a === b) : kind === 'lt' ? +(a < b) : +(a <= b);
    } else {
      r = S.cmp(S.F64, this.fb[rs1]!, this.fb[rs2]!, kind);
      this.flush();
    }
    this.setX32(rd, r);
    return true;
  }

  private cmpS(rd: number, rs1: number, rs2: number, kind: 'eq' | 'lt' | 'le'): boolean {
    const a = this.rS(rs1), b = this.rS(rs2);
    let r: number;
    if (a === a && b === b) {
      r = kind === 'eq' ? +(a === b) : kind === 'lt' ? +(a < b) : +(a <= b);
    } else {
      r = S.cmp(S.F32, this.bS(rs1), this.bS(rs2), kind);
      this.flush();
    }
    this.setX32(rd, r);
    return true;
  }

  private classD(rd: number, rs1: number): boolean {
    const hi = this.fi32[2 * rs1 + 1]!, lo = this.fi32[2 * rs1]!;
    const e = (hi >>> 20) & 0x7ff;
    const fracNZ = ((hi & 0xfffff) | lo) !== 0;
    this.setX32(rd, classBits(hi < 0, e, 0x7ff, fracNZ, (hi & 0x80000) !== 0));
    return true;
  }

  private classS(rd: number, rs1: number): boolean {
    const w = this.wS(rs1);
    const e = (w >>> 23) & 0xff;
    this.setX32(rd, classBits(w < 0, e, 0xff, (w & 0x7fffff) !== 0, (w & 0x400000) !== 0));
    return true;
  }

  /**
   * Executes one F/D compute op. rm = the instruction's funct3 field (0..7). Returns false if
   * the rounding mode is invalid for an op that rounds (nothing is modified then).
   */
  execute(op: Op, rd: number, rs1: number, rs2: number, rs3: number, rm: number): boolean {
    const fi = this.fi32;
    switch (op) {
      // ---- hot arithmetic: fast path inline, exact slow path out of line ----
      case Op.FADD_D: case Op.FSUB_D: case Op.FMUL_D: case Op.FDIV_D: {
        const r = rm === 7 ? this.misc[Misc.FRM]! : rm;
        if (r > 4) return false;
        const a = this.f64[rs1]!, b = this.f64[rs2]!;
        const z = op === Op.FADD_D ? addD(a, b, r) : op === Op.FMUL_D ? mulD(a, b, r)
          : op === Op.FSUB_D ? addD(a, -b, r) : divD(a, b, r);
        if (z === z) {
          this.f64[rd] = z;
          if (fx !== 0) this.misc[Misc.FFLAGS] |= fx;
          return true;
        }
        return this.slowBinD(op, rd, rs1, rs2, r);
      }
      case Op.FMADD_D: case Op.FMSUB_D: case Op.FNMSUB_D: case Op.FNMADD_D: {
        const r = rm === 7 ? this.misc[Misc.FRM]! : rm;
        if (r > 4) return false;
        const negP = op === Op.FNMSUB_D || op === Op.FNMADD_D, negC = op === Op.FMSUB_D || op === Op.FNMADD_D;
        const a = this.f64[rs1]!, c = this.f64[rs3]!;
        const z = fmaD(negP ? -a : a, this.f64[rs2]!, negC ? -c : c, r);
        if (z === z) {
          this.f64[rd] = z;
          if (fx !== 0) this.misc[Misc.FFLAGS] |= fx;
          return true;
        }
        return this.slowFmaD(rd, rs1, rs2, rs3, r, negP, negC);
      }
      case Op.FADD_S: case Op.FSUB_S: case Op.FMUL_S: case Op.FDIV_S: {
        const r = rm === 7 ? this.misc[Misc.FRM]! : rm;
        if (r > 4) return false;
        const a = this.rS(rs1), b = this.rS(rs2);
        const z = op === Op.FADD_S ? addS(a, b, r) : op === Op.FMUL_S ? mulS(a, b, r)
          : op === Op.FSUB_S ? addS(a, -b, r) : divS(a, b, r);
        if (z === z) {
          this.setS(rd, z);
          if (fx !== 0) this.misc[Misc.FFLAGS] |= fx;
          return true;
        }
        return this.slowBinS(op, rd, rs1, rs2, r);
      }
      case Op.FMADD_S: case Op.FMSUB_S: case Op.FNMSUB_S: case Op.FNMADD_S: {
        const r = rm === 7 ? this.misc[Misc.FRM]! : rm;
        if (r > 4) return false;
        const negP = op === Op.FNMSUB_S || op === Op.FNMADD_S, negC = op === Op.FMSUB_S || op === Op.FNMADD_S;
        const a = this.rS(rs1), c = this.rS(rs3);
        const z = fmaS(negP ? -a : a, this.rS(rs2), negC ? -c : c, r);
        if (z === z) {
          this.setS(rd, z);
          if (fx !== 0) this.misc[Misc.FFLAGS] |= fx;
          return true;
        }
        return this.slowFmaS(rd, rs1, rs2, rs3, r, negP, negC);
      }
      // ---- ops that do not round: rm is part of the opcode ----
      case Op.FSGNJ_D: case Op.FSGNJN_D: case Op.FSGNJX_D: {
        const lo = fi[2 * rs1]!, h1 = fi[2 * rs1 + 1]!, h2 = fi[2 * rs2 + 1]!;
        const sgn = op === Op.FSGNJ_D ? h2 : op === Op.FSGNJN_D ? ~h2 : h1 ^ h2;
        fi[2 * rd] = lo;
        fi[2 * rd + 1] = (h1 & 0x7fffffff) | (sgn & 0x80000000);
        return true;
      }
      case Op.FSGNJ_S: case Op.FSGNJN_S: case Op.FSGNJX_S: {
        const w1 = this.wS(rs1), w2 = this.wS(rs2);
        const sgn = op === Op.FSGNJ_S ? w2 : op === Op.FSGNJN_S ? ~w2 : w1 ^ w2;
        fi[2 * rd] = (w1 & 0x7fffffff) | (sgn & 0x80000000);
        fi[2 * rd + 1] = -1;
        return true;
      }
      case Op.FMIN_D: return this.minmaxD(rd, rs1, rs2, false);
      case Op.FMAX_D: return this.minmaxD(rd, rs1, rs2, true);
      case Op.FMIN_S: return this.minmaxS(rd, rs1, rs2, false);
      case Op.FMAX_S: return this.minmaxS(rd, rs1, rs2, true);
      case Op.FEQ_D: return this.cmpD(rd, rs1, rs2, 'eq');
      case Op.FLT_D: return this.cmpD(rd, rs1, rs2, 'lt');
      case Op.FLE_D: return this.cmpD(rd, rs1, rs2, 'le');
      case Op.FEQ_S: return this.cmpS(rd, rs1, rs2, 'eq');
      case Op.FLT_S: return this.cmpS(rd, rs1, rs2, 'lt');
      case Op.FLE_S: return this.cmpS(rd, rs1, rs2, 'le');
      case Op.FCLASS_D: return this.classD(rd, rs1);
      case Op.FCLASS_S: return this.classS(rd, rs1);
      case Op.FMV_X_W: this.setX32(rd, fi[2 * rs1]!); return true;
      case Op.FMV_W_X: fi[2 * rd] = this.x32[2 * rs1]!; fi[2 * rd + 1] = -1; return true;
      case Op.FMV_X_D: {
        const lo = fi[2 * rs1]!, hi = fi[2 * rs1 + 1]!;
        this.x32[2 * rd] = lo;
        this.x32[2 * rd + 1] = hi;
        return true;
      }
      case Op.FMV_D_X: {
        const lo = this.x32[2 * rs1]!, hi = this.x32[2 * rs1 + 1]!;
        fi[2 * rd] = lo;
        fi[2 * rd + 1] = hi;
        return true;
      }
      case Op.FCVT_D_S: {
        const a = this.rS(rs1);
        if (a === a) { this.f64[rd] = a; return true; }
        return this.slowD(rd, S.convert(S.F32, S.F64, this.bS(rs1), S.Rm.RNE));
      }
      default: break;
    }

    // ---- ops that round ----
    const r = rm === 7 ? this.misc[Misc.FRM]! : rm;
    if (r > 4) return false;
    switch (op) {
      case Op.FSQRT_D: {
        const z = sqrtD(this.f64[rs1]!, r);
        if (z === z) { this.f64[rd] = z; this.raise(fx); return true; }
        return this.slowD(rd, S.sqrt(S.F64, this.fb[rs1]!, r));
      }
      case Op.FSQRT_S: {
        const z = sqrtS(this.rS(rs1), r);
        if (z === z) { this.setS(rd, z); this.raise(fx); return true; }
        return this.slowS(rd, S.sqrt(S.F32, this.bS(rs1), r));
      }
      case Op.FCVT_S_D: {
        const z = roundS(this.f64[rs1]!, r);
        if (z === z) { this.setS(rd, z); this.raise(fx); return true; }
        return this.slowS(rd, S.convert(S.F64, S.F32, this.fb[rs1]!, r));
      }
      case Op.FCVT_W_D: return this.toInt(true, IntK.W, rd, rs1, r);
      case Op.FCVT_WU_D: return this.toInt(true, IntK.WU, rd, rs1, r);
      case Op.FCVT_L_D: return this.toInt(true, IntK.L, rd, rs1, r);
      case Op.FCVT_LU_D: return this.toInt(true, IntK.LU, rd, rs1, r);
      case Op.FCVT_W_S: return this.toInt(false, IntK.W, rd, rs1, r);
      case Op.FCVT_WU_S: return this.toInt(false, IntK.WU, rd, rs1, r);
      case Op.FCVT_L_S: return this.toInt(false, IntK.L, rd, rs1, r);
      case Op.FCVT_LU_S: return this.toInt(false, IntK.LU, rd, rs1, r);
      case Op.FCVT_D_W: return this.fromInt(true, IntK.W, rd, rs1, r);
      case Op.FCVT_D_WU: return this.fromInt(true, IntK.WU, rd, rs1, r);
      case Op.FCVT_D_L: return this.fromInt(true, IntK.L, rd, rs1, r);
      case Op.FCVT_D_LU: return this.fromInt(true, IntK.LU, rd, rs1, r);
      case Op.FCVT_S_W: return this.fromInt(false, IntK.W, rd, rs1, r);
      case Op.FCVT_S_WU: return this.fromInt(false, IntK.WU, rd, rs1, r);
      case Op.FCVT_S_L: return this.fromInt(false, IntK.L, rd, rs1, r);
      case Op.FCVT_S_LU: return this.fromInt(false, IntK.LU, rd, rs1, r);
      default:
        throw new Error(`FpUnit: not an F/D compute op: ${op}`);
    }
  }
}

function classBits(neg: boolean, e: number, eAll: number, fracNZ: boolean, quiet: boolean): number {
  if (e === eAll) {
    if (!fracNZ) return neg ? 1 << 0 : 1 << 7;
    return quiet ? 1 << 9 : 1 << 8;
  }
  if (e === 0) {
    if (!fracNZ) return neg ? 1 << 3 : 1 << 4;
    return neg ? 1 << 2 : 1 << 5;
  }
  return neg ? 1 << 1 : 1 << 6;
}
