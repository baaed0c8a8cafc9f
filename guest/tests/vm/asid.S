/* Address spaces told apart by satp's ASID (Sv39). Two roots, A (ASID 5) and B (ASID 0x1234),
 * map the same virtual pages to different frames and share one global page; the code switches
 * between them by writing satp alone, with no SFENCE.VMA. Checked: every ASID bit written to
 * satp reads back; each address space sees its own frames and faults on pages only the other
 * maps; sfence.vma with an ASID (run from the other address space, or in M-mode), with an
 * address and an ASID, with an address alone and with neither makes the new PTEs seen where
 * they must be; a fence of one page of a megapage drops the whole megapage; SUM, MXR and the
 * privilege change permissions at once, in each address space. What the spec lets a hart keep
 * (the other address space's entries, global entries after an ASID fence) is never checked. */
#include "test.h"
#include "vm.h"

#define B 0x40000000
#define P(i) (B + (i) * 0x1000)
#define MEGA 0x40200000
#define ASID_A 5
#define ASID_B 0x1234
#define RW (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define XO (PTE_V | PTE_X | PTE_A)

#define MAP(va, pa, flags, level) li a0, va; la a1, pa; li a2, flags; li a3, level; call vm_map
#define MAPP(va, pa, flags, level) li a0, va; li a1, pa; li a2, flags; li a3, level; call vm_map
#define SAVEPTE(slot) la t1, slot; sd a0, 0(t1)
/* satp of the tables built so far, with an ASID, saved at label `slot` */
#define SAVESATP(slot, asid) call vm_satp; li t0, asid; slli t0, t0, 44; or a0, a0, t0; la t1, slot; sd a0, 0(t1)
/* Rewrite a saved leaf PTE: to page `label`, or to physical address `pa` */
#define SETPTE(slot, label, flags) la t1, label; srli t1, t1, 12; slli t1, t1, 10; ori t1, t1, flags; la t2, slot; ld t2, 0(t2); sd t1, 0(t2)
#define SETPTEP(slot, pa, flags) li t1, pa; srli t1, t1, 12; slli t1, t1, 10; ori t1, t1, flags; la t2, slot; ld t2, 0(t2); sd t1, 0(t2)
/* Enter an address space by a satp write alone */
#define SWITCH(slot) la t0, slot; ld t0, 0(t0); csrw satp, t0
#define MARK(label, value) la t0, label; li t1, value; sd t1, 0(t0)
#define MARKP(pa, value) li t0, pa; li t1, value; sd t1, 0(t0)
#define EXPECT(va, value) li t0, va; ld a0, 0(t0); CHECK(a0, value)
#define EXPECT_LOAD_PF(va) TRAP_CLEAR; li t0, va; ld a0, 0(t0); EXPECT_TRAP(13, va)
#define EXPECT_STORE_PF(va) TRAP_CLEAR; li t0, va; sd t0, 16(t0); EXPECT_TRAP(15, va + 16)
#define SUM_ON li t0, MSTATUS_SUM; csrs sstatus, t0
#define SUM_OFF li t0, MSTATUS_SUM; csrc sstatus, t0
#define MXR_ON li t0, MSTATUS_MXR; csrs sstatus, t0
#define MXR_OFF li t0, MSTATUS_MXR; csrc sstatus, t0

TEST_BEGIN
  VM_TRAPS_INIT
  li a0, SATP_SV39
  call vm_init
  /* address space A */
  call vm_std_map
  MAP(P(0), frameA1, RW, 0)
  SAVEPTE(pteA0)
  MAP(P(1), frameG1, RW | PTE_G, 0)
  SAVEPTE(pteA1)
  MAP(P(2), frameA2, RW, 0)
  MAP(P(4), frameA1, RW | PTE_U, 0)
  MAP(P(5), frameA1, XO, 0)
  MAPP(MEGA, 0x80200000, RW, 1)
  SAVEPTE(pteAM)
  SAVESATP(satpA, ASID_A)
  /* address space B: a root of its own */
  la t0, rootB
  la t1, vm_root
  sd t0, 0(t1)
  call vm_std_map
  MAP(P(0), frameB1, RW, 0)
  SAVEPTE(pteB0)
  MAP(P(1), frameG1, RW | PTE_G, 0)
  SAVEPTE(pteB1)
  MAP(P(3), frameB3, RW, 0)
  MAP(P(4), frameB1, RW | PTE_U, 0)
  MAP(P(5), frameB1, XO, 0)
  MAPP(MEGA, 0x80400000, RW, 1)
  SAVESATP(satpB, ASID_B)
  /* what each frame holds */
  MARK(frameA1, 0xA1)
  MARK(frameA2, 0xA2)
  MARK(frameB1, 0xB1)
  MARK(frameB3, 0xB3)
  MARK(frameG1, 0x61)
  MARK(frameG2, 0x62)
  MARK(frameG3, 0x63)
  MARK(frameN1, 0xE1)
  MARK(frameN2, 0xE2)
  MARKP(0x80201000, 0x3331)
  MARKP(0x80401000, 0x5551)
  MARKP(0x80402000, 0x5552)
  MARKP(0x80601000, 0x7771)

  /* 2: ASIDLEN is 16: all ones written to the ASID field read back */
  li TESTNUM, 2
  la t0, satpA
  ld t0, 0(t0)
  li t1, 0xffff
  slli t1, t1, 44
  or t0, t0, t1
  csrw satp, t0
  csrr a0, satp
  srli a0, a0, 44
  li t1, 0xffff
  and a0, a0, t1
  CHECK(a0, 0xffff)

  SWITCH(satpA)
  sfence.vma
  GO_S
  /* 3: one page, two frames, switched by satp alone; the global page is seen from both */
  li TESTNUM, 3
  li s0, 3
1:
  SWITCH(satpA)
  EXPECT(P(0), 0xA1)
  EXPECT(P(1), 0x61)
  SWITCH(satpB)
  EXPECT(P(0), 0xB1)
  EXPECT(P(1), 0x61)
  addi s0, s0, -1
  bnez s0, 1b
  /* 4: a page only A maps: B faults on it, A still reads it */
  li TESTNUM, 4
  SWITCH(satpA)
  EXPECT(P(2), 0xA2)
  SWITCH(satpB)
  EXPECT_LOAD_PF(P(2))
  SWITCH(satpA)
  TRAP_CLEAR
  EXPECT(P(2), 0xA2)
  EXPECT_NO_TRAP
  /* 5: a page only B maps */
  li TESTNUM, 5
  EXPECT_LOAD_PF(P(3))
  SWITCH(satpB)
  EXPECT(P(3), 0xB3)
  SWITCH(satpA)
  EXPECT_LOAD_PF(P(3))
  /* 6: stores reach the frame of the address space that made them */
  li TESTNUM, 6
  li t1, 0xA1A1
  li t0, P(0)
  sd t1, 8(t0)
  SWITCH(satpB)
  li t1, 0xB1B1
  li t0, P(0)
  sd t1, 8(t0)
  SWITCH(satpA)
  li t0, P(0)
  ld a0, 8(t0)
  CHECK(a0, 0xA1A1)
  la t0, frameA1
  ld a0, 8(t0)
  CHECK(a0, 0xA1A1)
  la t0, frameB1
  ld a0, 8(t0)
  CHECK(a0, 0xB1B1)

  /* 7: sfence.vma x0, ASID of A, run while B is current: A then sees its new PTE */
  li TESTNUM, 7
  SWITCH(satpB)
  SETPTE(pteA0, frameN1, RW)
  li t0, ASID_A
  sfence.vma zero, t0
  SWITCH(satpA)
  EXPECT(P(0), 0xE1)
  SWITCH(satpB)
  EXPECT(P(0), 0xB1)
  /* 8: sfence.vma address, ASID of A, run in B */
  li TESTNUM, 8
  SETPTE(pteA0, frameA1, RW)
  li t0, P(0)
  li t1, ASID_A
  sfence.vma t0, t1
  SWITCH(satpA)
  EXPECT(P(0), 0xA1)
  /* 9: sfence.vma address, x0: the page in every address space */
  li TESTNUM, 9
  SETPTE(pteA0, frameN1, RW)
  SETPTE(pteB0, frameN2, RW)
  li t0, P(0)
  sfence.vma t0, zero
  EXPECT(P(0), 0xE1)
  SWITCH(satpB)
  EXPECT(P(0), 0xE2)
  /* 10: sfence.vma x0, x0 */
  li TESTNUM, 10
  SETPTE(pteA0, frameA1, RW)
  SETPTE(pteB0, frameB1, RW)
  sfence.vma
  EXPECT(P(0), 0xB1)
  SWITCH(satpA)
  EXPECT(P(0), 0xA1)
  /* 11: the global page changes; sfence.vma address, x0 drops it everywhere */
  li TESTNUM, 11
  SETPTE(pteA1, frameG2, RW | PTE_G)
  SETPTE(pteB1, frameG2, RW | PTE_G)
  li t0, P(1)
  sfence.vma t0, zero
  EXPECT(P(1), 0x62)
  SWITCH(satpB)
  EXPECT(P(1), 0x62)
  /* 12: and sfence.vma x0, x0 */
  li TESTNUM, 12
  SETPTE(pteA1, frameG3, RW | PTE_G)
  SETPTE(pteB1, frameG3, RW | PTE_G)
  sfence.vma
  EXPECT(P(1), 0x63)
  SWITCH(satpA)
  EXPECT(P(1), 0x63)

  /* 13: megapages: a fence of another page of A's megapage, with A's ASID, drops all of it
   * (B reads another page of the range, so as not to displace what A has cached) */
  li TESTNUM, 13
  EXPECT(MEGA + 0x1000, 0x3331)
  SWITCH(satpB)
  EXPECT(MEGA + 0x2000, 0x5552)
  SWITCH(satpA)
  SETPTEP(pteAM, 0x80600000, RW)
  li t0, MEGA + 0x5000
  li t1, ASID_A
  sfence.vma t0, t1
  EXPECT(MEGA + 0x1000, 0x7771)
  SWITCH(satpB)
  EXPECT(MEGA + 0x2000, 0x5552)
  /* 14: the same with rs2 = x0, from B, at the megapage's last page */
  li TESTNUM, 14
  SETPTEP(pteAM, 0x80200000, RW)
  li t0, MEGA + 0x1ff000
  sfence.vma t0, zero
  SWITCH(satpA)
  EXPECT(MEGA + 0x1000, 0x3331)

  /* 15: SUM toggled without fences: a user page, in each address space, twice */
  li TESTNUM, 15
  li s0, 2
2:
  SWITCH(satpA)
  SUM_ON
  EXPECT(P(4), 0xA1)
  li t0, P(4)
  sd t0, 16(t0)
  SUM_OFF
  EXPECT_LOAD_PF(P(4))
  EXPECT_STORE_PF(P(4))
  SWITCH(satpB)
  EXPECT_LOAD_PF(P(4))
  SUM_ON
  EXPECT(P(4), 0xB1)
  SUM_OFF
  addi s0, s0, -1
  bnez s0, 2b
  /* 16: MXR toggled without fences: an execute-only page */
  li TESTNUM, 16
  li s0, 2
3:
  SWITCH(satpA)
  MXR_ON
  EXPECT(P(5), 0xA1)
  MXR_OFF
  EXPECT_LOAD_PF(P(5))
  SWITCH(satpB)
  EXPECT_LOAD_PF(P(5))
  MXR_ON
  EXPECT(P(5), 0xB1)
  MXR_OFF
  addi s0, s0, -1
  bnez s0, 3b
  TO_M

  /* 17: U-mode: each address space's user page; supervisor pages fault though S read them */
  li TESTNUM, 17
  SWITCH(satpA)
  GO_U
  EXPECT(P(4), 0xA1)
  EXPECT_LOAD_PF(P(0))
  TO_M
  SWITCH(satpB)
  GO_U
  EXPECT(P(4), 0xB1)
  EXPECT_LOAD_PF(P(0))
  TO_M
  SWITCH(satpA)
  GO_U
  EXPECT(P(4), 0xA1)
  TO_M

  /* 18: an ASID fence run in M-mode, as firmware runs remote fences */
  li TESTNUM, 18
  SETPTE(pteA0, frameN1, RW)
  li t0, ASID_A
  sfence.vma zero, t0
  GO_S
  EXPECT(P(0), 0xE1)
  SWITCH(satpB)
  EXPECT(P(0), 0xB1)
  TO_M
  PASS

TEST_DATA
  .align 3
satpA: .dword 0
satpB: .dword 0
pteA0: .dword 0
pteA1: .dword 0
pteAM: .dword 0
pteB0: .dword 0
pteB1: .dword 0
  .align 12
rootB: .skip 4096
frameA1: .skip 4096
frameA2: .skip 4096
frameB1: .skip 4096
frameB3: .skip 4096
frameG1: .skip 4096
frameG2: .skip 4096
frameG3: .skip 4096
frameN1: .skip 4096
frameN2: .skip 4096
