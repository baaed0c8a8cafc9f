/* A guest whose trap handler itself faults: mtvec points at unmapped address 0. hartvm must
 * end the run with a diagnosis, not spin forever. */
  .section .text.init, "ax"
  .globl _start
_start:
  csrw mtvec, zero
  .word 0          /* illegal instruction -> handler at 0 -> fetch access fault -> ... */

  .section .tohost, "aw", @progbits
  .align 6; .globl tohost; tohost: .dword 0
  .align 6; .globl fromhost; fromhost: .dword 0
