/* Misaligned loads and stores that straddle two pages (hartvm performs misaligned accesses
 * without trapping, as QEMU does). Both pages are resolved before any side effect: a store
 * whose second page is not writable raises a store page fault with stval = the address of
 * the faulting portion (the first byte of the second page) and leaves the first page
 * unchanged; when the first page faults, stval = the access address and the second page is
 * unchanged. The two pages map to physical frames in reverse order, so bytes must be
 * gathered and scattered per page. */
#include "test.h"
#include "vm.h"

#define B 0x40000000
#define P(i) (B + (i) * 0x1000)
#define MAP(va, pa, flags, level) li a0, va; la a1, pa; li a2, flags; li a3, level; call vm_map
#define RW (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define RO (PTE_V | PTE_R | PTE_A)
/* frame contents: frameA byte i = 0xA0 + (i & 15), frameB byte i = 0xB0 + (i & 15) */

TEST_BEGIN
  VM_TRAPS_INIT
  li a0, SATP_SV39
  call vm_init
  call vm_std_map
  /* P(0) -> frameB, P(1) -> frameA (reversed), both RW */
  MAP(P(0), frameB, RW, 0)
  MAP(P(1), frameA, RW, 0)
  /* P(2) RW -> frameC, P(3) RO -> frameD */
  MAP(P(2), frameC, RW, 0)
  MAP(P(3), frameD, RO, 0)
  /* P(4) RO -> frameE, P(5) RW -> frameF */
  MAP(P(4), frameE, RO, 0)
  MAP(P(5), frameF, RW, 0)
  /* P(6) RW -> frameG, P(7) unmapped */
  MAP(P(6), frameG, RW, 0)
  /* P(9) (user RW) after P(8) (supervisor RW), both -> frameH/frameI */
  MAP(P(8), frameH, RW, 0)
  MAP(P(9), frameI, RW | PTE_U, 0)
  call fill

  VM_ENABLE
  GO_S
  /* 2..5: loads across P(0)/P(1) */
  li TESTNUM, 2
  li t0, P(1) - 4
  ld a0, 0(t0)
  CHECK(a0, 0xA3A2A1A0BFBEBDBC)
  li TESTNUM, 3
  li t0, P(1) - 1
  ld a0, 0(t0)
  CHECK(a0, 0xA6A5A4A3A2A1A0BF)
  li TESTNUM, 4
  li t0, P(1) - 2
  lw a0, 0(t0)
  CHECK(a0, 0xFFFFFFFFA1A0BFBE)
  li TESTNUM, 5
  li t0, P(1) - 1
  lhu a0, 0(t0)
  CHECK(a0, 0xA0BF)
  lh a0, 0(t0)
  CHECK(a0, 0xFFFFFFFFFFFFA0BF)
  li TESTNUM, 6
  li t0, P(1) - 3
  lwu a0, 0(t0)
  CHECK(a0, 0xA0BFBEBD)
  /* 7: store across, then read each frame through its own page */
  li TESTNUM, 7
  li t0, P(1) - 3
  li t1, 0x1122334455667788
  sd t1, 0(t0)
  li t2, P(1) - 8
  ld a0, 0(t2)
  CHECK(a0, 0x667788BCBBBAB9B8)
  li t2, P(1)
  ld a0, 0(t2)
  CHECK(a0, 0xA7A6A51122334455)
  /* 8: sw and sh across */
  li TESTNUM, 8
  li t0, P(1) - 1
  li t1, 0xCAFEF00D
  sw t1, 0(t0)
  li t2, P(1) - 8
  ld a0, 0(t2)
  CHECK(a0, 0x0D7788BCBBBAB9B8)
  li t2, P(1)
  ld a0, 0(t2)
  CHECK(a0, 0xA7A6A51122CAFEF0)
  li TESTNUM, 9
  li t0, P(1) - 1
  li t1, 0x5AA5
  sh t1, 0(t0)
  li t2, P(1) - 8
  lbu a0, 7(t2)
  CHECK(a0, 0xA5)
  li t2, P(1)
  lbu a0, 0(t2)
  CHECK(a0, 0x5A)
  /* 10: FP load/store across */
  li TESTNUM, 10
  li t0, P(1) - 2
  li t1, 0x400921FB54442D18
  fmv.d.x f1, t1
  fsd f1, 0(t0)
  fld f2, 0(t0)
  fmv.x.d a0, f2
  CHECK(a0, 0x400921FB54442D18)
  li t2, P(1)
  ld a0, 0(t2)
  CHECK(a0, 0xA7A6400921FB5444)

  /* 11..13: second page read-only: store faults at the second page, first page unchanged */
  li TESTNUM, 11
  TRAP_CLEAR
  li t0, P(3) - 4
  li t1, 0x1122334455667788
  sd t1, 0(t0)
  EXPECT_TRAP(15, P(3))
  li t2, P(3) - 8
  ld a0, 0(t2)
  CHECK(a0, 0xCFCECDCCCBCAC9C8)
  li t2, P(3)
  ld a0, 0(t2)
  CHECK(a0, 0xD7D6D5D4D3D2D1D0)
  li TESTNUM, 12
  TRAP_CLEAR
  li t0, P(3) - 1
  sw t1, 0(t0)
  EXPECT_TRAP(15, P(3))
  li t2, P(3) - 8
  ld a0, 0(t2)
  CHECK(a0, 0xCFCECDCCCBCAC9C8)
  li TESTNUM, 13
  TRAP_CLEAR
  li t0, P(3) - 1
  sh t1, 0(t0)
  EXPECT_TRAP(15, P(3))
  li t2, P(3) - 8
  ld a0, 0(t2)
  CHECK(a0, 0xCFCECDCCCBCAC9C8)
  /* 14: loads across the same boundary work */
  li TESTNUM, 14
  li t0, P(3) - 4
  ld a0, 0(t0)
  CHECK(a0, 0xD3D2D1D0CFCECDCC)
  /* 15: first page read-only: fault at the access address, second page unchanged */
  li TESTNUM, 15
  TRAP_CLEAR
  li t0, P(5) - 2
  li t1, 0x1122334455667788
  sd t1, 0(t0)
  EXPECT_TRAP(15, P(5) - 2)
  li t2, P(5)
  ld a0, 0(t2)
  CHECK(a0, 0xF7F6F5F4F3F2F1F0)
  /* 16..18: second page unmapped: load and store fault at the second page */
  li TESTNUM, 16
  TRAP_CLEAR
  li t0, P(7) - 4
  li a0, 0x99
  ld a0, 0(t0)
  EXPECT_TRAP(13, P(7))
  CHECK(a0, 0x99)
  li TESTNUM, 17
  TRAP_CLEAR
  li t0, P(7) - 6
  li t1, -1
  sd t1, 0(t0)
  EXPECT_TRAP(15, P(7))
  li t2, P(7) - 8
  ld a0, 0(t2)
  CHECK(a0, 0x6F6E6D6C6B6A6968)
  li TESTNUM, 18
  TRAP_CLEAR
  li t0, P(7) - 2
  li t1, -1
  fmv.d.x f3, t1
  fsd f3, 0(t0)
  EXPECT_TRAP(15, P(7))
  li t2, P(7) - 8
  ld a0, 0(t2)
  CHECK(a0, 0x6F6E6D6C6B6A6968)
  /* 19: supervisor page followed by a user page, from S without SUM: faults on the second */
  li TESTNUM, 19
  TRAP_CLEAR
  li t0, P(9) - 4
  li t1, -1
  sd t1, 0(t0)
  EXPECT_TRAP(15, P(9))
  li t2, P(9) - 8
  ld a0, 0(t2)
  CHECK(a0, 0x8F8E8D8C8B8A8988)
  TO_M
  /* 20: and from U it faults on the first page, second page unchanged */
  li TESTNUM, 20
  GO_U
  TRAP_CLEAR
  li t0, P(9) - 4
  li t1, -1
  sd t1, 0(t0)
  EXPECT_TRAP(15, P(9) - 4)
  li t2, P(9)
  ld a0, 0(t2)
  CHECK(a0, 0x9796959493929190)
  TO_M
  PASS

/* fill frame k (A..I) with bytes (0xA0 + 0x10 * k) + (i & 15) for k = 0..8, using a6 as
 * a running base: A=0xA0, B=0xB0, C=0xC0, D=0xD0, E=0xE0, F=0xF0, G=0x60, H=0x80, I=0x90 */
fill:
  la a0, frameA
  li a1, 0xA0
  mv a6, ra
  call fill1
  la a0, frameB
  li a1, 0xB0
  call fill1
  la a0, frameC
  li a1, 0xC0
  call fill1
  la a0, frameD
  li a1, 0xD0
  call fill1
  la a0, frameE
  li a1, 0xE0
  call fill1
  la a0, frameF
  li a1, 0xF0
  call fill1
  la a0, frameG
  li a1, 0x60
  call fill1
  la a0, frameH
  li a1, 0x80
  call fill1
  la a0, frameI
  li a1, 0x90
  call fill1
  mv ra, a6
  ret
fill1:
  li t0, 0
  li t3, 4096
1:
  andi t1, t0, 15
  add t1, t1, a1
  add t2, a0, t0
  sb t1, 0(t2)
  addi t0, t0, 1
  bltu t0, t3, 1b
  ret

TEST_DATA
  .align 12
frameA: .skip 4096
frameB: .skip 4096
frameC: .skip 4096
frameD: .skip 4096
frameE: .skip 4096
frameF: .skip 4096
frameG: .skip 4096
frameH: .skip 4096
frameI: .skip 4096
