/* Memory-heavy benchmark: random reads and writes over 48 MiB with Sv39 on 4 KiB pages, far
 * beyond what the translation store covers, plus a streaming copy. Measures translation cost. */
#include <stdio.h>
#include <stdint.h>
#include "supervisor.h"

#define WORDS (48u * 1024 * 1024 / 8)
static uint64_t heap[WORDS];

int main(void) {
  enter_supervisor_sv39();
  uint64_t x = 88172645463325252ull;
  for (uint32_t i = 0; i < WORDS; i += 512) heap[i] = i; /* touch every page */
  uint64_t sum = 0;
  for (int round = 0; round < 6; round++) {
    for (uint32_t i = 0; i < 1000000; i++) {
      x ^= x << 13; x ^= x >> 7; x ^= x << 17;
      uint32_t a = (uint32_t)(x % WORDS);
      sum += heap[a];
      heap[(a * 2654435761u) % WORDS] += x;
    }
    /* streaming: copy one half over the other */
    for (uint32_t i = 0; i < WORDS / 2; i += 4) heap[i + WORDS / 2] = heap[i] + round;
  }
  printf("memory: checksum %016llx\n", (unsigned long long)sum);
  return 0;
}
