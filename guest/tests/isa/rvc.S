/* RV64C: every compressed instruction (except C.FLWSP etc. which are RV32-only),
 * written with explicit c.* mnemonics. Also: a 32-bit instruction at a 2-byte
 * aligned address, a 32-bit instruction straddling a page boundary, C.JALR link
 * value (pc + 2), C.EBREAK (mcause 3, mepc = its address). */
#include "isa.h"
TEST_BEGIN
  .option rvc
  /* C.LI: 6-bit sign-extended immediate */
  TEST_CASE(2, a0, 31, c.li a0, 31)
  TEST_CASE(3, a0, -32, c.li a0, -32)
  TEST_CASE(4, s1, 0, li s1, 77; c.li s1, 0)
  /* C.LUI: nzimm[17:12] sign-extended */
  TEST_CASE(5, a0, 0x1f000, c.lui a0, 0x1f)
  TEST_CASE(6, a0, 0xfffffffffffff000, c.lui a0, 0xfffff)
  TEST_CASE(7, a0, 0xfffffffffffe0000, c.lui a0, 0xfffe0)
  TEST_CASE(8, t2, 0x1000, c.lui t2, 1)
  /* C.ADDI */
  TEST_CASE(9, a0, 30, li a0, -1; c.addi a0, 31)
  TEST_CASE(10, a0, 0x7fffffffffffffff, li a0, 0x8000000000000000; c.addi a0, -1)
  TEST_CASE(11, a0, -32, li a0, 0; c.addi a0, -32)
  /* C.NOP does nothing */
  TEST_CASE(12, a0, 5, li a0, 5; c.nop; c.nop)
  /* C.ADDIW: 32-bit add, sign-extended; c.addiw rd, 0 == sext.w */
  TEST_CASE(13, a0, 0xffffffff80000000, li a0, 0x7fffffff; c.addiw a0, 1)
  TEST_CASE(14, a0, 0x12345678, li a0, 0xffffffff12345678; c.addiw a0, 0)
  TEST_CASE(15, a0, 0xffffffffffffffe0, li a0, 0x100000000; c.addiw a0, -32)
  /* C.ADDI16SP: sp += nzimm (multiple of 16, -512..496) */
  li TESTNUM, 16
  mv s2, sp
  c.addi16sp sp, -512
  sub a0, s2, sp
  mv sp, s2
  li t6, 512; bne a0, t6, __test_fail
  li TESTNUM, 17
  mv s2, sp
  c.addi16sp sp, 496
  sub a0, sp, s2
  mv sp, s2
  li t6, 496; bne a0, t6, __test_fail
  /* C.ADDI4SPN: rd' = sp + nzuimm (multiple of 4, 4..1020) */
  li TESTNUM, 18
  c.addi4spn a0, sp, 1020
  sub a0, a0, sp; li t6, 1020; bne a0, t6, __test_fail
  li TESTNUM, 19
  c.addi4spn s1, sp, 4
  sub s1, s1, sp; li t6, 4; bne s1, t6, __test_fail
  /* C.SLLI / C.SRLI / C.SRAI / C.ANDI */
  TEST_CASE(20, a0, 0x8000000000000000, li a0, 1; c.slli a0, 63)
  TEST_CASE(21, a0, 0x2468acf000000000, li a0, 0x12345678; c.slli a0, 33)
  TEST_CASE(22, s3, 0x48d159e0, li s3, 0x12345678; c.slli s3, 2)   /* c.slli works on any register */
  TEST_CASE(23, a0, 1, li a0, 0x8000000000000000; c.srli a0, 63)
  TEST_CASE(24, a5, 0x0000000080000000, li a5, 0x8000000000000000; c.srli a5, 32)
  TEST_CASE(25, a0, -1, li a0, 0x8000000000000000; c.srai a0, 63)
  TEST_CASE(26, s0, 0xffffffff80000000, li s0, 0x8000000000000000; c.srai s0, 32)
  TEST_CASE(27, a0, 0x3fffffffffffffff, li a0, 0x7fffffffffffffff; c.srai a0, 1)
  TEST_CASE(28, a0, 0xffffffffffffffe0, li a0, -1; c.andi a0, -32)
  TEST_CASE(29, a0, 0x1f & 0x15, li a0, 0x15; c.andi a0, 31)
  TEST_CASE(30, a0, 0, li a0, -1; c.andi a0, 0)
  /* C.MV / C.ADD */
  TEST_CASE(31, t3, 0x123456789, li a1, 0x123456789; c.mv t3, a1)
  TEST_CASE(32, a0, 0x8000000000000000, li a0, 0x7fffffffffffffff; li s4, 1; c.add a0, s4)
  TEST_CASE(33, ra, 30, li ra, 10; li t0, 20; c.add ra, t0)
  /* C.SUB / C.XOR / C.OR / C.AND (registers x8-x15) */
  TEST_CASE(34, a0, -1, li a0, 0; li a1, 1; c.sub a0, a1)
  TEST_CASE(35, s1, 0xff00ff00ff00ff0f ^ 0x0ff00ff00ff00ff0, li s1, 0xff00ff00ff00ff0f; li a2, 0x0ff00ff00ff00ff0; c.xor s1, a2)
  TEST_CASE(36, a3, 0xfff0fff0fff0ffff, li a3, 0xff00ff00ff00ff0f; li a4, 0x0ff00ff00ff00ff0; c.or a3, a4)
  TEST_CASE(37, a5, 0x0f000f000f000f00, li a5, 0xff00ff00ff00ff0f; li s0, 0x0ff00ff00ff00ff0; c.and a5, s0)
  /* C.ADDW / C.SUBW: sign-extended 32-bit results */
  TEST_CASE(38, a0, 0xffffffff80000000, li a0, 0x7fffffff; li a1, 1; c.addw a0, a1)
  TEST_CASE(39, a0, 3, li a0, 0x1234567800000001; li a1, 0x8765432100000002; c.addw a0, a1)
  TEST_CASE(40, a0, 0x7fffffff, li a0, 0x80000000; li a1, 1; c.subw a0, a1)
  TEST_CASE(41, a0, -1, li a0, 0x100000000; li a1, 1; c.subw a0, a1)
  /* C.LW / C.LD / C.SW / C.SD (x8-x15 base, scaled offsets) */
  TEST_CASE(42, a0, 0xffffffff80000001, la s0, cdata; c.lw a0, 0(s0))
  TEST_CASE(43, a0, 0x7ffffffe, la s0, cdata; c.lw a0, 4(s0))
  TEST_CASE(44, a0, 0x7ffffffe80000001, la s0, cdata; c.ld a0, 0(s0))
  TEST_CASE(45, a0, 0xfedcba9876543210, la s0, cdata; c.ld a0, 248(s0))
  TEST_CASE(46, a0, 0x13579bdf, la s1, cdata; c.lw a0, 124(s1))
  TEST_CASE(47, a1, 0x1111111122222222, la a2, cscratch; li a1, 0x1111111122222222; c.sd a1, 248(a2); ld a1, 248(a2))
  TEST_CASE(48, a1, 0x00000000abcd0000, la a2, cscratch; sd x0, 0(a2); li a3, 0x99999999abcd0000; c.sw a3, 0(a2); ld a1, 0(a2))
  TEST_CASE(49, a1, 0xffffffffabcd0000, la a2, cscratch; c.lw a1, 0(a2))
  TEST_CASE(50, a1, 0x55, la a2, cscratch; li a3, 0x55; c.sw a3, 124(a2); lw a1, 124(a2))
  /* C.LWSP / C.LDSP / C.SWSP / C.SDSP (sp-relative, any rd) */
  li TESTNUM, 51
  mv s2, sp
  la sp, cdata
  c.lwsp t1, 4(sp)
  c.ldsp t2, 248(sp)
  c.lwsp t3, 252(sp)
  c.ldsp t4, 504(sp)
  la sp, cscratch
  li t5, 0x0123456789abcdef
  c.sdsp t5, 504(sp)
  c.swsp t5, 252(sp)
  c.sdsp t5, 0(sp)
  ld a1, 504(sp)
  lwu a2, 252(sp)
  ld a3, 0(sp)
  mv sp, s2
  li t6, 0x7ffffffe; bne t1, t6, __test_fail
  li t6, 0xfedcba9876543210; bne t2, t6, __test_fail
  li t6, 0xfffffffffedcba98; bne t3, t6, __test_fail
  li t6, 0x0badc0ffee0ddf00; bne t4, t6, __test_fail
  li t6, 0x0123456789abcdef; bne a1, t6, __test_fail; bne a3, t6, __test_fail
  li t6, 0x89abcdef; bne a2, t6, __test_fail
  /* C.FLD / C.FSD / C.FLDSP / C.FSDSP */
  li TESTNUM, 52
  la s0, cdata
  c.fld fa0, 8(s0)
  fmv.x.d a0, fa0
  li t6, 0x400921fb54442d18; bne a0, t6, __test_fail
  la s1, cscratch
  c.fsd fa0, 248(s1)
  ld a0, 248(s1); bne a0, t6, __test_fail
  mv s2, sp
  la sp, cdata
  c.fldsp ft1, 8(sp)
  c.fldsp ft2, 504(sp)
  la sp, cscratch
  c.fsdsp ft2, 504(sp)
  c.fsdsp ft1, 0(sp)
  mv sp, s2
  fmv.x.d a0, ft1; bne a0, t6, __test_fail
  ld a0, 0(s1); bne a0, t6, __test_fail
  ld a0, 504(s1); li t6, 0x0badc0ffee0ddf00; bne a0, t6, __test_fail
  fmv.x.d a0, ft2; bne a0, t6, __test_fail
  /* C.J forward and backward */
  li TESTNUM, 53
  li a0, 0
  c.j 2f
1: c.addi a0, 1
  c.j 3f
2: c.j 1b
  c.li a0, 9
3: li t6, 1; bne a0, t6, __test_fail
  /* C.BEQZ / C.BNEZ taken and not taken, forward and backward */
  li TESTNUM, 54
  li s0, 0
  c.bnez s0, __c_fail
  c.beqz s0, 1f
  j __test_fail
1: li s1, -1
  c.beqz s1, __c_fail
  c.bnez s1, 1f
  j __test_fail
1: li a0, 5; li a1, 0
2: c.addi a1, 2
  c.addi a0, -1
  c.bnez a0, 2b
  li t6, 10; bne a1, t6, __test_fail
  /* C.BNEZ tests the full 64-bit register */
  li TESTNUM, 55
  li a2, 0x100000000
  c.beqz a2, __c_fail
  /* C.JR / C.JALR: c.jalr links pc + 2 */
  li TESTNUM, 56
  la t0, 1f
  c.jr t0
  j __test_fail
1: la t1, 2f
3: c.jalr t1
  j __test_fail
2: la t2, 3b
  addi t2, t2, 2
  bne ra, t2, __test_fail
  /* C.JALR where the target register is ra itself: target uses the old ra */
  li TESTNUM, 57
  la ra, 1f
4: c.jalr ra
  j __test_fail
1: la t2, 4b
  addi t2, t2, 2
  bne ra, t2, __test_fail
  /* 32-bit instructions at 2-byte aligned addresses */
  li TESTNUM, 58
  li a0, 1
  .balign 4
  c.nop
  .option norvc
  addi a0, a0, 2
  addi a0, a0, 3
  .option rvc
  li t6, 6; bne a0, t6, __test_fail
  /* a 32-bit instruction straddling a page boundary */
  li TESTNUM, 59
  li a0, 0
  j straddle
straddle_back:
  li t6, 0x123; bne a0, t6, __test_fail
  /* C.EBREAK raises a breakpoint exception: mcause 3, mepc = address */
  li TESTNUM, 60
  la t0, ebreak_handler; csrw mtvec, t0
  li s5, 0
6: c.ebreak
  la t0, __test_unexpected_trap; csrw mtvec, t0
  li t6, 3; bne s6, t6, __test_fail
  la t1, 6b; bne s7, t1, __test_fail
  li t6, 1; bne s5, t6, __test_fail
  /* the compressed encodings really are 16-bit: two c.nops are 4 bytes */
  li TESTNUM, 61
1: auipc a0, 0
  c.nop
  c.nop
  auipc a1, 0
  sub a0, a1, a0; li t6, 8; bne a0, t6, __test_fail
  /* raw .2byte encodings: c.li a0,-1 = 0x557d; c.addi a0,3 = 0x050d */
  TEST_CASE(62, a0, 2, .2byte 0x557d; .2byte 0x050d)
  PASS

__c_fail:
  j __test_fail

  .balign 4
ebreak_handler:
  addi s5, s5, 1
  csrr s6, mcause
  csrr s7, mepc
  addi t0, s7, 2
  csrw mepc, t0
  mret

  .balign 4096
  .option rvc
straddle:
  .rept 2046
  c.nop
  .endr
  c.addi a0, 3          /* at page offset 4092 */
  .option norvc
  addi a0, a0, 0x120    /* at page offset 4094: crosses into the next page */
  .option rvc
  j straddle_back

TEST_DATA
  .align 4
cdata:
  .word 0x80000001, 0x7ffffffe
  .dword 0x400921fb54442d18
  .fill 108, 1, 0
  .word 0x13579bdf        /* offset 124 */
  .fill 120, 1, 0
  .dword 0xfedcba9876543210  /* offset 248 */
  .fill 248, 1, 0
  .dword 0x0badc0ffee0ddf00  /* offset 504 */
  .align 4
cscratch: .fill 512, 1, 0
