/* Asks for an HTIF write(2) whose argument block starts in the last word of RAM (`run`'s
   default 128 MiB): its other words are past the end. hartvm must say so and stop, not crash. */
  .equ RAM_END, 0x88000000
  .equ SYS_WRITE, 64

  .section .text.init, "ax"
  .globl _start
_start:
  li t0, RAM_END - 8
  li t1, SYS_WRITE
  sd t1, 0(t0)
  la t1, tohost
  sd t0, 0(t1)             /* device 0, command 0, an even payload: the block's address */
1:
  j 1b

  .section .tohost, "aw", @progbits
  .align 6; .globl tohost; tohost: .dword 0
  .align 6; .globl fromhost; fromhost: .dword 0
