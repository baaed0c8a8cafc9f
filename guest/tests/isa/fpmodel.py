"""A small exact model of RISC-V F/D arithmetic, written from the ISA spec and
IEEE 754-2008, used by gen-fp.py to compute the expected values baked into the
fp-*.S tests (which are then confirmed on QEMU).

Values are exact Fractions; every result is rounded once with the requested
rounding mode. Tininess is detected after rounding (as RISC-V requires).
"""
from fractions import Fraction
import math

NV, DZ, OF, UF, NX = 16, 8, 4, 2, 1
RNE, RTZ, RDN, RUP, RMM = 0, 1, 2, 3, 4
RM_NAMES = {RNE: 'rne', RTZ: 'rtz', RDN: 'rdn', RUP: 'rup', RMM: 'rmm'}


class Fmt:
    def __init__(self, ebits, mbits, name):
        self.e, self.m, self.name = ebits, mbits, name
        self.bits = 1 + ebits + mbits
        self.bias = (1 << (ebits - 1)) - 1
        self.emin = 1 - self.bias
        self.emax = self.bias
        self.p = mbits + 1
        self.qnan = ((1 << ebits) - 1) << mbits | 1 << (mbits - 1)
        self.inf = ((1 << ebits) - 1) << mbits
        self.sign = 1 << (ebits + mbits)
        self.maxfin = ((1 << (ebits)) - 2) << mbits | ((1 << mbits) - 1)


S = Fmt(8, 23, 's')
D = Fmt(11, 52, 'd')


def decode(f, b):
    s = b >> (f.bits - 1) & 1
    e = b >> f.m & ((1 << f.e) - 1)
    m = b & ((1 << f.m) - 1)
    if e == (1 << f.e) - 1:
        if m == 0:
            return ('inf', s, None)
        return ('snan' if not (m >> (f.m - 1)) & 1 else 'qnan', s, None)
    if e == 0:
        v = Fraction(m, 1 << (f.m - f.emin + 0)) if False else Fraction(m) * Fraction(2) ** (f.emin - f.m)
    else:
        v = Fraction((1 << f.m) | m) * Fraction(2) ** (e - f.bias - f.m)
    if v == 0:
        return ('zero', s, Fraction(0))
    return ('fin', s, -v if s else v)


def is_nan(f, b):
    return decode(f, b)[0] in ('snan', 'qnan')


def is_snan(f, b):
    return decode(f, b)[0] == 'snan'


def _round_int(x, rm, sign_neg):
    """Round non-negative Fraction x to an integer using rm; sign_neg tells the real sign."""
    fl = x.numerator // x.denominator
    rem = x - fl
    if rem == 0:
        return fl
    if rm == RTZ:
        return fl
    if rm == RDN:
        return fl if not sign_neg else fl + 1
    if rm == RUP:
        return fl + 1 if not sign_neg else fl
    half = Fraction(1, 2)
    if rem > half:
        return fl + 1
    if rem < half:
        return fl
    if rm == RMM:
        return fl + 1
    return fl if fl % 2 == 0 else fl + 1  # RNE


def round_to(f, v, rm, zero_sign=0):
    """Round exact Fraction v to format f. Returns (bits, flags)."""
    if v == 0:
        return (f.sign if zero_sign else 0), 0
    neg = v < 0
    a = -v if neg else v
    sgn = f.sign if neg else 0
    # exponent of a: 2^E <= a < 2^(E+1)
    E = a.numerator.bit_length() - a.denominator.bit_length()
    if Fraction(2) ** E > a:
        E -= 1
    elif Fraction(2) ** (E + 1) <= a:
        E += 1
    flags = 0
    # unbounded-exponent rounding to detect tininess after rounding
    q = Fraction(2) ** (E - f.p + 1)
    r_unb = _round_int(a / q, rm, neg) * q
    tiny = r_unb < Fraction(2) ** f.emin
    # actual rounding with subnormal quantum
    qe = max(E, f.emin) - f.p + 1
    q = Fraction(2) ** qe
    r = _round_int(a / q, rm, neg) * q
    inexact = r != a
    if r >= Fraction(2) ** (f.emax + 1):
        flags |= OF | NX
        if rm == RNE or rm == RMM or (rm == RUP and not neg) or (rm == RDN and neg):
            return sgn | f.inf, flags
        return sgn | f.maxfin, flags
    if inexact:
        flags |= NX
        if tiny:
            flags |= UF
    if r == 0:
        return sgn, flags
    # encode r
    if r < Fraction(2) ** f.emin:
        m = r / Fraction(2) ** (f.emin - f.m)
        assert m.denominator == 1
        return sgn | int(m), flags
    E2 = r.numerator.bit_length() - r.denominator.bit_length()
    if Fraction(2) ** E2 > r:
        E2 -= 1
    elif Fraction(2) ** (E2 + 1) <= r:
        E2 += 1
    m = r / Fraction(2) ** (E2 - f.m)
    assert m.denominator == 1
    return sgn | (E2 + f.bias) << f.m | (int(m) - (1 << f.m)), flags


def _nan_flags(f, *ops):
    return NV if any(is_snan(f, b) for b in ops) else 0


def add(f, a, b, rm, sub=False):
    if sub:
        b ^= f.sign
        sb = b ^ f.sign  # original for snan test (sign doesn't matter)
    ta, sa, va = decode(f, a)
    tb, sb_, vb = decode(f, b)
    if 'nan' in ta or 'nan' in tb:
        return f.qnan, _nan_flags(f, a, b)
    if ta == 'inf' and tb == 'inf':
        if sa != sb_:
            return f.qnan, NV
        return a, 0
    if ta == 'inf':
        return a, 0
    if tb == 'inf':
        return b, 0
    v = va + vb
    if v == 0:
        if ta == 'zero' and tb == 'zero' and sa == sb_:
            zs = sa
        else:
            zs = 1 if rm == RDN else 0
        return round_to(f, v, rm, zs)
    return round_to(f, v, rm)


def mul(f, a, b, rm):
    ta, sa, va = decode(f, a)
    tb, sb, vb = decode(f, b)
    if 'nan' in ta or 'nan' in tb:
        return f.qnan, _nan_flags(f, a, b)
    s = sa ^ sb
    if (ta == 'inf' and tb == 'zero') or (ta == 'zero' and tb == 'inf'):
        return f.qnan, NV
    if ta == 'inf' or tb == 'inf':
        return (f.sign if s else 0) | f.inf, 0
    return round_to(f, va * vb, rm, s)


def div(f, a, b, rm):
    ta, sa, va = decode(f, a)
    tb, sb, vb = decode(f, b)
    if 'nan' in ta or 'nan' in tb:
        return f.qnan, _nan_flags(f, a, b)
    s = sa ^ sb
    sg = f.sign if s else 0
    if ta == 'inf' and tb == 'inf':
        return f.qnan, NV
    if ta == 'zero' and tb == 'zero':
        return f.qnan, NV
    if ta == 'inf':
        return sg | f.inf, 0
    if tb == 'inf':
        return sg, 0
    if tb == 'zero':
        return sg | f.inf, DZ
    return round_to(f, va / vb, rm, s)


def sqrt(f, a, rm):
    ta, sa, va = decode(f, a)
    if 'nan' in ta:
        return f.qnan, _nan_flags(f, a)
    if ta == 'zero':
        return a, 0
    if sa:
        return f.qnan, NV
    if ta == 'inf':
        return a, 0
    K = 1200
    x = va * Fraction(4) ** K
    n = x.numerator // x.denominator
    s = math.isqrt(n)
    exact = (s * s == n) and x.denominator == 1
    v = Fraction(s, 2 ** K)
    if not exact:
        v += Fraction(1, 2 ** (K + 1))
    return round_to(f, v, rm)


def fma(f, a, b, c, rm, neg_prod=False, neg_c=False):
    """(+/-)(a*b) (+/-) c with a single rounding (fmadd/fmsub/fnmsub/fnmadd)."""
    ta, sa, va = decode(f, a)
    tb, sb, vb = decode(f, b)
    tc, sc, vc = decode(f, c)
    inv = (ta == 'inf' and tb == 'zero') or (ta == 'zero' and tb == 'inf')
    if 'nan' in ta or 'nan' in tb or 'nan' in tc:
        fl = _nan_flags(f, a, b, c)
        if inv:
            fl |= NV
        return f.qnan, fl
    if inv:
        return f.qnan, NV
    ps = sa ^ sb ^ (1 if neg_prod else 0)
    cs = sc ^ (1 if neg_c else 0)
    if ta == 'inf' or tb == 'inf':
        if tc == 'inf' and cs != ps:
            return f.qnan, NV
        return (f.sign if ps else 0) | f.inf, 0
    if tc == 'inf':
        return (f.sign if cs else 0) | f.inf, 0
    pv = va * vb
    if neg_prod:
        pv = -pv
    cv = -vc if neg_c else vc
    v = pv + cv
    if v == 0:
        pzero = (ta == 'zero' or tb == 'zero')
        if pzero and tc == 'zero' and ps == cs:
            zs = ps
        else:
            zs = 1 if rm == RDN else 0
        return round_to(f, v, rm, zs)
    return round_to(f, v, rm)


def minmax(f, a, b, is_max):
    ta, sa, va = decode(f, a)
    tb, sb, vb = decode(f, b)
    fl = _nan_flags(f, a, b)
    an, bn = 'nan' in ta, 'nan' in tb
    if an and bn:
        return f.qnan, fl
    if an:
        return b, fl
    if bn:
        return a, fl

    def key(t, s, v):
        if t == 'inf':
            return (Fraction(-1) if s else Fraction(1)) * Fraction(10) ** 400, 0
        if t == 'zero':
            return Fraction(0), (-1 if s else 1)
        return v, 0
    ka, kb = key(ta, sa, va), key(tb, sb, vb)
    if is_max:
        return (a if ka >= kb else b), fl
    return (a if ka <= kb else b), fl


def compare(f, a, b, op):
    """op in eq, lt, le -> (int result, flags)"""
    ta, sa, va = decode(f, a)
    tb, sb, vb = decode(f, b)
    if 'nan' in ta or 'nan' in tb:
        if op == 'eq':
            return 0, _nan_flags(f, a, b)
        return 0, NV

    def val(t, s, v):
        if t == 'inf':
            return (Fraction(-1) if s else Fraction(1)) * Fraction(10) ** 400
        return v
    x, y = val(ta, sa, va), val(tb, sb, vb)
    return int({'eq': x == y, 'lt': x < y, 'le': x <= y}[op]), 0


def fclass(f, a):
    t, s, v = decode(f, a)
    if t == 'inf':
        return 1 << 0 if s else 1 << 7
    if t == 'zero':
        return 1 << 3 if s else 1 << 4
    if t == 'snan':
        return 1 << 8
    if t == 'qnan':
        return 1 << 9
    sub = abs(v) < Fraction(2) ** f.emin
    if s:
        return 1 << 2 if sub else 1 << 1
    return 1 << 5 if sub else 1 << 6


def fcvt_to_int(f, a, rm, bits, signed):
    """fcvt.{w,wu,l,lu}.{s,d}: returns (64-bit result before any sign-extension rule, flags)."""
    t, s, v = decode(f, a)
    lo = -(1 << (bits - 1)) if signed else 0
    hi = (1 << (bits - 1)) - 1 if signed else (1 << bits) - 1
    if 'nan' in t:
        return hi, NV
    if t == 'inf':
        return (lo if s else hi), NV
    if t == 'zero':
        return 0, 0
    r = _round_int(abs(v), rm, v < 0)
    r = -r if v < 0 else r
    if r < lo:
        return lo, NV
    if r > hi:
        return hi, NV
    return r, (NX if r != v else 0)


def fcvt_from_int(f, x, rm):
    return round_to(f, Fraction(x), rm)


def fcvt_fmt(fto, ffrom, a, rm):
    t, s, v = decode(ffrom, a)
    if 'nan' in t:
        return fto.qnan, (NV if t == 'snan' else 0)
    if t == 'inf':
        return (fto.sign if s else 0) | fto.inf, 0
    if t == 'zero':
        return (fto.sign if s else 0), 0
    return round_to(fto, v, rm)


def bits_of(f, x):
    """Python float -> bits in format f (x must be exactly representable)."""
    import struct
    if f is D:
        return struct.unpack('<Q', struct.pack('<d', x))[0]
    b = struct.unpack('<I', struct.pack('<f', x))[0]
    return b
