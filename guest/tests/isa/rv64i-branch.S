/* RV64I conditional branches: BEQ BNE BLT BGE BLTU BGEU.
 * Each case checks taken and not-taken behaviour, signed vs unsigned compare,
 * forward and backward targets, and that the not-taken path falls through. */
#include "isa.h"

/* branch must be taken (forward) */
#define BR_TAKEN(n, inst, v1, v2) \
  li TESTNUM, n; li a1, v1; li a2, v2; \
  inst a1, a2, 2f; j __test_fail; 2:

/* branch must be taken backward: jump forward first, branch back */
#define BR_TAKEN_BACK(n, inst, v1, v2) \
  li TESTNUM, n; li a1, v1; li a2, v2; li a3, 0; \
  j 3f; \
1: addi a3, a3, 1; j 4f; \
3: inst a1, a2, 1b; j __test_fail; \
4: li t6, 1; bne a3, t6, __test_fail;

/* branch must not be taken */
#define BR_NOT_TAKEN(n, inst, v1, v2) \
  li TESTNUM, n; li a1, v1; li a2, v2; \
  inst a1, a2, __test_fail; \
  inst a1, a2, 1f; j 2f; 1: j __test_fail; 2:

TEST_BEGIN
  .option norvc   /* test the 32-bit encodings; rvc.S covers compressed ones */
  BR_TAKEN(2, beq, 0, 0)
  BR_TAKEN(3, beq, -1, -1)
  BR_TAKEN(4, beq, 0x8000000000000000, 0x8000000000000000)
  BR_NOT_TAKEN(5, beq, 0, 1)
  BR_NOT_TAKEN(6, beq, 0x100000000, 0)        /* upper bits matter */
  BR_NOT_TAKEN(7, beq, 0xffffffff, -1)
  BR_TAKEN_BACK(8, beq, 7, 7)

  BR_TAKEN(9, bne, 0, 1)
  BR_TAKEN(10, bne, 0x100000000, 0)
  BR_TAKEN(11, bne, 0xffffffff, -1)
  BR_NOT_TAKEN(12, bne, 5, 5)
  BR_NOT_TAKEN(13, bne, -1, -1)
  BR_TAKEN_BACK(14, bne, 1, 2)

  BR_TAKEN(15, blt, -1, 0)
  BR_TAKEN(16, blt, 0x8000000000000000, 0x7fffffffffffffff)
  BR_TAKEN(17, blt, 0x7ffffffffffffffe, 0x7fffffffffffffff)
  BR_TAKEN(18, blt, 0xffffffff, 0x100000000)
  BR_NOT_TAKEN(19, blt, 0, -1)
  BR_NOT_TAKEN(20, blt, 3, 3)
  BR_NOT_TAKEN(21, blt, 0x7fffffffffffffff, 0x8000000000000000)
  BR_TAKEN_BACK(22, blt, -5, -4)

  BR_TAKEN(23, bge, 0, -1)
  BR_TAKEN(24, bge, 3, 3)
  BR_TAKEN(25, bge, 0x7fffffffffffffff, 0x8000000000000000)
  BR_TAKEN(26, bge, -1, -1)
  BR_NOT_TAKEN(27, bge, -1, 0)
  BR_NOT_TAKEN(28, bge, 0x8000000000000000, 0x7fffffffffffffff)
  BR_TAKEN_BACK(29, bge, 1, 0)

  BR_TAKEN(30, bltu, 0, -1)
  BR_TAKEN(31, bltu, 0x7fffffffffffffff, 0x8000000000000000)
  BR_TAKEN(32, bltu, 0xffffffff, 0x100000000)
  BR_NOT_TAKEN(33, bltu, -1, 0)
  BR_NOT_TAKEN(34, bltu, 9, 9)
  BR_NOT_TAKEN(35, bltu, 0x8000000000000000, 0x7fffffffffffffff)
  BR_TAKEN_BACK(36, bltu, 1, -1)

  BR_TAKEN(37, bgeu, -1, 0)
  BR_TAKEN(38, bgeu, 9, 9)
  BR_TAKEN(39, bgeu, 0x8000000000000000, 0x7fffffffffffffff)
  BR_NOT_TAKEN(40, bgeu, 0, -1)
  BR_NOT_TAKEN(41, bgeu, 0x7fffffffffffffff, 0x8000000000000000)
  BR_NOT_TAKEN(42, bgeu, 0xffffffff, 0x100000000)
  BR_TAKEN_BACK(43, bgeu, -1, -2)

  /* comparisons against x0 */
  li TESTNUM, 44; li a1, -3; bltz a1, 1f; j __test_fail; 1:
  li TESTNUM, 45; bgez x0, 1f; j __test_fail; 1:
  li TESTNUM, 46; li a1, -3; bgtu a1, x0, 1f; j __test_fail; 1:
  li TESTNUM, 47; bnez x0, __test_fail; beqz x0, 1f; j __test_fail; 1:
  li TESTNUM, 48; li a1, 1; blez a1, __test_fail; bgtz a1, 1f; j __test_fail; 1:

  /* a counted loop with a backward branch runs the right number of times */
  li TESTNUM, 49
  li a1, 0; li a2, 100; li a3, 0
1: addi a3, a3, 3; addi a1, a1, 1; blt a1, a2, 1b
  li t6, 300; bne a3, t6, __test_fail

  /* a taken branch must not execute the instruction that follows */
  li TESTNUM, 50
  li a1, 0
  beq x0, x0, 1f
  li a1, 1
1: bnez a1, __test_fail

  /* long-distance forward and backward branches (> 2 KiB) */
  li TESTNUM, 51
  li a1, 0
  beq x0, x0, 2f
1: li a1, 5
  j 3f
  .fill 600, 4, 0x00000013   /* 600 nops: 2400 bytes */
2: beq x0, x0, 1b
  j __test_fail
3: li t6, 5; bne a1, t6, __test_fail
  PASS
TEST_DATA
