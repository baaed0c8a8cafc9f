/* HTIF syscalls checked like DMA: write(2) from buffers that are not all in RAM returns EFAULT
   (-14), a syscall block at any alignment is served, and exit(2) through one ends the run with
   status 0. A wrong answer reports failure code 1, 2, 3 or 4 instead. */
  .equ RAM_BASE, 0x80000000
  .equ RAM_END, 0x88000000
  .equ SYS_WRITE, 64
  .equ SYS_EXIT, 93
  .equ EFAULT, -14

  .section .text.init, "ax"
  .globl _start
_start:
  la sp, __stack_top
  li s0, 1                 /* failure code of the case */

  /* a buffer that runs past the end of RAM */
  li a0, RAM_END - 4
  li a1, 8
  call write
  li t0, EFAULT
  bne a0, t0, fail

  li s0, 2                 /* a length of 2^64 - 1 */
  li a0, RAM_BASE
  li a1, -1
  call write
  li t0, EFAULT
  bne a0, t0, fail

  li s0, 3                 /* a buffer below RAM */
  li a0, 0x1000
  li a1, 4
  call write
  li t0, EFAULT
  bne a0, t0, fail

  li s0, 4                 /* a good buffer, through a block that is not 8-byte aligned */
  la a0, message
  li a1, 3
  call write
  li t0, 3
  bne a0, t0, fail

  la t0, block + 4         /* exit(0), through the same misaligned block */
  li t1, SYS_EXIT
  sd t1, 0(t0)
  sd zero, 8(t0)
  la t1, tohost
  sd t0, 0(t1)
1:
  j 1b

fail:
  slli t0, s0, 1
  ori t0, t0, 1
  la t1, tohost
  sd t0, 0(t1)
2:
  j 2b

/* write(1, a0, a1) through the syscall block at block + 4; returns the result in a0. */
write:
  la t0, block + 4
  li t1, SYS_WRITE
  sd t1, 0(t0)
  li t1, 1
  sd t1, 8(t0)
  sd a0, 16(t0)
  sd a1, 24(t0)
  la t1, tohost
  sd t0, 0(t1)
  la t1, fromhost
3:
  ld t2, 0(t1)
  beqz t2, 3b
  sd zero, 0(t1)
  ld a0, 0(t0)
  ret

  .section .rodata
message: .ascii "ok\n"

  .data
  .align 3
block: .zero 72

  .section .tohost, "aw", @progbits
  .align 6; .globl tohost; tohost: .dword 0
  .align 6; .globl fromhost; fromhost: .dword 0
