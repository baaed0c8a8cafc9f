// Exact (slow) IEEE-754 binary32/binary64 arithmetic on BigInt significands, RISC-V flavoured:
// canonical NaNs, tininess detected after rounding, RISC-V saturating float->int conversions.
//
// Every operation computes the exact result as sign * mag * 2^exp (plus a "sticky" bit meaning
// "there are more non-zero bits below mag" for div/sqrt), then `roundPack` rounds it once.
// Encodings travel as BigInt bit patterns (unsigned, 32 or 64 bits). Exception flags are
// OR-ed into `soft.flags` (RISC-V fflags layout); the caller reads and clears it.

export const enum Rm { RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4 }

export const NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16;

export interface Fmt {
  /** precision in bits, including the hidden bit */
  readonly p: number;
  /** stored significand bits (p - 1) */
  readonly mbits: number;
  readonly bias: number;
  readonly emin: number;
  readonly emax: number;
  /** all-ones biased exponent (inf/NaN) */
  readonly expAll: number;
  readonly signBit: bigint;
  readonly fracMask: bigint;
  readonly inf: bigint;
  readonly maxFinite: bigint;
  readonly qnan: bigint;
}

function mkFmt(p: number, ebits: number): Fmt {
  const mbits = p - 1;
  const bias = (1 << (ebits - 1)) - 1;
  const expAll = (1 << ebits) - 1;
  const inf = BigInt(expAll) << BigInt(mbits);
  const fracMask = (1n << BigInt(mbits)) - 1n;
  return {
    p, mbits, bias, emin: 1 - bias, emax: bias, expAll,
    signBit: 1n << BigInt(mbits + ebits),
    fracMask, inf, maxFinite: inf - 1n,
    qnan: inf | (1n << BigInt(mbits - 1)),
  };
}

export const F32: Fmt = mkFmt(24, 8);
export const F64: Fmt = mkFmt(53, 11);

export const soft = { flags: 0 };

export const enum Cls { ZERO, FINITE, INF, QNAN, SNAN }

/** A decoded operand: value = (-1)^sign * sig * 2^exp for ZERO/FINITE. */
export interface Unpacked { cls: Cls; sign: number; sig: bigint; exp: number }

export function unpack(bits: bigint, f: Fmt): Unpacked {
  const sign = (bits & f.signBit) !== 0n ? 1 : 0;
  const be = Number((bits >> BigInt(f.mbits)) & BigInt(f.expAll));
  const frac = bits & f.fracMask;
  if (be === f.expAll) {
    if (frac === 0n) return { cls: Cls.INF, sign, sig: 0n, exp: 0 };
    const quiet = (frac >> BigInt(f.mbits - 1)) & 1n;
    return { cls: quiet ? Cls.QNAN : Cls.SNAN, sign, sig: 0n, exp: 0 };
  }
  if (be === 0) {
    if (frac === 0n) return { cls: Cls.ZERO, sign, sig: 0n, exp: 0 };
    return { cls: Cls.FINITE, sign, sig: frac, exp: f.emin - f.mbits };
  }
  return { cls: Cls.FINITE, sign, sig: frac | (1n << BigInt(f.mbits)), exp: be - f.bias - f.mbits };
}

const isNaN_ = (u: Unpacked): boolean => u.cls === Cls.QNAN || u.cls === Cls.SNAN;

export function bitLength(x: bigint): number {
  if (x < 0n) x = -x;
  if (x <= 0xffffffffn) return 32 - Math.clz32(Number(x));
  const s = x.toString(16);
  return (s.length - 1) * 4 + (32 - Math.clz32(parseInt(s[0]!, 16)));
}

function zero(sign: number, f: Fmt): bigint { return sign ? f.signBit : 0n; }

interface Rounded { t: bigint; inexact: boolean }

/** Rounds mag*2^exp (+sticky) to a multiple of 2^q in mode rm. Requires q > exp when sticky. */
function roundAt(sign: number, mag: bigint, exp: number, sticky: boolean, q: number, rm: number): Rounded {
  const shift = q - exp;
  if (shift <= 0) return { t: mag << BigInt(-shift), inexact: sticky };
  const sh = BigInt(shift);
  let t = mag >> sh;
  const rem = mag & ((1n << sh) - 1n);
  const half = 1n << (sh - 1n);
  const inexact = rem !== 0n || sticky;
  if (!inexact) return { t, inexact };
  let up: boolean;
  switch (rm) {
    case Rm.RNE: up = rem > half || (rem === half && (sticky || (t & 1n) === 1n)); break;
    case Rm.RTZ: up = false; break;
    case Rm.RDN: up = sign === 1; break;
    case Rm.RUP: up = sign === 0; break;
    default: up = rem >= half; break; // RMM
  }
  if (up) t += 1n;
  return { t, inexact };
}

/** Rounds (-1)^sign * (mag + sticky) * 2^exp (mag > 0) to format f; returns the encoding. */
export function roundPack(sign: number, mag: bigint, exp: number, sticky: boolean, f: Fmt, rm: number): bigint {
  const n = bitLength(mag);
  const e = exp + n - 1;
  let tiny = false;
  if (e < f.emin) {
    // tininess after rounding: round to p bits with an unbounded exponent range
    const qu = e - (f.p - 1);
    const ru = roundAt(sign, mag, exp, sticky, qu, rm);
    tiny = bitLength(ru.t) + qu - 1 < f.emin;
  }
  let q = Math.max(e - (f.p - 1), f.emin - (f.p - 1));
  const r = roundAt(sign, mag, exp, sticky, q, rm);
  let t = r.t;
  let bl = bitLength(t);
  if (bl > f.p) { t >>= 1n; q += 1; bl -= 1; }
  let fl = 0;
  if (r.inexact) { fl |= NX; if (tiny) fl |= UF; }
  if (t === 0n) { soft.flags |= fl; return zero(sign, f); }
  const E = q + bl - 1;
  if (E > f.emax) {
    soft.flags |= OF | NX;
    const toInf = rm === Rm.RNE || rm === Rm.RMM || (rm === Rm.RDN && sign === 1) || (rm === Rm.RUP && sign === 0);
    return (sign ? f.signBit : 0n) | (toInf ? f.inf : f.maxFinite);
  }
  soft.flags |= fl;
  const s = sign ? f.signBit : 0n;
  if (bl < f.p) return s | t; // subnormal (q is at the minimum quantum)
  return s | (BigInt(E + f.bias) << BigInt(f.mbits)) | (t & f.fracMask);
}

/** Rounds an exact signed value S*2^e (S may be 0: then zeroSign decides). */
function roundSigned(S: bigint, e: number, zeroSign: number, f: Fmt, rm: number): bigint {
  if (S === 0n) return zero(zeroSign, f);
  return S < 0n ? roundPack(1, -S, e, false, f, rm) : roundPack(0, S, e, false, f, rm);
}

function nanResult(f: Fmt, ...us: Unpacked[]): bigint {
  for (const u of us) if (u.cls === Cls.SNAN) soft.flags |= NV;
  return f.qnan;
}

export function add(f: Fmt, a: bigint, b: bigint, negB: boolean, rm: number): bigint {
  const ua = unpack(a, f), ub = unpack(b, f);
  if (negB) ub.sign ^= 1;
  if (isNaN_(ua) || isNaN_(ub)) return nanResult(f, ua, ub);
  if (ua.cls === Cls.INF || ub.cls === Cls.INF) {
    if (ua.cls === Cls.INF && ub.cls === Cls.INF && ua.sign !== ub.sign) { soft.flags |= NV; return f.qnan; }
    const s = ua.cls === Cls.INF ? ua.sign : ub.sign;
    return (s ? f.signBit : 0n) | f.inf;
  }
  if (ua.cls === Cls.ZERO && ub.cls === Cls.ZERO) {
    return zero(ua.sign === ub.sign ? ua.sign : rm === Rm.RDN ? 1 : 0, f);
  }
  const e = Math.min(ua.exp, ub.exp);
  const A = ua.sig << BigInt(ua.exp - e), B = ub.sig << BigInt(ub.exp - e);
  const S = (ua.sign ? -A : A) + (ub.sign ? -B : B);
  return roundSigned(S, e, rm === Rm.RDN ? 1 : 0, f, rm);
}

export function mul(f: Fmt, a: bigint, b: bigint, rm: number): bigint {
  const ua = unpack(a, f), ub = unpack(b, f);
  if (isNaN_(ua) || isNaN_(ub)) return nanResult(f, ua, ub);
  const s = ua.sign ^ ub.sign;
  if (ua.cls === Cls.INF || ub.cls === Cls.INF) {
    if (ua.cls === Cls.ZERO || ub.cls === Cls.ZERO) { soft.flags |= NV; return f.qnan; }
    return (s ? f.signBit : 0n) | f.inf;
  }
  if (ua.cls === Cls.ZERO || ub.cls === Cls.ZERO) return zero(s, f);
  return roundPack(s, ua.sig * ub.sig, ua.exp + ub.exp, false, f, rm);
}

/** (-1)^negProd * a*b + (-1)^negC * c, rounded once. */
export function fma(f: Fmt, a: bigint, b: bigint, c: bigint, negProd: boolean, negC: boolean, rm: number): bigint {
  const ua = unpack(a, f), ub = unpack(b, f), uc = unpack(c, f);
  const infTimesZero = (ua.cls === Cls.INF && ub.cls === Cls.ZERO) || (ua.cls === Cls.ZERO && ub.cls === Cls.INF);
  if (infTimesZero) { soft.flags |= NV; return f.qnan; }
  if (isNaN_(ua) || isNaN_(ub) || isNaN_(uc)) return nanResult(f, ua, ub, uc);
  const sp = ua.sign ^ ub.sign ^ (negProd ? 1 : 0);
  const sc = uc.sign ^ (negC ? 1 : 0);
  const pInf = ua.cls === Cls.INF || ub.cls === Cls.INF;
  if (pInf || uc.cls === Cls.INF) {
    if (pInf && uc.cls === Cls.INF && sp !== sc) { soft.flags |= NV; return f.qnan; }
    return ((pInf ? sp : sc) ? f.signBit : 0n) | f.inf;
  }
  const pZero = ua.cls === Cls.ZERO || ub.cls === Cls.ZERO;
  if (pZero && uc.cls === Cls.ZERO) return zero(sp === sc ? sp : rm === Rm.RDN ? 1 : 0, f);
  const P = pZero ? 0n : ua.sig * ub.sig, pe = ua.exp + ub.exp;
  const C = uc.sig, ce = uc.exp;
  if (P === 0n) return roundSigned(sc ? -C : C, ce, 0, f, rm);
  if (C === 0n) return roundSigned(sp ? -P : P, pe, 0, f, rm);
  const e = Math.min(pe, ce);
  const A = P << BigInt(pe - e), B = C << BigInt(ce - e);
  const S = (sp ? -A : A) + (sc ? -B : B);
  return roundSigned(S, e, rm === Rm.RDN ? 1 : 0, f, rm);
}

export function div(f: Fmt, a: bigint, b: bigint, rm: number): bigint {
  const ua = unpack(a, f), ub = unpack(b, f);
  if (isNaN_(ua) || isNaN_(ub)) return nanResult(f, ua, ub);
  const s = ua.sign ^ ub.sign;
  if (ua.cls === Cls.INF) {
    if (ub.cls === Cls.INF) { soft.flags |= NV; return f.qnan; }
    return (s ? f.signBit : 0n) | f.inf;
  }
  if (ub.cls === Cls.INF) return zero(s, f);
  if (ub.cls === Cls.ZERO) {
    if (ua.cls === Cls.ZERO) { soft.flags |= NV; return f.qnan; }
    soft.flags |= DZ;
    return (s ? f.signBit : 0n) | f.inf;
  }
  if (ua.cls === Cls.ZERO) return zero(s, f);
  // quotient with at least p+2 bits, remainder as sticky
  const k = Math.max(0, f.p + 3 + bitLength(ub.sig) - bitLength(ua.sig));
  const num = ua.sig << BigInt(k);
  const q = num / ub.sig;
  const sticky = q * ub.sig !== num;
  return roundPack(s, q, ua.exp - ub.exp - k, sticky, f, rm);
}

export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  // initial guess from the float square root, then Newton steps down to the floor
  let x = 1n << BigInt((bitLength(n) >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function sqrt(f: Fmt, a: bigint, rm: number): bigint {
  const ua = unpack(a, f);
  if (isNaN_(ua)) return nanResult(f, ua);
  if (ua.cls === Cls.ZERO) return a;
  if (ua.sign) { soft.flags |= NV; return f.qnan; }
  if (ua.cls === Cls.INF) return a;
  let m = ua.sig, e = ua.exp;
  if (e & 1) { m <<= 1n; e -= 1; }
  const need = 2 * (f.p + 3) - bitLength(m);
  const k = need > 0 ? (need + 1) >> 1 : 0;
  const n = m << BigInt(2 * k);
  const r = isqrt(n);
  return roundPack(0, r, (e >> 1) - k, r * r !== n, f, rm);
}

/** fmin/fmax (IEEE 754-2019 minimumNumber/maximumNumber, RISC-V canonical NaN). */
export function minmax(f: Fmt, a: bigint, b: bigint, isMax: boolean): bigint {
  const ua = unpack(a, f), ub = unpack(b, f);
  if (ua.cls === Cls.SNAN || ub.cls === Cls.SNAN) soft.flags |= NV;
  const na = isNaN_(ua), nb = isNaN_(ub);
  if (na && nb) return f.qnan;
  if (na) return b;
  if (nb) return a;
  const c = compare(ua, ub);
  if (c === 0) {
    // equal values: only ±0 can differ
    if (ua.sign !== ub.sign) return isMax ? (ua.sign ? b : a) : (ua.sign ? a : b);
    return a;
  }
  return (c < 0) !== isMax ? a : b;
}

/** Compares two non-NaN values: -1, 0, 1 (±0 equal). */
function compare(ua: Unpacked, ub: Unpacked): number {
  const va = toSigned(ua), vb = toSigned(ub);
  if (va.inf !== vb.inf) return va.inf < vb.inf ? -1 : 1;
  if (va.inf !== 0) return 0;
  const e = Math.min(va.e, vb.e);
  const A = va.m << BigInt(va.e - e), B = vb.m << BigInt(vb.e - e);
  return A < B ? -1 : A > B ? 1 : 0;
}
function toSigned(u: Unpacked): { inf: number; m: bigint; e: number } {
  if (u.cls === Cls.INF) return { inf: u.sign ? -1 : 1, m: 0n, e: 0 };
  return { inf: 0, m: u.sign ? -u.sig : u.sig, e: u.exp };
}

/** feq (quiet), flt/fle (signaling). Returns 0/1. */
export function cmp(f: Fmt, a: bigint, b: bigint, kind: 'eq' | 'lt' | 'le'): number {
  const ua = unpack(a, f), ub = unpack(b, f);
  if (isNaN_(ua) || isNaN_(ub)) {
    if (kind !== 'eq' || ua.cls === Cls.SNAN || ub.cls === Cls.SNAN) soft.flags |= NV;
    return 0;
  }
  const c = compare(ua, ub);
  return kind === 'eq' ? +(c === 0) : kind === 'lt' ? +(c < 0) : +(c <= 0);
}

export function classify(f: Fmt, a: bigint): number {
  const u = unpack(a, f);
  switch (u.cls) {
    case Cls.INF: return u.sign ? 1 << 0 : 1 << 7;
    case Cls.ZERO: return u.sign ? 1 << 3 : 1 << 4;
    case Cls.SNAN: return 1 << 8;
    case Cls.QNAN: return 1 << 9;
    default: {
      const sub = (a & ~f.signBit) >> BigInt(f.mbits) === 0n;
      return u.sign ? (sub ? 1 << 2 : 1 << 1) : (sub ? 1 << 5 : 1 << 6);
    }
  }
}

/** Float to float conversion (exact for widening). */
export function convert(from: Fmt, to: Fmt, a: bigint, rm: number): bigint {
  const u = unpack(a, from);
  if (isNaN_(u)) return nanResult(to, u);
  if (u.cls === Cls.INF) return (u.sign ? to.signBit : 0n) | to.inf;
  if (u.cls === Cls.ZERO) return zero(u.sign, to);
  return roundPack(u.sign, u.sig, u.exp, false, to, rm);
}

/** Float to integer: `bits` 32 or 64, `signed`. Returns the 64-bit register value (signed BigInt). */
export function toInt(f: Fmt, a: bigint, rm: number, bits: 32 | 64, signed: boolean): bigint {
  const u = unpack(a, f);
  const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  const min = signed ? -(1n << BigInt(bits - 1)) : 0n;
  const ext = (v: bigint): bigint => BigInt.asIntN(64, bits === 32 ? BigInt.asIntN(32, v) : v);
  if (isNaN_(u)) { soft.flags |= NV; return ext(max); }
  if (u.cls === Cls.INF) { soft.flags |= NV; return ext(u.sign ? min : max); }
  if (u.cls === Cls.ZERO) return 0n;
  const r = roundAt(u.sign, u.sig, u.exp, false, 0, rm);
  const v = u.sign ? -r.t : r.t;
  if (v > max || v < min) { soft.flags |= NV; return ext(u.sign ? min : max); }
  if (r.inexact) soft.flags |= NX;
  return ext(v);
}

/** Integer (exact BigInt value) to float. */
export function fromInt(f: Fmt, v: bigint, rm: number): bigint {
  if (v === 0n) return 0n;
  return v < 0n ? roundPack(1, -v, 0, false, f, rm) : roundPack(0, v, 0, false, f, rm);
}
