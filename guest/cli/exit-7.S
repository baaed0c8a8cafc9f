/* Prints "bye" on the HTIF console, then reports failure code 7: hartvm exits with status 7. */
#include "test.h"
TEST_BEGIN
  la a0, message
1:
  lbu a1, 0(a0)
  beqz a1, 2f
  li t0, 0x0101000000000000   /* device 1, command 1: write a character */
  or t0, t0, a1
  la t1, tohost
  sd t0, 0(t1)
  la t1, fromhost
3:
  ld t2, 0(t1)
  beqz t2, 3b
  sd zero, 0(t1)
  addi a0, a0, 1
  j 1b
2:
  li TESTNUM, 7
  FAIL
  .data
message: .asciz "bye"
TEST_DATA
