/* A program for the GDB stub's tests (tests/gdb/): every hart counts in hot_loop, s0 by a
 * 32-bit addi and s1 by a compressed one, and stores s0 to its own slot of `counters`. A hart
 * whose s2 a debugger set takes an ecall at do_ecall; trap_handler steps over it and clears s2.
 * Which instruction is which size matters to the tests' single steps, so the sizes are spelled.
 */
  .section .text.init, "ax"
  .globl _start, hot_loop, compressed_add, do_ecall, trap_handler, counters, scratch
_start:
  .option push
  .option norvc
  csrr a0, mhartid
  la t0, trap_handler
  csrw mtvec, t0
  li s0, 0
  li s1, 0
  li s2, 0
  la s3, counters
  slli t0, a0, 3
  add s3, s3, t0
hot_loop:
  addi s0, s0, 1
compressed_add:
  .option pop
  c.addi s1, 1
  .option push
  .option norvc
  sd s0, 0(s3)
  bnez s2, do_ecall
  j hot_loop
do_ecall:
  ecall
  j hot_loop

  .balign 4, 0
trap_handler:
  csrr t0, mepc
  addi t0, t0, 4
  csrw mepc, t0
  li s2, 0
  mret
  .option pop

  .data
  .align 3
counters:
  .dword 0, 0, 0, 0, 0, 0, 0, 0
scratch:
  .dword 0x1122334455667788
