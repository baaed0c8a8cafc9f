/* Memory-heavy loop under Sv39: a 4 MiB region at VA 0x40000000 mapped with 1024 4 KiB pages
 * onto scattered physical frames (page i -> frame (i * 389) mod 1024), filled and stirred in
 * S-mode (sequential, strided across pages, pseudo-random), then remapped with another
 * permutation (PTE rewrite + sfence.vma) and read again. Prints checksums (compared with
 * QEMU) and checks them against the same computation done on physical addresses in M-mode. */
#include <stdint.h>
#include <stdio.h>

#define NPAGES 1024u
#define REGION_VA 0x40000000ull
#define FRAMES_PA 0x80800000ull
#define WORDS (NPAGES * 512u)

static uint64_t root[512] __attribute__((aligned(4096)));
static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l0[2][512] __attribute__((aligned(4096)));

#define PTE_V 1u
#define PTE_R 2u
#define PTE_W 4u
#define PTE_X 8u
#define PTE_A 64u
#define PTE_D 128u

static unsigned perm_a(unsigned i) { return (i * 389u) % NPAGES; }
static unsigned perm_b(unsigned i) { return (i * 601u + 77u) % NPAGES; }

static void map_region(unsigned (*perm)(unsigned))
{
  for (unsigned i = 0; i < NPAGES; i++) {
    uint64_t pa = FRAMES_PA + (uint64_t)perm(i) * 4096u;
    l0[i / 512][i % 512] = (pa >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;
  }
}

static void setup(void)
{
  /* root[2]: identity gigapage for RAM (0x80000000), root[1] -> l1 for 0x40000000 */
  root[2] = (0x80000000ull >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;
  root[1] = ((uint64_t)(uintptr_t)l1 >> 12) << 10 | PTE_V;
  l1[0] = ((uint64_t)(uintptr_t)l0[0] >> 12) << 10 | PTE_V;
  l1[1] = ((uint64_t)(uintptr_t)l0[1] >> 12) << 10 | PTE_V;
  map_region(perm_a);
}

static uint64_t mix(uint64_t x)
{
  x ^= x >> 31;
  x *= 0x7fb5d329728ea185ull;
  x ^= x >> 27;
  x *= 0x81dadef4bc2dd44dull;
  x ^= x >> 33;
  return x;
}

/* The workload, on an array of WORDS words reached through `at` (VA or PA flavour). */
#define WORKLOAD(NAME, ADDR)                                                   \
  static uint64_t NAME(uint64_t *out2)                                          \
  {                                                                             \
    for (unsigned i = 0; i < WORDS; i++) *ADDR(i) = mix(i);                     \
    for (unsigned i = 0; i < WORDS; i += 513) *ADDR(i) += *ADDR((i + 1000) % WORDS); \
    uint64_t s = 0x12345;                                                       \
    for (unsigned k = 0; k < 100000; k++) {                                     \
      s = s * 6364136223846793005ull + 1442695040888963407ull;                  \
      unsigned j = (unsigned)(s >> 33) % WORDS;                                 \
      *ADDR(j) ^= s;                                                            \
    }                                                                           \
    uint64_t sum = 0;                                                           \
    for (unsigned i = 0; i < WORDS; i++) sum = sum * 31 + *ADDR(i);             \
    *out2 = 0;                                                                  \
    return sum;                                                                 \
  }

/* virtual: plain array */
#define VADDR(i) (&((volatile uint64_t *)REGION_VA)[i])
WORKLOAD(work_virtual, VADDR)

/* physical, following permutation A */
#define PADDR(i) ((volatile uint64_t *)(uintptr_t)(FRAMES_PA + (uint64_t)perm_a((i) / 512u) * 4096u + ((i) % 512u) * 8u))
WORKLOAD(work_physical, PADDR)

static uint64_t sum_virtual(void)
{
  uint64_t sum = 0;
  for (unsigned i = 0; i < WORDS; i++) sum = sum * 31 + *VADDR(i);
  return sum;
}

static uint64_t sum_physical_b(void)
{
  uint64_t sum = 0;
  for (unsigned i = 0; i < WORDS; i++) {
    volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)(FRAMES_PA + (uint64_t)perm_b(i / 512u) * 4096u + (i % 512u) * 8u);
    sum = sum * 31 + *p;
  }
  return sum;
}

/* S-mode phase: results stored here */
static volatile uint64_t s_sum1, s_sum2;

static void s_phase(void)
{
  uint64_t dummy;
  s_sum1 = work_virtual(&dummy);
  /* remap with permutation B from S-mode, then fence */
  map_region(perm_b);
  __asm__ volatile("sfence.vma" ::: "memory");
  s_sum2 = sum_virtual();
}

/* Run fn in S-mode; it returns with an ecall that lands back here in M-mode. */
extern void run_in_s(void (*fn)(void));
__asm__(
  "  .text\n"
  "  .align 2\n"
  "  .globl run_in_s\n"
  "run_in_s:\n"
  "  addi sp, sp, -16\n"
  "  sd ra, 0(sp)\n"
  "  la t0, saved_sp\n"
  "  sd sp, 0(t0)\n"
  "  la t0, m_trap\n"
  "  csrw mtvec, t0\n"
  "  li t0, 0x1800\n"
  "  csrc mstatus, t0\n"
  "  li t0, 0x0800\n"          /* MPP = S */
  "  csrs mstatus, t0\n"
  "  la t0, s_entry\n"
  "  csrw mepc, t0\n"
  "  mv s1, a0\n"
  "  mret\n"
  "s_entry:\n"
  "  jalr s1\n"
  "  ecall\n"
  "  .align 2\n"
  "m_trap:\n"
  "  csrr t0, mcause\n"
  "  li t1, 9\n"
  "  bne t0, t1, 1f\n"
  "  la t0, saved_sp\n"
  "  ld sp, 0(t0)\n"
  "  ld ra, 0(sp)\n"
  "  addi sp, sp, 16\n"
  "  ret\n"
  "1:\n"
  "  csrr a0, mcause\n"
  "  addi a0, a0, 100\n"
  "  call htif_exit\n"
  "  .data\n"
  "  .align 3\n"
  "saved_sp: .dword 0\n"
  "  .text\n");

int main(void)
{
  setup();
  uint64_t satp = (8ull << 60) | ((uint64_t)(uintptr_t)root >> 12);
  __asm__ volatile("csrw satp, %0; sfence.vma" ::"r"(satp) : "memory");
  run_in_s(s_phase);
  __asm__ volatile("csrw satp, zero; sfence.vma" ::: "memory");
  printf("memwalk: checksum1 %016llx\n", (unsigned long long)s_sum1);
  printf("memwalk: checksum2 %016llx\n", (unsigned long long)s_sum2);

  /* M-mode check: sum2 from the physical frames under permutation B (memory as S left it) */
  uint64_t p2 = sum_physical_b();
  /* then redo the workload physically under permutation A and compare sum1 */
  uint64_t dummy;
  uint64_t p1 = work_physical(&dummy);
  int bad = 0;
  if (p1 != s_sum1) { printf("memwalk: checksum1 mismatch, physical %016llx\n", (unsigned long long)p1); bad |= 1; }
  if (p2 != s_sum2) { printf("memwalk: checksum2 mismatch, physical %016llx\n", (unsigned long long)p2); bad |= 2; }
  printf(bad ? "memwalk: FAIL\n" : "memwalk: ok\n");
  return bad;
}
