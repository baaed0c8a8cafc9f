/* HARTVM_ONLY
 * Misaligned AMO, LR and SC must raise an exception. Per the A extension an
 * AMO or SC at a misaligned address raises a store/AMO address-misaligned
 * (mcause 6) or store/AMO access-fault (mcause 7) exception; LR raises a load
 * address-misaligned (4) or load access-fault (5) exception. Memory must not
 * be modified.
 * Marked HARTVM_ONLY because QEMU 7.2 (-M spike) contradicts the spec here:
 * it reports mcause 4 (load address misaligned) for a misaligned AMO, and a
 * misaligned SC.D without a reservation does not trap at all (it just fails). */
#include "isa.h"
TEST_BEGIN
  .option norvc
  li a3, 0x55
  la a1, amo_area; li a2, 0x1111111111111111; sd a2, 0(a1); sd a2, 8(a1)
  /* misaligned AMO / LR / SC raise an exception (cause 4/5 for LR, 6/7 for AMO/SC) */
  li TESTNUM, 2
  la t0, mis_handler; csrw mtvec, t0
  li s2, 0
  la a1, amo_area; addi a1, a1, 2
  amoadd.w a0, a3, (a1)
  li t6, 1; bne s2, t6, __test_fail
  li t6, 6; beq s3, t6, 1f; li t6, 7; bne s3, t6, __test_fail; 1:
  li TESTNUM, 3
  la a1, amo_area; addi a1, a1, 4
  amoswap.d a0, a3, (a1)
  li t6, 2; bne s2, t6, __test_fail
  li t6, 6; beq s3, t6, 1f; li t6, 7; bne s3, t6, __test_fail; 1:
  li TESTNUM, 4
  la a1, amo_area; addi a1, a1, 1
  lr.w a0, (a1)
  li t6, 3; bne s2, t6, __test_fail
  li t6, 4; beq s3, t6, 1f; li t6, 5; bne s3, t6, __test_fail; 1:
  li TESTNUM, 5
  la a1, amo_area; addi a1, a1, 4
  sc.d a0, a3, (a1)
  li t6, 4; bne s2, t6, __test_fail
  li t6, 6; beq s3, t6, 1f; li t6, 7; bne s3, t6, __test_fail; 1:
  li TESTNUM, 6
  /* memory untouched by the faulting instructions */
  la a1, amo_area; ld a0, 0(a1); li t6, 0x1111111111111111; bne a0, t6, __test_fail
  ld a0, 8(a1); bne a0, t6, __test_fail
  /* control: an aligned AMO.W at offset 12 does not trap */
  li TESTNUM, 7
  la t0, mis_handler; csrw mtvec, t0
  la a1, amo_area; addi a1, a1, 12
  amoor.w a0, a3, (a1)
  li t6, 4; bne s2, t6, __test_fail   /* 4-byte aligned AMO.W at +12 must NOT trap */
  li t6, 0x11111111; bne a0, t6, __test_fail
  la t0, __test_unexpected_trap; csrw mtvec, t0
  PASS

  /* trap handler: count traps in s2, record mcause in s3, skip the 4-byte instruction */
  .align 2
mis_handler:
  addi s2, s2, 1
  csrr s3, mcause
  csrr t0, mepc
  addi t0, t0, 4
  csrw mepc, t0
  mret

TEST_DATA
  .align 12
amo_area: .dword 0, 0
