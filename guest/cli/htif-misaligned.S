/* tohost 4 bytes short of a page boundary (so neither 8-byte aligned nor in one page) and
   fromhost not aligned either: prints "ok" on the HTIF console, then passes (exit 0). */
  .section .text.init, "ax"
  .globl _start
_start:
  la a0, message
1:
  lbu a1, 0(a0)
  beqz a1, 2f
  li t0, 0x0101000000000000   /* device 1, command 1: write a character */
  or t0, t0, a1
  la t1, tohost
  sd t0, 0(t1)
  la t1, fromhost
3:
  ld t2, 0(t1)
  beqz t2, 3b
  sd zero, 0(t1)
  addi a0, a0, 1
  j 1b
2:
  li t0, 1
  la t1, tohost
  sd t0, 0(t1)
4:
  j 4b

  .section .rodata
message: .asciz "ok\n"

  .section .tohost, "aw", @progbits
  .skip 0xffc
  .globl tohost; tohost: .4byte 0, 0
  .skip 2
  .globl fromhost; fromhost: .4byte 0, 0
