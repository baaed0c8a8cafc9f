/* Writes lines of 63 'x' and a newline to the virt board's UART forever without ever looking
   at LSR, as a driver that ignores a busy transmitter would. Every hart but hart 0 sleeps. */
  .equ UART, 0x10000000

  .section .text.init, "ax"
  .globl _start
_start:
  csrr t0, mhartid
  bnez t0, sleep
  li s0, UART
  li s2, 0                 /* bytes written */
next:
  andi t2, s2, 63
  li t3, 63
  li t4, 'x'
  bne t2, t3, 1f
  li t4, '\n'
1:
  sb t4, 0(s0)             /* THR */
  addi s2, s2, 1
  j next
sleep:
  csrw mie, zero
  wfi
  j sleep

  .section .tohost, "aw", @progbits
  .align 6; .globl tohost; tohost: .dword 0
  .align 6; .globl fromhost; fromhost: .dword 0
