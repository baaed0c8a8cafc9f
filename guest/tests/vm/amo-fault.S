/* AMOs and LR/SC under Sv39: an AMO needs read and write permission and reports a
 * store/AMO page fault (15) with memory and rd unchanged on a page it may read but not
 * write (AMOs on pages it cannot read: amo-fault-noread.S, hartvm alone); LR is a load (13); SC to a read-only page (with a
 * reservation from LR) is a store/AMO page fault (15). */
#include "test.h"
#include "vm.h"

#define B 0x40000000
#define P(i) (B + (i) * 0x1000)
#define MAP(va, pa, flags, level) li a0, va; la a1, pa; li a2, flags; li a3, level; call vm_map
#define RW (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define RO (PTE_V | PTE_R | PTE_A)
#define XO (PTE_V | PTE_X | PTE_A)
#define INIT 0x1122334455667788

/* AMO fault: op is e.g. "amoadd.d a0, t1, (t0)"; checks cause 15, tval, a0 unchanged,
 * memory (read through RW alias P(0)) unchanged */
#define AMO_PF(n, va, ...) AMO_PFB(n, P(0), va, __VA_ARGS__)
#define AMO_PF_U(n, va, ...) AMO_PFB(n, P(4), va, __VA_ARGS__)
#define AMO_PFB(n, chk, va, ...) li TESTNUM, n; TRAP_CLEAR; li t0, va; li t1, 0x5a; li a0, 0x77; __VA_ARGS__; \
  EXPECT_TRAP(15, va); CHECK(a0, 0x77); li t2, ((va) & 0xfff) + chk; ld t2, 0(t2); li t6, INIT; bne t2, t6, vm_fail
#define LOAD_PF(n, va, ...) li TESTNUM, n; TRAP_CLEAR; li t0, va; li a0, 0x77; __VA_ARGS__; \
  EXPECT_TRAP(13, va); CHECK(a0, 0x77)

TEST_BEGIN
  VM_TRAPS_INIT
  li a0, SATP_SV39
  call vm_init
  call vm_std_map
  MAP(P(0), page, RW, 0)
  MAP(P(1), page, RO, 0)
  MAP(P(2), page, XO, 0)
  MAP(P(3), page, RW & ~PTE_V, 0)
  MAP(P(4), page, RW | PTE_U, 0)
  MAP(P(5), page, RO | PTE_U, 0)
  /* fill the page with INIT */
  la t0, page
  li t1, INIT
  li t2, 512
1:
  sd t1, 0(t0)
  addi t0, t0, 8
  addi t2, t2, -1
  bnez t2, 1b

  VM_ENABLE
  GO_S
  AMO_PF(2, P(1) + 0x10, amoadd.d a0, t1, (t0))
  AMO_PF(3, P(1) + 0x18, amoswap.d a0, t1, (t0))
  AMO_PF(4, P(1) + 0x20, amoswap.w a0, t1, (t0))
  AMO_PF(5, P(1) + 0x100, amoor.w a0, t1, (t0))
  AMO_PF(6, P(1) + 0x28, amoand.d.aqrl a0, t1, (t0))
  AMO_PF(7, P(1) + 0x30, amoxor.d a0, t1, (t0))
  AMO_PF(8, P(1) + 0x38, amomin.d a0, t1, (t0))
  AMO_PF(9, P(1) + 0x40, amomaxu.w a0, t1, (t0))
  AMO_PF(10, P(1) + 0x48, amominu.d a0, t1, (t0))
  AMO_PF(11, P(1) + 0x50, amomax.w a0, t1, (t0))
  /* LR: a load */
  LOAD_PF(17, P(2) + 0x78, lr.d a0, (t0))
  LOAD_PF(18, P(3) + 0x80, lr.w a0, (t0))
  LOAD_PF(19, P(4) + 0x88, lr.d a0, (t0))
  /* 20: LR from a read-only page succeeds */
  li TESTNUM, 20
  TRAP_CLEAR
  li t0, P(1) + 0x90
  lr.d a0, (t0)
  EXPECT_NO_TRAP
  CHECK(a0, INIT)
  /* 21: SC to the read-only page with that reservation: store/AMO page fault */
  li TESTNUM, 21
  li t1, 0x5a
  li a1, 0x77
  sc.d a1, t1, (t0)
  EXPECT_TRAP(15, P(1) + 0x90)
  CHECK(a1, 0x77)
  li t2, P(0) + 0x90
  ld t2, 0(t2)
  CHECK(t2, INIT)
  /* 22: same with .w */
  li TESTNUM, 22
  TRAP_CLEAR
  li t0, P(1) + 0x98
  lr.w a0, (t0)
  li a1, 0x77
  sc.w a1, t1, (t0)
  EXPECT_TRAP(15, P(1) + 0x98)
  CHECK(a1, 0x77)
  /* 23: the AMO works on the RW mapping of the same page */
  li TESTNUM, 23
  TRAP_CLEAR
  li t0, P(0) + 0xa0
  li t1, 1
  amoadd.d a0, t1, (t0)
  EXPECT_NO_TRAP
  CHECK(a0, INIT)
  ld a0, 0(t0)
  CHECK(a0, INIT + 1)
  /* 24: after it, the read-only alias still faults */
  AMO_PF(24, P(1) + 0xa8, amoadd.d a0, t1, (t0))
  /* 25: LR/SC pair succeeds on the RW mapping */
  li TESTNUM, 25
  li t0, P(0) + 0xb0
  lr.d a0, (t0)
  li t1, 0xabc
  sc.d a1, t1, (t0)
  CHECK(a1, 0)
  ld a0, 0(t0)
  CHECK(a0, 0xabc)
  TO_M

  /* U-mode */
  GO_U
  AMO_PF_U(26, P(5) + 0xb8, amoadd.d a0, t1, (t0))     /* user read-only */
  LOAD_PF(28, P(0) + 0xc8, lr.d a0, (t0))
  li TESTNUM, 29
  TRAP_CLEAR
  li t0, P(4) + 0xd0
  li t1, 3
  amoadd.w a0, t1, (t0)
  EXPECT_NO_TRAP
  li t1, 0x55667788
  CHECK_R(a0, t1)
  TO_M
  PASS

TEST_DATA
  .align 12
page: .skip 4096
