/* Counters, the properties QEMU (no icount) can check: mcycle/minstret are writable and count
 * up from the written value, cycle/instret mirror them, mcountinhibit holds CY and IR.
 * Exact counting, inhibition and the time CSR: counters-exact.S (QEMU 7.2 without icount
 * derives minstret from host ticks and ignores mcountinhibit; its spike machine has no time
 * CSR). */
#include "test.h"
#include "vm.h"

TEST_BEGIN
  VM_TRAPS_INIT
  csrw mcountinhibit, zero
  /* 2: minstret increases */
  li TESTNUM, 2
  csrr a0, minstret
  nop
  nop
  csrr a1, minstret
  bleu a1, a0, vm_fail
  /* 3: mcycle does not go backwards */
  li TESTNUM, 3
  csrr a0, mcycle
  li t0, 100
1:
  addi t0, t0, -1
  bnez t0, 1b
  csrr a1, mcycle
  bltu a1, a0, vm_fail
  /* 4: minstret written: counts from there */
  li TESTNUM, 4
  li t0, 1 << 40
  csrw minstret, t0
  csrr a0, minstret
  bltu a0, t0, vm_fail
  li t1, (1 << 40) + 1000000
  bgeu a0, t1, vm_fail
  /* 5: mcycle written */
  li TESTNUM, 5
  li t0, 1 << 41
  csrw mcycle, t0
  csrr a0, mcycle
  bltu a0, t0, vm_fail
  li t1, (1 << 41) + (1 << 32)
  bgeu a0, t1, vm_fail
  /* 6: instret / cycle mirror them (read in M) */
  li TESTNUM, 6
  csrr a0, minstret
  csrr a1, instret
  csrr a2, minstret
  bltu a1, a0, vm_fail
  bltu a2, a1, vm_fail
  csrr a0, mcycle
  csrr a1, cycle
  bltu a1, a0, vm_fail
  /* 7: mcountinhibit holds CY (0) and IR (2) */
  li TESTNUM, 7
  li t0, 5
  csrw mcountinhibit, t0
  csrr a0, mcountinhibit
  andi a0, a0, 5
  CHECK(a0, 5)
  csrw mcountinhibit, zero
  PASS
TEST_DATA
