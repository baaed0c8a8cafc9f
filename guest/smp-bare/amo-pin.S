/* Two harts, one AMO stream, one PTE rewritten underneath it (tests/smp/amo-pinning.test.mjs).
 *
 * Hart 0 maps virtual page X to page1 (Sv39), enters S-mode and runs AMO_COUNT amoadd.d of 1
 * to X, each after an sfence.vma of X, so that every AMO translates X afresh. Hart 1 (M-mode,
 * no translation) keeps rewriting X's leaf PTE between page1 and page2 meanwhile. Each AMO must
 * read and write through one mapping, the one it translated (mission: a mapping an instruction
 * uses holds until it retires), so page1 + page2 ends at exactly AMO_COUNT; an AMO that read one
 * page and wrote the other would lose or double an increment. Both pages must have been hit, or
 * the race was not exercised. Hart 0 writes `result`: 1 = pass, 3 = wrong total, 5 = one page
 * never hit. The host (the test) polls `result` in guest memory; hart 1 counts its rewrites.
 */
#define AMO_COUNT 200000
#define X_VA 0x40000000
#define PTE_LEAF_RW 0xc7 /* V R W A D */
#define PTE_RWX_GIGA 0xcf /* V R W X A D */

#include "smp-bare.h"

  .section .text.init, "ax"
  .globl _start
_start:
  HART_PROLOGUE stuck
  csrr t0, mhartid
  bnez t0, remapper

  /* hart 0: root[2] = 1 GiB identity map of RAM; root[1] -> l1; l1[0] -> l0; l0[0] -> page1 */
  la a0, root
  la a1, l1
  la a2, l0
  li t1, (0x80000000 >> 2) | PTE_RWX_GIGA
  sd t1, 16(a0)
  srli t1, a1, 2
  ori t1, t1, 1
  sd t1, 8(a0)
  srli t1, a2, 2
  ori t1, t1, 1
  sd t1, 0(a1)
  la t2, page1
  srli t1, t2, 2
  ori t1, t1, PTE_LEAF_RW
  sd t1, 0(a2)
  fence
  la t1, ready
  li t2, 1
  sd t2, 0(t1)
  /* Wait until hart 1 is flipping, so that the race happens however late its thread starts. */
  la t1, started
1:
  ld t2, 0(t1)
  beqz t2, 1b
  ENTER_SV39_SUPERVISOR root, supervisor

supervisor:
  li s0, X_VA
  li s1, AMO_COUNT
  li t3, 1
1:
  amoadd.d zero, t3, (s0)
  sfence.vma s0
  addi s1, s1, -1
  bnez s1, 1b
  fence
  la t1, done
  li t2, 1
  sd t2, 0(t1)
  fence
  la t1, page1
  ld t4, 0(t1)
  la t1, page2
  ld t5, 0(t1)
  li t2, 5
  beqz t4, 2f
  beqz t5, 2f
  add t4, t4, t5
  li t6, AMO_COUNT
  li t2, 3
  bne t4, t6, 2f
  li t2, 1
2:
  la t1, result
  sd t2, 0(t1)
3:
  j 3b

  /* hart 1: flip l0[0] between page1 and page2 until hart 0 is done */
remapper:
  la a0, ready
1:
  ld t1, 0(a0)
  beqz t1, 1b
  la a2, l0
  la t2, page1
  srli t3, t2, 2
  ori t3, t3, PTE_LEAF_RW
  la t2, page2
  srli t4, t2, 2
  ori t4, t4, PTE_LEAF_RW
  la a3, done
  li s2, 0
  la t1, started
  li t2, 1
  sd t2, 0(t1)
2:
  sd t4, 0(a2)
  li t5, 64
3:
  addi t5, t5, -1
  bnez t5, 3b
  sd t3, 0(a2)
  li t5, 64
4:
  addi t5, t5, -1
  bnez t5, 4b
  addi s2, s2, 2
  ld t1, 0(a3)
  beqz t1, 2b
  la t1, flips
  sd s2, 0(t1)
5:
  j 5b

  /* Any trap: record the cause and stop (the test reports it). */
stuck:
  csrr t1, mcause
  la t2, trapped
  sd t1, 0(t2)
6:
  j 6b

  .bss
  .align 12
root: .skip 4096
l1: .skip 4096
l0: .skip 4096
page1: .skip 4096
page2: .skip 4096
  .globl ready, started, done, result, flips, trapped
ready: .skip 8
started: .skip 8
done: .skip 8
result: .skip 8
flips: .skip 8
trapped: .skip 8
