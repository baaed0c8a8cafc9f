/* Writes 64 KiB to the virt board's UART as a polling driver does (wait for LSR.THRE, write
   THR), lines of 63 'x' and a newline, then powers off. Every hart but hart 0 sleeps. */
  .equ UART, 0x10000000
  .equ LSR_THRE, 0x20
  .equ TEST_DEVICE, 0x100000
  .equ BYTES, 65536

  .section .text.init, "ax"
  .globl _start
_start:
  csrr t0, mhartid
  bnez t0, sleep
  li s0, UART
  li s1, BYTES
  li s2, 0                 /* bytes written */
next:
  lbu t1, 5(s0)            /* LSR */
  andi t1, t1, LSR_THRE
  beqz t1, next
  andi t2, s2, 63
  li t3, 63
  li t4, 'x'
  bne t2, t3, 1f
  li t4, '\n'
1:
  sb t4, 0(s0)             /* THR */
  addi s2, s2, 1
  bne s2, s1, next
  li t0, TEST_DEVICE
  li t1, 0x5555            /* poweroff */
  sw t1, 0(t0)
sleep:
  csrw mie, zero
  wfi
  j sleep

  .section .tohost, "aw", @progbits
  .align 6; .globl tohost; tohost: .dword 0
  .align 6; .globl fromhost; fromhost: .dword 0
