/* Writes lines of 63 'y' and a newline to the console through HTIF's write system call,
   forever: for `hartvm run` with an output that fails. */
  .section .text.init, "ax"
  .globl _start
_start:
  la s0, write_call
  la s1, tohost
  la s2, fromhost
next:
  sd s0, 0(s1)             /* write(1, line, 64) */
1:
  ld t0, 0(s2)
  beqz t0, 1b
  sd zero, 0(s2)
  j next

  .section .data
  .align 3
write_call: .dword 64, 1, line, 64
line: .fill 63, 1, 'y'
  .byte '\n'

  .section .tohost, "aw", @progbits
  .align 6; .globl tohost; tohost: .dword 0
  .align 6; .globl fromhost; fromhost: .dword 0
