/* Self-modifying code in loops that have run hundreds of thousands of instructions (under --engine=jit their pages
 * are translated by then): a store rewrites an instruction, fence.i follows, and the new
 * instruction must run from then on, whether it sits in the loop being run (the same page as
 * the store and the fence.i), in a function on another page, or is a compressed instruction.
 * Patching without fence.i may show the old or the new instruction, so it is not tested.
 * Instruction templates are assembled below and copied with loads. */
#include "isa.h"
#define N 200000
TEST_BEGIN
  .option norvc
  /* 2: a hot loop, then its instruction patched from outside it, then the loop again */
  li TESTNUM, 2
  li a0, 0
  call hot_loop            /* a0 += N */
  li t6, N; bne a0, t6, __test_fail
  la t0, hot_site
  la t1, tmpl_add3
  lw t2, 0(t1)
  sw t2, 0(t0)
  fence.i
  li a0, 0
  call hot_loop            /* a0 += 3 * N */
  li t6, 3 * N; bne a0, t6, __test_fail

  /* 3: the loop patches its own instruction halfway: the iterations with s3 = 2N .. N run the
        old addi a0, a0, 1, the N - 1 after it the new addi a0, a0, 2 */
  li TESTNUM, 3
  li a0, 0
  li s3, 2 * N
  li s4, N
  la s5, self_site
  la t1, tmpl_add2_a0
  lw s6, 0(t1)
  j self_loop

  /* 4: a loop on this page calls a function on another page, patched halfway from the loop */
4:
  li t6, N + 1 + 2 * (N - 1); bne a0, t6, __test_fail
  li TESTNUM, 4
  li s2, 0
  li s3, 2 * N
  la s5, far_fn
  la t1, tmpl_li7
  lw s6, 0(t1)
5:
  call far_fn              /* a0 = 5, then 7 */
  add s2, s2, a0
  bne s3, s4, 6f
  sw s6, 0(s5)
  fence.i
6:
  addi s3, s3, -1
  bnez s3, 5b
  li t6, 5 * (N + 1) + 7 * (N - 1); bne s2, t6, __test_fail

  /* 5: a compressed instruction in a hot loop patched with a 16-bit store */
  li TESTNUM, 5
  li a0, 0
  li s3, 2 * N
  la s5, c_site
  la t1, tmpl_c_addi4
  lhu s6, 0(t1)
  j c_loop
7:
  li t6, N + 1 + 4 * (N - 1); bne a0, t6, __test_fail

  /* 6: the immediate of a hot instruction is bumped every 1000 iterations */
  li TESTNUM, 6
  li a0, 0
  li s3, 10 * 1000
  la s5, bump_site
  li s7, 1 << 20           /* +1 on the I-type immediate */
8:
bump_site:
  addi a0, a0, 0
  li t0, 1000
  remu t0, s3, t0
  bnez t0, 9f
  lw t1, 0(s5)
  add t1, t1, s7
  sw t1, 0(s5)
  fence.i
9:
  addi s3, s3, -1
  bnez s3, 8b
  /* the iteration s3 = 10000 adds 0, the 1000 each after it 1 .. 9, the last 999 add 10 */
  li t6, 1000 * 45 + 999 * 10; bne a0, t6, __test_fail
  PASS

hot_loop:
  li t0, N
1:
hot_site:
  addi a0, a0, 1           /* becomes addi a0, a0, 3 */
  addi t0, t0, -1
  bnez t0, 1b
  ret

self_loop:
self_site:
  addi a0, a0, 1           /* becomes addi a0, a0, 2 */
  bne s3, s4, 1f
  sw s6, 0(s5)
  fence.i
1:
  addi s3, s3, -1
  bnez s3, self_loop
  j 4b

  .option rvc
c_loop:
c_site:
  c.addi a0, 1             /* becomes c.addi a0, 4 */
  .option norvc
  bne s3, s4, 1f
  sh s6, 0(s5)
  fence.i
1:
  addi s3, s3, -1
  bnez s3, c_loop
  j 7b

  /* templates (never executed in place) */
  .align 2
tmpl_add3: addi a0, a0, 3
tmpl_add2_a0: addi a0, a0, 2
tmpl_li7: addi a0, x0, 7
  .option rvc
tmpl_c_addi4: c.addi a0, 4
  .option norvc

  .balign 4096
far_fn:
  addi a0, x0, 5           /* becomes addi a0, x0, 7 */
  ret

TEST_DATA
