/* HARTVM_ONLY: QEMU 7.2 runs an AMO as a load followed by a store when single-threaded, so
 * an AMO on a page it may not read raises a LOAD page fault (13) there; the spec says any AMO
 * fault is a store/AMO fault (cause 15). These are the AMO cases on unreadable pages.
 *
 * AMOs and LR/SC under Sv39: an AMO needs read and write permission and reports a
 * store/AMO page fault (15) with memory and rd unchanged, whatever page it hits (read-only,
 * execute-only, invalid, user page from S); LR is a load (13); SC to a read-only page (with a
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
  /* execute-only, invalid, user page from S */
  AMO_PF(12, P(2) + 0x58, amoadd.d a0, t1, (t0))
  AMO_PF(13, P(3) + 0x60, amoadd.d a0, t1, (t0))
  AMO_PF(14, P(3) + 0x108, amoswap.w a0, t1, (t0))
  AMO_PF(15, P(4) + 0x68, amoadd.d a0, t1, (t0))
  /* 16: MXR does not make an execute-only page writable */
  li t0, MSTATUS_MXR
  csrs sstatus, t0
  AMO_PF(16, P(2) + 0x70, amoor.d a0, t1, (t0))
  li t0, MSTATUS_MXR
  csrc sstatus, t0
  TO_M
  GO_U
  AMO_PF_U(27, P(1) + 0xc0, amoadd.d a0, t1, (t0))     /* supervisor page from U */
  AMO_PF_U(28, P(3) + 0xc8, amoswap.w a0, t1, (t0))    /* invalid page from U */
  TO_M
  PASS

TEST_DATA
  .align 12
page: .skip 4096
