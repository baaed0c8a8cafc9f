/* RV64I loads and stores: LB LH LW LD LBU LHU LWU SB SH SW SD.
 * Sign/zero extension of every load width, positive and negative offsets,
 * stores that update only their own bytes (little-endian), loads into x0,
 * store then load forwarding, rs1 == rd for loads. */
#include "isa.h"

#define TEST_LD(n, inst, expected, off, base) \
  TEST_CASE(n, a0, expected, la a1, base; inst a0, off(a1))

/* store value v at off(base), then read it back with ld and compare the dword */
#define TEST_ST(n, sinst, v, off, base, dword_expected) \
  TEST_CASE(n, a0, dword_expected, la a1, base; li a2, v; sinst a2, off(a1); ld a0, 0(a1))

TEST_BEGIN
  .option norvc
  /* bytes: 0x80 0x7f 0x00 0xff 0x01 0xfe 0x55 0xaa */
  TEST_LD(2, lb, 0xffffffffffffff80, 0, bytes)
  TEST_LD(3, lb, 0x7f, 1, bytes)
  TEST_LD(4, lb, 0, 2, bytes)
  TEST_LD(5, lb, -1, 3, bytes)
  TEST_LD(6, lbu, 0x80, 0, bytes)
  TEST_LD(7, lbu, 0xff, 3, bytes)
  TEST_LD(8, lbu, 0xaa, 7, bytes)
  TEST_LD(9, lb, 0xffffffffffffffaa, 7, bytes)
  TEST_LD(10, lb, 0x55, -2, bytes + 8)
  /* halves */
  TEST_LD(11, lh, 0x7f80, 0, bytes)
  TEST_LD(12, lh, 0xffffffffffffff00, 2, bytes)
  TEST_LD(13, lhu, 0xff00, 2, bytes)
  TEST_LD(14, lh, 0xffffffffffffaa55, 6, bytes)
  TEST_LD(15, lhu, 0xaa55, 6, bytes)
  TEST_LD(16, lh, 0xfffffffffffffe01, -4, bytes + 8)
  /* words */
  TEST_LD(17, lw, 0xffffffffff007f80, 0, bytes)
  TEST_LD(18, lwu, 0x00000000ff007f80, 0, bytes)
  TEST_LD(19, lw, 0xffffffffaa55fe01, 4, bytes)
  TEST_LD(20, lwu, 0xaa55fe01, 4, bytes)
  TEST_LD(21, lw, 0x7fffffff, 0, word_pos)
  TEST_LD(22, lwu, 0x7fffffff, 0, word_pos)
  TEST_LD(23, lw, 0xffffffff80000000, 4, word_pos)
  TEST_LD(24, lwu, 0x80000000, 4, word_pos)
  /* double words */
  TEST_LD(25, ld, 0xaa55fe01ff007f80, 0, bytes)
  TEST_LD(26, ld, 0x8000000000000001, 8, bytes)
  TEST_LD(27, ld, 0xaa55fe01ff007f80, -8, bytes + 8)
  TEST_LD(28, ld, 0x0123456789abcdef, 2040, far_base)
  TEST_LD(29, ld, 0xfedcba9876543210, -2048, far_base + 4096)
  /* load into rd == rs1 */
  TEST_CASE(30, a1, 0xaa55fe01ff007f80, la a1, bytes; ld a1, 0(a1))
  /* load into x0 is discarded */
  TEST_CASE(31, x0, 0, la a1, bytes; ld x0, 0(a1))
  TEST_CASE(32, x0, 0, la a1, bytes; lb x0, 0(a1))

  /* stores: start from a known pattern each time */
#define RESET li t5, 0x1111111111111111; la t4, scratch; sd t5, 0(t4); sd t5, 8(t4)
  RESET; TEST_ST(33, sb, 0xab, 0, scratch, 0x11111111111111ab)
  RESET; TEST_ST(34, sb, 0x1234567890abcdef, 7, scratch, 0xef11111111111111)
  RESET; TEST_ST(35, sb, -1, 3, scratch, 0x11111111ff111111)
  RESET; TEST_ST(36, sh, 0xbeef, 0, scratch, 0x111111111111beef)
  RESET; TEST_ST(37, sh, 0x1234567890abcdef, 6, scratch, 0xcdef111111111111)
  RESET; TEST_ST(38, sh, 0xa5a5, 2, scratch, 0x11111111a5a51111)
  RESET; TEST_ST(39, sw, 0xdeadbeef, 0, scratch, 0x11111111deadbeef)
  RESET; TEST_ST(40, sw, 0x1234567890abcdef, 4, scratch, 0x90abcdef11111111)
  RESET; TEST_ST(41, sd, 0x0123456789abcdef, 0, scratch, 0x0123456789abcdef)
  RESET; TEST_ST(42, sd, -1, 0, scratch, -1)
  /* store with negative offset */
  RESET; TEST_CASE(43, a0, 0x11111111111111cc, la a1, scratch + 16; li a2, 0xcc; sb a2, -16(a1); ld a0, 0(a1); ld a0, -16(a1))
  RESET; TEST_CASE(44, a0, 0x55aa55aa55aa55aa, la a1, scratch + 2047 + 8; li a2, 0x55aa55aa55aa55aa; sd a2, -2047(a1); ld a0, -2047(a1))
  /* store of x0 */
  RESET; TEST_CASE(45, a0, 0x1111111100000000, la a1, scratch; sw x0, 0(a1); ld a0, 0(a1))
  /* store then load back with every width */
  RESET; TEST_CASE(46, a0, 0xffffffffffff8001, la a1, scratch; li a2, 0x8001; sh a2, 8(a1); lh a0, 8(a1))
  RESET; TEST_CASE(47, a0, 0x8001, la a1, scratch; li a2, 0x8001; sh a2, 8(a1); lhu a0, 8(a1))
  RESET; TEST_CASE(48, a0, 0x1111111111118001, la a1, scratch; li a2, 0x8001; sh a2, 8(a1); ld a0, 8(a1))
  RESET; TEST_CASE(49, a0, 0xffffffff80000001, la a1, scratch; li a2, 0x80000001; sw a2, 12(a1); lw a0, 12(a1))
  RESET; TEST_CASE(50, a0, 0x80000001, la a1, scratch; li a2, 0x80000001; sw a2, 12(a1); lwu a0, 12(a1))
  /* adjacent bytes are unaffected */
  RESET; TEST_CASE(51, a0, 0x1111111111111111, la a1, scratch; li a2, -1; sd a2, 0(a1); ld a0, 8(a1))
  /* byte-by-byte store assembles a little-endian dword */
  TEST_CASE(52, a0, 0x0807060504030201, la a1, scratch; li a2, 1; sb a2, 0(a1); li a2, 2; sb a2, 1(a1); li a2, 3; sb a2, 2(a1); li a2, 4; sb a2, 3(a1); li a2, 5; sb a2, 4(a1); li a2, 6; sb a2, 5(a1); li a2, 7; sb a2, 6(a1); li a2, 8; sb a2, 7(a1); ld a0, 0(a1))
  /* a dword written then read as bytes */
  TEST_CASE(53, a0, 0xffffffffffffff87, la a1, scratch; li a2, 0x87654321; sd a2, 0(a1); lb a0, 3(a1))
  TEST_CASE(54, a0, 0x43, la a1, scratch; lbu a0, 1(a1))
  /* base register wrap-around: base + negative offset across zero of the low 12 bits */
  TEST_CASE(55, a0, 0x0807060504030201 & 0 | 0x87654321, la a1, scratch + 0x800; ld a0, -0x800(a1))
  PASS
TEST_DATA
  .align 4
bytes: .byte 0x80, 0x7f, 0x00, 0xff, 0x01, 0xfe, 0x55, 0xaa
       .dword 0x8000000000000001
word_pos: .word 0x7fffffff, 0x80000000
  .align 12
  .fill 2040, 1, 0
far_base_pre:
  .dword 0x0123456789abcdef
  .fill 4096 - 2048 - 2040 - 8, 1, 0
far_base_hi: .dword 0xfedcba9876543210
  .align 4
scratch: .fill 4096, 1, 0
  .set far_base, far_base_pre - 2040
