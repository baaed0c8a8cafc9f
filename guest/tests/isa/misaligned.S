/* Misaligned loads and stores of every width (LH LHU LW LWU LD SH SW SD and
 * FLW FLD FSW FSD) at every misalignment, including accesses that straddle a
 * page boundary. These must complete without trapping (the default trap
 * handler fails the test with 1000 + mcause) and behave like the equivalent
 * sequence of byte accesses (little-endian). */
#include "isa.h"

/* load from pat + off and compare */
#define TEST_MLD(n, inst, expected, off) \
  TEST_CASE(n, a0, expected, la a1, pat; inst a0, off(a1))

TEST_BEGIN
  /* pat bytes: 00 01 02 ... 0f 80 81 ... 8f */
  TEST_MLD(2, lh, 0x0201, 1)
  TEST_MLD(3, lh, 0x0f0e, 14)
  TEST_MLD(4, lh, 0xffffffffffff800f, 15)
  TEST_MLD(5, lhu, 0x800f, 15)
  TEST_MLD(6, lw, 0x04030201, 1)
  TEST_MLD(7, lw, 0x05040302, 2)
  TEST_MLD(8, lw, 0x06050403, 3)
  TEST_MLD(9, lw, 0xffffffff81800f0e, 14)
  TEST_MLD(10, lwu, 0x81800f0e, 14)
  TEST_MLD(11, lw, 0xffffffff8281800f, 15)
  TEST_MLD(12, ld, 0x0807060504030201, 1)
  TEST_MLD(13, ld, 0x0908070605040302, 2)
  TEST_MLD(14, ld, 0x0a09080706050403, 3)
  TEST_MLD(15, ld, 0x0b0a090807060504, 4)
  TEST_MLD(16, ld, 0x0c0b0a0908070605, 5)
  TEST_MLD(17, ld, 0x0d0c0b0a09080706, 6)
  TEST_MLD(18, ld, 0x0e0d0c0b0a090807, 7)
  TEST_MLD(19, ld, 0x868584838281800f, 15)

  /* misaligned stores: write, then read back bytewise via aligned ld */
#define MRESET la t4, scr; sd x0, 0(t4); sd x0, 8(t4); sd x0, 16(t4)
  MRESET; TEST_CASE(20, a0, 0x0000000000beef00, la a1, scr; li a2, 0xbeef; sh a2, 1(a1); ld a0, 0(a1))
  MRESET; TEST_CASE(21, a0, 0xef00000000000000, la a1, scr; li a2, 0xbeef; sh a2, 7(a1); ld a0, 0(a1))
  MRESET; TEST_CASE(22, a0, 0xbe, la a1, scr; li a2, 0xbeef; sh a2, 7(a1); ld a0, 8(a1))
  MRESET; TEST_CASE(23, a0, 0x00deadbeef000000, la a1, scr; li a2, 0xdeadbeef; sw a2, 3(a1); ld a0, 0(a1))
  MRESET; TEST_CASE(24, a0, 0xadbeef0000000000, la a1, scr; li a2, 0xdeadbeef; sw a2, 5(a1); ld a0, 0(a1))
  MRESET; TEST_CASE(25, a0, 0xde, la a1, scr; li a2, 0xdeadbeef; sw a2, 5(a1); ld a0, 8(a1))
  MRESET; TEST_CASE(26, a0, 0xabcdef0000000000, la a1, scr; li a2, 0x0123456789abcdef; sd a2, 5(a1); ld a0, 0(a1))
  MRESET; TEST_CASE(27, a0, 0x0000000123456789, la a1, scr; li a2, 0x0123456789abcdef; sd a2, 5(a1); ld a0, 8(a1))
  MRESET; TEST_CASE(28, a0, 0x23456789abcdef00, la a1, scr; li a2, 0x0123456789abcdef; sd a2, 1(a1); ld a0, 0(a1))
  MRESET; TEST_CASE(29, a0, 0x01, la a1, scr; li a2, 0x0123456789abcdef; sd a2, 1(a1); ld a0, 8(a1))
  MRESET; TEST_CASE(30, a0, 0x0123456789abcdef, la a1, scr; li a2, 0x0123456789abcdef; sd a2, 7(a1); ld a0, 7(a1))
  MRESET; TEST_CASE(31, a0, 0xffffffff89abcdef, la a1, scr; li a2, 0x0123456789abcdef; sd a2, 3(a1); lw a0, 3(a1))
  MRESET; TEST_CASE(32, a0, 0xffffffffffffcdef, la a1, scr; li a2, 0x0123456789abcdef; sd a2, 3(a1); lh a0, 3(a1))

  /* across a page boundary: pb is the first byte of a page */
  TEST_CASE(33, a0, 0xa0ff, la a1, pb; lhu a0, -1(a1))
  TEST_CASE(34, a0, 0xffffffffa2a1a0ff, la a1, pb; lw a0, -1(a1))
  TEST_CASE(35, a0, 0xa1a0fffe, la a1, pb; lwu a0, -2(a1))
  TEST_CASE(36, a0, 0xa0fffefd, la a1, pb; lwu a0, -3(a1))
  TEST_CASE(37, a0, 0xa4a3a2a1a0fffefd, la a1, pb; ld a0, -3(a1))
  TEST_CASE(38, a0, 0xa6a5a4a3a2a1a0ff, la a1, pb; ld a0, -1(a1))
  TEST_CASE(39, a0, 0xa0fffefdfcfbfaf9, la a1, pb; ld a0, -7(a1))
  /* store across the page boundary, then read back */
  TEST_CASE(40, a0, 0x1122334455667788, la a1, pb; li a2, 0x1122334455667788; sd a2, -5(a1); ld a0, -5(a1))
  TEST_CASE(41, a0, 0x11223344, la a1, pb; lwu a0, -1(a1))
  TEST_CASE(42, a0, 0x55667788, la a1, pb; lwu a0, -5(a1))
  TEST_CASE(43, a0, 0xffffffff99aabbcc, la a1, pb; li a2, 0x99aabbcc; sw a2, -2(a1); lw a0, -2(a1))
  TEST_CASE(44, a0, 0x99aa, la a1, pb; lhu a0, 0(a1))
  TEST_CASE(45, a0, 0x5a5b, la a1, pb; li a2, 0x5a5b; sh a2, -1(a1); lhu a0, -1(a1))
  TEST_CASE(46, a0, 0x5a, la a1, pb; lbu a0, 0(a1))
  TEST_CASE(47, a0, 0x5b, la a1, pb; lbu a0, -1(a1))

  /* floating-point loads/stores, misaligned and across the page boundary */
  TEST_CASE(48, a0, 0x0807060504030201, la a1, pat; fld fa0, 1(a1); fmv.x.d a0, fa0)
  TEST_CASE(49, a0, 0x05040302, la a1, pat; flw fa0, 2(a1); fmv.x.w a0, fa0)
  TEST_CASE(50, a0, 0xffffffff8281800f, la a1, pat; flw fa0, 15(a1); fmv.x.w a0, fa0)
  TEST_CASE(51, a0, 0x3ff0000000000000, la a1, pb; li a2, 0x3ff0000000000000; fmv.d.x fa1, a2; fsd fa1, -3(a1); ld a0, -3(a1))
  TEST_CASE(52, a0, 0x3f800000, la a1, pb; li a2, 0x3f800000; fmv.w.x fa1, a2; fsw fa1, -1(a1); lwu a0, -1(a1))
  TEST_CASE(53, a0, 0x3f800000, la a1, pb; flw fa2, -1(a1); fmv.x.w a0, fa2)
  TEST_CASE(54, a0, 0x3ff03f8000000000, la a1, pb; li a0, 0; fld fa3, -3(a1); fmv.x.d a0, fa3)
  PASS
TEST_DATA
  .align 4
pat: .byte 0x00,0x01,0x02,0x03,0x04,0x05,0x06,0x07,0x08,0x09,0x0a,0x0b,0x0c,0x0d,0x0e,0x0f
     .byte 0x80,0x81,0x82,0x83,0x84,0x85,0x86,0x87,0x88,0x89,0x8a,0x8b,0x8c,0x8d,0x8e,0x8f
  .align 4
scr: .fill 32, 1, 0
  .balign 4096
  .fill 4096 - 8, 1, 0
  .byte 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff
pb: .byte 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7
  .fill 8, 1, 0
