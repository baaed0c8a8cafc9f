/* FP loads, stores and moves in hot loops (under --engine=jit they run translated): fld, fsd,
 * flw (NaN-boxed), fsw, fmv.d.x, fmv.x.d and the sign injections of doubles give the same bits
 * as the interpreter's; writing an f register makes mstatus.FS Dirty (and SD set) from Clean;
 * with mstatus.FS Off, each fld in a hot loop raises an illegal-instruction exception. */
#include "test.h"
#define N 50000
#define MSTATUS_FS (3 << 13)
TEST_BEGIN
  .option norvc
  /* 2: the moves' bits */
  li TESTNUM, 2
  li t1, MSTATUS_FS
  csrc mstatus, t1
  li t1, (2 << 13)
  csrs mstatus, t1
  la s0, buffer
  li t0, N
  li a0, 0
  j loop

  .balign 4096
loop:
  fld fa0, 0(s0)
  fsgnjn.d fa1, fa0, fa0
  fsgnjx.d fa2, fa1, fa0
  fsgnj.d fa3, fa0, fa1
  fsd fa3, 8(s0)
  ld a1, 8(s0)
  add a0, a0, a1
  flw fa4, 16(s0)
  fmv.x.d a2, fa4
  add a0, a0, a2
  fsw fa4, 20(s0)
  lwu a3, 20(s0)
  add a0, a0, a3
  fmv.d.x fa5, t0
  fmv.x.d a4, fa5
  add a0, a0, a4
  fmv.x.d a5, fa2
  add a0, a0, a5
  addi t0, t0, -1
  bnez t0, loop
  j check

  .balign 4096
check:
  li t6, 0xcaff9ec7c6536908
  bne a0, t6, __test_fail
  /* 3: FS went from Clean to Dirty, and SD reads 1 */
  li TESTNUM, 3
  csrr t1, mstatus
  li t2, MSTATUS_FS
  and t2, t1, t2
  li t3, MSTATUS_FS
  bne t2, t3, __test_fail
  bgez t1, __test_fail
  /* 4: with FS Off, every fld of a hot loop traps (the handler skips it and counts) */
  li TESTNUM, 4
  la t1, count_illegal
  csrw mtvec, t1
  li t1, MSTATUS_FS
  csrc mstatus, t1
  li s1, 0
  li t0, N
  j off_loop

  .balign 4096
off_loop:
  addi a1, a1, 1
  fld fa0, 0(s0)
  addi t0, t0, -1
  bnez t0, off_loop
  li t6, N
  bne s1, t6, __test_fail
  PASS

  .balign 4
count_illegal:
  csrr t1, mcause
  li t2, 2
  bne t1, t2, __test_fail
  addi s1, s1, 1
  csrr t1, mepc
  addi t1, t1, 4
  csrw mepc, t1
  mret

  .data
  .balign 16
buffer:
  .dword 0x3ff8000000000000
  .dword 0
  .word 0x40490fdb
  .word 0

TEST_DATA
