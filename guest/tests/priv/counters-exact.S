/* HARTVM_ONLY: QEMU 7.2 without icount derives minstret from host ticks (no exact count) and
 * does not stop counters for mcountinhibit, and on its spike machine the time CSR is not
 * implemented (rdtime is illegal even in M). Checked here on hartvm:
 *  - exact minstret: "a value written to instret by one instruction will be the value read
 *    by the following instruction"; a CSR read sees the value before its own retirement;
 *  - mcountinhibit.IR / CY stop minstret / mcycle, writes while inhibited are kept;
 *  - time reads the CLINT mtime, gated by mcounteren.TM / scounteren.TM below M. */
#include "test.h"
#include "vm.h"

#define ILL(n, site, ...) li TESTNUM, n; TRAP_CLEAR; site: __VA_ARGS__; CHECK(s2, 2); CHECK(s5, 1); \
  la t5, site; CHECK_R(s4, t5); lwu t5, 0(t5); CHECK_R(s3, t5)
#define MTIME 0x200bff8

TEST_BEGIN
  VM_TRAPS_INIT
  csrw mcountinhibit, zero
  li TESTNUM, 2
  li t0, 100
  csrw minstret, t0
  csrr a0, minstret
  CHECK(a0, 100)
  li TESTNUM, 3
  csrw minstret, zero
  nop
  nop
  nop
  csrr a0, minstret
  CHECK(a0, 3)
  li TESTNUM, 4
  csrr a0, minstret
  csrr a1, minstret
  sub a1, a1, a0
  CHECK(a1, 1)
  li TESTNUM, 5
  csrw minstret, zero
  li t0, 50
  csrrw a0, minstret, t0      /* sees 0 + 1 (the li retired), before its own retirement */
  csrr a1, minstret
  CHECK(a0, 1)
  CHECK(a1, 50)
  /* 6: a loop of known length */
  li TESTNUM, 6
  li t0, 10
  csrw minstret, zero
1:
  addi t0, t0, -1
  bnez t0, 1b
  csrr a0, minstret
  CHECK(a0, 20)
  /* 7: instret mirrors minstret exactly */
  li TESTNUM, 7
  csrr a0, minstret
  csrr a1, instret
  sub a1, a1, a0
  CHECK(a1, 1)
  /* 8..10: mcountinhibit.IR */
  li TESTNUM, 8
  li t0, 4
  csrw mcountinhibit, t0
  csrr a0, minstret
  nop
  nop
  csrr a1, minstret
  CHECK_R(a1, a0)
  li TESTNUM, 9
  li t0, 777
  csrw minstret, t0
  nop
  csrr a0, minstret
  CHECK(a0, 777)
  li TESTNUM, 10
  csrw mcountinhibit, zero
  csrw minstret, zero
  nop
  nop
  csrr a0, minstret
  CHECK(a0, 2)
  /* 11: mcountinhibit.CY stops mcycle */
  li TESTNUM, 11
  li t0, 1
  csrw mcountinhibit, t0
  csrr a0, mcycle
  li t0, 50
1:
  addi t0, t0, -1
  bnez t0, 1b
  csrr a1, mcycle
  CHECK_R(a1, a0)
  csrw mcountinhibit, zero
  /* 12: time between two reads of the CLINT mtime */
  li TESTNUM, 12
  li t0, MTIME
  ld a0, 0(t0)
  csrr a1, time
  ld a2, 0(t0)
  bltu a1, a0, vm_fail
  bltu a2, a1, vm_fail
  /* 13..16: TM gating */
  csrw mcounteren, zero
  csrw scounteren, zero
  GO_S
  ILL(13, c13, csrr a0, time)
  TO_M
  li t0, 2
  csrw mcounteren, t0
  GO_S
  li TESTNUM, 14
  TRAP_CLEAR
  csrr a0, time
  EXPECT_NO_TRAP
  TO_M
  GO_U
  ILL(15, c15, csrr a0, time)
  TO_M
  li t0, 2
  csrw scounteren, t0
  GO_U
  li TESTNUM, 16
  TRAP_CLEAR
  csrr a0, time
  EXPECT_NO_TRAP
  TO_M
  PASS
TEST_DATA
