/* HARTVM_ONLY: QEMU 7.2 (the reference installed here) does not implement the privileged
 * spec 1.12 rule "MRET or SRET to a mode other than M clears mstatus.MPRV" (QEMU added it
 * after 7.2: "target/riscv: Clear mstatus.MPRV when leaving M-mode for priv spec 1.12+").
 * Checks: MRET to S clears MPRV, MRET to U clears MPRV, MRET to M keeps it, SRET clears it.
 */
#include "test.h"
#include "vm.h"
#define MPRV_ON(mode) SET_MPP(mode); li t0, MSTATUS_MPRV; csrs mstatus, t0
#define MPRV_OFF li t0, MSTATUS_MPRV; csrc mstatus, t0

TEST_BEGIN
  VM_TRAPS_INIT
  /* 27: MRET to S clears MPRV */
  li TESTNUM, 27
  MPRV_ON(MODE_S)
  SET_MPP(MODE_S)
  la t0, 1f
  csrw mepc, t0
  mret
1:
  TO_M
  csrr a1, mstatus
  li t0, MSTATUS_MPRV
  and a1, a1, t0
  CHECK(a1, 0)
  /* 28: MRET to U clears MPRV */
  li TESTNUM, 28
  MPRV_ON(MODE_U)
  GO_U
  TO_M
  csrr a1, mstatus
  li t0, MSTATUS_MPRV
  and a1, a1, t0
  CHECK(a1, 0)
  /* 29: MRET to M keeps MPRV */
  li TESTNUM, 29
  MPRV_ON(MODE_M)
  la t0, 1f
  csrw mepc, t0
  mret
1:
  csrr a1, mstatus
  MPRV_OFF
  li t0, MSTATUS_MPRV
  and a1, a1, t0
  CHECK(a1, MSTATUS_MPRV)
  /* 30: SRET clears MPRV (MPRV set from M, then SRET executed in S) */
  li TESTNUM, 30
  GO_S
  li a7, 0
  TO_M
  SET_MPP(MODE_S)
  li t0, MSTATUS_MPRV
  csrs mstatus, t0          /* M with MPRV = 1, MPP = S */
  /* drop to S through MRET would clear MPRV already: set it and check via SRET from M */
  li t0, MSTATUS_SPP
  csrs mstatus, t0
  la t0, 1f
  csrw sepc, t0
  sret                      /* SRET in M-mode: to S */
1:
  TO_M
  csrr a1, mstatus
  li t0, MSTATUS_MPRV
  and a1, a1, t0
  CHECK(a1, 0)

  PASS
TEST_DATA
