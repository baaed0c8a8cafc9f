/* Sv39 translation: 4 KiB pages, 2 MiB megapages, 1 GiB gigapages, the upper half of the
 * address space, non-canonical addresses, execution through a mapping, and satp writes of
 * unsupported modes. */
#include "test.h"
#include "vm.h"

#define VA4K  0x40000000
#define VAMEG 0x40200000
#define VAGIG 0xC0000000
#define VATOP 0xFFFFFFFFFFFFF000
#define VANEG 0xFFFFFFC000000000

TEST_BEGIN
  VM_TRAPS_INIT
  li a0, SATP_SV39
  call vm_init
  call vm_std_map
  /* 4 KiB: VA4K -> page0, VA4K+0x1000 -> page1, VA4K+0x2000 -> page0 (alias) */
  li a0, VA4K
  la a1, pages
  li a2, PTE_RWX
  li a3, 0
  call vm_map
  li a0, VA4K + 0x1000
  la a1, pages + 0x1000
  li a2, PTE_RWX
  li a3, 0
  call vm_map
  li a0, VA4K + 0x2000
  la a1, pages
  li a2, PTE_RWX
  li a3, 0
  call vm_map
  /* executable 4 KiB page holding code_page */
  li a0, VA4K + 0x3000
  la a1, code_page
  li a2, PTE_V | PTE_X | PTE_R | PTE_A
  li a3, 0
  call vm_map
  /* megapage VAMEG -> 0x80200000 */
  li a0, VAMEG
  li a1, 0x80200000
  li a2, PTE_RWX
  li a3, 1
  call vm_map
  /* gigapage VAGIG -> 0x80000000, and the same in the upper half */
  li a0, VAGIG
  li a1, 0x80000000
  li a2, PTE_RWX
  li a3, 2
  call vm_map
  li a0, VANEG
  li a1, 0x80000000
  li a2, PTE_RWX
  li a3, 2
  call vm_map
  /* the very last 4 KiB page of the address space -> page1 */
  li a0, VATOP
  la a1, pages + 0x1000
  li a2, PTE_RWX
  li a3, 0
  call vm_map

  /* values written physically before translation is on */
  la t0, pages
  li t1, 0x1111222233334444
  sd t1, 0(t0)
  li t1, 0x5555666677778888
  li t2, 0x1000
  add t0, t0, t2
  sd t1, -8(t0)
  li t1, 0x0123456789abcdef
  sd t1, 0(t0)
  li t0, 0x80200000
  li t1, 0x0a0b0c0d0e0f1011
  sd t1, 0(t0)
  li t0, 0x80200000 + 0x1ffff8
  li t1, 0x7777777788888888
  sd t1, 0(t0)

  VM_ENABLE
  GO_S

  /* 2: 4 KiB load */
  li TESTNUM, 2
  li t0, VA4K
  ld a0, 0(t0)
  CHECK(a0, 0x1111222233334444)
  /* 3: last dword of the page */
  li TESTNUM, 3
  li t0, VA4K + 0x1000
  ld a0, -8(t0)
  CHECK(a0, 0x5555666677778888)
  /* 4: second page maps elsewhere */
  li TESTNUM, 4
  li t0, VA4K + 0x1000
  ld a0, 0(t0)
  CHECK(a0, 0x0123456789abcdef)
  /* 5: store through one alias, read through the other */
  li TESTNUM, 5
  li t0, VA4K
  li t1, 0xfeedfacecafebeef
  sd t1, 16(t0)
  li t0, VA4K + 0x2000
  ld a0, 16(t0)
  CHECK(a0, 0xfeedfacecafebeef)
  /* 6: sub-word accesses */
  li TESTNUM, 6
  li t1, 0xa5
  sb t1, 24(t0)
  li t1, 0x5aa5
  sh t1, 26(t0)
  li t1, 0x12345678
  sw t1, 28(t0)
  li t0, VA4K
  ld a0, 24(t0)
  CHECK(a0, 0x123456785aa500a5)
  /* 7: megapage, first and last dword */
  li TESTNUM, 7
  li t0, VAMEG
  ld a0, 0(t0)
  CHECK(a0, 0x0a0b0c0d0e0f1011)
  li TESTNUM, 8
  li t0, VAMEG + 0x1ffff8
  ld a0, 0(t0)
  CHECK(a0, 0x7777777788888888)
  /* 9: megapage store, seen in the 4 KiB alias? no: in physical memory (checked in M) */
  li TESTNUM, 9
  li t0, VAMEG + 0x1000
  li t1, 0x3141592653589793
  sd t1, 0(t0)
  /* 10: gigapage: read a data label at its offset in the gigapage */
  li TESTNUM, 10
  la t0, gdata
  li t1, 0x80000000
  sub t0, t0, t1
  li t1, VAGIG
  add t0, t0, t1
  ld a0, 0(t0)
  CHECK(a0, 0x2718281828459045)
  /* 11: upper-half gigapage */
  li TESTNUM, 11
  la t0, gdata
  li t1, 0x80000000
  sub t0, t0, t1
  li t1, VANEG
  add t0, t0, t1
  ld a0, 0(t0)
  CHECK(a0, 0x2718281828459045)
  /* 12: the last page of the address space */
  li TESTNUM, 12
  li t0, VATOP
  ld a0, 0(t0)
  CHECK(a0, 0x0123456789abcdef)
  li TESTNUM, 13
  li t0, -8
  li t1, 0x1357924680
  sd t1, 0(t0)
  ld a0, 0(t0)
  CHECK(a0, 0x1357924680)
  /* 14: execute through a 4 KiB mapping */
  li TESTNUM, 14
  li t0, VA4K + 0x3000
  li a0, 0
  jalr ra, 0(t0)
  CHECK(a0, 0x1234)
  CHECK(a1, VA4K + 0x3000)
  EXPECT_NO_TRAP

  /* 15: non-canonical addresses fault with tval = the address */
  li TESTNUM, 15
  TRAP_CLEAR
  li t0, 0x0000004000000000
  ld a0, 0(t0)
  EXPECT_TRAP(13, 0x0000004000000000)
  EXPECT_BY(3)
  EXPECT_FROM(MODE_S)
  li TESTNUM, 16
  TRAP_CLEAR
  li t0, 0xFFFFFF8000000000
  sd a0, 0(t0)
  EXPECT_TRAP(15, 0xFFFFFF8000000000)
  li TESTNUM, 17
  TRAP_CLEAR
  li t0, 0x8000000040000000
  ld a0, 0(t0)
  EXPECT_TRAP(13, 0x8000000040000000)
  li TESTNUM, 18
  TRAP_CLEAR
  li t0, 0x0000008000003000
  jalr ra, 0(t0)
  EXPECT_TRAP(12, 0x0000008000003000)
  /* 19: unmapped VA next to a mapped one (V = 0 in a populated table) */
  li TESTNUM, 19
  TRAP_CLEAR
  li t0, VA4K + 0x4000
  lw a0, 0(t0)
  EXPECT_TRAP(13, VA4K + 0x4000)
  /* 20: unmapped gigapage slot */
  li TESTNUM, 20
  TRAP_CLEAR
  li t0, 0x100000123
  sw a0, 0(t0)
  EXPECT_TRAP(15, 0x100000123)
  EXPECT_FROM(MODE_S)

  TO_M
  /* 21: the megapage store of case 9 landed at 0x80201000 */
  li TESTNUM, 21
  li t0, 0x80201000
  ld a0, 0(t0)
  CHECK(a0, 0x3141592653589793)
  /* 22: M-mode is not translated, whatever satp says */
  li TESTNUM, 22
  la t0, gdata
  ld a0, 0(t0)
  CHECK(a0, 0x2718281828459045)
  /* 23: satp reads back what was written (Sv39 supported) */
  li TESTNUM, 23
  call vm_satp
  mv s0, a0
  csrr a1, satp
  CHECK_R(a1, s0)
  /* 24..: unsupported modes leave satp unchanged */
  li TESTNUM, 24
  li s1, 1
1:
  li t0, 8
  beq s1, t0, 2f
  li t0, 9
  beq s1, t0, 2f
  li t0, 10
  beq s1, t0, 2f
  slli t0, s1, 60
  li t1, 0x12345
  or t0, t0, t1
  csrw satp, t0
  csrr a1, satp
  CHECK_R(a1, s0)
2:
  addi s1, s1, 1
  li t0, 16
  bltu s1, t0, 1b
  /* 25: satp = Bare turns translation off for S-mode */
  li TESTNUM, 25
  csrw satp, zero
  csrr a1, satp
  CHECK(a1, 0)
  sfence.vma
  GO_S
  la t0, gdata
  ld a0, 0(t0)
  TO_M
  CHECK(a0, 0x2718281828459045)
  PASS

  .align 12
code_page:
  auipc a1, 0
  li a0, 0x1234
  ret
  .align 12

TEST_DATA
  .align 3
gdata: .dword 0x2718281828459045
  .bss
  .align 12
pages: .skip 0x3000
