/* Helper macros for the per-extension ISA tests in guest/tests/isa/.
 * Built on guest/common/test.h (TESTNUM = gp, FAIL/PASS, TEST_CASE).
 * Registers: a0 = result, a1/a2/a3 = sources, t6 = expected value. */
#ifndef HARTVM_ISA_H
#define HARTVM_ISA_H
#include "test.h"

/* rd = op(rs1, rs2) with fresh registers */
#define TEST_RR(n, inst, expected, v1, v2) \
  TEST_CASE(n, a0, expected, li a1, v1; li a2, v2; inst a0, a1, a2)

/* rd == rs1 */
#define TEST_RR_SRC1_EQ_DEST(n, inst, expected, v1, v2) \
  TEST_CASE(n, a1, expected, li a1, v1; li a2, v2; inst a1, a1, a2)

/* rd == rs2 */
#define TEST_RR_SRC2_EQ_DEST(n, inst, expected, v1, v2) \
  TEST_CASE(n, a2, expected, li a1, v1; li a2, v2; inst a2, a1, a2)

/* rs1 == rs2 == rd */
#define TEST_RR_SRC12_EQ_DEST(n, inst, expected, v1) \
  TEST_CASE(n, a1, expected, li a1, v1; inst a1, a1, a1)

/* rd = x0: the write must be discarded */
#define TEST_RR_ZERODEST(n, inst, v1, v2) \
  TEST_CASE(n, x0, 0, li a1, v1; li a2, v2; inst x0, a1, a2)

/* rd = op(rs1, imm) */
#define TEST_IMM(n, inst, expected, v1, imm) \
  TEST_CASE(n, a0, expected, li a1, v1; inst a0, a1, imm)

#define TEST_IMM_SRC1_EQ_DEST(n, inst, expected, v1, imm) \
  TEST_CASE(n, a1, expected, li a1, v1; inst a1, a1, imm)

/* rd = op(rs1) */
#define TEST_R(n, inst, expected, v1) \
  TEST_CASE(n, a0, expected, li a1, v1; inst a0, a1)

/* Compare two registers directly (expected computed at run time) */
#define TEST_EQ_REG(n, reg, reg2, ...) \
  li TESTNUM, n; __VA_ARGS__; bne reg, reg2, __test_fail;

#endif
