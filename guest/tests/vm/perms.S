/* Page permissions under Sv39: R/W/X/U, reserved encodings (W without R), V = 0, SUM, MXR,
 * misaligned superpages, a non-leaf PTE at the last level. Exact causes and stval = the
 * faulting virtual address. SUM and MXR are changed without SFENCE.VMA: they take effect at
 * once (an emulator caching permissions must notice). */
#include "test.h"
#include "vm.h"

#define B 0x40000000
#define P(i) (B + (i) * 0x1000)
#define OFF 0x128
#define DVAL 0xDA7ADA7ADA7ADA7A
#define CVAL 0xC0DEC0DEC0DEC0DE

#define MAP(va, pa, flags, level) li a0, va; la a1, pa; li a2, flags; li a3, level; call vm_map
#define MAPP(va, pa, flags, level) li a0, va; li a1, pa; li a2, flags; li a3, level; call vm_map

#define LOAD_OK(n, va, val) li TESTNUM, n; TRAP_CLEAR; li t0, va; ld a0, 0(t0); EXPECT_NO_TRAP; CHECK(a0, val)
#define STORE_OK(n, va) li TESTNUM, n; TRAP_CLEAR; li t0, va; li t1, n; sd t1, 0(t0); EXPECT_NO_TRAP; ld a0, 0(t0); CHECK(a0, n)
#define FETCH_OK(n, va) li TESTNUM, n; TRAP_CLEAR; li t0, va; li a0, 0; jalr ra, 0(t0); EXPECT_NO_TRAP; CHECK(a0, 77)
#define LOAD_PF(n, va) li TESTNUM, n; TRAP_CLEAR; li t0, va; ld a0, 0(t0); EXPECT_TRAP(13, va)
#define STORE_PF(n, va) li TESTNUM, n; TRAP_CLEAR; li t0, va; sd t0, 0(t0); EXPECT_TRAP(15, va)
#define FETCH_PF(n, va) li TESTNUM, n; TRAP_CLEAR; li t0, va; li a0, 0; jalr ra, 0(t0); EXPECT_TRAP(12, va); CHECK(a0, 0)

#define RD (PTE_V | PTE_A)

TEST_BEGIN
  VM_TRAPS_INIT
  li a0, SATP_SV39
  call vm_init
  call vm_std_map
  MAP(P(0), dpage, RD | PTE_R, 0)
  MAP(P(1), dpage, RD | PTE_R | PTE_W | PTE_D, 0)
  MAP(P(2), cpage, RD | PTE_X, 0)
  MAP(P(3), cpage, RD | PTE_R | PTE_X, 0)
  MAP(P(4), dpage, RD | PTE_W | PTE_D, 0)
  MAP(P(5), cpage, RD | PTE_W | PTE_X | PTE_D, 0)
  MAP(P(6), dpage, RD | PTE_U | PTE_R | PTE_W | PTE_D, 0)
  MAP(P(7), dpage, RD | PTE_U | PTE_R, 0)
  MAP(P(8), cpage, RD | PTE_U | PTE_X, 0)
  MAP(P(9), cpage, RD | PTE_U | PTE_R | PTE_X, 0)
  MAP(P(10), dpage, PTE_R | PTE_W | PTE_X | PTE_A | PTE_D | PTE_U, 0)
  MAP(P(11), dpage2, RD | PTE_R | PTE_W | PTE_D, 0)
  MAP(P(12), dpage, PTE_V, 0)
  MAP(P(13), cpage, RD | PTE_U | PTE_W | PTE_X | PTE_D, 0)
  MAP(P(14), cpage, RD | PTE_R | PTE_W | PTE_X | PTE_D, 0)
  /* misaligned megapage and gigapage */
  MAPP(0x40400000, 0x80201000, PTE_RWX, 1)
  MAPP(0xC0000000, 0x80200000, PTE_RWX, 2)
  /* aligned user megapage (control) */
  MAPP(0x40600000, 0x80200000, PTE_URWX, 1)
  li t0, 0x80200000 + OFF
  li t1, 0x2718281828459045
  sd t1, 0(t0)

  VM_ENABLE
  GO_S
  /* --- S-mode, SUM = MXR = 0 --- */
  LOAD_OK(2, P(0) + OFF, DVAL)
  STORE_PF(3, P(0) + OFF)
  FETCH_PF(4, P(0))
  LOAD_OK(5, P(1) + OFF, DVAL)
  STORE_OK(6, P(1) + 0x300)
  FETCH_PF(7, P(1))
  LOAD_PF(8, P(2) + OFF)
  STORE_PF(9, P(2) + OFF)
  FETCH_OK(10, P(2))
  LOAD_OK(11, P(3) + OFF, CVAL)
  STORE_PF(12, P(3) + OFF)
  FETCH_OK(13, P(3))
  /* W without R: reserved, every access faults */
  LOAD_PF(14, P(4) + OFF)
  STORE_PF(15, P(4) + OFF)
  FETCH_PF(16, P(4))
  LOAD_PF(17, P(5) + OFF)
  STORE_PF(18, P(5) + OFF)
  FETCH_PF(19, P(5))
  /* user pages from S without SUM */
  LOAD_PF(20, P(6) + OFF)
  STORE_PF(21, P(6) + OFF)
  LOAD_PF(22, P(7) + 8)
  FETCH_PF(23, P(8))
  FETCH_PF(24, P(9))
  LOAD_PF(25, P(9) + OFF)
  /* V = 0 */
  LOAD_PF(26, P(10) + OFF)
  STORE_PF(27, P(10) + OFF)
  FETCH_PF(28, P(10))
  /* 29..31: a pointer PTE at the last level */
  LOAD_PF(29, P(12) + OFF)
  STORE_PF(30, P(12))
  FETCH_PF(31, P(12))
  /* misaligned superpages */
  LOAD_PF(32, 0x40400000 + OFF)
  STORE_PF(33, 0x40400008)
  FETCH_PF(34, 0x40400000)
  LOAD_PF(35, 0xC0000000 + OFF)
  STORE_PF(36, 0xC0000000 + 0x10000)
  /* U + W + X without R: reserved */
  LOAD_PF(37, P(13) + OFF)
  /* RWX page: everything allowed */
  LOAD_OK(38, P(14) + OFF, CVAL)
  FETCH_OK(39, P(14))

  /* --- SUM = 1: S may load/store user pages, never fetch from them --- */
  li t0, MSTATUS_SUM
  csrs sstatus, t0
  LOAD_OK(40, P(6) + OFF, DVAL)
  STORE_OK(41, P(6) + 0x310)
  LOAD_OK(42, P(7) + OFF, DVAL)
  STORE_PF(43, P(7) + OFF)
  FETCH_PF(44, P(8))
  FETCH_PF(45, P(9))
  LOAD_OK(46, P(9) + OFF, CVAL)
  LOAD_PF(47, P(8) + OFF)
  /* user megapage with SUM */
  LOAD_OK(48, 0x40600000 + OFF, 0x2718281828459045)
  /* 49..52: SUM off again: the same pages fault (no sfence.vma in between) */
  li t0, MSTATUS_SUM
  csrc sstatus, t0
  LOAD_PF(49, P(6) + OFF)
  STORE_PF(50, P(6) + 0x310)
  LOAD_PF(51, 0x40600000 + OFF)
  /* 52: SUM on after a fault on the same page: the access now succeeds */
  li t0, MSTATUS_SUM
  csrs sstatus, t0
  LOAD_OK(52, P(6) + OFF, DVAL)
  li t0, MSTATUS_SUM
  csrc sstatus, t0

  /* --- MXR = 1: loads from X-only pages succeed --- */
  LOAD_PF(53, P(2) + OFF)
  li t0, MSTATUS_MXR
  csrs sstatus, t0
  LOAD_OK(54, P(2) + OFF, CVAL)
  STORE_PF(55, P(2) + OFF)
  LOAD_OK(56, P(0) + OFF, DVAL)
  LOAD_PF(57, P(8) + OFF)         /* user page, SUM = 0 */
  LOAD_PF(58, P(4) + OFF)         /* reserved stays reserved */
  LOAD_PF(59, P(10) + OFF)        /* invalid stays invalid */
  li t0, MSTATUS_SUM
  csrs sstatus, t0
  LOAD_OK(60, P(8) + OFF, CVAL)   /* user X-only page, SUM + MXR */
  li t0, MSTATUS_SUM | MSTATUS_MXR
  csrc sstatus, t0
  LOAD_PF(61, P(2) + OFF)         /* MXR off again */

  /* fetch/load faults leave the destination register untouched */
  li TESTNUM, 62
  TRAP_CLEAR
  li a0, 0x55
  li t0, P(2) + OFF
  ld a0, 0(t0)
  CHECK(a0, 0x55)
  EXPECT_TRAP(13, P(2) + OFF)
  /* a store fault does not write memory */
  li TESTNUM, 63
  li t0, P(0) + 0x200
  li t1, 0x99
  sd t1, 0(t0)
  ld a0, 0(t0)
  CHECK(a0, 0)
  TO_M

  /* --- U-mode --- */
  GO_U
  LOAD_OK(64, P(6) + OFF, DVAL)
  STORE_OK(65, P(6) + 0x320)
  LOAD_OK(66, P(7) + OFF, DVAL)
  STORE_PF(67, P(7) + OFF)
  FETCH_PF(68, P(7))
  FETCH_OK(69, P(8))
  FETCH_OK(70, P(9))
  LOAD_PF(71, P(8) + OFF)
  LOAD_OK(72, P(9) + OFF, CVAL)
  /* supervisor pages from U */
  LOAD_PF(73, P(0) + OFF)
  LOAD_PF(74, P(1) + OFF)
  STORE_PF(75, P(1) + OFF)
  FETCH_PF(76, P(3))
  FETCH_PF(77, P(14))
  LOAD_PF(78, P(10) + OFF)
  STORE_PF(79, P(13) + OFF)
  FETCH_PF(80, P(13))
  LOAD_OK(81, 0x40600000 + OFF, 0x2718281828459045)
  TO_M
  /* 82: U-mode with SUM = 1 still cannot touch supervisor pages */
  li t0, MSTATUS_SUM
  csrs mstatus, t0
  GO_U
  LOAD_PF(82, P(1) + OFF)
  TO_M
  /* 83/84: MXR in U-mode */
  li t0, MSTATUS_MXR
  csrs mstatus, t0
  GO_U
  LOAD_OK(83, P(8) + OFF, CVAL)
  LOAD_PF(84, P(2) + OFF)        /* X-only supervisor page */
  TO_M
  li t0, MSTATUS_SUM | MSTATUS_MXR
  csrc mstatus, t0

  /* 85: traps were taken in M with the right previous mode */
  li TESTNUM, 85
  GO_U
  TRAP_CLEAR
  li t0, P(0)
  ld a0, 0(t0)
  TO_M
  EXPECT_BY(3)
  EXPECT_FROM(MODE_U)
  /* 86..88: the stores of cases 6, 41 and 65 reached memory */
  li TESTNUM, 86
  la t0, dpage
  ld a0, 0x300(t0)
  CHECK(a0, 6)
  li TESTNUM, 87
  ld a0, 0x310(t0)
  CHECK(a0, 41)
  li TESTNUM, 88
  ld a0, 0x320(t0)
  CHECK(a0, 65)
  PASS

  .align 12
cpage:
  auipc a1, 0
  li a0, 77
  ret
  .org cpage + OFF
  .dword CVAL
  .align 12

TEST_DATA
  .align 12
dpage:
  .org dpage + OFF
  .dword DVAL
  .align 12
dpage2:
  .skip 4096
  .align 3
gdata: .dword 0x2718281828459045
