/* Loads and stores that fault now and then inside hot loops (under --engine=jit they run
 * translated): every 1024th iteration the access goes to an address where nothing is (an access
 * fault), the handler counts it, supplies a value for a load and skips the instruction. The
 * registers the loop wrote before the faulting access in the same iteration must keep those
 * values, and the loop must go on exactly where it was. */
#include "isa.h"
#define N (1024 * 300)
#define TRAPS (N / 1024)
/* where nothing answers, on QEMU's spike board and on hartvm's */
#define NOWHERE 0x40000000
TEST_BEGIN
  .option norvc
  la t0, fault_handler
  csrw mtvec, t0
  la s5, buffer
  li s6, NOWHERE

  /* 2: loads. s2 gains 3 before the load and its value after it: 1 from the buffer, 100 from
        the handler when it faulted; s4 counts the faults */
  li TESTNUM, 2
  li t0, N
  li s2, 0
  li s4, 0
1: addi s2, s2, 3
  andi t1, t0, 1023
  seqz t3, t1
  neg t3, t3
  sub t4, s6, s5
  and t4, t4, t3
  add t2, s5, t4           /* s5, or NOWHERE when t0 is a multiple of 1024 */
  ld t5, 0(t2)
  add s2, s2, t5
  addi t0, t0, -1
  bnez t0, 1b
  li t6, TRAPS
  bne s4, t6, __test_fail
  li t6, 3 * N + (N - TRAPS) + 100 * TRAPS
  bne s2, t6, __test_fail

  /* 3: stores. s2 gains 5 before the store and 1 after it; the store adds 1 to the buffer's
        second word, which then counts the stores that did not fault */
  li TESTNUM, 3
  li t0, N
  li s2, 0
  li s4, 0
  sd zero, 8(s5)
1: addi s2, s2, 5
  andi t1, t0, 1023
  seqz t3, t1
  neg t3, t3
  sub t4, s6, s5
  and t4, t4, t3
  add t2, s5, t4
  ld t5, 8(s5)
  addi t5, t5, 1
  sd t5, 8(t2)
  addi s2, s2, 1
  addi t0, t0, -1
  bnez t0, 1b
  li t6, TRAPS
  bne s4, t6, __test_fail
  li t6, 6 * N
  bne s2, t6, __test_fail
  ld t5, 8(s5)
  li t6, N - TRAPS
  bne t5, t6, __test_fail
  PASS

  /* a load or store access fault: count it, give a load the value 100, skip the instruction */
  .balign 4
fault_handler:
  csrr t6, mcause
  addi t6, t6, -5          /* load access fault */
  beqz t6, 2f
  addi t6, t6, -2          /* store access fault */
  bnez t6, __test_unexpected_trap
2: csrr t6, mtval
  andi t6, t6, -16         /* NOWHERE, or NOWHERE + 8 for the store */
  bne t6, s6, __test_fail
  addi s4, s4, 1
  li t5, 100
  csrr t6, mepc
  addi t6, t6, 4
  csrw mepc, t6
  mret

TEST_DATA
  .align 3
buffer: .dword 1, 0
