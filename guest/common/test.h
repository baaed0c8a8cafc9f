/* Assembly test conventions shared by every project test program (HTIF):
 *   tohost = 1            -> pass (hartvm exits 0)
 *   tohost = (n << 1) | 1 -> case n failed (hartvm exits n)
 * Use TEST_BEGIN once at the top of a .S file, then set TESTNUM (gp) before each case,
 * and end with PASS. FAIL reports the current TESTNUM. An unexpected trap fails with
 * case number 1000 + mcause (low bits) unless the test installs its own mtvec. */
#ifndef HARTVM_TEST_H
#define HARTVM_TEST_H

#define TESTNUM gp

#define TEST_BEGIN                                  \
  .section .text.init, "ax";                        \
  .globl _start;                                    \
_start:                                             \
  la t0, __test_unexpected_trap;                    \
  csrw mtvec, t0;                                   \
  /* open PMP so that S and U modes may run */      \
  li t0, -1;                                        \
  csrw pmpaddr0, t0;                                \
  li t0, 0x1f; /* NAPOT | X | W | R */              \
  csrw pmpcfg0, t0;                                 \
  /* enable the FPU (mstatus.FS = initial) */       \
  li t0, (1 << 13);                                 \
  csrs mstatus, t0;                                 \
  csrwi fcsr, 0;                                    \
  la sp, __stack_top;                               \
  li TESTNUM, 0;                                    \
  j __test_main;                                    \
__test_unexpected_trap:                             \
  csrr t0, mcause;                                  \
  andi t0, t0, 0xff;                                \
  addi TESTNUM, t0, 1000;                           \
  j __test_fail;                                    \
__test_fail:                                        \
  slli t0, TESTNUM, 1;                              \
  ori t0, t0, 1;                                    \
  j __test_write_tohost;                            \
__test_pass:                                        \
  li t0, 1;                                         \
__test_write_tohost:                                \
  la t1, tohost;                                    \
  sd t0, 0(t1);                                     \
1: j 1b;                                            \
  .text;                                            \
__test_main:

#define PASS j __test_pass
#define FAIL j __test_fail

/* Define tohost/fromhost: put this once, e.g. at the end of the file. */
#define TEST_DATA                                   \
  .section .tohost, "aw", @progbits;                \
  .align 6; .globl tohost; .type tohost, @object;   \
  .size tohost, 8; tohost: .dword 0;                \
  .align 6; .globl fromhost; .type fromhost, @object; \
  .size fromhost, 8; fromhost: .dword 0;            \
  .data

/* TEST_CASE(n, reg, expected, code...): run code, compare reg with the 64-bit constant. */
#define TEST_CASE(n, reg, expected, ...)            \
  li TESTNUM, n;                                    \
  __VA_ARGS__;                                      \
  li t6, expected;                                  \
  bne reg, t6, __test_fail;

#endif
