/* A and LR/SC in hot loops: every AMO on words and double words, compare-and-swap loops (lr/sc),
 * store-conditionals that must fail (no reservation, another address), one after the word
 * changed since the lr, results into x0, and the old values returned. Under --engine=jit the
 * loops run translated; the printed results must equal the interpreter's and QEMU's. */
#include <stdio.h>
#include <stdint.h>

#define ROUNDS 30000

static volatile int32_t w[4];
static volatile int64_t d[4];

static long sc_w(volatile int32_t *p, int32_t v) { long r; __asm__ volatile("sc.w %0, %2, (%1)" : "=r"(r) : "r"(p), "r"(v) : "memory"); return r; }
static long sc_d(volatile int64_t *p, int64_t v) { long r; __asm__ volatile("sc.d %0, %2, (%1)" : "=r"(r) : "r"(p), "r"(v) : "memory"); return r; }
static int32_t lr_w(volatile int32_t *p) { int32_t r; __asm__ volatile("lr.w %0, (%1)" : "=r"(r) : "r"(p) : "memory"); return r; }
static int64_t lr_d(volatile int64_t *p) { int64_t r; __asm__ volatile("lr.d %0, (%1)" : "=r"(r) : "r"(p) : "memory"); return r; }

#define AMO(name, insn, type)                                                                           \
  static type name(volatile type *p, type v) { type r; __asm__ volatile(insn " %0, %2, (%1)" : "=r"(r) : "r"(p), "r"(v) : "memory"); return r; }
AMO(amomax_w, "amomax.w", int32_t) AMO(amomin_w, "amomin.w", int32_t) AMO(amomaxu_d, "amomaxu.d", int64_t)

static uint64_t mix(uint64_t h, uint64_t v) { h ^= v; h *= 0x100000001b3ull; return h ^ (h >> 29); }

int main(void) {
  uint64_t h = 0;
  long failures = 0;
  for (int i = 0; i < ROUNDS; i++) {
    int32_t v = i * 2654435761u;
    h = mix(h, (uint64_t)__atomic_fetch_add(&w[0], v, __ATOMIC_SEQ_CST));
    h = mix(h, (uint64_t)__atomic_exchange_n(&w[1], v ^ i, __ATOMIC_ACQUIRE));
    h = mix(h, (uint64_t)__atomic_fetch_xor(&w[2], v, __ATOMIC_RELEASE));
    h = mix(h, (uint64_t)__atomic_fetch_or(&w[3], 1 << (i & 31), __ATOMIC_RELAXED));
    h = mix(h, (uint64_t)__atomic_fetch_and(&w[3], ~(1 << ((i * 7) & 31)), __ATOMIC_SEQ_CST));
    h = mix(h, (uint64_t)amomax_w(&w[2], v));
    h = mix(h, (uint64_t)amomin_w(&w[1], v));
    int64_t x = (int64_t)v * 0x9e3779b97f4a7c15ll;
    h = mix(h, (uint64_t)__atomic_fetch_add(&d[0], x, __ATOMIC_SEQ_CST));
    h = mix(h, (uint64_t)__atomic_exchange_n(&d[1], x ^ i, __ATOMIC_SEQ_CST));
    h = mix(h, (uint64_t)__atomic_fetch_xor(&d[2], x, __ATOMIC_SEQ_CST));
    h = mix(h, (uint64_t)__atomic_fetch_or(&d[3], 1ll << (i & 63), __ATOMIC_SEQ_CST));
    h = mix(h, (uint64_t)__atomic_fetch_and(&d[3], ~(1ll << ((i * 5) & 63)), __ATOMIC_SEQ_CST));
    h = mix(h, (uint64_t)amomaxu_d(&d[2], x));
    /* compare-and-swap: lr/sc loops */
    int32_t expected = w[0];
    if (!__atomic_compare_exchange_n(&w[0], &expected, expected + 3, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) failures++;
    int64_t expected64 = d[0];
    if (!__atomic_compare_exchange_n(&d[0], &expected64, expected64 - 5, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) failures++;
    expected = w[1] + 1; /* wrong: must fail and return the value */
    if (__atomic_compare_exchange_n(&w[1], &expected, 0, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) failures++;
    h = mix(h, (uint64_t)expected);
    /* store-conditionals that fail and store nothing */
    if (sc_w(&w[2], 12345) != 1) failures++;                 /* no reservation (the cas above used it up) */
    (void)lr_w(&w[0]);
    if (sc_w(&w[1], 777) != 1) failures++;                   /* another address */
    int32_t seen = lr_w(&w[2]);
    w[2] = seen + 1;                                         /* the value changed since the lr */
    if (sc_w(&w[2], seen) != 1 && w[2] == seen) failures++;
    int64_t seen64 = lr_d(&d[1]);
    if (sc_d(&d[1], seen64 + 9) != 0) failures++;            /* succeeds */
    h = mix(h, (uint64_t)d[1]);
    __asm__ volatile("amoadd.w zero, %1, (%0)" : : "r"(&w[0]), "r"(1) : "memory");
  }
  printf("words %08x %08x %08x %08x\n", (unsigned)w[0], (unsigned)w[1], (unsigned)w[2], (unsigned)w[3]);
  printf("double words %016llx %016llx %016llx %016llx\n", (unsigned long long)d[0], (unsigned long long)d[1],
         (unsigned long long)d[2], (unsigned long long)d[3]);
  printf("old values %016llx, unexpected results %ld\n", (unsigned long long)h, failures);
  return failures != 0;
}
