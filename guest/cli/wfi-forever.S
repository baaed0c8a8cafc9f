/* Waits for an interrupt that nothing can raise: hartvm must say so and stop. */
  .section .text.init, "ax"
  .globl _start
_start:
  csrw mie, zero
  wfi
  j _start

  .section .tohost, "aw", @progbits
  .align 6; .globl tohost; tohost: .dword 0
  .align 6; .globl fromhost; fromhost: .dword 0
