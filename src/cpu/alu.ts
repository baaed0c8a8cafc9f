// 64-bit integer operations that are cheapest on the int32 halves of the register file
// (shared/notes/ts-performance.md: BigInt shifts and unsigned compares are 10x slower).
// Each helper reads its operands before writing rd, since rd may equal a source.
// X is the Int32Array view of the registers: lo of x[i] at X[2i], hi at X[2i+1].

/** rd = rs1 >>> sh (logical), sh in 0..63 */
export function srl64(X: Int32Array, d: number, a: number, sh: number): void {
  const lo = X[a], hi = X[a + 1];
  if (sh === 0) { X[d] = lo; X[d + 1] = hi; }
  else if (sh < 32) { X[d] = (lo >>> sh) | (hi << (32 - sh)); X[d + 1] = hi >>> sh; }
  else { X[d] = hi >>> (sh - 32); X[d + 1] = 0; }
}

/** rd = rs1 >> sh (arithmetic) */
export function sra64(X: Int32Array, d: number, a: number, sh: number): void {
  const lo = X[a], hi = X[a + 1];
  if (sh === 0) { X[d] = lo; X[d + 1] = hi; }
  else if (sh < 32) { X[d] = (lo >>> sh) | (hi << (32 - sh)); X[d + 1] = hi >> sh; }
  else { X[d] = hi >> (sh - 32); X[d + 1] = hi >> 31; }
}

/** rd = rs1 << sh */
export function sll64(X: Int32Array, d: number, a: number, sh: number): void {
  const lo = X[a], hi = X[a + 1];
  if (sh === 0) { X[d] = lo; X[d + 1] = hi; }
  else if (sh < 32) { X[d + 1] = (hi << sh) | (lo >>> (32 - sh)); X[d] = lo << sh; }
  else { X[d + 1] = lo << (sh - 32); X[d] = 0; }
}

/** rd = rs1 rotated right by sh */
export function ror64(X: Int32Array, d: number, a: number, sh: number): void {
  const lo = X[a], hi = X[a + 1];
  if (sh === 0) { X[d] = lo; X[d + 1] = hi; }
  else if (sh < 32) { X[d] = (lo >>> sh) | (hi << (32 - sh)); X[d + 1] = (hi >>> sh) | (lo << (32 - sh)); }
  else if (sh === 32) { X[d] = hi; X[d + 1] = lo; }
  else { const r = sh - 32; X[d] = (hi >>> r) | (lo << (32 - r)); X[d + 1] = (lo >>> r) | (hi << (32 - r)); }
}

/** unsigned 64-bit a < b on halves */
export function ltu64(X: Int32Array, a: number, b: number): boolean {
  const ah = X[a + 1] ^ SIGN_BIT, bh = X[b + 1] ^ SIGN_BIT;
  return ah < bh || (ah === bh && (X[a] ^ SIGN_BIT) < (X[b] ^ SIGN_BIT));
}

/**
 * XORed into both sides of a signed int32 comparison, it makes it the unsigned one. Unlike
 * `>>> 0`, whose results from 2^31 on are doubles (from 2^30 on boxed, in a browser's V8), every
 * value stays an int32: compiled code never meets a number its feedback did not promise.
 */
export const SIGN_BIT = -0x80000000;

/** High word of the unsigned 32x32 product: the f64 product is within 2^11, the low word exact. */
function mulhu32(x: number, y: number): number {
  return Math.round(((x >>> 0) * (y >>> 0) - (Math.imul(x, y) >>> 0)) / 4294967296) | 0;
}

/**
 * High 64 bits of a 64x64 product into rd. `signedA`/`signedB` select mulh (both), mulhsu (a
 * only) or mulhu (neither): the signed forms correct the unsigned product by subtracting the
 * other operand for each negative one.
 */
export function mulHigh(X: Int32Array, d: number, a: number, b: number, signedA: boolean, signedB: boolean): void {
  const al = X[a], ah = X[a + 1], bl = X[b], bh = X[b + 1];
  // partial products, each as (hi, lo) unsigned 32-bit words
  const p0h = mulhu32(al, bl);
  const p1l = Math.imul(al, bh) >>> 0, p1h = mulhu32(al, bh) >>> 0;
  const p2l = Math.imul(ah, bl) >>> 0, p2h = mulhu32(ah, bl) >>> 0;
  const p3l = Math.imul(ah, bh) >>> 0, p3h = mulhu32(ah, bh) >>> 0;
  const mid = (p0h >>> 0) + p1l + p2l; // < 3 * 2^32, exact
  const carry1 = Math.floor(mid / 4294967296);
  const low = p3l + p1h + p2h + carry1; // bits 64..95 plus carry, < 4 * 2^32 + 3
  let rl = low % 4294967296;
  let rh = (p3h + Math.floor(low / 4294967296)) % 4294967296;
  if (signedA && ah < 0) { // subtract b
    const t = rl - (bl >>> 0);
    rl = t < 0 ? t + 4294967296 : t;
    rh = rh - (bh >>> 0) - (t < 0 ? 1 : 0);
    if (rh < 0) rh += 4294967296;
  }
  if (signedB && bh < 0) { // subtract a
    const t = rl - (al >>> 0);
    rl = t < 0 ? t + 4294967296 : t;
    rh = rh - (ah >>> 0) - (t < 0 ? 1 : 0);
    if (rh < 0) rh += 4294967296;
  }
  X[d] = rl | 0;
  X[d + 1] = rh | 0;
}

const MIN64 = -(1n << 63n);

export function div64(a: bigint, b: bigint): bigint {
  if (b === 0n) return -1n;
  if (a === MIN64 && b === -1n) return MIN64;
  return a / b;
}

export function rem64(a: bigint, b: bigint): bigint {
  if (b === 0n) return a;
  if (a === MIN64 && b === -1n) return 0n;
  return a % b;
}

export function divu64(a: bigint, b: bigint): bigint {
  if (b === 0n) return -1n;
  return BigInt.asUintN(64, a) / BigInt.asUintN(64, b);
}

export function remu64(a: bigint, b: bigint): bigint {
  if (b === 0n) return a;
  return BigInt.asUintN(64, a) % BigInt.asUintN(64, b);
}

export function div32(a: number, b: number): number {
  if (b === 0) return -1;
  if (a === -2147483648 && b === -1) return a;
  return (a / b) | 0;
}

export function rem32(a: number, b: number): number {
  if (b === 0) return a;
  if (b === -1) return 0;
  return (a % b) | 0;
}

export function divu32(a: number, b: number): number {
  if (b === 0) return -1;
  return ((a >>> 0) / (b >>> 0)) | 0;
}

export function remu32(a: number, b: number): number {
  if (b === 0) return a;
  return ((a >>> 0) % (b >>> 0)) | 0;
}

export function ctz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** orc.b on one 32-bit word: each nonzero byte becomes 0xff */
export function orcb32(x: number): number {
  let r = 0;
  for (let i = 0; i < 32; i += 8) if ((x >>> i) & 0xff) r |= 0xff << i;
  return r;
}

export function bswap32(x: number): number {
  return ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
}

/**
 * divu/remu on register halves when both operands are below 2^52, where doubles divide
 * exactly enough (the quotient is then corrected to the exact floor); returns false otherwise
 * so that the caller takes the BigInt path. Writes the quotient or remainder to x[d], x[d+1].
 */
export function divRemUnsigned52(x: Int32Array, d: number, a: number, b: number, remainder: boolean): boolean {
  const ah = x[a + 1], bh = x[b + 1];
  if ((ah >>> 20) !== 0 || (bh >>> 20) !== 0) return false;
  const n = ah * 4294967296 + (x[a] >>> 0), m = bh * 4294967296 + (x[b] >>> 0);
  if (m === 0) return false;
  let q = Math.floor(n / m);
  let r = n - q * m;
  if (r < 0) { q--; r += m; } else if (r >= m) { q++; r -= m; }
  const v = remainder ? r : q;
  x[d] = v % 4294967296 | 0;
  x[d + 1] = Math.floor(v / 4294967296);
  return true;
}
