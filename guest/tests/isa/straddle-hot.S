/* Hot loops with a 32-bit instruction that straddles a page boundary (under --engine=jit both
 * pages are translated, the straddling instruction with the first): the instruction must be
 * the one its two halves make now. Its upper half, the next page's first two bytes, is
 * rewritten between runs of a loop (with fence.i): an addi whose immediate changes, a load
 * whose offset changes; and a straddling branch closes a loop of its own. */
#include "isa.h"
#define N 300000
TEST_BEGIN
  .option norvc
  /* 2: addi a0, a0, 7 straddles */
  li TESTNUM, 2
  li a0, 0
  li t0, N
  call loop_add            /* a0 += 7 N */
  li t6, 7 * N; bne a0, t6, __test_fail

  /* 3: its upper half rewritten to make addi a0, a0, 100 */
  li TESTNUM, 3
  la t0, straddle_add
  la t1, tmpl_add100
  lhu t2, 2(t1)
  sh t2, 2(t0)
  fence.i
  li a0, 0
  li t0, N
  call loop_add            /* a0 += 100 N */
  li t6, 100 * N; bne a0, t6, __test_fail

  /* 4: ld a1, 0(s2) straddles (a0 += 3 per iteration), then it is rewritten to ld a1, 8(s2) (11) */
  li TESTNUM, 4
  la s2, buffer
  li a0, 0
  li t0, N
  call loop_load
  li t6, 3 * N; bne a0, t6, __test_fail
  la t0, straddle_load
  la t1, tmpl_load8
  lhu t2, 2(t1)
  sh t2, 2(t0)
  fence.i
  li a0, 0
  li t0, N
  call loop_load
  li t6, 11 * N; bne a0, t6, __test_fail

  /* 5: the loop's backward branch straddles */
  li TESTNUM, 5
  li a0, 0
  li t0, N
  call loop_branch
  li t6, 2 * N; bne a0, t6, __test_fail
  PASS

tmpl_add100:
  addi a0, a0, 100
tmpl_load8:
  ld a1, 8(s2)

  /* each loop's straddling instruction starts 2 bytes before a page boundary */
  .balign 4096
  .skip 4096 - 10
loop_add:
  addi t0, t0, -1
  .option rvc
  c.nop
  c.nop
  .option norvc
straddle_add:
  addi a0, a0, 7
  bnez t0, loop_add
  ret

  .balign 4096
  .skip 4096 - 10
loop_load:
  addi t0, t0, -1
  .option rvc
  c.nop
  c.nop
  .option norvc
straddle_load:
  ld a1, 0(s2)
  add a0, a0, a1
  bnez t0, loop_load
  ret

  .balign 4096
  .skip 4096 - 14
loop_branch:
  addi a0, a0, 2
  addi t0, t0, -1
  .option rvc
  c.nop
  c.nop
  .option norvc
  bnez t0, loop_branch
  ret

TEST_DATA
  .align 3
buffer: .dword 3, 11
