/* Synchronous exceptions taken in M-mode with satp = Bare: exact mcause, mtval and mepc for
 * illegal instructions (mtval = the instruction bits, 16 bits for compressed ones), ecall
 * from M/S/U, ebreak and c.ebreak (mtval = pc or 0), instruction/load/store access faults at
 * unmapped physical addresses (mtval = address), misaligned LR (cause 4), plus
 * the trap-entry side effects on mstatus (MPP, MPIE, MIE). */
#include "test.h"
#include "vm.h"

/* expect a trap at site with (cause, tval) */
/* breakpoint at the address in reg: mtval is the pc or 0 (both allowed by the spec; QEMU 7.2
 * writes 0, hartvm the pc: ebreak-tval.S, hartvm alone, insists on the pc) */
#define EXPECT_BKPT(reg) CHECK(s2, 3); CHECK_R(s4, reg); beqz s3, 99f; bne s3, reg, vm_fail; 99:
#define AT(site, cause, tval) EXPECT_TRAP(cause, tval); la t6, site; bne s4, t6, vm_fail; CHECK(s5, 1)

TEST_BEGIN
  VM_TRAPS_INIT
  /* --- illegal instructions --- */
  li TESTNUM, 2
  TRAP_CLEAR
i1: .4byte 0xfc000033                 /* OP with an unused funct7 */
  AT(i1, 2, 0xfc000033)
  li TESTNUM, 3
  TRAP_CLEAR
i2: .4byte 0x0000706b                  /* reserved major opcode 1101011 */
  AT(i2, 2, 0x0000706b)
  li TESTNUM, 4
  TRAP_CLEAR
i3: .2byte 0x0000                      /* c.unimp: all zero */
  AT(i3, 2, 0)
  li TESTNUM, 5
  TRAP_CLEAR
i4: .2byte 0x6081                      /* c.lui ra, 0: reserved */
  AT(i4, 2, 0x6081)
  li TESTNUM, 6
  TRAP_CLEAR
i5: .2byte 0x4001                      /* c.li x0, 0: a HINT, not illegal */
  CHECK(s5, 0)
  li TESTNUM, 7
  TRAP_CLEAR
i6: .4byte 0x3ff02573                  /* csrr a0, 0x3ff (no such CSR) */
  AT(i6, 2, 0x3ff02573)
  li TESTNUM, 8
  TRAP_CLEAR
i7: .4byte 0x0220d0d3                  /* fadd.d f1, f1, f2 with rm = 5 (reserved) */
  AT(i7, 2, 0x0220d0d3)
  li TESTNUM, 9
  TRAP_CLEAR
  fsrmi 5                              /* frm = 5: dynamic rounding now invalid */
i8: fadd.d f1, f1, f2                  /* rm = dyn */
  AT(i8, 2, 0x0220f0d3)
  fsrmi 0
  li TESTNUM, 10
  TRAP_CLEAR
i9: .4byte 0x0000108f                  /* fence.i with rd = 1: the field is ignored */
  CHECK(s5, 0)
  li TESTNUM, 11
  TRAP_CLEAR
i10: .4byte 0x30200073 | (1 << 15)     /* mret with rs1 != 0: not mret -> illegal */
  AT(i10, 2, 0x30208073)
  li TESTNUM, 12
  TRAP_CLEAR
i11: .4byte 0x00300073                 /* SYSTEM, funct12 = 3: reserved */
  AT(i11, 2, 0x00300073)
  li TESTNUM, 13
  TRAP_CLEAR
i12: .4byte 0x0000701b                 /* OP-IMM-32, funct3 = 7: reserved */
  AT(i12, 2, 0x0000701b)

  /* --- ecall / ebreak --- */
  li TESTNUM, 14
  TRAP_CLEAR
  li a7, 0
e1: ecall
  AT(e1, 11, 0)
  EXPECT_FROM(MODE_M)
  li TESTNUM, 15
  TRAP_CLEAR
b1: ebreak
  la t5, b1
  EXPECT_BKPT(t5)
  li TESTNUM, 16
  TRAP_CLEAR
  .option push
  .option rvc
b2: c.ebreak
  .option pop
  la t5, b2
  EXPECT_BKPT(t5)
  GO_S
  li TESTNUM, 17
  TRAP_CLEAR
  li a7, 0
e2: ecall
  AT(e2, 9, 0)
  EXPECT_FROM(MODE_S)
  TO_M
  GO_U
  li TESTNUM, 18
  TRAP_CLEAR
  li a7, 0
e3: ecall
  AT(e3, 8, 0)
  EXPECT_FROM(MODE_U)
  li TESTNUM, 19
  TRAP_CLEAR
b3: ebreak
  la t5, b3
  EXPECT_BKPT(t5)
  TO_M

  /* --- access faults at unmapped physical addresses --- */
  li TESTNUM, 20
  TRAP_CLEAR
  li t0, 0
  li a0, 0
  jalr ra, 0(t0)
  EXPECT_TRAP(1, 0)
  CHECK(s4, 0)
  li TESTNUM, 21
  TRAP_CLEAR
  li t0, 0x90000000
  jalr ra, 0(t0)
  EXPECT_TRAP(1, 0x90000000)
  CHECK(s4, 0x90000000)
  li TESTNUM, 22
  TRAP_CLEAR
  li t0, 0x10
  li a0, 0x55
l1: ld a0, 0(t0)
  AT(l1, 5, 0x10)
  CHECK(a0, 0x55)
  li TESTNUM, 23
  TRAP_CLEAR
  li t0, 0x90000008
l2: lbu a0, 0(t0)
  AT(l2, 5, 0x90000008)
  li TESTNUM, 24
  TRAP_CLEAR
  li t0, 0x20
s1: sd t0, 0(t0)
  AT(s1, 7, 0x20)
  li TESTNUM, 25
  TRAP_CLEAR
  li t0, 0x90000010
s2_: sw t0, 0(t0)
  AT(s2_, 7, 0x90000010)
  /* (26: AMO access fault -> cause 7: amo-access.S, hartvm alone) */
  li TESTNUM, 27
  TRAP_CLEAR
  li t0, 0x38
a2_: lr.d a0, (t0)
  AT(a2_, 5, 0x38)
  li TESTNUM, 28
  TRAP_CLEAR
  li t0, 0x90000020
f1: fld f1, 0(t0)
  AT(f1, 5, 0x90000020)
  li TESTNUM, 29
  TRAP_CLEAR
f2: fsw f1, 4(t0)
  AT(f2, 7, 0x90000024)
  /* in S-mode (Bare) as well */
  GO_S
  li TESTNUM, 30
  TRAP_CLEAR
  li t0, 0x40
l3: lw a0, 0(t0)
  AT(l3, 5, 0x40)
  EXPECT_FROM(MODE_S)
  TO_M

  /* --- misaligned AMO / LR / SC --- */
  la s0, buf
  /* (31/32: misaligned AMO -> cause 6: amo-access.S, hartvm alone) */
  li TESTNUM, 33
  TRAP_CLEAR
  addi t0, s0, 1
m3: lr.w a0, (t0)
  EXPECT_TRAP_R(4, t0)
  li TESTNUM, 34
  TRAP_CLEAR
  addi t0, s0, 4
m4: lr.d a0, (t0)
  EXPECT_TRAP_R(4, t0)
  /* (35/36: misaligned SC / AMO: amo-access.S) */
  /* 37: memory unchanged by the faulting AMOs */
  li TESTNUM, 37
  ld a0, 0(s0)
  CHECK(a0, 0x0706050403020100)
  ld a0, 8(s0)
  CHECK(a0, 0x0f0e0d0c0b0a0908)
  /* 38: misaligned ordinary loads/stores do not trap */
  li TESTNUM, 38
  TRAP_CLEAR
  lw a0, 1(s0)
  CHECK(a0, 0x04030201)
  ld a0, 3(s0)
  CHECK(a0, 0x0a09080706050403)
  li t1, 0x1122
  sh t1, 7(s0)
  lhu a0, 7(s0)
  CHECK(a0, 0x1122)
  EXPECT_NO_TRAP

  /* --- trap entry state --- */
  /* 39: MIE=1 before: after the trap MPIE = 1, MIE = 0, MPP = M */
  li TESTNUM, 39
  csrw mie, zero
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  la t0, 1f
  csrw mtvec, t0
  li a7, 0
  ecall
  .align 2
1:
  csrr a0, mstatus
  la t0, vm_trap_m
  csrw mtvec, t0
  li t1, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP
  and a0, a0, t1
  CHECK(a0, MSTATUS_MPIE | MSTATUS_MPP)
  /* 40: from U with MIE = 0: MPIE = 0, MPP = U */
  li TESTNUM, 40
  li t0, MSTATUS_MIE | MSTATUS_MPIE
  csrc mstatus, t0
  la t0, 2f
  csrw mtvec, t0
  GO_U
  li a7, 0
  ecall
  .align 2
2:
  csrr a0, mstatus
  la t0, vm_trap_m
  csrw mtvec, t0
  li t1, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP
  and a0, a0, t1
  CHECK(a0, 0)
  /* 41: jalr clears bit 0 of the target */
  li TESTNUM, 41
  TRAP_CLEAR
  la t0, 3f
  addi t0, t0, 1
  li a0, 0
  jalr ra, 0(t0)
  CHECK(a0, 42)
  EXPECT_NO_TRAP
  PASS
  .align 2
3:
  li a0, 42
  ret

TEST_DATA
  .align 4
buf: .byte 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
