/* Zba: SH1ADD SH2ADD SH3ADD ADD.UW SH1ADD.UW SH2ADD.UW SH3ADD.UW SLLI.UW.
 * The .UW forms zero-extend the low 32 bits of rs1 before shifting/adding. */
#include "isa.h"
TEST_BEGIN
  .option norvc
  /* SH1ADD */
  TEST_RR(2, sh1add, 0x4, 0x1, 0x2)
  TEST_RR(3, sh1add, 0xffffffffffffffff, 0xffffffffffffffff, 0x1)
  TEST_RR(4, sh1add, 0x10, 0x8000000000000000, 0x10)
  TEST_RR(5, sh1add, 0x23456789abcdeff0, 0x123456789abcdef0, 0xfedcba9876543210)
  TEST_RR(6, sh1add, 0xffffffff00000005, 0xffffffff80000001, 0x3)
  TEST_RR(7, sh1add, 0x8000000000000000, 0x4000000000000000, 0x0)
  /* SH2ADD */
  TEST_RR(8, sh2add, 0x6, 0x1, 0x2)
  TEST_RR(9, sh2add, 0xfffffffffffffffd, 0xffffffffffffffff, 0x1)
  TEST_RR(10, sh2add, 0x10, 0x8000000000000000, 0x10)
  TEST_RR(11, sh2add, 0x47ae147ae147add0, 0x123456789abcdef0, 0xfedcba9876543210)
  TEST_RR(12, sh2add, 0xfffffffe00000007, 0xffffffff80000001, 0x3)
  TEST_RR(13, sh2add, 0x0, 0x4000000000000000, 0x0)
  /* SH3ADD */
  TEST_RR(14, sh3add, 0xa, 0x1, 0x2)
  TEST_RR(15, sh3add, 0xfffffffffffffff9, 0xffffffffffffffff, 0x1)
  TEST_RR(16, sh3add, 0x10, 0x8000000000000000, 0x10)
  TEST_RR(17, sh3add, 0x907f6e5d4c3b2990, 0x123456789abcdef0, 0xfedcba9876543210)
  TEST_RR(18, sh3add, 0xfffffffc0000000b, 0xffffffff80000001, 0x3)
  TEST_RR(19, sh3add, 0x0, 0x4000000000000000, 0x0)
  /* ADD.UW: zero-extend rs1[31:0] */
  TEST_RR(20, add.uw, 0x3, 0x1, 0x2)
  TEST_RR(21, add.uw, 0x100000000, 0xffffffffffffffff, 0x1)
  TEST_RR(22, add.uw, 0x10, 0x8000000000000000, 0x10)
  TEST_RR(23, add.uw, 0xfedcba9911111100, 0x123456789abcdef0, 0xfedcba9876543210)
  TEST_RR(24, add.uw, 0x80000004, 0xffffffff80000001, 0x3)
  TEST_RR(25, add.uw, 0x0, 0x4000000000000000, 0x0)
  /* SH1ADD.UW */
  TEST_RR(26, sh1add.uw, 0x4, 0x1, 0x2)
  TEST_RR(27, sh1add.uw, 0x1ffffffff, 0xffffffffffffffff, 0x1)
  TEST_RR(28, sh1add.uw, 0x10, 0x8000000000000000, 0x10)
  TEST_RR(29, sh1add.uw, 0xfedcba99abcdeff0, 0x123456789abcdef0, 0xfedcba9876543210)
  TEST_RR(30, sh1add.uw, 0x100000005, 0xffffffff80000001, 0x3)
  TEST_RR(31, sh1add.uw, 0x0, 0x4000000000000000, 0x0)
  /* SH2ADD.UW */
  TEST_RR(32, sh2add.uw, 0x6, 0x1, 0x2)
  TEST_RR(33, sh2add.uw, 0x3fffffffd, 0xffffffffffffffff, 0x1)
  TEST_RR(34, sh2add.uw, 0x10, 0x8000000000000000, 0x10)
  TEST_RR(35, sh2add.uw, 0xfedcba9ae147add0, 0x123456789abcdef0, 0xfedcba9876543210)
  TEST_RR(36, sh2add.uw, 0x200000007, 0xffffffff80000001, 0x3)
  TEST_RR(37, sh2add.uw, 0x0, 0x4000000000000000, 0x0)
  /* SH3ADD.UW */
  TEST_RR(38, sh3add.uw, 0xa, 0x1, 0x2)
  TEST_RR(39, sh3add.uw, 0x7fffffff9, 0xffffffffffffffff, 0x1)
  TEST_RR(40, sh3add.uw, 0x10, 0x8000000000000000, 0x10)
  TEST_RR(41, sh3add.uw, 0xfedcba9d4c3b2990, 0x123456789abcdef0, 0xfedcba9876543210)
  TEST_RR(42, sh3add.uw, 0x40000000b, 0xffffffff80000001, 0x3)
  TEST_RR(43, sh3add.uw, 0x0, 0x4000000000000000, 0x0)
  /* SLLI.UW */
  TEST_IMM(44, slli.uw, 0xffffffff, 0xffffffffffffffff, 0)
  TEST_IMM(45, slli.uw, 0x1fffffffe, 0xffffffffffffffff, 1)
  TEST_IMM(46, slli.uw, 0x4000000000000000, 0x80000000, 31)
  TEST_IMM(47, slli.uw, 0xffffffff00000000, 0xffffffff, 32)
  TEST_IMM(48, slli.uw, 0x8000000000000000, 0x12345678deadbeef, 63)
  TEST_IMM(49, slli.uw, 0xdeadbeef0, 0x12345678deadbeef, 4)
  TEST_IMM(50, slli.uw, 0xffffffff00, 0x1ffffffff, 8)
  /* zext.w pseudo (add.uw rd, rs, x0) */
  TEST_CASE(51, a0, 0xdeadbeef, li a1, 0xffffffffdeadbeef; zext.w a0, a1)
  TEST_CASE(52, x0, 0, li a1, 5; li a2, 6; sh3add x0, a1, a2)
  PASS
TEST_DATA
