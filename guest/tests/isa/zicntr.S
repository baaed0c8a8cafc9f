/* Zicntr/Zicsr counters that are checkable on any implementation:
 * cycle, instret (user read-only shadows) and mcycle, minstret are readable,
 * never go backwards, and advance over a long loop; rdcycle/rdinstret
 * pseudo-instructions work; writing a read-only counter (cycle, instret)
 * raises an illegal-instruction exception (mcause 2) and leaves rd alone.
 * Exact instret counting and the time CSR are in zicntr-exact.S (hartvm only:
 * QEMU's counters are host-time based and its spike machine has no time CSR). */
#include "isa.h"
TEST_BEGIN
  .option norvc
  /* readable */
  li TESTNUM, 2
  rdcycle a0
  rdinstret a1
  csrr a2, mcycle
  csrr a3, minstret
  /* monotonic: instret read twice */
  li TESTNUM, 3
  csrr a0, instret
  csrr a1, instret
  bltu a1, a0, __test_fail
  li TESTNUM, 4
  csrr a0, minstret
  csrr a1, minstret
  bltu a1, a0, __test_fail
  li TESTNUM, 5
  csrr a0, mcycle
  csrr a1, mcycle
  bltu a1, a0, __test_fail
  /* advance over a loop of 3000 instructions */
  li TESTNUM, 6
  csrr s2, minstret
  csrr s3, instret
  csrr s4, mcycle
  csrr s5, cycle
  li a0, 1000
1: addi a0, a0, -1
  nop
  bnez a0, 1b
  csrr a1, minstret
  csrr a2, instret
  csrr a3, mcycle
  csrr a4, cycle
  bleu a1, s2, __test_fail
  li TESTNUM, 7
  bleu a2, s3, __test_fail
  li TESTNUM, 8
  bleu a3, s4, __test_fail
  li TESTNUM, 9
  bleu a4, s5, __test_fail
  /* writing a read-only user counter is illegal; csrrs with x0 is a read and is fine */
  li TESTNUM, 10
  la t0, ill_handler; csrw mtvec, t0
  li s6, 0
  li a0, 0x5555
  csrrw a0, cycle, x0
  li t6, 1; bne s6, t6, __test_fail
  li t6, 2; bne s7, t6, __test_fail
  li t6, 0x5555; bne a0, t6, __test_fail      /* rd not written */
  li TESTNUM, 11
  csrrsi a0, instret, 1
  li t6, 2; bne s6, t6, __test_fail
  li t6, 2; bne s7, t6, __test_fail
  li TESTNUM, 12
  csrrs a0, instret, x0
  csrrc a0, cycle, x0
  li t6, 2; bne s6, t6, __test_fail
  la t0, __test_unexpected_trap; csrw mtvec, t0
  PASS

  .align 2
ill_handler:
  addi s6, s6, 1
  csrr s7, mcause
  csrr t0, mepc
  addi t0, t0, 4
  csrw mepc, t0
  mret
TEST_DATA
