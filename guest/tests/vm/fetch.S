/* Instruction fetch under Sv39: jumps to non-executable, invalid and wrong-privilege pages
 * (cause 12, tval = target, epc = target); a 32-bit instruction straddling two pages is
 * fetched through the translation of each page (pages mapped to non-adjacent frames); when
 * its second page cannot be executed the fault has epc = the instruction's address and
 * tval = the second page; a 16-bit instruction in the last halfword of a page does not touch
 * the next page; falling through into a non-executable page faults at its first byte. */
#include "test.h"
#include "vm.h"

#define B 0x40000000
#define P(i) (B + (i) * 0x1000)
#define MAP(va, pa, flags, level) li a0, va; la a1, pa; li a2, flags; li a3, level; call vm_map
#define XR (PTE_V | PTE_X | PTE_R | PTE_A)
#define RO (PTE_V | PTE_R | PTE_A)

/* Call va; expect no trap and a0 == val */
#define RUN_OK(n, va, val) li TESTNUM, n; TRAP_CLEAR; li a0, 0; li t0, va; jalr ra, 0(t0); EXPECT_NO_TRAP; CHECK(a0, val)
/* Call va; expect a fetch page fault with tval, epc, and a0 == val afterwards */
#define RUN_PF(n, va, epc, tval, val) li TESTNUM, n; TRAP_CLEAR; li a0, 0; li t0, va; jalr ra, 0(t0); \
  EXPECT_TRAP(12, tval); li t6, epc; bne s4, t6, vm_fail; CHECK(a0, val)

TEST_BEGIN
  VM_TRAPS_INIT
  li a0, SATP_SV39
  call vm_init
  call vm_std_map
  /* P(0), P(1): F0, F1 (adjacent) */
  MAP(P(0), F0, XR, 0)
  MAP(P(1), F1, XR, 0)
  /* P(2), P(3): F0, F2: the straddling instruction's second half comes from F2 */
  MAP(P(2), F0, XR, 0)
  MAP(P(3), F2, XR, 0)
  /* P(4), P(5) = F0, unmapped */
  MAP(P(4), F0, XR, 0)
  /* P(6), P(7) = F0, F1 read-only */
  MAP(P(6), F0, XR, 0)
  MAP(P(7), F1, RO, 0)
  /* P(8), P(9) = F0, F1 user */
  MAP(P(8), F0, XR, 0)
  MAP(P(9), F1, XR | PTE_U, 0)
  /* P(10) = F3 (16-bit instruction at the end), P(11) unmapped */
  MAP(P(10), F3, XR, 0)
  /* P(12) = F4 (falls through), P(13) = F1 not executable */
  MAP(P(12), F4, XR, 0)
  MAP(P(13), F1, RO, 0)
  /* user pair: P(14) = F0 user, P(15) = F1 supervisor; P(16) = F0 user, P(17) = F2 user */
  MAP(P(14), F0, XR | PTE_U, 0)
  MAP(P(15), F1, XR, 0)
  MAP(P(16), F0, XR | PTE_U, 0)
  MAP(P(17), F2, XR | PTE_U, 0)
  /* P(18) = F1 with V = 0 */
  MAP(P(18), F1, XR & ~PTE_V, 0)
  fence.i

  VM_ENABLE
  GO_S
  RUN_OK(2, P(0) + 0xff8, 12)
  RUN_OK(3, P(2) + 0xff8, 112)
  RUN_PF(4, P(4) + 0xff8, P(4) + 0xffe, P(5), 5)
  RUN_PF(5, P(6) + 0xff8, P(6) + 0xffe, P(7), 5)
  RUN_PF(6, P(8) + 0xff8, P(8) + 0xffe, P(9), 5)
  /* 7: a 16-bit instruction at the end of the page, next page unmapped */
  RUN_OK(7, P(10) + 0xffc, 9)
  /* 8: falling through into a non-executable page */
  RUN_PF(8, P(12) + 0xffc, P(13), P(13), 3)
  /* 9..12: jumps to non-executable targets */
  RUN_PF(9, P(7) + 0x10, P(7) + 0x10, P(7) + 0x10, 0)
  RUN_PF(10, P(5) + 0x20, P(5) + 0x20, P(5) + 0x20, 0)
  RUN_PF(11, P(9) + 2, P(9) + 2, P(9) + 2, 0)
  RUN_PF(12, P(18), P(18), P(18), 0)
  /* 13: the straddling instruction again, pages still fine */
  RUN_OK(13, P(0) + 0xff8, 12)
  RUN_PF(14, P(4) + 0xff8, P(4) + 0xffe, P(5), 5)
  RUN_OK(15, P(2) + 0xff8, 112)
  /* 16: jump straight to the straddling instruction */
  RUN_OK(16, P(0) + 0xffe, 7)
  RUN_PF(17, P(4) + 0xffe, P(4) + 0xffe, P(5), 0)
  /* 18: code in the second page reached by a jump */
  RUN_OK(18, P(1) + 2, 0)
  TO_M

  GO_U
  RUN_PF(19, P(14) + 0xff8, P(14) + 0xffe, P(15), 5)
  RUN_OK(20, P(16) + 0xff8, 112)
  RUN_PF(21, P(0) + 0xff8, P(0) + 0xff8, P(0) + 0xff8, 0)
  RUN_PF(22, P(15) + 2, P(15) + 2, P(15) + 2, 0)
  TO_M
  /* 23: traps came from the right modes */
  li TESTNUM, 23
  EXPECT_FROM(MODE_U)
  PASS

  .option push
  .option norvc
  .align 12
F0:
  .org F0 + 0xff8
  li a0, 5                 /* 4 bytes */
  .2byte 0x0001            /* c.nop */
  addi a0, a0, 7           /* straddles into the next page */
  ret                      /* at F1 + 2 */
  .set F1, F0 + 0x1000
  .org F0 + 0x2000
F2:
  .2byte 0x0075            /* second half of addi a0, a0, 7 */
  addi a0, a0, 100
  ret
  .org F2 + 0x1000
F3:
  .org F3 + 0xffc
  .2byte 0x4525            /* c.li a0, 9 */
  .2byte 0x8082            /* c.jr ra */
F4:
  .org F4 + 0xffc
  .2byte 0x450d            /* c.li a0, 3 */
  .2byte 0x0001            /* c.nop, then fall into the next page */
  .org F4 + 0x1000
  .option pop

TEST_DATA
