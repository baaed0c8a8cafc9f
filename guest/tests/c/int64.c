/* 64-bit integer arithmetic: mul/div/mod of pseudo-random numbers computed
 * with the hardware instructions and with a portable shift-and-subtract
 * long division / schoolbook 128-bit multiply, which must agree. */
#include <stdio.h>
#include <stdint.h>
static uint64_t s = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) { s += 0x9e3779b97f4a7c15ull; uint64_t z = s; z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull; z = (z ^ (z >> 27)) * 0x94d049bb133111ebull; return z ^ (z >> 31); }
static void udivmod(uint64_t n, uint64_t d, uint64_t *q, uint64_t *r) {
  uint64_t qq = 0, rr = 0;
  for (int i = 63; i >= 0; i--) {
    rr = (rr << 1) | ((n >> i) & 1);
    if (rr >= d) { rr -= d; qq |= 1ull << i; }
  }
  *q = qq; *r = rr;
}
static void mul128(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo) {
  uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
  uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
  *lo = (mid << 32) | (uint32_t)p00;
  *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}
int main(void) {
  uint64_t h = 0; int bad = 0;
  for (int i = 0; i < 3000; i++) {
    uint64_t a = rnd(), b = rnd() >> (rnd() % 64);
    if (b == 0) b = 1;
    uint64_t q, r; udivmod(a, b, &q, &r);
    if (q != a / b || r != a % b) { if (bad++ < 5) printf("udiv mismatch %llx %llx\n", (unsigned long long)a, (unsigned long long)b); }
    int64_t sa = (int64_t)a, sb = (int64_t)b * ((i & 1) ? -1 : 1);
    if (sb != 0 && !(sa == INT64_MIN && sb == -1)) {
      int64_t sq = sa / sb, sr = sa % sb;
      if (sq * sb + sr != sa || (sr != 0 && (sr < 0) != (sa < 0))) { if (bad++ < 5) printf("sdiv mismatch\n"); }
      h = h * 31 + (uint64_t)sq + (uint64_t)sr;
    }
    uint64_t hi, lo; mul128(a, b, &hi, &lo);
    unsigned __int128 p = (unsigned __int128)a * b;
    if ((uint64_t)(p >> 64) != hi || (uint64_t)p != lo) { if (bad++ < 5) printf("mul mismatch\n"); }
    __int128 sp = (__int128)sa * (__int128)sb;
    h ^= (uint64_t)(sp >> 64) + (uint64_t)sp + q * 7 + r;
    uint32_t wa = (uint32_t)a, wb = (uint32_t)b | 1;
    h += (wa / wb) ^ ((int32_t)wa % (int32_t)wb);
  }
  volatile int64_t mn = INT64_MIN, m1 = -1, z = 0;
  printf("checksum %016llx bad %d\n", (unsigned long long)h, bad);
  printf("edge: %lld %lld\n", (long long)(mn / 1), (long long)(mn % 7));
  (void)m1; (void)z;
  return bad;
}
