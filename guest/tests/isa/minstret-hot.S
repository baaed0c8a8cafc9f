/* HARTVM_ONLY (QEMU without -icount derives minstret from host time)
 * minstret counts exactly across loops that run hot (under --engine=jit they run translated,
 * and each runs longer than a slice of the run loop, so slices end inside them): the difference
 * of two reads around a loop of known length must be its instruction count plus one (the read
 * sees the value before its own retirement). Loops: within one page; straddling a page
 * boundary; calling a function on another page; taken and not-taken forward branches with
 * loads and stores; an ecall (not retired) and its handler every iteration; a minstret read in
 * every iteration. */
#include "isa.h"
#define N 300000
#define DIFF(reg0, reg1, expected) sub a2, reg1, reg0; li t6, expected; bne a2, t6, __test_fail
TEST_BEGIN
  .option norvc
  /* 2: three instructions per iteration, in one page */
  li TESTNUM, 2
  li t0, N
  csrr a0, minstret
1: addi a3, a3, 1
  addi t0, t0, -1
  bnez t0, 1b
  csrr a1, minstret
  DIFF(a0, a1, 3 * N + 1)

  /* 3: the loop straddles a page boundary (both pages translated, left and entered each time) */
  li TESTNUM, 3
  li t0, N
  csrr a0, minstret
  j straddle
straddle_back:
  csrr a1, minstret
  DIFF(a0, a1, 1 + 5 * N + 1 + 1)

  /* 4: a call (relaxed to jal) to a function on another page: 4 + 2 per iteration */
  li TESTNUM, 4
  li t0, N
  csrr a0, minstret
1: call far_fn
  addi t0, t0, -1
  bnez t0, 1b
  csrr a1, minstret
  DIFF(a0, a1, 6 * N + 1)

  /* 5: branches taken on odd counts, not on even, loads and stores (7 or 8 per iteration) */
  li TESTNUM, 5
  li t0, N
  la s2, buffer
  csrr a0, minstret
1: andi t1, t0, 1
  bnez t1, 2f
  sd t0, 0(s2)
  ld t2, 8(s2)
2: lw t3, 0(s2)
  sw t3, 4(s2)
  addi t0, t0, -1
  bnez t0, 1b
  csrr a1, minstret
  DIFF(a0, a1, 6 * N + 2 * (N / 2) + 1)

  /* 6: an ecall each iteration: it does not retire, the handler's 4 instructions do */
  li TESTNUM, 6
  la t0, ecall_handler; csrw mtvec, t0
  li t0, N / 10
  csrr a0, minstret
1: ecall
  addi t0, t0, -1
  bnez t0, 1b
  csrr a1, minstret
  la t0, __test_unexpected_trap; csrw mtvec, t0
  DIFF(a0, a1, (4 + 2) * (N / 10) + 1)

  /* 7: minstret read in every iteration: consecutive reads differ by the loop's 7 instructions
        (s2 starts 5 below the first read's value less the 2 before it); s3 collects any other
        difference */
  li TESTNUM, 7
  li t0, N
  li s3, 0
  csrr s2, minstret
  addi s2, s2, -5
1: csrr t1, minstret
  sub t2, t1, s2
  mv s2, t1
  xori t2, t2, 7
  or s3, s3, t2
  addi t0, t0, -1
  bnez t0, 1b
  bnez s3, __test_fail
  PASS

  .balign 4
ecall_handler:
  csrr t1, mepc
  addi t1, t1, 4
  csrw mepc, t1
  mret

  /* the loop body starts 8 bytes before a page boundary */
  .balign 4096
  .skip 4096 - 8
straddle:
1: addi a3, a3, 1
  addi a4, a4, 2
  addi a5, a5, 3           /* on the next page */
  addi t0, t0, -1
  bnez t0, 1b
  j straddle_back

  .balign 4096
far_fn:
  addi a4, a4, 1
  addi a5, a5, 1
  ret

TEST_DATA
  .align 3
buffer: .dword 0, 0
