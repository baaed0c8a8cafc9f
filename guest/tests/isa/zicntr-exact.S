/* HARTVM_ONLY
 * Exact retired-instruction counting (minstret/instret) and the time CSR.
 * Spec (Zicsr): a CSR instruction that reads instret reads the value from
 * before its own execution; a CSR instruction that writes instret performs
 * the write instead of the increment. Instructions raising synchronous
 * exceptions (ECALL) do not retire. So:
 *   csrr a0, minstret; <K instructions>; csrr a1, minstret  =>  a1 - a0 = K + 1
 *   csrw minstret, X; csrr a0, minstret                      =>  a0 = X
 * Marked HARTVM_ONLY because QEMU (-M spike) derives minstret from host time
 * unless run with -icount (and even with -icount shift=0, QEMU 7.2 reads X + 1
 * after csrw minstret, X), and QEMU's spike machine does not implement the
 * time CSR (reading it raises an illegal-instruction exception, which the
 * privileged spec allows only if M-mode emulates it). */
#include "isa.h"
TEST_BEGIN
  .option norvc
  /* straight line: 10 instructions between the reads */
  li TESTNUM, 2
  csrr a0, minstret
  nop; nop; nop; nop; nop; nop; nop; nop; nop; nop
  csrr a1, minstret
  sub a2, a1, a0
  li t6, 11; bne a2, t6, __test_fail
  /* back-to-back reads differ by exactly 1 */
  li TESTNUM, 3
  csrr a0, minstret
  csrr a1, minstret
  sub a2, a1, a0
  li t6, 1; bne a2, t6, __test_fail
  /* the user alias instret counts the same */
  li TESTNUM, 4
  csrr a0, minstret
  csrr a1, instret
  sub a2, a1, a0
  li t6, 1; bne a2, t6, __test_fail
  /* a loop: 1 + 10 * 2 */
  li TESTNUM, 5
  li a3, 10
  csrr a0, minstret
1: addi a3, a3, -1
  bnez a3, 1b
  csrr a1, minstret
  sub a2, a1, a0
  li t6, 21; bne a2, t6, __test_fail
  /* compressed instructions count as one each */
  li TESTNUM, 6
  .option rvc
  csrr a0, minstret
  c.nop; c.nop; c.nop; c.addi a3, 1; c.li a4, 3; c.nop   /* even count keeps 4-byte alignment */
  csrr a1, minstret
  .option norvc
  sub a2, a1, a0
  li t6, 7; bne a2, t6, __test_fail
  /* taken and not-taken branches, jumps */
  li TESTNUM, 7
  csrr a0, minstret
  beqz x0, 1f        /* taken */
  nop                /* skipped */
1: bnez x0, 1f       /* not taken */
  j 1f
  nop                /* skipped */
1: csrr a1, minstret
  sub a2, a1, a0
  li t6, 4; bne a2, t6, __test_fail
  /* write replaces the increment */
  li TESTNUM, 8
  li a0, 100
  csrw minstret, a0
  csrr a1, minstret
  li t6, 100; bne a1, t6, __test_fail
  li TESTNUM, 9
  li a0, 1000
  csrw minstret, a0
  nop
  nop
  csrr a1, minstret
  li t6, 1002; bne a1, t6, __test_fail
  /* csrrw returns the value before the instruction and writes the new one */
  li TESTNUM, 10
  li a0, 50
  csrw minstret, a0
  li a2, 200
  csrrw a1, minstret, a2
  csrr a3, minstret
  li t6, 51; bne a1, t6, __test_fail
  li t6, 200; bne a3, t6, __test_fail
  /* csrrs with a non-zero mask writes (so no increment) */
  li TESTNUM, 11
  li a2, 0x100
  csrw minstret, x0
  csrrs a1, minstret, a2       /* reads 0, writes 0 | 0x100 */
  csrr a3, minstret
  bnez a1, __test_fail
  li t6, 0x100; bne a3, t6, __test_fail
  /* ECALL does not retire; the 4 handler instructions (incl. mret) do */
  li TESTNUM, 12
  la t0, ecall_handler; csrw mtvec, t0
  csrr a0, minstret
  ecall
  csrr a1, minstret
  la t0, __test_unexpected_trap; csrw mtvec, t0
  sub a2, a1, a0
  li t6, 5; bne a2, t6, __test_fail
  /* 64-bit counter: write a large value, read it back plus 1 */
  li TESTNUM, 13
  li a0, 0xfffffffffffffffe
  csrw minstret, a0
  csrr a1, minstret
  csrr a2, minstret
  csrr a3, minstret            /* wrapped to 0 */
  li t6, 0xfffffffffffffffe; bne a1, t6, __test_fail
  li t6, 0xffffffffffffffff; bne a2, t6, __test_fail
  li TESTNUM, 14
  bnez a3, __test_fail
  /* time CSR is readable and does not go backwards */
  li TESTNUM, 15
  rdtime a0
  li a3, 1000
1: addi a3, a3, -1
  bnez a3, 1b
  rdtime a1
  bltu a1, a0, __test_fail
  PASS

  .balign 4
ecall_handler:
  csrr t0, mepc
  addi t0, t0, 4
  csrw mepc, t0
  mret
TEST_DATA
