/* Double-precision arithmetic, comparisons and conversions in hot loops, over values from the
 * tiny to the huge and the special ones, under every rounding mode (dynamic through frm, and
 * static in the instruction), with fflags read and cleared after each operation or left to
 * accumulate. Each line prints a hash of the result bits and flags: under --engine=jit the loops
 * run translated, and the output must equal the interpreter's and QEMU's. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#define REPEATS 40
#define COUNT 256

static double values[COUNT];

static uint64_t bits(double x) { uint64_t b; memcpy(&b, &x, 8); return b; }
static double from_bits(uint64_t b) { double x; memcpy(&x, &b, 8); return x; }

static unsigned take_flags(void) { unsigned f; __asm__ volatile("csrrw %0, fflags, zero" : "=r"(f)); return f; }
static void set_flags(unsigned f) { __asm__ volatile("csrw fflags, %0" : : "r"(f)); }
static void set_rounding(unsigned rm) { __asm__ volatile("fsrm %0" : : "r"(rm)); }

static uint64_t mix(uint64_t h, uint64_t v) { h ^= v; h *= 0x100000001b3ull; return h ^ (h >> 29); }

#define BINARY(name, insn)                                                                              \
  static double name(double a, double b) { double r; __asm__ volatile(insn " %0, %1, %2" : "=f"(r) : "f"(a), "f"(b)); return r; }
BINARY(add_dyn, "fadd.d") BINARY(sub_dyn, "fsub.d") BINARY(mul_dyn, "fmul.d") BINARY(div_dyn, "fdiv.d")
BINARY(min_d, "fmin.d") BINARY(max_d, "fmax.d")
#define BINARY_RM(name, insn, rm)                                                                       \
  static double name(double a, double b) { double r; __asm__ volatile(insn " %0, %1, %2, " rm : "=f"(r) : "f"(a), "f"(b)); return r; }
BINARY_RM(add_rne, "fadd.d", "rne") BINARY_RM(mul_rtz, "fmul.d", "rtz") BINARY_RM(div_rup, "fdiv.d", "rup")
BINARY_RM(sub_rdn, "fsub.d", "rdn") BINARY_RM(mul_rmm, "fmul.d", "rmm")

static double sqrt_dyn(double a) { double r; __asm__ volatile("fsqrt.d %0, %1" : "=f"(r) : "f"(a)); return r; }
#define FUSED(name, insn)                                                                               \
  static double name(double a, double b, double c) { double r; __asm__ volatile(insn " %0, %1, %2, %3" : "=f"(r) : "f"(a), "f"(b), "f"(c)); return r; }
FUSED(fmadd, "fmadd.d") FUSED(fmsub, "fmsub.d") FUSED(fnmsub, "fnmsub.d") FUSED(fnmadd, "fnmadd.d")

#define COMPARE(name, insn)                                                                             \
  static long name(double a, double b) { long r; __asm__ volatile(insn " %0, %1, %2" : "=r"(r) : "f"(a), "f"(b)); return r; }
COMPARE(feq, "feq.d") COMPARE(flt, "flt.d") COMPARE(fle, "fle.d")

#define TO_INT(name, insn, rm)                                                                          \
  static long name(double a) { long r; __asm__ volatile(insn " %0, %1" rm : "=r"(r) : "f"(a)); return r; }
TO_INT(to_w_dyn, "fcvt.w.d", "") TO_INT(to_wu_rtz, "fcvt.wu.d", ", rtz") TO_INT(to_l_rdn, "fcvt.l.d", ", rdn")
TO_INT(to_lu_rup, "fcvt.lu.d", ", rup") TO_INT(to_l_rne, "fcvt.l.d", ", rne") TO_INT(to_w_rmm, "fcvt.w.d", ", rmm")
#define FROM_INT(name, insn)                                                                            \
  static double name(long a) { double r; __asm__ volatile(insn " %0, %1" : "=f"(r) : "r"(a)); return r; }
FROM_INT(from_w, "fcvt.d.w") FROM_INT(from_wu, "fcvt.d.wu") FROM_INT(from_l, "fcvt.d.l") FROM_INT(from_lu, "fcvt.d.lu")

static void fill(void) {
  static const uint64_t special[] = {
    0, 0x8000000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull,
    0x7ff0000000000001ull, 0x0000000000000001ull, 0x000fffffffffffffull, 0x0010000000000000ull,
    0x7fefffffffffffffull, 0x3ff0000000000000ull, 0xbff0000000000000ull, 0x3ff0000000000001ull,
    0x4340000000000000ull, 0x43e0000000000000ull, 0x41dfffffffc00000ull, 0xc1e0000000000000ull,
    0x3fe0000000000000ull, 0x3ff8000000000000ull, 0x4004000000000000ull, 0x0350000000000000ull,
    0x7e10000000000000ull, 0x2000000000000000ull, 0x5ff0000000000000ull,
  };
  int n = sizeof special / sizeof special[0];
  for (int i = 0; i < n; i++) values[i] = from_bits(special[i]);
  uint64_t s = 0x9e3779b97f4a7c15ull;
  for (int i = n; i < COUNT; i++) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    /* mostly ordinary magnitudes, some near the ends of the range, some small integers */
    uint64_t mant = s >> 12, sign = (s >> 5) & 1;
    uint64_t e = (i % 8 == 0) ? (s >> 3) % 2047 : (i % 8 == 1) ? 1075 + (s >> 7) % 20 : 1013 + (s >> 9) % 20;
    double v = from_bits(sign << 63 | e << 52 | mant);
    values[i] = (i % 16 == 5) ? (double)(long)(s >> 40) - 8388608.0 : v;
  }
}

int main(void) {
  fill();
  uint64_t h[12] = {0};
  /* each operation's flags, from none set before it, and from NX set before it */
  for (unsigned before = 0; before < 2; before++) {
    for (unsigned rm = 0; rm < 5; rm++) {
      set_rounding(rm);
      for (int r = 0; r < REPEATS; r++) {
        uint64_t k = 0;
#define FLAGS_OF(x) do { set_flags(before); k = mix(k, (x)); k = mix(k, take_flags()); } while (0)
        for (int i = 0; i < COUNT; i++) {
          double a = values[i], b = values[(i * 7 + 3) % COUNT], c = values[(i * 13 + 5) % COUNT];
          FLAGS_OF(bits(add_dyn(a, b)));
          FLAGS_OF(bits(sub_dyn(a, c)));
          FLAGS_OF(bits(mul_dyn(a, b)));
          FLAGS_OF(bits(div_dyn(a, b)));
          FLAGS_OF(bits(sqrt_dyn(a)));
          FLAGS_OF(bits(fmadd(a, b, c)));
          FLAGS_OF(bits(fmsub(a, b, c)));
          FLAGS_OF(bits(fnmsub(a, c, b)));
          FLAGS_OF(bits(fnmadd(b, c, a)));
          FLAGS_OF((uint64_t)to_w_dyn(a));
          FLAGS_OF(bits(from_l((long)bits(a) >> (i % 64))));
        }
        if (r == 0) h[rm] = k;
        else if (h[rm] != k) { printf("rounding mode %u: repeat %d differs\n", rm, r); return 1; }
      }
      printf("dynamic rm %u, flags %s: %016llx\n", rm, before ? "NX before" : "clear before", (unsigned long long)h[rm]);
    }
  }
  set_rounding(0);
  /* flags accumulated over runs of operations (once NX is set, it stays) */
  for (int r = 0; r < REPEATS; r++) {
    uint64_t k = 0;
    for (int i = 0; i < COUNT; i++) {
      double a = values[i], b = values[(i * 11 + 1) % COUNT], c = values[(i * 5 + 2) % COUNT];
      k = mix(k, bits(add_dyn(a, b))); k = mix(k, bits(mul_dyn(b, c))); k = mix(k, bits(div_dyn(c, a)));
      k = mix(k, bits(sqrt_dyn(b))); k = mix(k, bits(fmadd(a, c, b))); k = mix(k, bits(fnmsub(c, b, a)));
      k = mix(k, bits(min_d(a, b))); k = mix(k, bits(max_d(c, b)));
      k = mix(k, (uint64_t)feq(a, b) | (uint64_t)flt(b, c) << 1 | (uint64_t)fle(c, a) << 2);
      k = mix(k, (uint64_t)to_wu_rtz(a)); k = mix(k, (uint64_t)to_l_rdn(b)); k = mix(k, (uint64_t)to_lu_rup(c));
      k = mix(k, (uint64_t)to_l_rne(a)); k = mix(k, (uint64_t)to_w_rmm(b));
      k = mix(k, bits(from_w((long)bits(a)))); k = mix(k, bits(from_wu((long)bits(b)))); k = mix(k, bits(from_lu(bits(c) >> (i % 64))));
      k = mix(k, bits(add_rne(a, c))); k = mix(k, bits(mul_rtz(a, b))); k = mix(k, bits(div_rup(b, c)));
      k = mix(k, bits(sub_rdn(c, a))); k = mix(k, bits(mul_rmm(b, a)));
      if (i % 32 == 31) k = mix(k, take_flags());
    }
    if (r == 0) h[5] = k;
    else if (h[5] != k) { printf("accumulated flags: repeat %d differs\n", r); return 1; }
  }
  printf("static rm and accumulated flags: %016llx\n", (unsigned long long)h[5]);
  return 0;
}
