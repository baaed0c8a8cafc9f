/* Benchmarks run in S-mode with Sv39 paging on, over 4 KiB pages: the realistic case for the
 * translation store (every data and code page needs a translation). */
#ifndef HARTVM_BENCH_SUPERVISOR_H
#define HARTVM_BENCH_SUPERVISOR_H
#include <stdint.h>

#define RAM_BASE 0x80000000ull
#define MAPPED_MIB 128
#define PTE_V 1u
#define PTE_RWXAD (2u | 4u | 8u | 64u | 128u)

static uint64_t root_table[512] __attribute__((aligned(4096)));
static uint64_t mid_table[512] __attribute__((aligned(4096)));
static uint64_t leaf_tables[MAPPED_MIB / 2][512] __attribute__((aligned(4096)));

/* Identity-maps the first MAPPED_MIB of RAM with 4 KiB pages, turns on Sv39 and returns in S-mode. */
static inline void enter_supervisor_sv39(void)
{
  root_table[(RAM_BASE >> 30) & 511] = (((uint64_t)mid_table >> 12) << 10) | PTE_V;
  for (unsigned i = 0; i < MAPPED_MIB / 2; i++) {
    mid_table[i] = (((uint64_t)leaf_tables[i] >> 12) << 10) | PTE_V;
    for (unsigned j = 0; j < 512; j++) {
      uint64_t pa = RAM_BASE + ((uint64_t)i * 512 + j) * 4096;
      leaf_tables[i][j] = ((pa >> 12) << 10) | PTE_RWXAD | PTE_V;
    }
  }
  uint64_t satp = (8ull << 60) | ((uint64_t)root_table >> 12);
  __asm__ volatile(
    "csrwi mcounteren, 7\n" /* cycle, time, instret readable in S-mode */
    "csrw satp, %0\n"
    "sfence.vma\n"
    "la t0, 1f\n"
    "csrw mepc, t0\n"
    "li t0, 0x1800\n"
    "csrc mstatus, t0\n"
    "li t0, 0x800\n"
    "csrs mstatus, t0\n"
    "mret\n"
    "1:\n" : : "r"(satp) : "t0", "memory");
}

static inline uint64_t read_instret(void)
{
  uint64_t v;
  __asm__ volatile("csrr %0, instret" : "=r"(v));
  return v;
}
#endif
