/* Sorting: insertion sort, quicksort (recursive) and qsort() of the same
 * pseudo-random data must agree; prints checksums of the sorted arrays. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#define N 2000
static uint64_t state = 0x243f6a8885a308d3ull;
static uint64_t rnd(void) { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state; }

static int64_t a[N], b[N], c[N];

static void insertion(int64_t *v, int n) {
  for (int i = 1; i < n; i++) {
    int64_t x = v[i]; int j = i - 1;
    while (j >= 0 && v[j] > x) { v[j + 1] = v[j]; j--; }
    v[j + 1] = x;
  }
}
static void quick(int64_t *v, int lo, int hi) {
  while (lo < hi) {
    int64_t p = v[(lo + hi) / 2]; int i = lo, j = hi;
    while (i <= j) {
      while (v[i] < p) i++;
      while (v[j] > p) j--;
      if (i <= j) { int64_t t = v[i]; v[i] = v[j]; v[j] = t; i++; j--; }
    }
    if (j - lo < hi - i) { quick(v, lo, j); lo = i; } else { quick(v, i, hi); hi = j; }
  }
}
static int cmp(const void *x, const void *y) {
  int64_t p = *(const int64_t *)x, q = *(const int64_t *)y;
  return p < q ? -1 : p > q;
}
static uint64_t checksum(const int64_t *v, int n) {
  uint64_t h = 1469598103934665603ull;
  for (int i = 0; i < n; i++) { h ^= (uint64_t)v[i]; h *= 1099511628211ull; }
  return h;
}
int main(void) {
  for (int i = 0; i < N; i++) a[i] = (int64_t)rnd() >> (i % 40);
  memcpy(b, a, sizeof a); memcpy(c, a, sizeof a);
  insertion(a, N); quick(b, 0, N - 1); qsort(c, N, sizeof c[0], cmp);
  for (int i = 1; i < N; i++) if (a[i - 1] > a[i]) { printf("not sorted at %d\n", i); return 1; }
  if (memcmp(a, b, sizeof a) || memcmp(a, c, sizeof a)) { printf("sorts disagree\n"); return 2; }
  printf("min %lld max %lld median %lld\n", (long long)a[0], (long long)a[N - 1], (long long)a[N / 2]);
  printf("checksum %016llx\n", (unsigned long long)checksum(a, N));
  return 0;
}
