/* FENCE.I and self-modifying code. After a store to instruction memory
 * followed by FENCE.I, instruction fetches on the same hart must see the new
 * instruction. Covers: patching a function that was already executed (and
 * so possibly cached/translated), patching an instruction later in the same
 * basic block/page that is currently executing, code copied into a data
 * buffer then executed, repeated patching in a loop, partial (byte / half)
 * patches of an instruction's immediate, and patching a compressed
 * instruction with a 16-bit store. Instruction templates are assembled below
 * and copied with loads, so no encodings are hand-written. */
#include "isa.h"
TEST_BEGIN
  .option norvc
  /* 1. run a function, patch its first instruction, fence.i, run again */
  li TESTNUM, 2
  call patch_fn
  li t6, 1; bne a0, t6, __test_fail
  li TESTNUM, 3
  la t0, patch_fn
  la t1, tmpl_li2
  lw t2, 0(t1)
  sw t2, 0(t0)
  fence.i
  call patch_fn
  li t6, 2; bne a0, t6, __test_fail
  /* 2. patch again (second modification of the same code) */
  li TESTNUM, 4
  la t0, patch_fn
  la t1, tmpl_li3
  lw t2, 0(t1)
  sw t2, 0(t0)
  fence.i
  call patch_fn
  li t6, 3; bne a0, t6, __test_fail

  /* 3. patch an instruction further down the currently executing block */
  li TESTNUM, 5
  la t0, 1f
  la t1, tmpl_li7
  lw t2, 0(t1)
  sw t2, 0(t0)
  fence.i
1: addi a0, x0, 1          /* replaced by addi a0, x0, 7 */
  li t6, 7; bne a0, t6, __test_fail

  /* 4. same-block patching in a loop: run the block 3 times, the first pass
        executes the original, later passes the patched instruction */
  li TESTNUM, 6
  li s2, 0                 /* sum of results */
  li s3, 3                 /* iterations */
  la t0, 2f
  la t1, tmpl_orig_add
  lw t2, 0(t1)
  sw t2, 0(t0)             /* restore original addi a0, x0, 1 */
  fence.i
3: 
2: addi a0, x0, 1          /* becomes addi a0, x0, 10 after the first pass */
  add s2, s2, a0
  la t0, 2b
  la t1, tmpl_li10
  lw t2, 0(t1)
  sw t2, 0(t0)
  fence.i
  addi s3, s3, -1
  bnez s3, 3b
  li t6, 21; bne s2, t6, __test_fail

  /* 5. copy a routine into a data buffer and execute it */
  li TESTNUM, 7
  la a1, code_buf
  la a2, routine_a
  la a3, routine_a_end
  call copy_code
  fence.i
  li a0, 5
  la t0, code_buf
  jalr ra, 0(t0)
  li t6, 5 * 3 + 4; bne a0, t6, __test_fail
  /* 6. overwrite the buffer with a different routine, fence.i, execute */
  li TESTNUM, 8
  la a1, code_buf
  la a2, routine_b
  la a3, routine_b_end
  call copy_code
  fence.i
  li a0, 5
  la t0, code_buf
  jalr ra, 0(t0)
  li t6, (5 << 4) - 1; bne a0, t6, __test_fail
  /* 7. and back to the first routine (tests stale translations of the buffer) */
  li TESTNUM, 9
  la a1, code_buf
  la a2, routine_a
  la a3, routine_a_end
  call copy_code
  fence.i
  li a0, 1
  la t0, code_buf
  jalr ra, 0(t0)
  li t6, 7; bne a0, t6, __test_fail

  /* 8. byte patch: change the immediate of addi a0, x0, imm by writing the
        top byte of the instruction (imm[11:4]) */
  li TESTNUM, 10
  la t0, patch_byte_fn
  li t1, 0x10              /* imm[11:4] = 0x10 -> imm = 0x100 | imm[3:0] */
  sb t1, 3(t0)
  fence.i
  call patch_byte_fn
  li t6, 0x100; bne a0, t6, __test_fail
  /* 9. halfword patch of the upper half of the instruction */
  li TESTNUM, 11
  la t0, patch_byte_fn
  lhu t1, 2(t0)
  addi t1, t1, 0x20        /* imm += 2 (imm[0] sits at bit 20, i.e. bit 4 of the upper half) */
  sh t1, 2(t0)
  fence.i
  call patch_byte_fn
  li t6, 0x102; bne a0, t6, __test_fail

  /* 10. patch a compressed instruction with a 16-bit store */
  li TESTNUM, 12
  call patch_c_fn
  li t6, 5; bne a0, t6, __test_fail
  li TESTNUM, 13
  la t0, patch_c_fn
  la t1, tmpl_cli_m3
  lhu t2, 0(t1)
  sh t2, 0(t0)
  fence.i
  call patch_c_fn
  li t6, -3; bne a0, t6, __test_fail

  /* 11. replace a 32-bit instruction by two compressed ones */
  li TESTNUM, 14
  la t0, patch_fn
  la t1, tmpl_two_c
  lw t2, 0(t1)
  sw t2, 0(t0)
  fence.i
  call patch_fn          /* now: c.li a0, 9; c.addi a0, 1; ret */
  li t6, 10; bne a0, t6, __test_fail

  /* 12. many patch/execute cycles of a function */
  li TESTNUM, 15
  li s2, 0
  li s3, 0
4: la t0, patch_loop_fn
  lw t2, 0(t0)
  li t1, 1 << 20           /* imm += 1 */
  add t2, t2, t1
  sw t2, 0(t0)
  fence.i
  call patch_loop_fn
  add s2, s2, a0
  addi s3, s3, 1
  li t6, 50
  blt s3, t6, 4b
  li t6, 1275; bne s2, t6, __test_fail   /* 1 + 2 + ... + 50 */
  PASS

/* copy [a2, a3) to a1, word by word */
copy_code:
1: lw t0, 0(a2)
  sw t0, 0(a1)
  addi a2, a2, 4
  addi a1, a1, 4
  bltu a2, a3, 1b
  ret

  .align 2
patch_fn:
  addi a0, x0, 1
  ret
patch_byte_fn:
  addi a0, x0, 0
  ret
patch_loop_fn:
  addi a0, x0, 0
  ret
  .option rvc
patch_c_fn:
  c.li a0, 5
  ret
  .option norvc

  /* templates (never executed in place) */
  .align 2
tmpl_li2: addi a0, x0, 2
tmpl_li3: addi a0, x0, 3
tmpl_li7: addi a0, x0, 7
tmpl_li10: addi a0, x0, 10
tmpl_orig_add: addi a0, x0, 1
  .option rvc
tmpl_cli_m3: c.li a0, -3
  .align 2
tmpl_two_c: c.li a0, 9
  c.addi a0, 1
  .option norvc
  .align 2
routine_a:           /* a0 = a0 * 3 + 4 */
  slli t0, a0, 1
  add a0, a0, t0
  addi a0, a0, 4
  ret
routine_a_end:
routine_b:           /* a0 = (a0 << 4) - 1 */
  slli a0, a0, 4
  addi a0, a0, -1
  ret
  nop
routine_b_end:

TEST_DATA
  .align 4
code_buf: .fill 64, 1, 0
