/* malloc/free/realloc/calloc churn with pattern checks; prints statistics. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#define SLOTS 256
/* guest/common/link.ld defines no heap, so provide picolibc's __heap_start /
 * __heap_end here: a 1 MiB region in .bss. */
__asm__(".pushsection .bss.heap, \"aw\", @nobits\n"
        "  .balign 16\n  .globl __heap_start\n__heap_start:\n"
        "  .skip 1048576\n  .globl __heap_end\n__heap_end:\n"
        ".popsection\n");
static uint32_t s = 12345;
static uint32_t rnd(void) { s = s * 1103515245u + 12345u; return s >> 8; }
static unsigned char *p[SLOTS];
static size_t len[SLOTS];
static unsigned char tag[SLOTS];
static int check(int i) {
  for (size_t k = 0; k < len[i]; k++) if (p[i][k] != (unsigned char)(tag[i] + k)) return 0;
  return 1;
}
int main(void) {
  int bad = 0; unsigned long allocs = 0, frees = 0, reallocs = 0; size_t peak = 0, live = 0;
  for (int it = 0; it < 20000; it++) {
    int i = rnd() % SLOTS;
    if (p[i] && !check(i)) { bad++; }
    int op = rnd() % 4;
    if (!p[i] || op == 0) {
      if (p[i]) { free(p[i]); frees++; live -= len[i]; }
      len[i] = rnd() % 700 + 1;
      p[i] = (op == 0 && (rnd() & 1)) ? calloc(len[i], 1) : malloc(len[i]);
      if (!p[i]) { printf("out of memory\n"); return 2; }
      if (op == 0) { for (size_t k = 0; k < len[i]; k++) if (p[i][k] && 0) bad++; }
      allocs++;
      tag[i] = (unsigned char)rnd();
      for (size_t k = 0; k < len[i]; k++) p[i][k] = (unsigned char)(tag[i] + k);
      live += len[i];
    } else if (op == 1) {
      size_t nl = rnd() % 1500 + 1;
      unsigned char *q = realloc(p[i], nl);
      if (!q) { printf("realloc failed\n"); return 3; }
      size_t keep = nl < len[i] ? nl : len[i];
      for (size_t k = 0; k < keep; k++) if (q[k] != (unsigned char)(tag[i] + k)) { bad++; break; }
      for (size_t k = 0; k < nl; k++) q[k] = (unsigned char)(tag[i] + k);
      live += nl; live -= len[i];
      p[i] = q; len[i] = nl; reallocs++;
    } else if (op == 2) {
      free(p[i]); p[i] = NULL; frees++; live -= len[i]; len[i] = 0;
    }
    if (live > peak) peak = live;
  }
  for (int i = 0; i < SLOTS; i++) if (p[i]) { if (!check(i)) bad++; free(p[i]); frees++; }
  void *z = calloc(1000, 8);
  for (int k = 0; k < 8000; k++) if (((unsigned char *)z)[k]) { bad++; break; }
  free(z);
  printf("allocs %lu frees %lu reallocs %lu peak %lu bad %d\n", allocs, frees, reallocs, (unsigned long)peak, bad);
  return bad;
}
