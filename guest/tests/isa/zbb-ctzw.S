/* HARTVM_ONLY
 * CTZW counts trailing zeros of the least-significant word only, so a zero
 * low word gives 32 whatever the upper 32 bits hold (CLZW likewise ignores
 * the upper word).
 * Marked HARTVM_ONLY because QEMU 7.2 contradicts the spec: its ctzw returns
 * the 64-bit trailing-zero count when the low word is zero and the upper word
 * is not (ctzw(0x8000000000000000) = 63, ctzw(0x0000001000000000) = 36). */
#include "isa.h"
TEST_BEGIN
  .option norvc
  TEST_R(2, ctzw, 32, 0x8000000000000000)
  TEST_R(3, ctzw, 32, 0x0000001000000000)
  TEST_R(4, ctzw, 32, 0x0000000100000000)
  TEST_R(5, ctzw, 32, 0xffffffff00000000)
  TEST_R(6, ctzw, 32, 0)
  TEST_R(7, ctzw, 31, 0x1234567880000000)
  TEST_R(8, clzw, 32, 0x8000000000000000)
  TEST_R(9, clzw, 32, 0xffffffff00000000)
  TEST_R(10, cpopw, 0, 0xffffffff00000000)
  PASS
TEST_DATA
