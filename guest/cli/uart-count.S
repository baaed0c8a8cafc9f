/* Writes numbered lines to the virt board's UART forever, as a polling driver does (wait for
   LSR.THRE, write THR): "00000000\n", "00000001\n", ... A reader can tell that nothing was
   lost or reordered. Every hart but hart 0 sleeps. */
  .equ UART, 0x10000000
  .equ LSR_THRE, 0x20
  .equ DIGITS, 8

  .section .text.init, "ax"
  .globl _start
_start:
  csrr t0, mhartid
  bnez t0, sleep
  li s0, UART
  la s1, line
line_loop:
  mv s2, s1                /* next byte of the line to send */
send:
  lbu t1, 5(s0)            /* LSR */
  andi t1, t1, LSR_THRE
  beqz t1, send
  lbu t2, 0(s2)
  sb t2, 0(s0)             /* THR */
  addi s2, s2, 1
  li t3, '\n'
  bne t2, t3, send
  /* the number goes up by one: from the last digit, a '9' becomes '0' and carries */
  addi t4, s1, DIGITS - 1
carry:
  lbu t5, 0(t4)
  li t6, '9'
  beq t5, t6, 1f
  addi t5, t5, 1
  sb t5, 0(t4)
  j line_loop
1:
  li t5, '0'
  sb t5, 0(t4)
  beq t4, s1, line_loop    /* all nines: wraps to zeros */
  addi t4, t4, -1
  j carry
sleep:
  csrw mie, zero
  wfi
  j sleep

  .section .data
line: .ascii "00000000\n"

  .section .tohost, "aw", @progbits
  .align 6; .globl tohost; tohost: .dword 0
  .align 6; .globl fromhost; fromhost: .dword 0
