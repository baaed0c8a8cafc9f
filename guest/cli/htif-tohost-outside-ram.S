/* A `tohost` symbol outside RAM: hartvm must refuse the program with one line that names it. */
  .section .text.init, "ax"
  .globl _start
_start:
  li t0, 1
  la t1, tohost
  sd t0, 0(t1)
1:
  j 1b

  .globl tohost
  .set tohost, 0x90000000
  .section .tohost, "aw", @progbits
  .align 6; .globl fromhost; fromhost: .dword 0
