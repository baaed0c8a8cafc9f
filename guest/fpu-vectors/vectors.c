/* Generates reference vectors for hartvm's FPU: executes a deterministic pseudo-random,
 * edge-case-biased set of F/D instructions under every rounding mode and prints one line per
 * execution:  <mnemonic> <frm> <operand>... <result> <fflags>   (hex; operands/results are the
 * full 64-bit register images, so NaN-boxing is visible). Run on QEMU (see regen.sh).
 * Bare metal: no libc; output through the HTIF console (device 1, command 1). */
#include <stdint.h>

typedef uint64_t u64;
typedef uint32_t u32;

volatile u64 tohost __attribute__((section(".tohost"), aligned(64)));
volatile u64 fromhost __attribute__((section(".tohost"), aligned(64)));

static void putch(char c)
{
  tohost = (1ull << 56) | (1ull << 48) | (unsigned char)c;
  while (fromhost == 0)
    ;
  fromhost = 0;
}

static void puthex(u64 v)
{
  char buf[16];
  int n = 0;
  do {
    buf[n++] = "0123456789abcdef"[v & 15];
    v >>= 4;
  } while (v);
  while (n)
    putch(buf[--n]);
}

static void puts_(const char *s)
{
  while (*s)
    putch(*s++);
}

/* ---- the instructions under test, all with dynamic rounding (rm = 7) ---- */

#define F4(fn, insn)                                                                    \
  static u64 fn(u64 a, u64 b, u64 c)                                                    \
  {                                                                                     \
    u64 r;                                                                              \
    __asm__ volatile("fmv.d.x ft0,%1\n\tfmv.d.x ft1,%2\n\tfmv.d.x ft2,%3\n\t" insn      \
                     " ft3,ft0,ft1,ft2\n\tfmv.x.d %0,ft3"                               \
                     : "=r"(r) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3");  \
    return r;                                                                           \
  }
#define F3(fn, insn)                                                                    \
  static u64 fn(u64 a, u64 b, u64 c)                                                    \
  {                                                                                     \
    u64 r;                                                                              \
    (void)c;                                                                            \
    __asm__ volatile("fmv.d.x ft0,%1\n\tfmv.d.x ft1,%2\n\t" insn " ft3,ft0,ft1\n\t"     \
                     "fmv.x.d %0,ft3"                                                   \
                     : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1", "ft3");                 \
    return r;                                                                           \
  }
#define F2(fn, insn)                                                                    \
  static u64 fn(u64 a, u64 b, u64 c)                                                    \
  {                                                                                     \
    u64 r;                                                                              \
    (void)b, (void)c;                                                                   \
    __asm__ volatile("fmv.d.x ft0,%1\n\t" insn " ft3,ft0\n\tfmv.x.d %0,ft3"             \
                     : "=r"(r) : "r"(a) : "ft0", "ft3");                                \
    return r;                                                                           \
  }
#define XF(fn, insn)                                                                    \
  static u64 fn(u64 a, u64 b, u64 c)                                                    \
  {                                                                                     \
    u64 r;                                                                              \
    (void)b, (void)c;                                                                   \
    __asm__ volatile("fmv.d.x ft0,%1\n\t" insn " %0,ft0" : "=r"(r) : "r"(a) : "ft0");   \
    return r;                                                                           \
  }
#define XFF(fn, insn)                                                                   \
  static u64 fn(u64 a, u64 b, u64 c)                                                    \
  {                                                                                     \
    u64 r;                                                                              \
    (void)c;                                                                            \
    __asm__ volatile("fmv.d.x ft0,%1\n\tfmv.d.x ft1,%2\n\t" insn " %0,ft0,ft1"          \
                     : "=r"(r) : "r"(a), "r"(b) : "ft0", "ft1");                        \
    return r;                                                                           \
  }
#define FX(fn, insn)                                                                    \
  static u64 fn(u64 a, u64 b, u64 c)                                                    \
  {                                                                                     \
    u64 r;                                                                              \
    (void)b, (void)c;                                                                   \
    __asm__ volatile(insn " ft3,%1\n\tfmv.x.d %0,ft3" : "=r"(r) : "r"(a) : "ft3");      \
    return r;                                                                           \
  }

/* operand kinds: S/D float of that format, X integer */
enum { K_S, K_D, K_X };

#define OPS(X)                                                       \
  X(F4, fmadd_s, "fmadd.s", 3, K_S, 0)                               \
  X(F4, fmsub_s, "fmsub.s", 3, K_S, 0)                               \
  X(F4, fnmsub_s, "fnmsub.s", 3, K_S, 0)                             \
  X(F4, fnmadd_s, "fnmadd.s", 3, K_S, 0)                             \
  X(F3, fadd_s, "fadd.s", 2, K_S, 0)                                 \
  X(F3, fsub_s, "fsub.s", 2, K_S, 0)                                 \
  X(F3, fmul_s, "fmul.s", 2, K_S, 0)                                 \
  X(F3, fdiv_s, "fdiv.s", 2, K_S, 0)                                 \
  X(F2, fsqrt_s, "fsqrt.s", 1, K_S, 0)                               \
  X(F3, fsgnj_s, "fsgnj.s", 2, K_S, 1)                               \
  X(F3, fsgnjn_s, "fsgnjn.s", 2, K_S, 1)                             \
  X(F3, fsgnjx_s, "fsgnjx.s", 2, K_S, 1)                             \
  X(F3, fmin_s, "fmin.s", 2, K_S, 1)                                 \
  X(F3, fmax_s, "fmax.s", 2, K_S, 1)                                 \
  X(XF, fcvt_w_s, "fcvt.w.s", 1, K_S, 0)                             \
  X(XF, fcvt_wu_s, "fcvt.wu.s", 1, K_S, 0)                           \
  X(XF, fcvt_l_s, "fcvt.l.s", 1, K_S, 0)                             \
  X(XF, fcvt_lu_s, "fcvt.lu.s", 1, K_S, 0)                           \
  X(XF, fmv_x_w, "fmv.x.w", 1, K_S, 1)                               \
  X(XF, fclass_s, "fclass.s", 1, K_S, 1)                             \
  X(XFF, feq_s, "feq.s", 2, K_S, 1)                                  \
  X(XFF, flt_s, "flt.s", 2, K_S, 1)                                  \
  X(XFF, fle_s, "fle.s", 2, K_S, 1)                                  \
  X(FX, fcvt_s_w, "fcvt.s.w", 1, K_X, 0)                             \
  X(FX, fcvt_s_wu, "fcvt.s.wu", 1, K_X, 0)                           \
  X(FX, fcvt_s_l, "fcvt.s.l", 1, K_X, 0)                             \
  X(FX, fcvt_s_lu, "fcvt.s.lu", 1, K_X, 0)                           \
  X(FX, fmv_w_x, "fmv.w.x", 1, K_X, 1)                               \
  X(F4, fmadd_d, "fmadd.d", 3, K_D, 0)                               \
  X(F4, fmsub_d, "fmsub.d", 3, K_D, 0)                               \
  X(F4, fnmsub_d, "fnmsub.d", 3, K_D, 0)                             \
  X(F4, fnmadd_d, "fnmadd.d", 3, K_D, 0)                             \
  X(F3, fadd_d, "fadd.d", 2, K_D, 0)                                 \
  X(F3, fsub_d, "fsub.d", 2, K_D, 0)                                 \
  X(F3, fmul_d, "fmul.d", 2, K_D, 0)                                 \
  X(F3, fdiv_d, "fdiv.d", 2, K_D, 0)                                 \
  X(F2, fsqrt_d, "fsqrt.d", 1, K_D, 0)                               \
  X(F3, fsgnj_d, "fsgnj.d", 2, K_D, 1)                               \
  X(F3, fsgnjn_d, "fsgnjn.d", 2, K_D, 1)                             \
  X(F3, fsgnjx_d, "fsgnjx.d", 2, K_D, 1)                             \
  X(F3, fmin_d, "fmin.d", 2, K_D, 1)                                 \
  X(F3, fmax_d, "fmax.d", 2, K_D, 1)                                 \
  X(F2, fcvt_s_d, "fcvt.s.d", 1, K_D, 0)                             \
  X(F2, fcvt_d_s, "fcvt.d.s", 1, K_S, 0)                             \
  X(XFF, feq_d, "feq.d", 2, K_D, 1)                                  \
  X(XFF, flt_d, "flt.d", 2, K_D, 1)                                  \
  X(XFF, fle_d, "fle.d", 2, K_D, 1)                                  \
  X(XF, fclass_d, "fclass.d", 1, K_D, 1)                             \
  X(XF, fcvt_w_d, "fcvt.w.d", 1, K_D, 0)                             \
  X(XF, fcvt_wu_d, "fcvt.wu.d", 1, K_D, 0)                           \
  X(XF, fcvt_l_d, "fcvt.l.d", 1, K_D, 0)                             \
  X(XF, fcvt_lu_d, "fcvt.lu.d", 1, K_D, 0)                           \
  X(XF, fmv_x_d, "fmv.x.d", 1, K_D, 1)                               \
  X(FX, fcvt_d_w, "fcvt.d.w", 1, K_X, 0)                             \
  X(FX, fcvt_d_wu, "fcvt.d.wu", 1, K_X, 0)                           \
  X(FX, fcvt_d_l, "fcvt.d.l", 1, K_X, 0)                             \
  X(FX, fcvt_d_lu, "fcvt.d.lu", 1, K_X, 0)                           \
  X(FX, fmv_d_x, "fmv.d.x", 1, K_X, 1)

#define DEFINE(kind, fn, insn, n, k, norm) kind(fn, insn)
OPS(DEFINE)

struct op {
  u64 (*fn)(u64, u64, u64);
  const char *name;
  int nargs, kind, no_round;
};

#define ENTRY(kind, fn, insn, n, k, norm) {fn, insn, n, k, norm},
static const struct op ops[] = {OPS(ENTRY)};
#define NOPS (sizeof ops / sizeof ops[0])

/* ---- deterministic edge-biased operands ---- */

static u64 rs = 0x9e3779b97f4a7c15ull;
static u64 rnd(void)
{
  rs ^= rs << 13;
  rs ^= rs >> 7;
  rs ^= rs << 17;
  return rs;
}
static u64 below(u64 n) { return rnd() % n; }

static u64 mant(int bits)
{
  u64 m = rnd();
  switch (below(8)) {
  case 0: m = 0; break;
  case 1: m = ~0ull; break;
  case 2: m &= rnd() & rnd() & rnd(); break;             /* few bits */
  case 3: m = 1ull << below(bits); break;                /* one bit */
  case 4: m &= ~0ull << (bits - 1 - below(12)); break;   /* short significand */
  case 5: m = (1ull << (bits - 1)) | (rnd() & 3); break; /* high bit + low bits */
  case 6: m = ~0ull << below(bits); break;               /* all ones above k */
  default: break;
  }
  return m & ((1ull << bits) - 1);
}

/* exponent (biased) chooser: ebits 8 or 11, bias */
static u64 expo(int bias, int eall)
{
  switch (below(10)) {
  case 0: return below(4);                       /* zero/subnormal/just above */
  case 1: return eall - 1 - below(3);            /* near overflow */
  case 2: return eall;                           /* inf/NaN */
  case 3: return bias + 31 - 2 + below(4);       /* near 2^31/2^32 */
  case 4: return bias + 63 - 2 + below(4);       /* near 2^63/2^64 */
  case 5: return below(eall + 1);                /* anything */
  case 6: return bias - 1 + below(3);            /* near 1 */
  case 7: return (bias + 23) - 2 + below(34);    /* integer-ish (24..53 bits) */
  default: return bias - 40 + below(80);         /* moderate */
  }
}

static const u64 dspecial[] = {
  0, 0x8000000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
  0x7ff8000000000000ull, 0x7ff4000000000000ull, 0xfff0000000000001ull, 0x7ff0000000000001ull,
  1, 0x800fffffffffffffull, 0x0010000000000000ull, 0x7fefffffffffffffull, 0xffefffffffffffffull,
  0x3ff0000000000000ull, 0xbff0000000000000ull, 0x3fe0000000000000ull, 0x3ff8000000000000ull,
  0x41dfffffffe00000ull, /* 2147483647.5 */ 0xc1e0000000100000ull, /* -2147483648.5 */
  0x41efffffffe00000ull, /* 4294967295.5 */ 0x43e0000000000000ull, /* 2^63 */
  0xc3e0000000000000ull, /* -2^63 */ 0x43f0000000000000ull, /* 2^64 */ 0x43efffffffffffffull,
  0xbfe0000000000000ull, /* -0.5 */ 0xbfefffffffffffffull, 0x000fffffffffffffull,
  0x3cb0000000000000ull, /* 2^-52 */ 0x0000000000000002ull, 0x4330000000000000ull /* 2^52 */,
};
static const u32 sspecial[] = {
  0, 0x80000000u, 0x7f800000u, 0xff800000u, 0x7fc00000u, 0x7fa00000u, 0xff800001u, 0x7f800001u,
  1, 0x807fffffu, 0x00800000u, 0x7f7fffffu, 0xff7fffffu, 0x3f800000u, 0xbf800000u, 0x3f000000u,
  0x3fc00000u, 0x4f000000u, /* 2^31 */ 0xcf000000u, 0x4f800000u, /* 2^32 */ 0x5f000000u, /* 2^63 */
  0xdf000000u, 0x5f800000u, 0x4effffffu, 0xbf000000u, 0x007fffffu, 0x34000000u, 0x4b000000u,
};

static u64 gen_d(void)
{
  if (below(8) == 0)
    return dspecial[below(sizeof dspecial / sizeof dspecial[0])];
  if (below(8) == 0)
    return rnd();
  return (rnd() & (1ull << 63)) | (expo(1023, 2047) << 52) | mant(52);
}

static u32 gen_s32(void)
{
  if (below(8) == 0)
    return sspecial[below(sizeof sspecial / sizeof sspecial[0])];
  if (below(8) == 0)
    return (u32)rnd();
  return (u32)((rnd() & 0x80000000u) | (expo(127, 255) << 23) | mant(23));
}

static u64 box(u32 s)
{
  u64 hi = 0xffffffff00000000ull;
  if (below(64) == 0)
    hi = below(2) ? 0 : rnd() << 32; /* improperly NaN-boxed */
  return hi | s;
}

static u64 gen_x(void)
{
  u64 v;
  switch (below(8)) {
  case 0: v = rnd(); break;
  case 1: v = below(200) - 100; break;
  case 2: { /* near a power of two, with low garbage */
    int k = (int)below(64);
    v = (1ull << k) + (below(2) ? rnd() & 0xff : -(rnd() & 0xff));
    break;
  }
  case 3: { /* significand of 24/53 bits followed by a halfway-ish tail */
    int k = 24 + (int)below(41);
    v = (rnd() | (1ull << 63)) >> (64 - k);
    if (below(2)) v |= 1ull << (k > 25 ? k - 26 : 0);
    break;
  }
  case 4: v = rnd() >> below(64); break;
  case 5: v = ((u64)(int32_t)rnd()); break;
  case 6: v = (u64)(uint32_t)rnd(); break;
  default: v = rnd() & (rnd() | (rnd() << 40)); break;
  }
  if (below(2) && (v >> 63) == 0)
    v = -v;
  return v;
}

static double d_of(u64 b) { union { u64 u; double d; } x = {b}; return x.d; }
static u64 b_of(double d) { union { u64 u; double d; } x; x.d = d; return x.u; }
static float s_of(u32 b) { union { u32 u; float f; } x = {b}; return x.f; }
static u32 sb_of(float f) { union { u32 u; float f; } x; x.f = f; return x.u; }

/* perturb by a few ulps (bit pattern arithmetic) */
static u64 nudge(u64 b) { return b + (below(9) - 4); }

static void gen_operands(const struct op *o, u64 *v)
{
  int i;
  for (i = 0; i < 3; i++)
    v[i] = o->kind == K_X ? gen_x() : o->kind == K_D ? gen_d() : box(gen_s32());
  if (o->kind == K_X || o->nargs < 2)
    return;
  /* correlated operands: cancellations, ties, equal values */
  switch (below(6)) {
  case 0: v[1] = v[0] ^ (below(2) ? (o->kind == K_D ? 1ull << 63 : 1ull << 31) : 0); break;
  case 1: v[1] = o->kind == K_D ? nudge(v[0]) : (v[0] & ~0xffffffffull) | (u32)nudge(v[0]); break;
  case 2: /* exponent of b a little below a: alignment/halfway cases */
    if (o->kind == K_D)
      v[1] = (v[1] & 0x800fffffffffffffull) |
             ((((v[0] >> 52) & 0x7ff) - below(60)) & 0x7ff) << 52;
    else
      v[1] = (v[1] & 0xffffffff807fffffull) |
             (u64)((((v[0] >> 23) & 0xff) - below(30)) & 0xff) << 23;
    break;
  default: break;
  }
  if (o->nargs == 3 && below(2)) {
    /* addend near -(a*b): cancellation and sticky cases */
    if (o->kind == K_D) {
      double p = d_of(v[0]) * d_of(v[1]);
      v[2] = b_of(-p);
      if (below(2)) v[2] = nudge(v[2]);
    } else {
      float p = s_of((u32)v[0]) * s_of((u32)v[1]);
      v[2] = 0xffffffff00000000ull | (u32)nudge(sb_of(-p));
    }
  }
}

int main(void)
{
  u64 n, per_op = PER_OP;
  unsigned k;
  for (k = 0; k < NOPS; k++) {
    const struct op *o = &ops[k];
    u64 count = o->no_round ? per_op / 5 : per_op;
    for (n = 0; n < count; n++) {
      u64 v[3], r, fl;
      /* ops that do not round only need one pass */
      unsigned rm = o->no_round ? (unsigned)below(5) : (unsigned)(n % 5);
      int i;
      gen_operands(o, v);
      __asm__ volatile("csrw frm, %0" ::"r"(rm));
      __asm__ volatile("csrw fflags, zero");
      r = o->fn(v[0], v[1], v[2]);
      __asm__ volatile("csrr %0, fflags" : "=r"(fl));
      puts_(o->name);
      putch(' ');
      puthex(rm);
      for (i = 0; i < o->nargs; i++) {
        putch(' ');
        puthex(v[i]);
      }
      putch(' ');
      puthex(r);
      putch(' ');
      puthex(fl);
      putch('\n');
    }
  }
  puts_("END\n");
  tohost = 1;
  for (;;)
    ;
}
