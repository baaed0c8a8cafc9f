/* Start-up for C test programs: stack, bss, FPU on, PMP open, main(), exit via HTIF. */
  .section .text.init, "ax"
  .globl _start
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  la sp, __stack_top
  la t0, __bss_start
  la t1, __bss_end
1:
  bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  la t0, unexpected_trap
  csrw mtvec, t0
  li t0, (1 << 13)
  csrs mstatus, t0
  csrwi fcsr, 0
  call main
  /* main's return value is the exit status: 0 -> tohost = 1 (pass) */
  call htif_exit

/* A trap nobody expected: report it and fail, rather than loop through address 0. */
  .align 2
unexpected_trap:
  la sp, __stack_top
  csrr a0, mcause
  csrr a1, mepc
  csrr a2, mtval
  call report_unexpected_trap
