/* CLINT interrupts: msip -> machine software interrupt (mcause 0x8000000000000003),
 * mtimecmp -> machine timer interrupt (0x8000000000000007), mip.MSIP/MTIP follow the device,
 * mepc = the interrupted instruction, vectored mtvec/stvec (base + 4 * cause for interrupts,
 * base for exceptions), WFI wakes on a pending enabled interrupt even with MIE = 0, a timer
 * interrupt taken from S-mode. */
#include "test.h"
#include "vm.h"

#define MSIP_ADDR 0x2000000
#define MTIMECMP 0x2004000
#define MTIME 0x200bff8
#define INT(c) ((1 << 63) | (c))
#define WAIT_TRAP li t2, 200000000; 81: bnez s5, 82f; addi t2, t2, -1; bnez t2, 81b; 82:

TEST_BEGIN
  VM_TRAPS_INIT
  csrw mie, zero
  li t0, MTIMECMP
  li t1, -1
  sd t1, 0(t0)
  li t0, MSTATUS_MIE | MSTATUS_SIE
  csrc mstatus, t0

  /* 2: msip register reads back; mip.MSIP follows it */
  li TESTNUM, 2
  li t0, MSIP_ADDR
  li t1, 1
  sw t1, 0(t0)
  lw a0, 0(t0)
  CHECK(a0, 1)
  li t2, 100000
1:
  csrr a0, mip
  andi a0, a0, 8
  bnez a0, 2f
  addi t2, t2, -1
  bnez t2, 1b
  j vm_fail
2:
  /* 3: enable: taken, mepc inside the wait loop */
  li TESTNUM, 3
  TRAP_CLEAR
  li t0, 8
  csrw mie, t0
  li t0, MSTATUS_MIE
  csrs mstatus, t0
79:
  WAIT_TRAP
  li t0, MSTATUS_MIE
  csrc mstatus, t0
  CHECK(s2, INT(3))
  CHECK(s3, 0)
  CHECK(s5, 1)
  EXPECT_FROM(MODE_M)
  la t0, 79b
  bltu s4, t0, vm_fail
  la t0, 82b
  bgtu s4, t0, vm_fail
  /* 4: clear msip: mip.MSIP drops */
  li TESTNUM, 4
  li t0, MSIP_ADDR
  sw zero, 0(t0)
  li t2, 100000
1:
  csrr a0, mip
  andi a0, a0, 8
  beqz a0, 2f
  addi t2, t2, -1
  bnez t2, 1b
  j vm_fail
2:
  /* 5: mtime advances */
  li TESTNUM, 5
  li t0, MTIME
  ld a0, 0(t0)
  li t2, 1000000
1:
  ld a1, 0(t0)
  bne a1, a0, 2f
  addi t2, t2, -1
  bnez t2, 1b
  j vm_fail
2:
  bltu a1, a0, vm_fail
  /* 6: mtimecmp reads back; timer interrupt */
  li TESTNUM, 6
  li t0, MTIME
  ld a0, 0(t0)
  addi a0, a0, 100
  li t0, MTIMECMP
  sd a0, 0(t0)
  ld a1, 0(t0)
  CHECK_R(a1, a0)
  TRAP_CLEAR
  li t0, 0x80
  csrw mie, t0
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  WAIT_TRAP
  li t0, MSTATUS_MIE
  csrc mstatus, t0
  CHECK(s2, INT(7))
  CHECK(s5, 1)
  /* 7: mtime >= mtimecmp now, and MTIP is set */
  li TESTNUM, 7
  li t0, MTIME
  ld a1, 0(t0)
  bltu a1, a0, vm_fail
  csrr a0, mip
  andi a0, a0, 0x80
  CHECK(a0, 0x80)
  /* 8: mtimecmp = max clears MTIP */
  li TESTNUM, 8
  li t0, MTIMECMP
  li t1, -1
  sd t1, 0(t0)
  li t2, 100000
1:
  csrr a0, mip
  andi a0, a0, 0x80
  beqz a0, 2f
  addi t2, t2, -1
  bnez t2, 1b
  j vm_fail
2:
  /* 9..11: vectored mtvec */
  li TESTNUM, 9
  la t0, mvec
  ori t0, t0, 1
  csrw mtvec, t0
  li s11, 0
  TRAP_CLEAR
  li t0, MSIP_ADDR
  li t1, 1
  sw t1, 0(t0)
  li t0, 8
  csrw mie, t0
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  WAIT_TRAP
  li t0, MSTATUS_MIE
  csrc mstatus, t0
  CHECK(s2, INT(3))
  CHECK(s11, 3)
  li t0, MSIP_ADDR
  sw zero, 0(t0)
  li TESTNUM, 10
  li s11, 0
  TRAP_CLEAR
  li t0, MTIME
  ld a0, 0(t0)
  addi a0, a0, 50
  li t0, MTIMECMP
  sd a0, 0(t0)
  li t0, 0x80
  csrw mie, t0
  li t0, MSTATUS_MIE
  csrs mstatus, t0
  WAIT_TRAP
  li t0, MSTATUS_MIE
  csrc mstatus, t0
  CHECK(s2, INT(7))
  CHECK(s11, 7)
  li t0, MTIMECMP
  li t1, -1
  sd t1, 0(t0)
  /* 11: exceptions use the base */
  li TESTNUM, 11
  li s11, 0
  TRAP_CLEAR
  li a7, 0
  ecall
  CHECK(s2, 11)
  CHECK(s11, 0x100)
  la t0, vm_trap_m
  csrw mtvec, t0

  /* 12: WFI with MIE = 0 wakes on the pending timer; no trap is taken */
  li TESTNUM, 12
  TRAP_CLEAR
  li t0, MTIME
  ld a0, 0(t0)
  addi a0, a0, 200
  li t0, MTIMECMP
  sd a0, 0(t0)
  li t0, 0x80
  csrw mie, t0
  li t2, 200000000
1:
  wfi
  csrr a0, mip
  andi a0, a0, 0x80
  bnez a0, 2f
  addi t2, t2, -1
  bnez t2, 1b
  j vm_fail
2:
  EXPECT_NO_TRAP
  /* 13: now taken from S-mode (M interrupts are always enabled below M) */
  li TESTNUM, 13
  TRAP_CLEAR
  GO_S
  WAIT_TRAP
  TO_M
  CHECK(s2, INT(7))
  EXPECT_BY(3)
  EXPECT_FROM(MODE_S)
  li t0, MTIMECMP
  li t1, -1
  sd t1, 0(t0)
  /* 14: vectored stvec: delegated SSI in S lands at base + 4 */
  li TESTNUM, 14
  la t0, svec
  ori t0, t0, 1
  csrw stvec, t0
  li t0, 2
  csrw mideleg, t0
  csrw mie, t0
  li s11, 0
  TRAP_CLEAR
  GO_S
  li t0, MSTATUS_SIE
  csrs sstatus, t0
  li t0, 2
  csrs sip, t0
  WAIT_TRAP
  li t0, MSTATUS_SIE
  csrc sstatus, t0
  li t0, 2
  csrc sip, t0
  TO_M
  CHECK(s2, INT(1))
  CHECK(s11, 1)
  EXPECT_BY(1)
  /* 15: S-mode exception with vectored stvec: base (delegated breakpoint) */
  li TESTNUM, 15
  li t0, 1 << 3
  csrw medeleg, t0
  li s11, 0
  TRAP_CLEAR
  GO_S
  ebreak
  TO_M
  CHECK(s2, 3)
  CHECK(s11, 0x100)
  csrw medeleg, zero
  csrw mideleg, zero
  PASS

  .option push
  .option norvc
  .align 8
mvec:
  j mvec_exc          /* 0: exceptions */
  j vm_trap_m         /* 1 */
  j vm_trap_m         /* 2 */
  j mvec_3            /* 3: MSI */
  j vm_trap_m         /* 4 */
  j vm_trap_m         /* 5 */
  j vm_trap_m         /* 6 */
  j mvec_7            /* 7: MTI */
  j vm_trap_m
  j vm_trap_m
  j vm_trap_m
  j vm_trap_m
mvec_exc:
  li s11, 0x100
  j vm_trap_m
mvec_3:
  li s11, 3
  j vm_trap_m
mvec_7:
  li s11, 7
  j vm_trap_m
  .align 8
svec:
  j svec_exc
  j svec_1
  j vm_trap_s
  j vm_trap_s
  j vm_trap_s
  j vm_trap_s
svec_exc:
  li s11, 0x100
  j vm_trap_s
svec_1:
  li s11, 1
  j vm_trap_s
  .option pop
TEST_DATA
