/* Hardware A/D updates under Sv39: a load or fetch sets A, a store or AMO sets A and D, the
 * update is done by the walk (no fault with A = 0 / D = 0), a store after a load of the same
 * page (translation possibly cached) still sets D, a faulting access sets neither, non-leaf
 * PTEs are never marked, and after software clears A/D and executes SFENCE.VMA the next
 * access sets them again. */
#include "test.h"
#include "vm.h"

#define B 0x40000000
#define P(i) (B + (i) * 0x1000)
#define MAP(va, pa, flags, level) li a0, va; la a1, pa; li a2, flags; li a3, level; call vm_map
#define RW (PTE_V | PTE_R | PTE_W)
#define PTEADDR(i) la t0, ptes; ld t0, (8 * (i))(t0)
/* read a PTE's A/D bits into reg (from any mode: ptes are identity mapped, S only) */
#define ADBITS(reg, i) PTEADDR(i); ld reg, 0(t0); andi reg, reg, (PTE_A | PTE_D)
#define SAVEPTE(i) la t1, ptes; sd a0, (8 * (i))(t1)

TEST_BEGIN
  VM_TRAPS_INIT
  li a0, SATP_SV39
  call vm_init
  call vm_std_map
  MAP(P(0), data, RW, 0)
  SAVEPTE(0)
  MAP(P(1), data, RW, 0)
  SAVEPTE(1)
  MAP(P(2), code, PTE_V | PTE_X, 0)
  SAVEPTE(2)
  MAP(P(3), data, RW | PTE_A, 0)
  SAVEPTE(3)
  MAP(P(4), data, PTE_V | PTE_R, 0)
  SAVEPTE(4)
  MAP(P(5), data, RW, 0)
  SAVEPTE(5)
  MAP(P(6), data, RW | PTE_U, 0)
  SAVEPTE(6)
  MAP(P(7), data, PTE_V | PTE_X, 0)
  SAVEPTE(7)
  MAP(P(8), data, RW, 0)
  SAVEPTE(8)
  li a0, 0x40200000
  li a1, 0x80200000
  li a2, RW
  li a3, 1
  call vm_map
  SAVEPTE(9)
  MAP(P(10), data, RW, 0)
  SAVEPTE(10)
  MAP(P(11), code, PTE_V | PTE_X | PTE_U | PTE_R, 0)
  SAVEPTE(11)
  /* the non-leaf PTE pointing at the 4 KiB table of P(*) */
  la t0, vm_root
  ld t0, 0(t0)
  ld t1, 8(t0)               /* root index 1 = VA 0x40000000 */
  la t2, nonleaf
  sd t1, 0(t2)

  VM_ENABLE
  GO_S
  /* 2: load sets A only */
  li TESTNUM, 2
  li t0, P(0)
  ld a0, 0(t0)
  ADBITS(a1, 0)
  CHECK(a1, PTE_A)
  /* 3: store sets A and D */
  li TESTNUM, 3
  li t0, P(1)
  sd zero, 8(t0)
  ADBITS(a1, 1)
  CHECK(a1, PTE_A | PTE_D)
  /* 4: fetch sets A only */
  li TESTNUM, 4
  li t0, P(2)
  jalr ra, 0(t0)
  ADBITS(a1, 2)
  CHECK(a1, PTE_A)
  /* 5: store to a page with A already set sets D */
  li TESTNUM, 5
  li t0, P(3)
  sw zero, 16(t0)
  ADBITS(a1, 3)
  CHECK(a1, PTE_A | PTE_D)
  /* 6: store to a read-only page faults and marks nothing */
  li TESTNUM, 6
  TRAP_CLEAR
  li t0, P(4)
  sd zero, 0(t0)
  EXPECT_TRAP(15, P(4))
  ADBITS(a1, 4)
  CHECK(a1, 0)
  /* 7: then a load from it sets A only */
  li TESTNUM, 7
  li t0, P(4)
  ld a0, 0(t0)
  ADBITS(a1, 4)
  CHECK(a1, PTE_A)
  /* 8: load first, then store to the same page: D must be set by the store */
  li TESTNUM, 8
  li t0, P(5)
  ld a0, 0(t0)
  ADBITS(a1, 5)
  CHECK(a1, PTE_A)
  li TESTNUM, 9
  li t0, P(5)
  sd a0, 24(t0)
  ADBITS(a1, 5)
  CHECK(a1, PTE_A | PTE_D)
  /* 10: user page touched by S without SUM: fault, nothing marked */
  li TESTNUM, 10
  TRAP_CLEAR
  li t0, P(6)
  ld a0, 0(t0)
  EXPECT_TRAP(13, P(6))
  ADBITS(a1, 6)
  CHECK(a1, 0)
  /* 11: X-only page loaded without MXR: fault, nothing marked */
  li TESTNUM, 11
  TRAP_CLEAR
  li t0, P(7)
  ld a0, 0(t0)
  EXPECT_TRAP(13, P(7))
  ADBITS(a1, 7)
  CHECK(a1, 0)
  /* 12: AMO sets A and D */
  li TESTNUM, 12
  li t0, P(8) + 32
  li t1, 5
  amoadd.d a0, t1, (t0)
  ADBITS(a1, 8)
  CHECK(a1, PTE_A | PTE_D)
  /* 13/14: megapage leaf: load sets A, store sets D */
  li TESTNUM, 13
  li t0, 0x40200000 + 0x12340
  ld a0, 0(t0)
  ADBITS(a1, 9)
  CHECK(a1, PTE_A)
  li TESTNUM, 14
  li t0, 0x40200000 + 0x12340
  sd a0, 8(t0)
  ADBITS(a1, 9)
  CHECK(a1, PTE_A | PTE_D)
  /* 15: non-leaf PTE unchanged */
  li TESTNUM, 15
  la t0, vm_root
  ld t0, 0(t0)
  ld a0, 8(t0)
  la t1, nonleaf
  ld a1, 0(t1)
  CHECK_R(a0, a1)
  andi a0, a0, PTE_A | PTE_D | PTE_U | PTE_R | PTE_W | PTE_X
  CHECK(a0, 0)

  /* 16..19: clear A/D in software, sfence.vma, access again: set again */
  li TESTNUM, 16
  li t0, P(10)
  sd zero, 0(t0)
  ADBITS(a1, 10)
  CHECK(a1, PTE_A | PTE_D)
  PTEADDR(10)
  ld t1, 0(t0)
  andi t1, t1, ~(PTE_A | PTE_D)
  sd t1, 0(t0)
  sfence.vma
  li TESTNUM, 17
  li t0, P(10)
  ld a0, 0(t0)
  ADBITS(a1, 10)
  CHECK(a1, PTE_A)
  li TESTNUM, 18
  li t0, P(10)
  sd a0, 0(t0)
  ADBITS(a1, 10)
  CHECK(a1, PTE_A | PTE_D)
  li TESTNUM, 19
  PTEADDR(10)
  ld t1, 0(t0)
  andi t1, t1, ~PTE_D
  sd t1, 0(t0)
  li t2, P(10)
  sfence.vma t2
  sd a0, 0(t2)
  ADBITS(a1, 10)
  CHECK(a1, PTE_A | PTE_D)
  /* 20: the PTE's other bits are preserved by the update */
  li TESTNUM, 20
  PTEADDR(10)
  ld a0, 0(t0)
  la t1, data
  srli t1, t1, 12
  slli t1, t1, 10
  ori t1, t1, RW | PTE_A | PTE_D
  CHECK_R(a0, t1)
  TO_M

  /* 21/22: U-mode load and fetch set A */
  GO_U
  li TESTNUM, 21
  li t0, P(6)
  ld a0, 0(t0)
  TO_M
  ADBITS(a1, 6)
  CHECK(a1, PTE_A)
  GO_U
  li TESTNUM, 22
  li t0, P(11)
  jalr ra, 0(t0)
  TO_M
  ADBITS(a1, 11)
  CHECK(a1, PTE_A)
  /* 23: the data really went where expected (amoadd of case 12) */
  li TESTNUM, 23
  la t0, data
  ld a0, 32(t0)
  CHECK(a0, 5)
  PASS

  .align 12
code:
  li a0, 1
  ret
  .align 12

TEST_DATA
  .align 3
ptes: .skip 8 * 16
nonleaf: .dword 0
  .align 12
data: .skip 4096
