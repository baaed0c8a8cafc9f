/* Negative translations: a fault repeats identically (same cause, tval, epc) however often
 * the access is retried, reports the exact address of each attempt, is specific to the
 * access kind (a store fault on a page does not make loads fault, a load fault does not stop
 * fetches ...) and to the privilege mode, and is forgotten after the PTE is fixed and
 * SFENCE.VMA executed. Positive translations likewise never leak across privilege modes.
 * The last part delegates page faults to S, so that faults in S-mode trap S -> S without a
 * privilege change, and also checks that SUM / MXR changes made in S take effect at once. */
#include "test.h"
#include "vm.h"

#define B 0x40000000
#define P(i) (B + (i) * 0x1000)
#define MAP(va, pa, flags, level) li a0, va; la a1, pa; li a2, flags; li a3, level; call vm_map
#define RW (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define SAVEPTE(i) la t1, ptes; sd a0, (8 * (i))(t1)
#define PTEADDR(reg, i) la reg, ptes; ld reg, (8 * (i))(reg)
#define MKPTE(reg, label, flags) la reg, label; srli reg, reg, 12; slli reg, reg, 10; ori reg, reg, flags
#define SETPTE(i, label, flags) MKPTE(t1, label, flags); PTEADDR(t2, i); sd t1, 0(t2)

/* one faulting store at label lbl: checks cause/tval/epc */
#define STORE_FAULT_AT(lbl, va, cause)  TRAP_CLEAR; li t0, va; lbl: sd t0, 0(t0); \
  EXPECT_TRAP(cause, va); la t1, lbl; bne s4, t1, vm_fail; li t1, 1; bne s5, t1, vm_fail
#define LOAD_FAULT_AT(lbl, va, cause)  TRAP_CLEAR; li t0, va; lbl: ld a0, 0(t0); \
  EXPECT_TRAP(cause, va); la t1, lbl; bne s4, t1, vm_fail; li t1, 1; bne s5, t1, vm_fail
#define FETCH_FAULT(va) TRAP_CLEAR; li t0, va; li a0, 0; jalr ra, 0(t0); EXPECT_TRAP(12, va); \
  li t1, va; bne s4, t1, vm_fail; CHECK(a0, 0)

TEST_BEGIN
  VM_TRAPS_INIT
  li a0, SATP_SV39
  call vm_init
  call vm_std_map
  MAP(P(0), page, RW & ~PTE_V, 0)
  SAVEPTE(0)
  MAP(P(1), page, RW & ~PTE_V, 0)
  SAVEPTE(1)
  MAP(P(2), code, (PTE_V | PTE_X | PTE_A) & ~PTE_V, 0)
  SAVEPTE(2)
  MAP(P(3), page, PTE_V | PTE_R | PTE_A, 0)
  SAVEPTE(3)
  MAP(P(4), code, PTE_V | PTE_X | PTE_A, 0)
  SAVEPTE(4)
  MAP(P(5), code, PTE_V | PTE_R | PTE_A, 0)
  SAVEPTE(5)
  MAP(P(6), page, RW | PTE_U, 0)
  SAVEPTE(6)
  MAP(P(7), page, RW, 0)
  SAVEPTE(7)
  MAP(P(8), page, RW & ~PTE_V, 0)
  SAVEPTE(8)
  MAP(P(9), page, RW, 0)
  SAVEPTE(9)
  MAP(P(10), page, RW, 0)
  SAVEPTE(10)
  MAP(P(11), page, RW, 0)
  SAVEPTE(11)
  MAP(P(12), page, RW, 0)
  SAVEPTE(12)
  MAP(P(13), page, RW, 0)
  SAVEPTE(13)
  la t0, page
  li t1, 0x5eed
  sd t1, 0x100(t0)

  VM_ENABLE
  GO_S
  /* 2..4: a store to an invalid page faults the same way each time */
  li TESTNUM, 2
  STORE_FAULT_AT(site1, P(0) + 0x40, 15)
  li TESTNUM, 3
  STORE_FAULT_AT(site2, P(0) + 0x40, 15)
  li TESTNUM, 4
  STORE_FAULT_AT(site3, P(0) + 0x48, 15)     /* other offset: tval follows the access */
  li TESTNUM, 5
  TRAP_CLEAR
  li t0, P(0) + 0xffc
  sw t0, 0(t0)
  sh t0, 2(t0)
  sb t0, 3(t0)
  EXPECT_TRAP(15, P(0) + 0xfff)
  CHECK(s5, 3)
  /* 6: loads from it fault too (load page fault) */
  li TESTNUM, 6
  LOAD_FAULT_AT(site4, P(0) + 0x100, 13)
  /* 7: valid + sfence.vma: the store now succeeds */
  li TESTNUM, 7
  SETPTE(0, page, RW)
  sfence.vma
  TRAP_CLEAR
  li t0, P(0) + 0x40
  li t1, 0x1234
  sd t1, 0(t0)
  EXPECT_NO_TRAP
  ld a0, 0(t0)
  CHECK(a0, 0x1234)

  /* 8..10: loads, with sfence.vma of that address */
  li TESTNUM, 8
  LOAD_FAULT_AT(site5, P(1) + 0x100, 13)
  li TESTNUM, 9
  LOAD_FAULT_AT(site6, P(1) + 0x100, 13)
  li TESTNUM, 10
  SETPTE(1, page, PTE_V | PTE_R | PTE_A)
  li t0, P(1)
  sfence.vma t0
  TRAP_CLEAR
  li t0, P(1) + 0x100
  ld a0, 0(t0)
  EXPECT_NO_TRAP
  CHECK(a0, 0x5eed)

  /* 11..13: fetches */
  li TESTNUM, 11
  FETCH_FAULT(P(2))
  li TESTNUM, 12
  FETCH_FAULT(P(2))
  li TESTNUM, 13
  SETPTE(2, code, PTE_V | PTE_X | PTE_A)
  sfence.vma
  TRAP_CLEAR
  li t0, P(2)
  li a0, 0
  jalr ra, 0(t0)
  EXPECT_NO_TRAP
  CHECK(a0, 0x77)

  /* 14..16: read-only page: store faults (twice), loads still work in between */
  li TESTNUM, 14
  STORE_FAULT_AT(site7, P(3) + 0x100, 15)
  li TESTNUM, 15
  TRAP_CLEAR
  li t0, P(3) + 0x100
  ld a0, 0(t0)
  EXPECT_NO_TRAP
  CHECK(a0, 0x5eed)
  li TESTNUM, 16
  STORE_FAULT_AT(site8, P(3) + 0x100, 15)
  /* 17: loads again, store again, then upgrade */
  li TESTNUM, 17
  li t0, P(3) + 0x100
  ld a0, 0(t0)
  CHECK(a0, 0x5eed)
  STORE_FAULT_AT(site9, P(3) + 0x100, 15)
  li TESTNUM, 18
  SETPTE(3, page, RW)
  sfence.vma
  TRAP_CLEAR
  li t0, P(3) + 0x108
  li t1, 0x42
  sd t1, 0(t0)
  EXPECT_NO_TRAP
  ld a0, 0(t0)
  CHECK(a0, 0x42)

  /* 19..21: X-only page: load faults, fetch works, load faults again */
  li TESTNUM, 19
  LOAD_FAULT_AT(site10, P(4), 13)
  li TESTNUM, 20
  TRAP_CLEAR
  li t0, P(4)
  jalr ra, 0(t0)
  EXPECT_NO_TRAP
  CHECK(a0, 0x77)
  li TESTNUM, 21
  LOAD_FAULT_AT(site11, P(4) + 8, 13)
  li TESTNUM, 22
  STORE_FAULT_AT(site12, P(4) + 8, 15)
  /* 23..25: R-only code page: fetch faults, load works, fetch faults again */
  li TESTNUM, 23
  FETCH_FAULT(P(5))
  li TESTNUM, 24
  TRAP_CLEAR
  li t0, P(5)
  lw a0, 0(t0)
  EXPECT_NO_TRAP
  la t1, code
  lw t1, 0(t1)
  CHECK_R(a0, t1)
  li TESTNUM, 25
  FETCH_FAULT(P(5))

  /* 26: user page from S (no SUM): faults; then from U: works; from S again: faults */
  li TESTNUM, 26
  LOAD_FAULT_AT(site13, P(6) + 0x100, 13)
  TO_M
  GO_U
  li TESTNUM, 27
  TRAP_CLEAR
  li t0, P(6) + 0x100
  ld a0, 0(t0)
  EXPECT_NO_TRAP
  CHECK(a0, 0x5eed)
  TO_M
  GO_S
  li TESTNUM, 28
  LOAD_FAULT_AT(site14, P(6) + 0x100, 13)
  TO_M
  /* 29..31: supervisor page used by S, then from U: faults; then S again: works */
  GO_S
  li TESTNUM, 29
  TRAP_CLEAR
  li t0, P(7) + 0x100
  ld a0, 0(t0)
  sd a0, 8(t0)
  EXPECT_NO_TRAP
  TO_M
  GO_U
  li TESTNUM, 30
  LOAD_FAULT_AT(site15, P(7) + 0x100, 13)
  STORE_FAULT_AT(site16, P(7) + 0x108, 15)
  TO_M
  GO_S
  li TESTNUM, 31
  TRAP_CLEAR
  li t0, P(7) + 0x100
  ld a0, 0(t0)
  EXPECT_NO_TRAP
  CHECK(a0, 0x5eed)
  /* 32: S and U alternate via sret (S-mode code drops to U through sstatus.SPP) */
  li TESTNUM, 32
  TRAP_CLEAR
  li t0, MSTATUS_SPP
  csrc sstatus, t0
  la t0, 10f
  li t1, VM_ALIAS_OFF
  add t0, t0, t1
  csrw sepc, t0
  sret
10:
  li t0, P(7) + 0x100
  ld a0, 0(t0)          /* U: page fault */
  EXPECT_TRAP(13, P(7) + 0x100)
  EXPECT_FROM(MODE_U)
  TO_M

  /* 33..35: many faults then fixed by M-mode (sfence.vma in M) */
  li TESTNUM, 33
  GO_S
  li s0, 20
1:
  TRAP_CLEAR
  li t0, P(8) + 0x100
  ld a0, 0(t0)
  EXPECT_TRAP(13, P(8) + 0x100)
  addi s0, s0, -1
  bnez s0, 1b
  TO_M
  li TESTNUM, 34
  SETPTE(8, page, RW)
  sfence.vma
  GO_S
  TRAP_CLEAR
  li t0, P(8) + 0x100
  ld a0, 0(t0)
  EXPECT_NO_TRAP
  CHECK(a0, 0x5eed)
  /* 35: alias VA of the same page works all along while another VA faults */
  li TESTNUM, 35
  TRAP_CLEAR
  li t0, P(0) + 0x200
  li t1, P(9) + 0x200
  li a0, 0x77
  sd a0, 0(t1)
  SETPTE(0, page, RW & ~PTE_V)
  sfence.vma
  TRAP_CLEAR
  li t0, P(0) + 0x200
  ld a0, 0(t0)
  EXPECT_TRAP(13, P(0) + 0x200)
  li t1, P(9) + 0x200
  ld a1, 0(t1)
  CHECK(a1, 0x77)
  li t0, P(0) + 0x200
  ld a0, 0(t0)
  CHECK(s5, 2)
  TO_M

  /* --- page faults delegated to S: the faults of S-mode code trap S -> S (no privilege
   * change), so a cached negative translation can survive into the retry --- */
  li t0, (1 << 12) | (1 << 13) | (1 << 15)
  csrw medeleg, t0
  SETPTE(10, page, RW & ~PTE_V)
  SETPTE(11, page, RW | PTE_U)
  SETPTE(12, code, PTE_V | PTE_X | PTE_A)
  SETPTE(13, page, PTE_V | PTE_R | PTE_A)
  sfence.vma
  GO_S
  /* 36: repeated load faults, each handled by S */
  li TESTNUM, 36
  li s0, 5
1:
  TRAP_CLEAR
  li t0, P(10) + 0x100
  ld a0, 0(t0)
  EXPECT_TRAP(13, P(10) + 0x100)
  EXPECT_BY(1)
  addi s0, s0, -1
  bnez s0, 1b
  /* 37: S fixes the PTE and fences: the load succeeds */
  li TESTNUM, 37
  SETPTE(10, page, RW)
  li t0, P(10)
  sfence.vma t0
  TRAP_CLEAR
  li t0, P(10) + 0x100
  ld a0, 0(t0)
  EXPECT_NO_TRAP
  CHECK(a0, 0x5eed)
  /* 38/39: user page from S: fault (S -> S), then SUM set in S: succeeds, no fence */
  li TESTNUM, 38
  TRAP_CLEAR
  li t0, P(11) + 0x100
  ld a0, 0(t0)
  EXPECT_TRAP(13, P(11) + 0x100)
  TRAP_CLEAR
  li t0, P(11) + 0x100
  ld a0, 0(t0)
  EXPECT_TRAP(13, P(11) + 0x100)
  li TESTNUM, 39
  li t0, MSTATUS_SUM
  csrs sstatus, t0
  TRAP_CLEAR
  li a0, 0
  li t0, P(11) + 0x100
  ld a0, 0(t0)
  EXPECT_NO_TRAP
  CHECK(a0, 0x5eed)
  /* 40: SUM cleared: faults again */
  li TESTNUM, 40
  li t0, MSTATUS_SUM
  csrc sstatus, t0
  TRAP_CLEAR
  li t0, P(11) + 0x100
  ld a0, 0(t0)
  EXPECT_TRAP(13, P(11) + 0x100)
  /* 41/42: execute-only page: load fault (S -> S), then MXR: succeeds */
  li TESTNUM, 41
  TRAP_CLEAR
  li t0, P(12)
  lw a0, 0(t0)
  EXPECT_TRAP(13, P(12))
  li TESTNUM, 42
  li t0, MSTATUS_MXR
  csrs sstatus, t0
  TRAP_CLEAR
  li t0, P(12)
  lw a0, 0(t0)
  EXPECT_NO_TRAP
  la t1, code
  lw t1, 0(t1)
  CHECK_R(a0, t1)
  li t0, MSTATUS_MXR
  csrc sstatus, t0
  /* 43: ... and MXR cleared: faults again */
  li TESTNUM, 43
  TRAP_CLEAR
  li t0, P(12)
  lw a0, 0(t0)
  EXPECT_TRAP(13, P(12))
  /* 44..46: read-only page: store faults twice (S -> S), loads fine, then made writable */
  li TESTNUM, 44
  STORE_FAULT_AT(site44, P(13) + 0x180, 15)
  EXPECT_BY(1)
  li TESTNUM, 45
  li t0, P(13) + 0x100
  ld a0, 0(t0)
  CHECK(a0, 0x5eed)
  STORE_FAULT_AT(site45, P(13) + 0x180, 15)
  li TESTNUM, 46
  SETPTE(13, page, RW)
  sfence.vma
  TRAP_CLEAR
  li t0, P(13) + 0x180
  li t1, 0xabc
  sd t1, 0(t0)
  EXPECT_NO_TRAP
  ld a0, 0(t0)
  CHECK(a0, 0xabc)
  /* 47/48: fetch faults S -> S, then fixed */
  li TESTNUM, 47
  SETPTE(12, code, PTE_V | PTE_R | PTE_A)
  sfence.vma
  FETCH_FAULT(P(12))
  FETCH_FAULT(P(12))
  li TESTNUM, 48
  SETPTE(12, code, PTE_V | PTE_X | PTE_A)
  sfence.vma
  TRAP_CLEAR
  li t0, P(12)
  li a0, 0
  jalr ra, 0(t0)
  EXPECT_NO_TRAP
  CHECK(a0, 0x77)
  TO_M
  csrw medeleg, zero
  PASS

  .align 12
code:
  li a0, 0x77
  ret
  .align 12

TEST_DATA
  .align 3
ptes: .skip 8 * 16
  .align 12
page: .skip 4096
