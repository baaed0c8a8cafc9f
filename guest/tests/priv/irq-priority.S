/* HARTVM_ONLY: QEMU 7.2 without AIA takes the lowest-numbered pending interrupt first
 * (observed order SSI, MSI, STI, MTI, SEI), contrary to the spec's fixed priority
 * MEI > MSI > MTI > SEI > SSI > STI checked here.
 *
 * Interrupt priority, and (as in delegation.S) trap delegation: medeleg sends exceptions from S/U to the S handler (scause, stval, sepc,
 * SPP/SPIE/SIE), never those raised in M; mideleg sends supervisor interrupts to S, where
 * sstatus.SIE gates them only in S (always taken in U, never in M); machine-level interrupts
 * are always taken in S/U whatever mstatus.MIE says, and only MIE gates them in M; interrupts
 * that are pending together are taken in the order MEI, MSI, MTI, SEI, SSI, STI. */
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
  /* 2: priority: MSI, MTI, SEI, SSI, STI all pending, none delegated, taken from S */
  li TESTNUM, 2
  la t0, logger
  csrw mtvec, t0
  la t0, log
  la t1, logp
  sd t0, 0(t1)
  li t0, MSIP_ADDR
  li t1, 1
  sw t1, 0(t0)
  li t0, MTIMECMP
  sd zero, 0(t0)
  li t0, 0x222
  csrs mip, t0
  WAIT_MIP(0x2aa)
  li t0, 0x2aa
  csrw mie, t0
  GO_S
  nop
  nop
  nop
  nop
  nop
  nop
  TO_M
  la t0, vm_trap_m
  csrw mtvec, t0
  la t0, log
  ld a0, 0(t0)
  CHECK(a0, INT(3))
  ld a0, 8(t0)
  CHECK(a0, INT(7))
  ld a0, 16(t0)
  CHECK(a0, INT(9))
  ld a0, 24(t0)
  CHECK(a0, INT(1))
  ld a0, 32(t0)
  CHECK(a0, INT(5))
  ld a0, 40(t0)
  CHECK(a0, 9)               /* then the TO_M ecall */
  li t0, MSIP_ADDR
  sw zero, 0(t0)
  li t0, MTIMECMP
  li t1, -1
  sd t1, 0(t0)
  csrw mip, zero
  csrw mie, zero
  /* 3: delegated SEI/SSI/STI pending in U: S takes them in order SEI, SSI, STI, and a
   * pending non-delegated MSI is taken (by M) before all of them */
  li TESTNUM, 3
  la t0, logger
  csrw mtvec, t0
  la t0, slogger
  csrw stvec, t0
  la t0, log
  la t1, logp
  sd t0, 0(t1)
  li t0, 0x222
  csrw mideleg, t0
  li t0, MSIP_ADDR
  li t1, 1
  sw t1, 0(t0)
  li t0, 0x222
  csrs mip, t0
  WAIT_MIP(0x22a)
  li t0, 0x22a
  csrw mie, t0
  GO_U
  nop
  nop
  nop
  nop
  nop
  TO_M
  la t0, vm_trap_m
  csrw mtvec, t0
  la t0, vm_trap_s
  csrw stvec, t0
  la t0, log
  ld a0, 0(t0)
  CHECK(a0, INT(3))
  ld a0, 8(t0)
  CHECK(a0, INT(9) | (1 << 62))     /* bit 62 marks the S logger */
  ld a0, 16(t0)
  CHECK(a0, INT(1) | (1 << 62))
  ld a0, 24(t0)
  CHECK(a0, INT(5) | (1 << 62))
  li t0, MSIP_ADDR
  sw zero, 0(t0)
  csrw mip, zero
  csrw mie, zero
  csrw mideleg, zero
  PASS

/* logging handlers: append the cause (S: | 1 << 62), disable the interrupt in mie/sie,
 * on ecall with a7 = VM_MAGIC behave like vm_trap_m / escalate */
  .align 6
logger:
  csrr s7, mcause
  la s8, logp
  ld s9, 0(s8)
  sd s7, 0(s9)
  addi s9, s9, 8
  sd s9, 0(s8)
  bgez s7, 1f
  andi s8, s7, 63
  li s9, 1
  sll s9, s9, s8
  csrc mie, s9
  mret
1:
  j vm_trap_m
  .align 6
slogger:
  csrr s7, scause
  bgez s7, 1f
  li s8, 1 << 62
  or s7, s7, s8
  la s8, logp
  ld s9, 0(s8)
  sd s7, 0(s9)
  addi s9, s9, 8
  sd s9, 0(s8)
  andi s8, s7, 63
  li s9, 1
  sll s9, s9, s8
  csrc sie, s9
  sret
1:
  j vm_trap_s

TEST_DATA
  .align 4
logp: .dword 0
log: .skip 8 * 16
