/* Privilege transitions: MRET to M/S/U and SRET to S/U (the mode reached is identified by the
 * ecall cause), the xIE/xPIE/xPP updates of MRET and SRET, MRET/SRET illegal in lower modes,
 * mstatus.TSR (SRET in S illegal), TW (WFI in S illegal), WFI in U illegal, TVM (satp and
 * SFENCE.VMA in S illegal). */
#include "test.h"
#include "vm.h"

#define ILL(n, site, ...) li TESTNUM, n; TRAP_CLEAR; site: __VA_ARGS__; CHECK(s2, 2); CHECK(s5, 1); \
  la t5, site; CHECK_R(s4, t5); lwu t5, 0(t5); CHECK_R(s3, t5)
/* the current mode, from the cause of an ecall (a7 = 0: recorded, not TO_M), into reg */
#define WHICH_MODE(reg) TRAP_CLEAR; li a7, 0; ecall; addi reg, s2, -8

TEST_BEGIN
  VM_TRAPS_INIT
  csrw mie, zero
  /* --- MRET --- */
  li TESTNUM, 2
  SET_MPP(MODE_S)
  la t0, 1f
  csrw mepc, t0
  mret
1:
  WHICH_MODE(a0)
  CHECK(a0, 1)
  TO_M
  li TESTNUM, 3
  SET_MPP(MODE_U)
  la t0, 1f
  csrw mepc, t0
  mret
1:
  WHICH_MODE(a0)
  CHECK(a0, 0)
  TO_M
  li TESTNUM, 4
  SET_MPP(MODE_M)
  la t0, 1f
  csrw mepc, t0
  mret
1:
  WHICH_MODE(a0)
  CHECK(a0, 3)
  /* 5: MRET: MIE = MPIE, MPIE = 1, MPP = U */
  li TESTNUM, 5
  li t0, MSTATUS_MPIE
  csrs mstatus, t0
  li t0, MSTATUS_MIE
  csrc mstatus, t0
  SET_MPP(MODE_M)
  la t0, 1f
  csrw mepc, t0
  mret
1:
  csrr a0, mstatus
  li t0, MSTATUS_MIE
  csrc mstatus, t0
  li t1, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP
  and a0, a0, t1
  CHECK(a0, MSTATUS_MIE | MSTATUS_MPIE)
  /* 6: MPIE = 0 -> MIE = 0 */
  li TESTNUM, 6
  li t0, MSTATUS_MPIE
  csrc mstatus, t0
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  SET_MPP(MODE_M)
  la t0, 1f
  csrw mepc, t0
  mret
1:
  csrr a0, mstatus
  li t1, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP
  and a0, a0, t1
  CHECK(a0, MSTATUS_MPIE)
  /* --- SRET --- */
  li TESTNUM, 7
  GO_S
  li t0, MSTATUS_SPP
  csrs sstatus, t0
  la t0, 1f
  csrw sepc, t0
  sret
1:
  WHICH_MODE(a0)
  CHECK(a0, 1)
  li TESTNUM, 8
  li t0, MSTATUS_SPP
  csrc sstatus, t0
  la t0, 1f
  csrw sepc, t0
  sret
1:
  WHICH_MODE(a0)
  CHECK(a0, 0)
  TO_M
  /* 9: SRET: SIE = SPIE, SPIE = 1, SPP = U */
  li TESTNUM, 9
  GO_S
  li t0, MSTATUS_SPIE | MSTATUS_SPP
  csrs sstatus, t0
  li t0, MSTATUS_SIE
  csrc sstatus, t0
  la t0, 1f
  csrw sepc, t0
  sret
1:
  csrr a0, sstatus
  li t0, MSTATUS_SIE
  csrc sstatus, t0
  li t1, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP
  and a0, a0, t1
  CHECK(a0, MSTATUS_SIE | MSTATUS_SPIE)
  TO_M
  /* 10: SRET executed in M-mode returns to SPP */
  li TESTNUM, 10
  li t0, MSTATUS_SPP
  csrc mstatus, t0
  la t0, 1f
  csrw sepc, t0
  sret
1:
  WHICH_MODE(a0)
  CHECK(a0, 0)
  TO_M
  /* --- xRET in lower modes --- */
  GO_S
  ILL(11, c11, mret)
  TO_M
  GO_U
  ILL(12, c12, mret)
  ILL(13, c13, sret)
  TO_M
  /* --- TSR --- */
  li t0, MSTATUS_TSR
  csrs mstatus, t0
  GO_S
  ILL(14, c14, sret)
  TO_M
  /* 15: SRET in M is not affected by TSR */
  li TESTNUM, 15
  li t0, MSTATUS_SPP
  csrs mstatus, t0
  la t0, 1f
  csrw sepc, t0
  sret
1:
  WHICH_MODE(a0)
  CHECK(a0, 1)
  TO_M
  li t0, MSTATUS_TSR
  csrc mstatus, t0
  /* --- WFI --- (nothing pending and enabled: it could only wait) */
  li t0, 0x2004000
  li t1, -1
  sd t1, 0(t0)
  csrw mip, zero
  csrw mie, zero
  li t0, MSTATUS_TW
  csrs mstatus, t0
  GO_S
  ILL(16, c16, wfi)
  TO_M
  GO_U
  ILL(17, c17, wfi)
  TO_M
  li t0, MSTATUS_TW
  csrc mstatus, t0
  GO_U
  ILL(18, c18, wfi)
  TO_M
  /* 19: WFI in S with TW = 0 is legal: wake it with a pending, enabled (but, with SIE = 0,
   * not taken) supervisor software interrupt */
  li TESTNUM, 19
  li t0, MSTATUS_SIE
  csrc mstatus, t0
  li t0, 2
  csrw mideleg, t0
  csrw mie, t0
  csrs mip, t0
  GO_S
  TRAP_CLEAR
  wfi
  EXPECT_NO_TRAP
  TO_M
  csrw mip, zero
  csrw mie, zero
  csrw mideleg, zero
  /* 20: WFI in M with a pending enabled interrupt (MIE = 0): completes */
  li TESTNUM, 20
  li t0, MSTATUS_MIE | MSTATUS_SIE
  csrc mstatus, t0
  li t0, 2
  csrw mie, t0
  csrs mip, t0
  TRAP_CLEAR
  wfi
  EXPECT_NO_TRAP
  csrw mip, zero
  csrw mie, zero
  /* --- TVM --- */
  li t0, MSTATUS_TVM
  csrs mstatus, t0
  GO_S
  ILL(21, c21, csrr a0, satp)
  ILL(22, c22, csrw satp, zero)
  ILL(23, c23, sfence.vma)
  ILL(24, c24, sfence.vma a0, a1)
  TO_M
  li TESTNUM, 25
  TRAP_CLEAR
  csrr a0, satp
  sfence.vma
  EXPECT_NO_TRAP
  li t0, MSTATUS_TVM
  csrc mstatus, t0
  GO_S
  li TESTNUM, 26
  TRAP_CLEAR
  csrr a0, satp
  sfence.vma
  EXPECT_NO_TRAP
  TO_M
  /* 27: sfence.vma in U: illegal */
  GO_U
  ILL(27, c27, sfence.vma)
  TO_M
  PASS
TEST_DATA
