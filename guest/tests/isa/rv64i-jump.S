/* RV64I JAL and JALR: link value (pc+4), targets, JALR clearing bit 0 of the
 * target, JALR with rd == rs1 (target computed from the old rs1), negative
 * and positive offsets, x0 as link register. */
#include "isa.h"
TEST_BEGIN
  .option norvc   /* test the 32-bit encodings; rvc.S covers compressed ones */
  /* JAL: link register = address of following instruction */
  li TESTNUM, 2
  jal a0, 1f
2: j __test_fail
1: la a1, 2b
  bne a0, a1, __test_fail

  /* JAL with rd = x0 (plain jump) must not write x0 */
  li TESTNUM, 3
  jal x0, 1f
  j __test_fail
1: bnez x0, __test_fail

  /* JAL backward */
  li TESTNUM, 4
  li a2, 0
  j 3f
1: addi a2, a2, 1
  jal x0, 4f
3: jal ra, 1b
  j __test_fail
4: li t6, 1; bne a2, t6, __test_fail

  /* JALR: rs1 + imm, link = pc + 4 */
  li TESTNUM, 5
  la a1, 1f
  jalr a0, 0(a1)
2: j __test_fail
1: la a2, 2b
  bne a0, a2, __test_fail

  /* JALR with positive offset */
  li TESTNUM, 6
  la a1, 1f - 16
  jalr a0, 16(a1)
  j __test_fail
1:

  /* JALR with negative offset */
  li TESTNUM, 7
  la a1, 1f + 2000
  jalr a0, -2000(a1)
  j __test_fail
1:

  /* JALR clears bit 0 of the computed target (odd base) */
  li TESTNUM, 8
  la a1, 1f
  addi a1, a1, 1
  jalr a0, 0(a1)
  j __test_fail
1:

  /* JALR clears bit 0 of the computed target (odd immediate) */
  li TESTNUM, 9
  la a1, 1f
  jalr a0, 1(a1)
  j __test_fail
1:

  /* JALR clears bit 0 with odd base and odd immediate summing to even+1 */
  li TESTNUM, 10
  la a1, 1f - 3
  jalr a0, 3(a1)        /* sum is the label itself (even) */
  j __test_fail
1:

  /* JALR rd == rs1: target uses the old value, rd gets the link */
  li TESTNUM, 11
  la a1, 1f
  jalr a1, 0(a1)
2: j __test_fail
1: la a2, 2b
  bne a1, a2, __test_fail

  /* JALR with rd = x0 (indirect jump, i.e. ret-like) */
  li TESTNUM, 12
  la a1, 1f
  jalr x0, 0(a1)
  j __test_fail
1: bnez x0, __test_fail

  /* call/ret through ra */
  li TESTNUM, 13
  li a0, 0
  call func_add5
  call func_add5
  li t6, 10
  bne a0, t6, __test_fail

  /* JALR target computed with a 64-bit negative register value wrapping around */
  li TESTNUM, 14
  la a1, 1f
  li a3, 0x10
  sub a1, a1, a3
  jalr a0, 0x10(a1)
  j __test_fail
1:

  /* JAL link value used as data: the 4 instructions to the label = 16 bytes */
  li TESTNUM, 15
  jal a0, 1f
  nop
  nop
  nop
1: auipc a1, 0
  sub a1, a1, a0
  li t6, 12
  bne a1, t6, __test_fail

  /* A long JAL (> 1 MiB would be out of range; use ~8 KiB) */
  li TESTNUM, 16
  jal a0, 2f
  j __test_fail
  .fill 2048, 4, 0x00000013
2: la a1, 2b
  sub a1, a1, a0
  li t6, 2048*4 + 4
  bne a1, t6, __test_fail

  /* jump-table style dispatch through jalr with a computed index */
  li TESTNUM, 17
  li a4, 0
  li a5, 0
5: la a1, jt
  slli a2, a4, 3
  add a1, a1, a2
  ld a1, 0(a1)
  jalr ra, 0(a1)
  addi a4, a4, 1
  li t6, 3
  blt a4, t6, 5b
  li t6, 111
  bne a5, t6, __test_fail

  PASS

func_add5:
  addi a0, a0, 5
  ret

t0f: addi a5, a5, 1
  ret
t1f: addi a5, a5, 10
  ret
t2f: addi a5, a5, 100
  jalr x0, 0(ra)

TEST_DATA
  .align 3
jt: .dword t0f, t1f, t2f
