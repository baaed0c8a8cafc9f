/* A hot loop of integer arithmetic on a page of its own, with a branch inside it: the
 * translator's golden test (tests/jit/golden.test.mjs) compares its translation with the one
 * checked in, and the program checks its own result. */
#include "test.h"
#define N 100000
TEST_BEGIN
  .option norvc
  li TESTNUM, 2
  li a0, 0
  li a1, 1
  li t0, N
  j loop

  .balign 4096
loop:
  add a0, a0, a1
  slli a2, a1, 3
  xor a0, a0, a2
  mulw a3, a1, a1
  sub a0, a0, a3
  andi a4, a1, 1
  beqz a4, 1f
  srai a5, a0, 5
  add a0, a0, a5
1:
  li a6, 7
  remu a7, a1, a6
  add a0, a0, a7
  sltu a4, a0, a1
  add a0, a0, a4
  addi a1, a1, 1
  addi t0, t0, -1
  bnez t0, loop
  j check

  .balign 4096
check:
  li t6, 0x7ffff9fb6147b012
  bne a0, t6, __test_fail
  PASS

TEST_DATA
