/* RV64I word (W) operations: ADDW SUBW SLLW SRLW SRAW ADDIW SLLIW SRLIW SRAIW.
 * Every result is the 32-bit result sign-extended to 64 bits; the upper 32
 * bits of the sources are ignored; W shifts use only rs2[4:0]. */
#include "isa.h"
TEST_BEGIN
  .option norvc
  /* ADDW */
  TEST_RR(2, addw, 0, 0, 0)
  TEST_RR(3, addw, 0xffffffff80000000, 0x7fffffff, 1)
  TEST_RR(4, addw, 0, 0xffffffff, 1)
  TEST_RR(5, addw, 0x7fffffff, 0x80000000, 0xffffffff)
  TEST_RR(6, addw, 3, 0x1234567800000001, 0x8765432100000002)
  TEST_RR(7, addw, 0xffffffff80000001, 0xaaaaaaaa80000000, 1)
  TEST_RR_SRC12_EQ_DEST(8, addw, 0xfffffffffffffffe, 0x00000000ffffffff)
  TEST_RR_ZERODEST(9, addw, 1, 2)
  /* SUBW */
  TEST_RR(10, subw, 0xffffffffffffffff, 0, 1)
  TEST_RR(11, subw, 0x7fffffff, 0x80000000, 1)
  TEST_RR(12, subw, 0xffffffff80000000, 0x7fffffff, 0xffffffff)
  TEST_RR(13, subw, 0, 0x100000000, 0x200000000)
  TEST_RR(14, subw, 0xffffffff80000000, 0, 0x80000000)
  /* SLLW: shamt = rs2[4:0] */
  TEST_RR(15, sllw, 1, 1, 0)
  TEST_RR(16, sllw, 0xffffffff80000000, 1, 31)
  TEST_RR(17, sllw, 1, 1, 32)                /* bit 5 ignored */
  TEST_RR(18, sllw, 0xffffffff80000000, 1, 63)
  TEST_RR(19, sllw, 0x0000000012345678, 0xffffffff12345678, 0)
  TEST_RR(20, sllw, 0xffffffff9abcdef0, 0x0123456789abcdef, 4)
  TEST_RR(21, sllw, 0xffffffff89abcde0, 0xa0000000789abcde, 4)
  /* SRLW: zero-fill from bit 31 then sign-extend bit 31 of the result */
  TEST_RR(22, srlw, 0xffffffff80000000, 0x80000000, 0)
  TEST_RR(23, srlw, 1, 0x80000000, 31)
  TEST_RR(24, srlw, 0xffffffff80000000, 0x80000000, 32)
  TEST_RR(25, srlw, 0x0000000040000000, 0xffffffff80000000, 1)
  TEST_RR(26, srlw, 0x000000000000ffff, 0xabcdef01ffffffff, 16)
  TEST_RR(27, srlw, 1, 0xffffffffffffffff, 63)
  /* SRAW */
  TEST_RR(28, sraw, 0xffffffff80000000, 0x80000000, 0)
  TEST_RR(29, sraw, 0xffffffffffffffff, 0x80000000, 31)
  TEST_RR(30, sraw, 0xffffffff80000000, 0x80000000, 32)
  TEST_RR(31, sraw, 0xffffffffc0000000, 0x0000000080000000, 1)
  TEST_RR(32, sraw, 0x000000003fffffff, 0xffffffff7fffffff, 1)
  TEST_RR(33, sraw, 0, 0x7fffffff, 31)
  TEST_RR(34, sraw, 0xffffffffffff8000, 0x1234567880000000, 16)
  /* ADDIW */
  TEST_IMM(35, addiw, 0xffffffff80000000, 0x7fffffff, 1)
  TEST_IMM(36, addiw, 0x000000007ffffffe, 0x80000000, -2)
  TEST_IMM(37, addiw, 0xfffffffffffff800, 0, -2048)
  TEST_IMM(38, addiw, 0x7ff, 0, 2047)
  TEST_IMM(39, addiw, 0x12345678, 0xffffffff12345678, 0)   /* sext.w */
  TEST_IMM(40, addiw, 0xffffffff92345678, 0x0000000092345678, 0)
  TEST_IMM(41, addiw, 0, 0xffffffffffffffff, 1)
  TEST_IMM_SRC1_EQ_DEST(42, addiw, 0xffffffff80000001, 0x80000000, 1)
  TEST_CASE(43, x0, 0, li a1, 5; addiw x0, a1, 6)
  /* SLLIW */
  TEST_IMM(44, slliw, 0x12345678, 0xaaaaaaaa12345678, 0)
  TEST_IMM(45, slliw, 0xffffffff80000000, 0x12345679, 31)
  TEST_IMM(46, slliw, 0, 0x12345678, 31)
  TEST_IMM(47, slliw, 0x2468acf0, 0xf000000012345678, 1)
  TEST_IMM(48, slliw, 0xffffffffabcdef00, 0xffffffff12abcdef, 8)
  /* SRLIW */
  TEST_IMM(49, srliw, 0xffffffff80000000, 0x80000000, 0)
  TEST_IMM(50, srliw, 1, 0x80000000, 31)
  TEST_IMM(51, srliw, 0x0000000000ffffff, 0x12345678ffffffff, 8)
  TEST_IMM(52, srliw, 0x0000000001234567, 0xffffffff12345678, 4)
  /* SRAIW */
  TEST_IMM(53, sraiw, 0xffffffff80000000, 0x80000000, 0)
  TEST_IMM(54, sraiw, -1, 0x80000000, 31)
  TEST_IMM(55, sraiw, 0, 0x7fffffff, 31)
  TEST_IMM(56, sraiw, 0xffffffffff800000, 0x0000000080000000, 8)
  TEST_IMM(57, sraiw, 0x0000000000123456, 0xffffffff12345678, 8)
  TEST_IMM(58, sraiw, 0x0000000012345678, 0x8000000012345678, 0)
  PASS
TEST_DATA
