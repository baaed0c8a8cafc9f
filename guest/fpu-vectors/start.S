/* Minimal start-up for the FPU vector generator: stack, FPU on (mstatus.FS), fcsr = 0. */
  .section .text.init, "ax"
  .globl _start
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  la sp, __stack_top
  li t0, (1 << 13)
  csrs mstatus, t0
  csrwi fcsr, 0
  call main
1: j 1b
