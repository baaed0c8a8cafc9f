/* Zbb: ANDN ORN XNOR MAX MAXU MIN MINU ROL ROR ROLW RORW RORI RORIW CLZ CLZW CTZ CTZW
 * CPOP CPOPW SEXT.B SEXT.H ZEXT.H ORC.B REV8. W forms operate on the low 32 bits
 * and sign-extend the result; CLZ/CTZ of zero give XLEN (or 32 for W forms). */
#include "isa.h"
TEST_BEGIN
  .option norvc
  /* ANDN */
  TEST_RR(2, andn, 0xf000f000f000f000, 0xff00ff00ff00ff00, 0xff00ff00ff00ff0)
  TEST_RR(3, andn, 0xffffffffffffffff, 0xffffffffffffffff, 0x0)
  TEST_RR(4, andn, 0x0, 0x0, 0xffffffffffffffff)
  /* ORN */
  TEST_RR(5, orn, 0xff0fff0fff0fff0f, 0xff00ff00ff00ff00, 0xff00ff00ff00ff0)
  TEST_RR(6, orn, 0xffffffffffffffff, 0x0, 0x0)
  TEST_RR(7, orn, 0x1234, 0x1234, 0xffffffffffffffff)
  /* XNOR */
  TEST_RR(8, xnor, 0xf0f0f0f0f0f0f0f, 0xff00ff00ff00ff00, 0xff00ff00ff00ff0)
  TEST_RR(9, xnor, 0xffffffffffffffff, 0x0, 0x0)
  TEST_RR(10, xnor, 0x0, 0xffffffffffffffff, 0x0)
  /* MAX */
  TEST_RR(11, max, 0x1, 0x1, 0xffffffffffffffff)
  TEST_RR(12, max, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
  TEST_RR(13, max, 0x5, 0x5, 0x5)
  TEST_RR(14, max, 0xfffffffffffffffd, 0xfffffffffffffff9, 0xfffffffffffffffd)
  /* MAXU */
  TEST_RR(15, maxu, 0xffffffffffffffff, 0x1, 0xffffffffffffffff)
  TEST_RR(16, maxu, 0x8000000000000000, 0x8000000000000000, 0x7fffffffffffffff)
  TEST_RR(17, maxu, 0x0, 0x0, 0x0)
  /* MIN */
  TEST_RR(18, min, 0xffffffffffffffff, 0x1, 0xffffffffffffffff)
  TEST_RR(19, min, 0x8000000000000000, 0x8000000000000000, 0x7fffffffffffffff)
  TEST_RR(20, min, 0xfffffffffffffff9, 0xfffffffffffffff9, 0xfffffffffffffffd)
  /* MINU */
  TEST_RR(21, minu, 0x1, 0x1, 0xffffffffffffffff)
  TEST_RR(22, minu, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
  TEST_RR(23, minu, 0x0, 0x0, 0x5)
  /* ROL */
  TEST_RR(24, rol, 0x3, 0x8000000000000001, 0x1)
  TEST_RR(25, rol, 0x123456789abcdef0, 0x123456789abcdef0, 0x0)
  TEST_RR(26, rol, 0x23456789abcdef01, 0x123456789abcdef0, 0x4)
  TEST_RR(27, rol, 0x91a2b3c4d5e6f78, 0x123456789abcdef0, 0x3f)
  TEST_RR(28, rol, 0x9abcdef012345678, 0x123456789abcdef0, 0x60)
  TEST_RR(29, rol, 0x123456789abcdef, 0x123456789abcdef0, 0xfffffffffffffffc)
  /* ROR */
  TEST_RR(30, ror, 0xc000000000000000, 0x8000000000000001, 0x1)
  TEST_RR(31, ror, 0x123456789abcdef0, 0x123456789abcdef0, 0x0)
  TEST_RR(32, ror, 0x123456789abcdef, 0x123456789abcdef0, 0x4)
  TEST_RR(33, ror, 0x2468acf13579bde0, 0x123456789abcdef0, 0x3f)
  TEST_RR(34, ror, 0x9abcdef012345678, 0x123456789abcdef0, 0x60)
  /* ROLW */
  TEST_RR(35, rolw, 0x3, 0x80000001, 0x1)
  TEST_RR(36, rolw, 0x12345678, 0xffffffff12345678, 0x0)
  TEST_RR(37, rolw, 0x23456781, 0x12345678, 0x4)
  TEST_RR(38, rolw, 0x91a2b3c, 0x12345678, 0x1f)
  TEST_RR(39, rolw, 0x34567812, 0x12345678, 0x28)
  TEST_RR(40, rolw, 0xffffffff80000001, 0xc0000000, 0x1)
  /* RORW */
  TEST_RR(41, rorw, 0xffffffffc0000000, 0x80000001, 0x1)
  TEST_RR(42, rorw, 0x12345678, 0xaaaaaaaa12345678, 0x0)
  TEST_RR(43, rorw, 0xffffffff81234567, 0x12345678, 0x4)
  TEST_RR(44, rorw, 0x2468acf0, 0x12345678, 0x1f)
  TEST_RR(45, rorw, 0x78123456, 0x12345678, 0x28)
  TEST_RR(46, rorw, 0xffffffff80000000, 0x1, 0x1)
  /* CLZ */
  TEST_R(47, clz, 0x40, 0x0)
  TEST_R(48, clz, 0x3f, 0x1)
  TEST_R(49, clz, 0x0, 0xffffffffffffffff)
  TEST_R(50, clz, 0x0, 0x8000000000000000)
  TEST_R(51, clz, 0x20, 0xffffffff)
  TEST_R(52, clz, 0x10, 0x800000000000)
  /* CLZW */
  TEST_R(53, clzw, 0x20, 0x0)
  TEST_R(54, clzw, 0x1f, 0x1)
  TEST_R(55, clzw, 0x0, 0xffffffffffffffff)
  TEST_R(56, clzw, 0x20, 0xffffffff00000000)
  TEST_R(57, clzw, 0x0, 0x80000000)
  TEST_R(58, clzw, 0xf, 0x10000)
  TEST_R(59, clzw, 0x1f, 0xffffffff00000001)
  /* CTZ */
  TEST_R(60, ctz, 0x40, 0x0)
  TEST_R(61, ctz, 0x0, 0x1)
  TEST_R(62, ctz, 0x0, 0xffffffffffffffff)
  TEST_R(63, ctz, 0x3f, 0x8000000000000000)
  TEST_R(64, ctz, 0x20, 0x100000000)
  TEST_R(65, ctz, 0x4, 0x10)
  /* CTZW */
  TEST_R(66, ctzw, 0x20, 0x0)
  TEST_R(67, ctzw, 0x0, 0x1)
  TEST_R(68, ctzw, 0x20, 0xffffffff00000000)   /* more upper-word cases in zbb-ctzw.S */
  TEST_R(69, ctzw, 0x20, 0x100000000)
  TEST_R(70, ctzw, 0x1f, 0x80000000)
  TEST_R(71, ctzw, 0x10, 0xffffffff00010000)
  /* CPOP */
  TEST_R(72, cpop, 0x0, 0x0)
  TEST_R(73, cpop, 0x40, 0xffffffffffffffff)
  TEST_R(74, cpop, 0x2, 0x8000000000000001)
  TEST_R(75, cpop, 0x20, 0x123456789abcdef0)
  /* CPOPW */
  TEST_R(76, cpopw, 0x0, 0x0)
  TEST_R(77, cpopw, 0x20, 0xffffffffffffffff)
  TEST_R(78, cpopw, 0x0, 0xffffffff00000000)
  TEST_R(79, cpopw, 0x13, 0x123456789abcdef0)
  TEST_R(80, cpopw, 0x2, 0x80000001)
  /* SEXT.B */
  TEST_R(81, sext.b, 0x7f, 0x7f)
  TEST_R(82, sext.b, 0xffffffffffffff80, 0x80)
  TEST_R(83, sext.b, 0x0, 0xffffffffffffff00)
  TEST_R(84, sext.b, 0x1, 0x12345678abcdef01)
  TEST_R(85, sext.b, 0xffffffffffffffff, 0xff)
  /* SEXT.H */
  TEST_R(86, sext.h, 0x7fff, 0x7fff)
  TEST_R(87, sext.h, 0xffffffffffff8000, 0x8000)
  TEST_R(88, sext.h, 0x0, 0xffffffffffff0000)
  TEST_R(89, sext.h, 0xffffffffffff8001, 0x123456789abc8001)
  /* ZEXT.H */
  TEST_R(90, zext.h, 0xffff, 0xffffffffffffffff)
  TEST_R(91, zext.h, 0xcdef, 0x1234567890abcdef)
  TEST_R(92, zext.h, 0x8000, 0x8000)
  /* ORC.B */
  TEST_R(93, orc.b, 0x0, 0x0)
  TEST_R(94, orc.b, 0xffff00ff00ff00ff, 0x102000400ff0080)
  TEST_R(95, orc.b, 0xffffffffffffffff, 0xffffffffffffffff)
  TEST_R(96, orc.b, 0xff00000000, 0x100000000)
  /* REV8 */
  TEST_R(97, rev8, 0xefcdab8967452301, 0x123456789abcdef)
  TEST_R(98, rev8, 0x0, 0x0)
  TEST_R(99, rev8, 0x8000000000000000, 0x80)
  TEST_R(100, rev8, 0xff, 0xff00000000000000)
  /* RORI / RORIW */
  TEST_IMM(101, rori, 0xc000000000000000, 0x8000000000000001, 1)
  TEST_IMM(102, rori, 0x123456789abcdef0, 0x123456789abcdef0, 0)
  TEST_IMM(103, rori, 0x2468acf13579bde0, 0x123456789abcdef0, 63)
  TEST_IMM(104, rori, 0x9abcdef012345678, 0x123456789abcdef0, 32)
  TEST_IMM(105, rori, 0x123456789abcdef, 0x123456789abcdef0, 4)
  TEST_IMM(106, roriw, 0xffffffffc0000000, 0x80000001, 1)
  TEST_IMM(107, roriw, 0x12345678, 0xffffffff12345678, 0)
  TEST_IMM(108, roriw, 0x2468acf0, 0x12345678, 31)
  TEST_IMM(109, roriw, 0x56781234, 0x12345678, 16)
  TEST_IMM(110, roriw, 0xffffffff80000000, 0x1, 1)
  TEST_IMM(111, roriw, 0x1, 0xaaaaaaaa00000002, 1)
  TEST_CASE(112, x0, 0, li a1, 5; clz x0, a1)
  PASS
TEST_DATA
