/* HARTVM_ONLY: WARL rules QEMU 7.2 does not follow: mepc[0] and sepc[0] read as zero
 * whatever is written (QEMU 7.2 keeps bit 0), and mstatus.MPP never holds the reserved
 * value 2 (QEMU 7.2 stores it); medeleg[11] (ecall from M, which cannot occur below M)
 * reads as zero (the spec says it should; QEMU 7.2 lets it be set). */
#include "test.h"
#include "vm.h"

TEST_BEGIN
  VM_TRAPS_INIT
  li TESTNUM, 2
  li t0, 0x80000003
  csrw mepc, t0
  csrr a0, mepc
  CHECK(a0, 0x80000002)
  li TESTNUM, 3
  csrw sepc, t0
  csrr a0, sepc
  CHECK(a0, 0x80000002)
  li TESTNUM, 4
  li t0, -1
  csrw mepc, t0
  csrr a0, mepc
  CHECK(a0, -2)
  csrw sepc, t0
  csrr a0, sepc
  CHECK(a0, -2)
  /* 5: csrs of bit 0 alone leaves it zero */
  li TESTNUM, 5
  csrsi mepc, 1
  csrr a0, mepc
  andi a0, a0, 1
  CHECK(a0, 0)
  /* 6: MPP = 2 is not kept (any legal value may result) */
  li TESTNUM, 6
  SET_MPP(2)
  csrr a0, mstatus
  srli a0, a0, 11
  andi a0, a0, 3
  li t1, 2
  beq a0, t1, vm_fail
  SET_MPP(MODE_M)
  /* 7: medeleg[11] is read-only zero */
  li TESTNUM, 7
  li t0, -1
  csrw medeleg, t0
  csrr a0, medeleg
  csrw medeleg, zero
  li t1, 1 << 11
  and a0, a0, t1
  CHECK(a0, 0)
  PASS
TEST_DATA
