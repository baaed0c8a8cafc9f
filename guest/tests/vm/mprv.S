/* mstatus.MPRV: M-mode loads and stores (not fetches) are translated and checked as if in
 * mode MPP, with SUM and MXR applying; MPP = M means no translation; a trap into M sets MPP to
 * M (so the data accesses of the handler are physical); with satp = Bare nothing is
 * translated. (MRET/SRET clearing MPRV is checked by mprv-ret.S, hartvm alone.) */
#include "test.h"
#include "vm.h"

#define B 0x40000000
#define P(i) (B + (i) * 0x1000)
#define MAP(va, pa, flags, level) li a0, va; la a1, pa; li a2, flags; li a3, level; call vm_map
#define RW (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define MPRV_ON(mode) SET_MPP(mode); li t0, MSTATUS_MPRV; csrs mstatus, t0
#define MPRV_OFF li t0, MSTATUS_MPRV; csrc mstatus, t0
#define LOAD_OK(n, mode, va, val) li TESTNUM, n; TRAP_CLEAR; li a0, 0; li t1, va; MPRV_ON(mode); ld a0, 0(t1); MPRV_OFF; EXPECT_NO_TRAP; CHECK(a0, val)
#define STORE_OK(n, mode, va) li TESTNUM, n; TRAP_CLEAR; li t1, va; li t2, n; MPRV_ON(mode); sd t2, 0(t1); ld a0, 0(t1); MPRV_OFF; EXPECT_NO_TRAP; CHECK(a0, n)
#define LOAD_PF(n, mode, va) li TESTNUM, n; TRAP_CLEAR; li t1, va; MPRV_ON(mode); ld a0, 0(t1); MPRV_OFF; EXPECT_TRAP(13, va); EXPECT_FROM(MODE_M)
#define STORE_PF(n, mode, va) li TESTNUM, n; TRAP_CLEAR; li t1, va; MPRV_ON(mode); sd t1, 0(t1); MPRV_OFF; EXPECT_TRAP(15, va); EXPECT_FROM(MODE_M)

TEST_BEGIN
  VM_TRAPS_INIT
  li a0, SATP_SV39
  call vm_init
  call vm_std_map
  MAP(P(0), page, RW, 0)
  MAP(P(1), page, RW | PTE_U, 0)
  MAP(P(2), page, PTE_V | PTE_X | PTE_A, 0)
  MAP(P(3), page, PTE_V | PTE_X | PTE_U | PTE_A, 0)
  MAP(P(4), page, PTE_V | PTE_R | PTE_A, 0)
  MAP(P(5), page, PTE_V | PTE_R | PTE_W, 0)
  la t1, p5pte
  sd a0, 0(t1)
  la t0, page
  li t1, 0xfeed
  sd t1, 0x80(t0)
  call vm_satp
  csrw satp, a0
  sfence.vma

  /* M-mode itself still runs untranslated (code at physical addresses) */
  LOAD_OK(2, MODE_S, P(0) + 0x80, 0xfeed)
  STORE_OK(3, MODE_S, P(0) + 0x88)
  LOAD_PF(4, MODE_S, P(1) + 0x80)        /* user page, SUM = 0 */
  STORE_PF(5, MODE_S, P(1) + 0x80)
  LOAD_OK(6, MODE_U, P(1) + 0x80, 0xfeed)
  STORE_OK(7, MODE_U, P(1) + 0x90)
  LOAD_PF(8, MODE_U, P(0) + 0x80)        /* supervisor page from U */
  STORE_PF(9, MODE_U, P(0) + 0x98)
  LOAD_PF(10, MODE_S, P(2) + 0x80)       /* X-only, MXR = 0 */
  STORE_PF(11, MODE_S, P(4) + 0x80)      /* read-only */
  LOAD_OK(12, MODE_S, P(4) + 0x80, 0xfeed)
  /* MPP = M: physical */
  li TESTNUM, 13
  la t1, page
  addi t1, t1, 0x80
  li a0, 0
  MPRV_ON(MODE_M)
  ld a0, 0(t1)
  MPRV_OFF
  CHECK(a0, 0xfeed)
  LOAD_PF(14, MODE_S, 0x0000004000000000) /* non-canonical */
  /* identity map works through MPRV as well */
  li TESTNUM, 15
  la t1, page
  MPRV_ON(MODE_S)
  ld a0, 0x80(t1)
  MPRV_OFF
  CHECK(a0, 0xfeed)
  /* SUM */
  li t0, MSTATUS_SUM
  csrs mstatus, t0
  LOAD_OK(16, MODE_S, P(1) + 0x80, 0xfeed)
  STORE_OK(17, MODE_S, P(1) + 0xa0)
  LOAD_PF(18, MODE_U, P(0) + 0x80)
  li t0, MSTATUS_SUM
  csrc mstatus, t0
  LOAD_PF(19, MODE_S, P(1) + 0x80)
  /* MXR */
  li t0, MSTATUS_MXR
  csrs mstatus, t0
  LOAD_OK(20, MODE_S, P(2) + 0x80, 0xfeed)
  LOAD_OK(21, MODE_U, P(3) + 0x80, 0xfeed)
  LOAD_PF(22, MODE_U, P(2) + 0x80)
  li t0, MSTATUS_MXR
  csrc mstatus, t0
  LOAD_PF(23, MODE_S, P(2) + 0x80)
  LOAD_PF(24, MODE_U, P(3) + 0x80)

  /* 25: A/D set by an MPRV store */
  li TESTNUM, 25
  li t1, P(5)
  MPRV_ON(MODE_S)
  sd zero, 0x100(t1)
  MPRV_OFF
  la t0, p5pte
  ld t0, 0(t0)
  ld a0, 0(t0)
  andi a0, a0, PTE_A | PTE_D
  CHECK(a0, PTE_A | PTE_D)

  /* 26: a trap while MPRV = 1 sets MPP = M; MRET back to M keeps MPRV set and sets MPP to
   * the least-privileged mode, U */
  li TESTNUM, 26
  TRAP_CLEAR
  li t1, P(0)
  MPRV_ON(MODE_U)
  ld a0, 0(t1)                           /* faults (supervisor page as U) */
  csrr a1, mstatus
  MPRV_OFF
  EXPECT_TRAP(13, P(0))
  li t0, MSTATUS_MPRV | MSTATUS_MPP
  and a1, a1, t0
  CHECK(a1, MSTATUS_MPRV)

  /* 31: satp = Bare: MPRV with MPP = S is physical */
  li TESTNUM, 31
  csrw satp, zero
  la t1, page
  MPRV_ON(MODE_S)
  ld a0, 0x80(t1)
  MPRV_OFF
  CHECK(a0, 0xfeed)
  /* 32: and P(0) is not translated (access fault: nothing at that physical address) */
  li TESTNUM, 32
  TRAP_CLEAR
  li t1, P(0)
  MPRV_ON(MODE_S)
  ld a0, 0(t1)
  MPRV_OFF
  EXPECT_TRAP(5, P(0))
  /* 33: stores of cases 3, 7, 17 reached the page */
  li TESTNUM, 33
  la t0, page
  ld a0, 0x88(t0)
  CHECK(a0, 3)
  ld a0, 0x90(t0)
  CHECK(a0, 7)
  ld a0, 0xa0(t0)
  CHECK(a0, 17)
  PASS

TEST_DATA
  .align 3
p5pte: .dword 0
  .align 12
page: .skip 4096
