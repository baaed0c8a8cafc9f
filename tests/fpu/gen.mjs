// Deterministic, edge-case-biased operand generators (64-bit register images as BigInt).
export function makeRng(seed) {
  // sfc32
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed | 0;
  const next = () => {
    a |= 0; b |= 0; c |= 0; d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 16; i++) next();
  const below = (n) => next() % n;
  const u64 = () => (BigInt(next()) << 32n) | BigInt(next());
  return { next, below, u64, pick: (arr) => arr[below(arr.length)] };
}

export const FMTS = {
  s: { ebits: 8, mbits: 23, bias: 127, width: 32 },
  d: { ebits: 11, mbits: 52, bias: 1023, width: 64 },
};

const dbl = (x) => { const b = new DataView(new ArrayBuffer(8)); b.setFloat64(0, x); return b.getBigUint64(0); };
const flt = (x) => { const b = new DataView(new ArrayBuffer(4)); b.setFloat32(0, x); return BigInt(b.getUint32(0)); };
export { dbl, flt };

export const SPECIAL_D = [
  0, -0, Infinity, -Infinity, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, 3, 2 ** -1074, -(2 ** -1074),
  2 ** -1022, -(2 ** -1022), 2 ** -1022 - 2 ** -1074, Number.MAX_VALUE, -Number.MAX_VALUE, 2 ** 1023,
  2147483647, 2147483647.5, 2147483648, -2147483648, -2147483648.5, -2147483649, 4294967295,
  4294967295.5, 4294967296, -0.99, 2 ** 63, -(2 ** 63), 2 ** 64, 2 ** 63 - 1024, 2 ** 64 - 2048,
  -(2 ** 63) - 2048, 2 ** 52, 2 ** 53, 2 ** 53 + 2, 1 + 2 ** -52, 1 - 2 ** -53, 2 ** -53, 3.4028234663852886e38,
  3.4028235677973366e38, 1.1754943508222875e-38, 1.1754942106924411e-38, 1.401298464324817e-45, 7.006492321624085e-46,
].map(dbl).concat([0x7ff8000000000000n, 0x7ff0000000000001n, 0xfff4000000000000n, 0x7fffffffffffffffn]);

export const SPECIAL_S = [
  0, -0, Infinity, -Infinity, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, 3, 2 ** -149, -(2 ** -149), 2 ** -126,
  -(2 ** -126), 2 ** -126 - 2 ** -149, 3.4028234663852886e38, -3.4028234663852886e38, 2 ** 127,
  2147483648, -2147483648, 2147483520, -2147483904, 4294967296, 4294967040, 2 ** 63, -(2 ** 63), 2 ** 64,
  2 ** 63 - 2 ** 39, 2 ** 64 - 2 ** 40, 2 ** 23, 2 ** 24, 1 + 2 ** -23, 1 - 2 ** -24, 2 ** -24, -0.99,
].map(flt).concat([0x7fc00000n, 0x7f800001n, 0xffa00000n, 0x7fffffffn]);

function mant(r, bits) {
  let m = r.u64();
  switch (r.below(9)) {
    case 0: m = 0n; break;
    case 1: m = -1n; break;
    case 2: m &= r.u64() & r.u64(); break;
    case 3: m = 1n << BigInt(r.below(bits)); break;
    case 4: m &= -1n << BigInt(bits - 1 - r.below(14)); break;
    case 5: m = (1n << BigInt(bits - 1)) | BigInt(r.below(4)); break;
    case 6: m = -1n << BigInt(r.below(bits)); break;
    case 7: m = BigInt(r.below(8)); break; // 1 + tiny
    default: break;
  }
  return BigInt.asUintN(bits, m);
}

function expo(r, f) {
  const all = (1 << f.ebits) - 1, bias = f.bias;
  switch (r.below(11)) {
    case 0: return r.below(4);
    case 1: return all - 1 - r.below(3);
    case 2: return all;
    case 3: return bias + 29 + r.below(4);
    case 4: return bias + 61 + r.below(4);
    case 5: return r.below(all + 1);
    case 6: return bias - 1 + r.below(3);
    case 7: return bias + 21 + r.below(36);
    case 8: return f.mbits + 1 + r.below(3); // results land in the subnormal range after a product
    default: return bias - 40 + r.below(80);
  }
}

/** random value bits of format f (not boxed) */
export function genF(r, f) {
  const sp = f.width === 64 ? SPECIAL_D : SPECIAL_S;
  if (r.below(10) === 0) return sp[r.below(sp.length)];
  if (r.below(10) === 0) return BigInt.asUintN(f.width, r.u64());
  const sign = BigInt(r.below(2)) << BigInt(f.width - 1);
  return sign | (BigInt(expo(r, f)) << BigInt(f.mbits)) | mant(r, f.mbits);
}

export function genX(r) {
  let v;
  switch (r.below(8)) {
    case 0: v = r.u64(); break;
    case 1: v = BigInt(r.below(200)) - 100n; break;
    case 2: { const k = BigInt(r.below(64)); v = (1n << k) + BigInt(r.below(512)) - 256n; break; }
    case 3: {
      const k = 24 + r.below(41);
      v = (r.u64() | (1n << 63n)) >> BigInt(64 - k);
      if (r.below(2)) v |= 1n << BigInt(Math.max(0, k - 26));
      if (r.below(2)) v = (v >> 2n) << 2n | 2n;
      break;
    }
    case 4: v = r.u64() >> BigInt(r.below(64)); break;
    case 5: v = BigInt.asIntN(32, r.u64()); break;
    case 6: v = BigInt.asUintN(32, r.u64()); break;
    default: v = r.u64() & (r.u64() | (r.u64() << 40n)); break;
  }
  if (r.below(2)) v = -v;
  return BigInt.asUintN(64, v);
}

const BOX = 0xffffffff00000000n;
export function boxed(r, bits) {
  if (r.below(100) === 0) return r.below(2) ? bits : BigInt.asUintN(64, r.u64() & ~BOX) | (BigInt(r.below(2 ** 31)) << 32n);
  return BOX | bits;
}

/**
 * Operand register images for an op with operand kind 's' | 'd' | 'x' and n operands,
 * with correlations (negation, nearby values, aligned exponents, c ~ -(a*b)).
 */
export function genOperands(r, kind, n) {
  if (kind === 'x') return [genX(r)];
  const f = FMTS[kind];
  const v = [];
  for (let i = 0; i < n; i++) v.push(genF(r, f));
  if (n >= 2) {
    const sb = 1n << BigInt(f.width - 1);
    switch (r.below(7)) {
      case 0: v[1] = v[0] ^ (r.below(2) ? sb : 0n); break;
      case 1: v[1] = BigInt.asUintN(f.width, v[0] + BigInt(r.below(9)) - 4n); break;
      case 2: {
        const e0 = (v[0] >> BigInt(f.mbits)) & BigInt((1 << f.ebits) - 1);
        const e1 = BigInt.asUintN(f.ebits, e0 - BigInt(r.below(f.mbits + 8)));
        v[1] = (v[1] & ~(BigInt((1 << f.ebits) - 1) << BigInt(f.mbits))) | (e1 << BigInt(f.mbits));
        break;
      }
      default: break;
    }
  }
  if (n === 3 && r.below(2)) {
    // c near -(a*b) (computed in double, then nudged): cancellation / sticky cases
    const av = toNum(v[0], f), bv = toNum(v[1], f);
    const p = av * bv;
    let c = f.width === 64 ? dbl(-p) : flt(Math.fround(-p));
    if (r.below(2)) c = BigInt.asUintN(f.width, c + BigInt(r.below(9)) - 4n);
    v[2] = c;
  }
  if (n === 3 && r.below(8) === 0) {
    // (1 + i*ulp)(1 + j*ulp) scaled, against a power of two: ties with far sticky bits
    const one = BigInt(f.bias) << BigInt(f.mbits);
    const s1 = BigInt(r.below(40) - 20) << BigInt(f.mbits), s2 = BigInt(r.below(40) - 20) << BigInt(f.mbits);
    v[0] = BigInt.asUintN(f.width, one + s1 + BigInt(r.below(5)));
    v[1] = BigInt.asUintN(f.width, one + s2 - BigInt(r.below(5)));
    const k = BigInt(f.bias + r.below(2 * f.mbits + 6) - 3) + s1 / (1n << BigInt(f.mbits)) + s2 / (1n << BigInt(f.mbits));
    v[2] = (BigInt(r.below(2)) << BigInt(f.width - 1)) | (BigInt.asUintN(f.ebits, k) << BigInt(f.mbits)) | BigInt(r.below(3));
  }
  return f.width === 32 ? v.map((b) => boxed(r, b)) : v;
}

function toNum(bits, f) {
  const dv = new DataView(new ArrayBuffer(8));
  if (f.width === 64) { dv.setBigUint64(0, bits); return dv.getFloat64(0); }
  dv.setUint32(0, Number(bits & 0xffffffffn)); return dv.getFloat32(0);
}

/** operand kind and count from a mnemonic and its register classes ('xff', 'fx', ...) */
export function opShape(name, regs) {
  const srcs = regs.slice(1).replace(/-/g, '');
  const n = srcs.length;
  if (srcs[0] === 'x') return { kind: 'x', n: 1 };
  // the source format is the last type suffix (fcvt.d.s reads a single, fcvt.s.d a double)
  const parts = name.split('.');
  const t = parts[parts.length - 1];
  return { kind: t === 's' || t === 'w' ? 's' : 'd', n };
}

/** true if the op rounds (takes an rm) */
export const rounds = (name) =>
  !/^(fsgnj|fmin|fmax|fmv|fclass|feq|flt|fle)/.test(name) && name !== 'fcvt.d.s';
