/* Trap delegation: medeleg sends exceptions from S/U to the S handler (scause, stval, sepc,
 * SPP/SPIE/SIE), never those raised in M; mideleg sends supervisor interrupts to S, where
 * sstatus.SIE gates them only in S (always taken in U, never in M); machine-level interrupts
 * are always taken in S/U whatever mstatus.MIE says, and only MIE gates them in M.
 * (The priority order of simultaneous interrupts: irq-priority.S, checked on hartvm alone.) */
#include "test.h"
#include "vm.h"

#define MSIP_ADDR 0x2000000
#define MTIMECMP 0x2004000
#define INT(c) ((1 << 63) | (c))
/* interrupt delivery has no fixed latency: wait (bounded) until a trap was recorded */
#define WAIT_TRAP li t2, 200000000; 81: bnez s5, 82f; addi t2, t2, -1; bnez t2, 81b; 82:
/* wait (bounded) until all bits of mask are pending in mip (M-mode only) */
#define WAIT_MIP(mask) li t2, 200000000; li t3, mask; 83: csrr t4, mip; and t4, t4, t3; beq t4, t3, 84f; addi t2, t2, -1; bnez t2, 83b; 84:

TEST_BEGIN
  VM_TRAPS_INIT
  csrw mie, zero
  csrw mip, zero
  li t0, MTIMECMP
  li t1, -1
  sd t1, 0(t0)
  li t0, MSTATUS_MIE | MSTATUS_SIE
  csrc mstatus, t0

  /* --- exceptions --- */
  li t0, (1 << 8) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 4)
  csrw medeleg, t0
  /* 2: ecall from U goes to S */
  li TESTNUM, 2
  li t0, 0x1234
  csrw mcause, t0
  TRAP_CLEAR
  GO_U
  li a7, 0
e2: ecall
  TO_M
  CHECK(s2, 8)
  CHECK(s3, 0)
  la t0, e2
  CHECK_R(s4, t0)
  EXPECT_BY(1)
  EXPECT_FROM(MODE_U)
  csrr a0, mcause            /* the M-mode CSRs were not touched by the delegated trap */
  li t1, 9                   /* (the TO_M escalation was an ecall from S, cause 9) */
  CHECK_R(a0, t1)
  csrr a0, scause
  CHECK(a0, 8)
  /* 3: illegal instruction in U -> S with stval = the instruction */
  li TESTNUM, 3
  TRAP_CLEAR
  GO_U
i3: .4byte 0xfc000033
  TO_M
  EXPECT_TRAP(2, 0xfc000033)
  EXPECT_BY(1)
  la t0, i3
  CHECK_R(s4, t0)
  /* 4: illegal instruction in S -> S, SPP = S */
  li TESTNUM, 4
  TRAP_CLEAR
  GO_S
  .4byte 0xfc000033
  TO_M
  EXPECT_TRAP(2, 0xfc000033)
  EXPECT_BY(1)
  EXPECT_FROM(MODE_S)
  /* 5: illegal instruction in M stays in M */
  li TESTNUM, 5
  TRAP_CLEAR
  .4byte 0xfc000033
  EXPECT_TRAP(2, 0xfc000033)
  EXPECT_BY(3)
  /* 6: load access fault in U -> S, stval = address */
  li TESTNUM, 6
  TRAP_CLEAR
  GO_U
  li t0, 0x10
  ld a0, 0(t0)
  TO_M
  EXPECT_TRAP(5, 0x10)
  EXPECT_BY(1)
  /* 7: misaligned LR in S -> S (cause 4) */
  li TESTNUM, 7
  la t1, buf
  addi t1, t1, 4
  TRAP_CLEAR
  GO_S
  lr.d a0, (t1)
  TO_M
  EXPECT_TRAP_R(4, t1)
  EXPECT_BY(1)
  /* 8: breakpoint in U -> S */
  li TESTNUM, 8
  TRAP_CLEAR
  GO_U
  ebreak
  TO_M
  CHECK(s2, 3)
  EXPECT_BY(1)
  /* 9: a non-delegated exception (store access fault, 7) from U goes to M */
  li TESTNUM, 9
  TRAP_CLEAR
  GO_U
  li t0, 0x18
  sd a0, 0(t0)
  TO_M
  EXPECT_TRAP(7, 0x18)
  EXPECT_BY(3)
  EXPECT_FROM(MODE_U)
  /* 10: sstatus on a delegated trap from S with SIE = 1: SPIE = 1, SIE = 0, SPP = 1 */
  li TESTNUM, 10
  la t0, 1f
  csrw stvec, t0
  GO_S
  li t0, MSTATUS_SIE
  csrs sstatus, t0
  .4byte 0xfc000033
  .align 2
1:
  csrr a0, sstatus
  la t0, vm_trap_s
  csrw stvec, t0
  li t1, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP
  and a0, a0, t1
  CHECK(a0, MSTATUS_SPIE | MSTATUS_SPP)
  TO_M
  /* 11: from U with SIE = 0: SPIE = 0, SPP = 0 */
  li TESTNUM, 11
  li t0, MSTATUS_SIE | MSTATUS_SPIE
  csrc mstatus, t0
  la t0, 1f
  csrw stvec, t0
  GO_U
  .4byte 0xfc000033
  .align 2
1:
  csrr a0, sstatus
  la t0, vm_trap_s
  csrw stvec, t0
  li t1, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP
  and a0, a0, t1
  CHECK(a0, 0)
  TO_M
  csrw medeleg, zero

  /* --- interrupts --- */
  /* 12: SSI delegated, S-mode, SIE = 1: taken by S */
  li TESTNUM, 12
  li t0, 2
  csrw mideleg, t0
  csrw mie, t0
  GO_S
  li t0, MSTATUS_SIE
  csrs sstatus, t0
  TRAP_CLEAR
  li t0, 2
  csrs sip, t0
  nop
  nop
  li t0, MSTATUS_SIE
  csrc sstatus, t0
  TO_M
  CHECK(s2, INT(1))
  EXPECT_BY(1)
  EXPECT_FROM(MODE_S)
  csrr a0, mie              /* the S handler cleared sie.SSIE */
  CHECK(a0, 0)
  csrw mip, zero
  /* 13: SSI delegated, S-mode, SIE = 0: not taken */
  li TESTNUM, 13
  li t0, 2
  csrw mie, t0
  csrs mip, t0
  TRAP_CLEAR
  GO_S
  nop
  nop
  EXPECT_NO_TRAP
  /* 14: ... until SIE is set */
  li TESTNUM, 14
  li t0, MSTATUS_SIE
  csrs sstatus, t0
  nop
  li t0, MSTATUS_SIE
  csrc sstatus, t0
  CHECK(s2, INT(1))
  CHECK(s5, 1)
  TO_M
  /* 15: SSI delegated, pending, U-mode with SIE = 0: taken by S */
  li TESTNUM, 15
  li t0, 2
  csrw mie, t0
  TRAP_CLEAR
  GO_U
  nop
  nop
  TO_M
  CHECK(s2, INT(1))
  EXPECT_BY(1)
  EXPECT_FROM(MODE_U)
  /* 16: SSI delegated, pending and enabled, in M with MIE = 1: never taken */
  li TESTNUM, 16
  li t0, 2
  csrw mie, t0
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  TRAP_CLEAR
  nop
  nop
  li t0, MSTATUS_MIE
  csrc mstatus, t0
  EXPECT_NO_TRAP
  csrw mip, zero
  csrw mie, zero
  /* 17: SSI not delegated, in S with MIE = 0: taken by M */
  li TESTNUM, 17
  csrw mideleg, zero
  li t0, 2
  csrw mie, t0
  csrs mip, t0
  TRAP_CLEAR
  GO_S
  nop
  nop
  TO_M
  CHECK(s2, INT(1))
  EXPECT_BY(3)
  EXPECT_FROM(MODE_S)
  csrw mip, zero
  /* 18: MSI (CLINT) in U with MIE = 0: taken by M */
  li TESTNUM, 18
  li t0, 8
  csrw mie, t0
  TRAP_CLEAR
  GO_U
  li t0, MSIP_ADDR
  li t1, 1
  sw t1, 0(t0)
  WAIT_TRAP
  TO_M
  CHECK(s2, INT(3))
  EXPECT_BY(3)
  EXPECT_FROM(MODE_U)
  /* 19: MSI pending in M with MIE = 0: not taken; MIE = 1: taken */
  li TESTNUM, 19
  li t0, 8
  csrw mie, t0
  TRAP_CLEAR
  nop
  nop
  EXPECT_NO_TRAP
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  nop
  li t0, MSTATUS_MIE
  csrc mstatus, t0
  CHECK(s2, INT(3))
  CHECK(s5, 1)
  li t0, MSIP_ADDR
  sw zero, 0(t0)
  /* 20: MSI not delegable: with mideleg = all, still taken by M from S */
  li TESTNUM, 20
  li t0, -1
  csrw mideleg, t0
  li t1, 1
  li t0, MSIP_ADDR
  sw t1, 0(t0)
  li t0, 8
  csrw mie, t0
  TRAP_CLEAR
  GO_S
  nop
  nop
  TO_M
  CHECK(s2, INT(3))
  EXPECT_BY(3)
  li t0, MSIP_ADDR
  sw zero, 0(t0)
  csrw mideleg, zero

  PASS

TEST_DATA
  .align 4
buf: .dword 0, 0
