/* The time CSR never goes backwards from one hart to another (tests/smp/time-order.test.mjs).
 *
 * Every hart loops: load `latest` (the largest time any hart has published), read `time`, and
 * publish what it read with amomax.d. The read comes after the load, which saw a value another
 * hart read before publishing it, so a time smaller than the loaded value means that the two
 * harts' clocks disagree: time went backwards between harts (Linux's timekeeping, reading the
 * clock on one CPU after another CPU stored its reading, then sees a delta of nearly 2^64 and
 * spins). Such a hart stores the two values in `bad_time`/`bad_latest` and stops. Each hart
 * counts its iterations in `counts[hartid]` and how many of them loaded a value another hart
 * had published in `crossings[hartid]`, so the test knows the check was exercised.
 */
#define MAX_HARTS 8

#include "smp-bare.h"

  .section .text.init, "ax"
  .option norelax /* no gp-relative addresses: gp is not set up */
  .globl _start
_start:
  HART_PROLOGUE stuck
  csrr s0, mhartid
  slli t0, s0, 3
  la s1, counts
  add s1, s1, t0
  la s2, crossings
  add s2, s2, t0
  la s3, latest
  li s4, 0            /* this hart's last reading */
1:
  ld t1, 0(s3)
  fence r, r
  csrr t2, time
  bltu t2, t1, backwards
  beq t1, s4, 2f      /* the latest value is this hart's own: no crossing */
  ld t3, 0(s2)
  addi t3, t3, 1
  sd t3, 0(s2)
2:
  amomax.d zero, t2, (s3)
  mv s4, t2
  ld t3, 0(s1)
  addi t3, t3, 1
  sd t3, 0(s1)
  j 1b

backwards:
  la t3, bad_latest
  sd t1, 0(t3)
  la t3, bad_time
  sd t2, 0(t3)
  la t3, bad_hart
  addi t4, s0, 1
  sd t4, 0(t3)
3:
  j 3b

  /* Any trap: record the cause and stop (the test reports it). */
stuck:
  csrr t1, mepc
  la t2, trap_pc
  sd t1, 0(t2)
  csrr t1, mtval
  la t2, trap_value
  sd t1, 0(t2)
  csrr t1, mcause
  la t2, trapped
  sd t1, 0(t2)
4:
  j 4b

  .bss
  .align 6
  .globl latest, counts, crossings, bad_hart, bad_time, bad_latest, trapped, trap_pc, trap_value
latest: .skip 8
bad_hart: .skip 8
bad_time: .skip 8
bad_latest: .skip 8
trapped: .skip 8
trap_pc: .skip 8
trap_value: .skip 8
counts: .skip 8 * MAX_HARTS
crossings: .skip 8 * MAX_HARTS
