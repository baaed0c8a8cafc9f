/* Loops forever without trapping: only --max-insns ends it. */
  .section .text.init, "ax"
  .globl _start
_start:
  addi t0, t0, 1
  j _start

  .section .tohost, "aw", @progbits
  .align 6; .globl tohost; tohost: .dword 0
  .align 6; .globl fromhost; fromhost: .dword 0
