/* A hot loop on a page of its own that loads and stores every size (one access misaligned, so
 * on the slow path), calls a function on the same page, and runs FP instructions, which the
 * translator leaves to the interpreter: the translator's golden test (tests/jit/golden.test.mjs)
 * compares its translation with the one checked in, and the program checks its own results. */
#include "test.h"
#define N 100000
TEST_BEGIN
  .option norvc
  li TESTNUM, 2
  la s0, buffer
  li t0, N
  li a0, 0
  fmv.d.x fa1, zero
  j loop

  .balign 4096
loop:
  sd t0, 0(s0)
  lw a1, 0(s0)
  sh t0, 10(s0)
  lhu a2, 10(s0)
  sb t0, 13(s0)
  lbu a3, 13(s0)
  ld a4, 3(s0)
  call leaf
  fcvt.d.l fa0, a2
  fadd.d fa1, fa1, fa0
  add a0, a0, a2
  add a0, a0, a3
  addi t0, t0, -1
  bnez t0, loop
  j check
leaf:
  add a0, a0, a1
  ret

  .balign 4096
check:
  li t6, 0x1ce2ed9f0
  bne a0, t6, __test_fail
  li TESTNUM, 3
  fcvt.l.d a0, fa1
  li t6, 2741351760
  bne a0, t6, __test_fail
  PASS

  .data
  .balign 16
buffer: .zero 32

TEST_DATA
