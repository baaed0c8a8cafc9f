/* A machine timer interrupt breaks loops that never end on their own and are hot (under
 * --engine=jit they run translated when it comes): each loop first runs WARM iterations with
 * interrupts off, then sets mtimecmp 20 ms ahead, enables MTIE and MIE, and spins on. The
 * handler records mcause, mepc and mtime and resumes after the loop. Checked: the cause, mepc
 * inside the loop, and the interrupt taken within 5 s (50e6 ticks of the 10 MHz mtime) of
 * becoming pending: generous for a loaded host, while a loop that ignored it would spin until
 * the instruction limit. Loops: two instructions; a jump to itself; loads and stores. */
#include "test.h"
#define MTIMECMP 0x2004000
#define MTIME 0x200bff8
#define DELAY 200000
#define BOUND 50000000
#define WARM 100000
#define INT_MTI ((1 << 63) | 7)

/* resume at `resume` after the interrupt; s7 = WARM iterations before arming */
#define PREPARE(resume)                             \
  la s11, resume;                                   \
  li s1, 0; li s3, -1; li s4, 0; li s7, WARM

/* arm the timer DELAY ticks ahead (kept in s6) */
#define ARM                                         \
  li t0, MTIME; ld t1, 0(t0);                       \
  li t2, DELAY; add s6, t1, t2;                     \
  li t0, MTIMECMP; sd s6, 0(t0);                    \
  li t0, 1 << 7; csrw mie, t0;                      \
  csrsi mstatus, 8

/* the interrupt was the timer's, taken within BOUND ticks, at a pc in [from, to) */
#define CHECK_TAKEN(from, to)                       \
  li t6, INT_MTI; bne s3, t6, __test_fail;          \
  sub t0, s5, s6; li t6, BOUND; bgeu t0, t6, __test_fail; \
  la t0, from; bltu s4, t0, __test_fail;            \
  la t0, to; bgeu s4, t0, __test_fail

TEST_BEGIN
  .option norvc
  csrw mie, zero
  li t0, MTIMECMP
  li t1, -1
  sd t1, 0(t0)
  la t0, timer_handler
  csrw mtvec, t0

  /* 2: addi and a branch */
  li TESTNUM, 2
  PREPARE(2f)
spin2:
  addi s1, s1, 1
  bne s1, s7, spin2        /* after WARM iterations, arm; s1 never equals s7 again */
  ARM
  j spin2
spin2_end:
2:
  CHECK_TAKEN(spin2, spin2_end)

  /* 3: a jump to itself (warmed by the run loop's slices alone) */
  li TESTNUM, 3
  PREPARE(3f)
  ARM
spin3:
  j spin3
spin3_end:
3:
  CHECK_TAKEN(spin3, spin3_end)

  /* 4: stores and loads each iteration; the doubleword in memory is s1 or s1 - 1 */
  li TESTNUM, 4
  la a1, buffer
  PREPARE(4f)
spin4:
  sd s1, 0(a1)
  ld a2, 0(a1)
  addi s1, a2, 1
  sw s1, 8(a1)
  bne s1, s7, spin4
  ARM
  j spin4
spin4_end:
4:
  CHECK_TAKEN(spin4, spin4_end)
  ld t0, 0(a1)
  beq t0, s1, 5f
  addi t0, t0, 1
  bne t0, s1, __test_fail
5:
  PASS

  .balign 4
timer_handler:
  csrr s3, mcause
  csrr s4, mepc
  li t0, MTIME
  ld s5, 0(t0)
  csrw mie, zero
  li t0, MTIMECMP
  li t1, -1
  sd t1, 0(t0)
  li t0, 1 << 11          /* mret stays in M with MIE off (MPIE off) */
  csrs mstatus, t0
  li t0, 1 << 7
  csrc mstatus, t0
  csrw mepc, s11
  mret

TEST_DATA
  .align 3
buffer: .dword 0, 0
