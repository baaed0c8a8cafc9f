/* Integer benchmark: a mix of the kernels that dominate ordinary programs (CRC, sorting,
 * hashing, linked lists, a byte-code state machine, integer matrix multiply), run in S-mode
 * under Sv39. Prints a checksum that must not depend on the emulator. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include "supervisor.h"

#define ROUNDS 300

static uint32_t crc_table[256];
static void crc_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
}
static uint32_t crc32(const uint8_t *p, size_t n, uint32_t c) {
  c = ~c;
  while (n--) c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
  return ~c;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void) {
  rng_state ^= rng_state << 13; rng_state ^= rng_state >> 7; rng_state ^= rng_state << 17;
  return rng_state;
}

#define N_SORT 4096
static int32_t sort_buf[N_SORT];
static void quicksort(int32_t *a, int lo, int hi) {
  while (lo < hi) {
    int32_t p = a[(lo + hi) / 2];
    int i = lo, j = hi;
    while (i <= j) {
      while (a[i] < p) i++;
      while (a[j] > p) j--;
      if (i <= j) { int32_t t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (j - lo < hi - i) { quicksort(a, lo, j); lo = i; } else { quicksort(a, i, hi); hi = j; }
  }
}

struct node { struct node *next; uint32_t value; };
#define N_LIST 2048
static struct node nodes[N_LIST];

#define M 24
static int32_t ma[M][M], mb[M][M], mc[M][M];

static uint32_t state_machine(const uint8_t *text, size_t n) {
  uint32_t state = 0, count = 0;
  for (size_t i = 0; i < n; i++) {
    uint8_t ch = text[i];
    switch (state) {
      case 0: state = ch >= '0' && ch <= '9' ? 1 : ch == ' ' ? 0 : 2; break;
      case 1: if (ch == ' ') { count++; state = 0; } else if (ch < '0' || ch > '9') state = 2; break;
      default: if (ch == ' ') state = 0; break;
    }
  }
  return count;
}

static uint8_t text[8192];

int main(void) {
  enter_supervisor_sv39();
  crc_init();
  for (size_t i = 0; i < sizeof text; i++) {
    uint64_t r = rng() % 12;
    text[i] = r < 3 ? ' ' : r < 8 ? (uint8_t)('0' + r) : (uint8_t)('a' + r);
  }
  uint64_t check = 0;
  uint64_t start = read_instret();
  for (int round = 0; round < ROUNDS; round++) {
    check = check * 31 + crc32(text, sizeof text, (uint32_t)round);
    for (int i = 0; i < N_SORT; i++) sort_buf[i] = (int32_t)rng();
    quicksort(sort_buf, 0, N_SORT - 1);
    for (int i = 1; i < N_SORT; i++) if (sort_buf[i - 1] > sort_buf[i]) { printf("sort failed\n"); return 1; }
    check = check * 31 + (uint32_t)sort_buf[N_SORT / 3];
    for (int i = 0; i < N_LIST; i++) { nodes[i].value = (uint32_t)rng(); nodes[i].next = &nodes[(i * 7 + 3) % N_LIST]; }
    struct node *p = &nodes[0];
    uint32_t sum = 0;
    for (int i = 0; i < 8 * N_LIST; i++) { sum += p->value ^ (uint32_t)i; p = p->next; }
    check = check * 31 + sum;
    for (int i = 0; i < M; i++) for (int j = 0; j < M; j++) { ma[i][j] = (int32_t)(rng() % 1000); mb[i][j] = (int32_t)(rng() % 1000); }
    for (int i = 0; i < M; i++) for (int j = 0; j < M; j++) {
      int32_t acc = 0;
      for (int k = 0; k < M; k++) acc += ma[i][k] * mb[k][j];
      mc[i][j] = acc;
    }
    check = check * 31 + (uint32_t)mc[round % M][(round * 5) % M];
    check = check * 31 + state_machine(text, sizeof text);
  }
  uint64_t insns = read_instret() - start;
  printf("integer: checksum %016llx\n", (unsigned long long)check);
  (void)insns;
  return 0;
}
