/* SFENCE.VMA makes PTE changes visible: remapping a 4 KiB page, permission upgrades and
 * downgrades, V = 0 -> 1 (a fault seen before the fence must not persist after it) and
 * 1 -> 0, non-leaf PTE changes, superpage <-> 4 KiB table changes, sfence.vma with an address
 * and/or an ASID operand, a new root in satp, instruction fetch through a changed mapping,
 * code written through a data alias + FENCE.I, and satp MODE changes (Bare <-> Sv39), which
 * take effect without a fence. Accesses without a fence after a change are never checked
 * (either the old or the new mapping would be correct). */
#include "test.h"
#include "vm.h"

#define B 0x40000000
#define P(i) (B + (i) * 0x1000)
#define MAP(va, pa, flags, level) li a0, va; la a1, pa; li a2, flags; li a3, level; call vm_map
#define RW (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define SAVEPTE(i) la t1, ptes; sd a0, (8 * (i))(t1)
#define PTEADDR(reg, i) la reg, ptes; ld reg, (8 * (i))(reg)
/* PTE value for a page label with flags, into reg (uses t0) */
#define MKPTE(reg, label, flags) la reg, label; srli reg, reg, 12; slli reg, reg, 10; ori reg, reg, flags
#define SETPTE(i, label, flags) MKPTE(t1, label, flags); PTEADDR(t2, i); sd t1, 0(t2)

TEST_BEGIN
  VM_TRAPS_INIT
  li a0, SATP_SV39
  call vm_init
  call vm_std_map
  MAP(P(0), pageA, RW, 0)
  SAVEPTE(0)
  MAP(P(1), pageA, PTE_V | PTE_R | PTE_A, 0)
  SAVEPTE(1)
  MAP(P(2), pageA, RW & ~PTE_V, 0)
  SAVEPTE(2)
  MAP(P(3), codeA, PTE_V | PTE_X | PTE_A, 0)
  SAVEPTE(3)
  MAP(P(4), jitpage, RW, 0)
  SAVEPTE(4)
  MAP(P(5), jitpage, PTE_V | PTE_X | PTE_A, 0)
  SAVEPTE(5)
  MAP(P(6), pageA, RW, 0)
  SAVEPTE(6)
  /* megapage at 0x40200000 -> 0x80200000 */
  li a0, 0x40200000
  li a1, 0x80200000
  li a2, RW
  li a3, 1
  call vm_map
  SAVEPTE(7)
  /* a spare level-0 table (built by hand) for 0x40200000: page 0 -> pageB */
  la t0, spare_table
  MKPTE(t1, pageB, RW)
  sd t1, 0(t0)
  /* marks */
  la t0, pageA
  li t1, 0xAAAA
  sd t1, 0(t0)
  la t0, pageB
  li t1, 0xBBBB
  sd t1, 0(t0)
  li t0, 0x80200000
  li t1, 0x3333
  sd t1, 0(t0)

  VM_ENABLE
  GO_S
  /* 2: remap a page, sfence.vma (all) */
  li TESTNUM, 2
  li s0, P(0)
  ld a0, 0(s0)
  CHECK(a0, 0xAAAA)
  SETPTE(0, pageB, RW)
  sfence.vma
  ld a0, 0(s0)
  CHECK(a0, 0xBBBB)
  /* 3: back, sfence.vma with the address */
  li TESTNUM, 3
  SETPTE(0, pageA, RW)
  sfence.vma s0
  ld a0, 0(s0)
  CHECK(a0, 0xAAAA)
  /* 4: remap, sfence.vma x0, asid (ASID 0, the PTE is not global) */
  li TESTNUM, 4
  SETPTE(0, pageB, RW)
  sfence.vma zero, zero
  ld a0, 0(s0)
  CHECK(a0, 0xBBBB)
  /* 5: remap, sfence.vma address, asid */
  li TESTNUM, 5
  SETPTE(0, pageA, RW)
  sfence.vma s0, zero
  ld a0, 0(s0)
  CHECK(a0, 0xAAAA)
  /* 6: address inside the page (not page aligned) */
  li TESTNUM, 6
  SETPTE(0, pageB, RW)
  addi t0, s0, 0x7f8
  sfence.vma t0
  ld a0, 0(s0)
  CHECK(a0, 0xBBBB)
  /* 7: global PTE, sfence.vma x0, x0 */
  li TESTNUM, 7
  SETPTE(0, pageA, RW | PTE_G)
  sfence.vma
  ld a0, 0(s0)
  CHECK(a0, 0xAAAA)

  /* 8/9: permission upgrade: R -> RW */
  li TESTNUM, 8
  TRAP_CLEAR
  li s0, P(1)
  sd zero, 8(s0)
  EXPECT_TRAP(15, P(1) + 8)
  li TESTNUM, 9
  SETPTE(1, pageA, RW)
  sfence.vma s0
  TRAP_CLEAR
  li t1, 0x99
  sd t1, 8(s0)
  EXPECT_NO_TRAP
  ld a0, 8(s0)
  CHECK(a0, 0x99)
  /* 10: downgrade RW -> R */
  li TESTNUM, 10
  SETPTE(1, pageA, PTE_V | PTE_R | PTE_A)
  sfence.vma
  TRAP_CLEAR
  sd zero, 8(s0)
  EXPECT_TRAP(15, P(1) + 8)
  ld a0, 8(s0)
  CHECK(a0, 0x99)
  /* 11/12: invalid -> valid: the earlier fault must not persist */
  li TESTNUM, 11
  TRAP_CLEAR
  li s0, P(2)
  ld a0, 0(s0)
  EXPECT_TRAP(13, P(2))
  li TESTNUM, 12
  SETPTE(2, pageA, RW)
  sfence.vma
  TRAP_CLEAR
  ld a0, 0(s0)
  EXPECT_NO_TRAP
  CHECK(a0, 0xAAAA)
  /* 13: valid -> invalid */
  li TESTNUM, 13
  SETPTE(2, pageA, RW & ~PTE_V)
  sfence.vma s0
  TRAP_CLEAR
  sd zero, 0(s0)
  EXPECT_TRAP(15, P(2))

  /* 14/15: instruction fetch through a changed mapping */
  li TESTNUM, 14
  li s0, P(3)
  jalr ra, 0(s0)
  CHECK(a0, 0xA)
  li TESTNUM, 15
  SETPTE(3, codeB, PTE_V | PTE_X | PTE_A)
  sfence.vma
  jalr ra, 0(s0)
  CHECK(a0, 0xB)
  /* 16: fetch permission removed */
  li TESTNUM, 16
  SETPTE(3, codeB, PTE_V | PTE_R | PTE_A)
  sfence.vma s0
  TRAP_CLEAR
  li a0, 0
  jalr ra, 0(s0)
  EXPECT_TRAP(12, P(3))
  CHECK(a0, 0)
  /* 17: and restored */
  li TESTNUM, 17
  SETPTE(3, codeA, PTE_V | PTE_X | PTE_A)
  sfence.vma s0
  jalr ra, 0(s0)
  CHECK(a0, 0xA)

  /* 18..20: code written through a data alias, then FENCE.I */
  li TESTNUM, 18
  li s0, P(4)
  li s1, P(5)
  li t1, 0x00100513          /* li a0, 1 */
  sw t1, 0(s0)
  li t1, 0x00008067          /* ret */
  sw t1, 4(s0)
  fence.i
  jalr ra, 0(s1)
  CHECK(a0, 1)
  li TESTNUM, 19
  li t1, 0x00200513          /* li a0, 2 */
  sw t1, 0(s0)
  fence.i
  jalr ra, 0(s1)
  CHECK(a0, 2)
  li TESTNUM, 20
  li t1, 0x7ff00513          /* li a0, 2047 */
  sw t1, 0(s0)
  fence.i
  jalr ra, 0(s1)
  CHECK(a0, 2047)

  /* 21: megapage -> pointer to a level-0 table */
  li TESTNUM, 21
  li s0, 0x40200000
  ld a0, 0(s0)
  CHECK(a0, 0x3333)
  la t1, spare_table
  srli t1, t1, 12
  slli t1, t1, 10
  ori t1, t1, PTE_V
  PTEADDR(t2, 7)
  sd t1, 0(t2)
  sfence.vma
  ld a0, 0(s0)
  CHECK(a0, 0xBBBB)
  /* 22: rest of the former megapage is now unmapped */
  li TESTNUM, 22
  TRAP_CLEAR
  li t0, 0x40201000
  ld a0, 0(t0)
  EXPECT_TRAP(13, 0x40201000)
  /* 23: change inside the level-0 table (non-leaf unchanged) */
  li TESTNUM, 23
  la t0, spare_table
  MKPTE(t1, pageA, RW)
  sd t1, 0(t0)
  sfence.vma s0
  ld a0, 0(s0)
  CHECK(a0, 0xAAAA)
  /* 24: back to the megapage */
  li TESTNUM, 24
  li t1, 0x80200000
  srli t1, t1, 12
  slli t1, t1, 10
  ori t1, t1, RW
  PTEADDR(t2, 7)
  sd t1, 0(t2)
  sfence.vma
  ld a0, 0(s0)
  CHECK(a0, 0x3333)
  li t0, 0x40201000
  ld a0, 0(t0)
  TO_M

  /* 25: M-mode changes a PTE and fences; S then sees the change */
  li TESTNUM, 25
  SETPTE(6, pageB, RW)
  sfence.vma
  GO_S
  li t0, P(6)
  ld a0, 0(t0)
  CHECK(a0, 0xBBBB)
  TO_M
  /* 26: and for U (user page) */
  li TESTNUM, 26
  SETPTE(6, pageA, RW | PTE_U)
  sfence.vma
  GO_U
  li t0, P(6)
  ld a0, 0(t0)
  CHECK(a0, 0xAAAA)
  TO_M

  /* 27/28: Sv39 -> Bare -> Sv39 without sfence.vma: mode changes take effect at once */
  li TESTNUM, 27
  SETPTE(6, pageA, RW)
  sfence.vma
  csrr s1, satp
  GO_S
  TRAP_CLEAR
  li a0, 0
  li t0, P(6)
  ld a0, 0(t0)
  CHECK(a0, 0xAAAA)
  EXPECT_NO_TRAP
  TO_M
  csrw satp, zero
  GO_S
  la t0, pageB
  ld a0, 0(t0)
  CHECK(a0, 0xBBBB)
  TRAP_CLEAR
  li t0, P(6)       /* physical 0x40006000: nothing there */
  ld a0, 0(t0)
  EXPECT_TRAP(5, P(6))
  TO_M
  li TESTNUM, 28
  csrw satp, s1
  GO_S
  li a0, 0
  li t0, P(6)
  ld a0, 0(t0)
  CHECK(a0, 0xAAAA)
  TO_M

  /* 29: a second root: P(6) -> pageB there; switch satp (+ sfence.vma) */
  li TESTNUM, 29
  la a0, root2
  li a1, 512 * 8
1:
  addi a1, a1, -8
  add t0, a0, a1
  sd zero, 0(t0)
  bnez a1, 1b
  /* copy root entries 1 (VA 0x40000000) .. 7 from root 1 except index 1 -> new L1 */
  la t0, vm_root
  ld t0, 0(t0)
  la t1, root2
  ld t2, 16(t0)          /* index 2: RAM identity gigapage */
  sd t2, 16(t1)
  ld t2, 48(t0)          /* index 6: user alias */
  sd t2, 48(t1)
  /* index 1 -> l1b, l1b[0] -> l0b, l0b[6] -> pageB */
  la t2, l1b
  srli t2, t2, 12
  slli t2, t2, 10
  ori t2, t2, PTE_V
  sd t2, 8(t1)
  la t1, l1b
  la t2, l0b
  srli t2, t2, 12
  slli t2, t2, 10
  ori t2, t2, PTE_V
  sd t2, 0(t1)
  la t1, l0b
  MKPTE(t2, pageB, RW)
  sd t2, 48(t1)
  la t0, root2
  srli t0, t0, 12
  li t1, SATP_SV39 << 60
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  GO_S
  li a0, 0
  li t0, P(6)
  ld a0, 0(t0)
  CHECK(a0, 0xBBBB)
  TRAP_CLEAR
  li t0, P(0)
  ld a0, 0(t0)
  EXPECT_TRAP(13, P(0))
  TO_M
  /* 30: and back */
  li TESTNUM, 30
  csrw satp, s1
  sfence.vma
  GO_S
  li a0, 0
  li t0, P(6)
  ld a0, 0(t0)
  CHECK(a0, 0xAAAA)
  TO_M
  PASS

  .align 12
codeA:
  li a0, 0xA
  ret
  .align 12
codeB:
  li a0, 0xB
  ret
  .align 12

TEST_DATA
  .align 3
ptes: .skip 8 * 16
  .align 12
pageA: .skip 4096
pageB: .skip 4096
jitpage: .skip 4096
spare_table: .skip 4096
root2: .skip 4096
l1b: .skip 4096
l0b: .skip 4096
