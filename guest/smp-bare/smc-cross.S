/* Code one hart patches while another runs it hot (tests/smp/smc-cross.test.mjs).
 *
 * Hart 1 runs a loop on a page of its own, forever: `site` loads a0 with the current round
 * number, and the loop checks it. Hart 0 waits until hart 1 has looped LOOPS times more (so the
 * loop is hot, and translated under --engine=jit), then rewrites `site` to load the next round
 * number, orders the store with a fence and publishes the round in `round`. Hart 1 may see the
 * new instruction before it sees `round` change (the spec lets a hart that has not run fence.i
 * see old or new code); once it has, it runs fence.i, after which it must see the new
 * instruction every time, and acknowledges the round in `ack`. A wrong value stops hart 1 with
 * `failed` set (2: neither old nor new code before the fence.i, 3: old code after it) and the
 * value in `failed_value`. Hart 0 sets `done` after ROUNDS rounds.
 */
#define ROUNDS 30
/* Each round's passes must come to more instructions (about 9 a pass) than the JIT interprets
   on a page before it translates it (200000), or a round may end before its code is translated. */
#define LOOPS 50000

#include "smp-bare.h"

  .section .text.init, "ax"
  .option norelax
  .option norvc
  .globl _start
_start:
  HART_PROLOGUE stuck
  csrr s0, mhartid
  beqz s0, patcher
  li t0, 1
  beq s0, t0, runner
idle:
  wfi
  j idle

  /* hart 0 */
patcher:
  la s1, site
  la s2, round
  la s3, ack
  la s4, passes
  lw s5, 0(s1)             /* addi a0, x0, 0 */
  li s6, 1                 /* the round being started */
1:
  /* wait for LOOPS more passes of hart 1 */
  ld t0, 0(s4)
  li t1, LOOPS
  add t1, t1, t0
2:
  ld t0, 0(s4)
  bltu t0, t1, 2b
  slli t0, s6, 20
  add t0, t0, s5           /* addi a0, x0, round */
  sw t0, 0(s1)
  fence w, w
  sd s6, 0(s2)
3:
  ld t0, 0(s3)
  bne t0, s6, 3b
  addi s6, s6, 1
  li t0, ROUNDS
  bleu s6, t0, 1b
  li t0, 1
  la t1, done
  sd t0, 0(t1)
4:
  wfi
  j 4b

stuck:
  csrr t1, mcause
  la t2, trapped
  sd t1, 0(t2)
5:
  j 5b

  /* hart 1: s2 = the round it runs, s3 = 1 from its fence.i until it has seen the new code */
  .balign 4096
runner:
  la s1, round
  la s4, passes
  la s5, ack
  li s2, 0
  li s3, 0
loop:
site:
  addi a0, x0, 0
  beq a0, s2, 1f
  bnez s3, stale           /* after fence.i, only the new code */
  addi t0, s2, 1
  bne a0, t0, wrong        /* before it, the old or the next round's */
  j 2f
1:
  beqz s3, 2f
  sd s2, 0(s5)             /* the new code ran after fence.i: acknowledge */
  li s3, 0
2:
  ld t0, 0(s4)
  addi t0, t0, 1
  sd t0, 0(s4)
  ld t0, 0(s1)
  beq t0, s2, loop
  fence.i
  mv s2, t0
  li s3, 1
  j loop

wrong:
  li t0, 2
  j fail
stale:
  li t0, 3
fail:
  la t1, failed_value
  sd a0, 0(t1)
  fence
  la t1, failed
  sd t0, 0(t1)
6:
  j 6b

  .data
  .align 3
  .globl round, ack, passes, done, failed, failed_value, trapped
round: .dword 0
ack: .dword 0
passes: .dword 0
done: .dword 0
failed: .dword 0
failed_value: .dword 0
trapped: .dword 0
