/* Every hart checks in and then runs a loop that never ends; hart 0 says on the virt board's
   UART once 32 harts have checked in: for -smp 32 (the board's most), with every hart busy. */
  .equ UART, 0x10000000
  .equ LSR_THRE, 0x20
  .equ HARTS, 32

  .section .text.init, "ax"
  .globl _start
_start:
  la t0, checked_in
  li t1, 1
  amoadd.w zero, t1, (t0)
  csrr t2, mhartid
  bnez t2, spin
wait:
  lw t1, 0(t0)
  li t3, HARTS
  bne t1, t3, wait
  li s0, UART
  la s1, message
say:
  lbu t1, 5(s0)            /* LSR */
  andi t1, t1, LSR_THRE
  beqz t1, say
  lbu t2, 0(s1)
  beqz t2, spin
  sb t2, 0(s0)             /* THR */
  addi s1, s1, 1
  j say
spin:
  addi t4, t4, 1
  j spin

  .section .data
  .align 2
checked_in: .word 0
message: .asciz "all 32 harts running\n"

  .section .tohost, "aw", @progbits
  .align 6; .globl tohost; tohost: .dword 0
  .align 6; .globl fromhost; fromhost: .dword 0
