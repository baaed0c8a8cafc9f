/* A hostile virtio-blk driver on the virt board (-bios none, with one -drive): it queues 64
   GET_ID requests whose writable part claims nearly 4 GiB (one 1 MiB buffer repeated through
   an indirect descriptor table), notifies once, then spins. It prints a line before the notify
   and one after it. hartvm must keep serving its console and signals whatever it queued. */
  .equ UART, 0x10000000
  .equ LSR_THRE, 0x20
  .equ BLK, 0x10008000          /* the first disk sits in the last of the eight slots */
  .equ REQUESTS, 64
  .equ PIECES, 4095             /* 1 MiB writable descriptors per request */
  .equ MIB, 0x100000
  .equ BUFFER, 0x80100000       /* the one 1 MiB buffer every piece points at */
  .equ TABLE, 0x80200000        /* the indirect table all requests share */
  .equ TABLE_ENTRIES, PIECES + 2
  .equ DESC, 0x80300000         /* the queue: descriptors, available ring, used ring */
  .equ AVAIL, DESC + 16 * REQUESTS
  .equ USED, 0x80301000
  .equ HEADER, 0x80302000
  .equ STATUS_BYTE, 0x80302010
  .equ T_GET_ID, 8
  .equ F_NEXT, 1
  .equ F_WRITE, 2
  .equ F_INDIRECT, 4

  .section .text.init, "ax"
  .globl _start
_start:
  la sp, __stack_top
  la a0, before
  call puts

  li s0, BLK
  sw zero, 0x70(s0)            /* Status: reset */
  li t0, 1
  sw t0, 0x70(s0)              /* ACKNOWLEDGE */
  li t0, 3
  sw t0, 0x70(s0)              /* DRIVER */
  li t0, 1
  sw t0, 0x24(s0)              /* DriverFeaturesSel 1 */
  sw t0, 0x20(s0)              /* VERSION_1 (bit 32) */
  sw zero, 0x24(s0)
  li t0, 1 << 28
  sw t0, 0x20(s0)              /* INDIRECT_DESC */
  li t0, 0xb
  sw t0, 0x70(s0)              /* FEATURES_OK */
  sw zero, 0x30(s0)            /* QueueSel 0 */
  li t0, REQUESTS
  sw t0, 0x38(s0)              /* QueueNum */
  li t0, DESC
  sw t0, 0x80(s0)
  sw zero, 0x84(s0)
  li t0, AVAIL
  sw t0, 0x90(s0)
  sw zero, 0x94(s0)
  li t0, USED
  sw t0, 0xa0(s0)
  sw zero, 0xa4(s0)
  li t0, 1
  sw t0, 0x44(s0)              /* QueueReady */
  li t0, 0xf
  sw t0, 0x70(s0)              /* DRIVER_OK */

  /* The request header: GET_ID, sector 0. */
  li t0, HEADER
  li t1, T_GET_ID
  sd t1, 0(t0)
  sd zero, 8(t0)

  /* The indirect table: the header, PIECES times the same 1 MiB buffer, the status byte. */
  li t0, TABLE
  li t1, HEADER
  sd t1, 0(t0)
  li t1, 16
  sw t1, 8(t0)
  li t1, F_NEXT
  sh t1, 12(t0)
  li t1, 1
  sh t1, 14(t0)
  li t2, 1                     /* entry index */
  li t3, PIECES
  li t4, BUFFER
  li t5, MIB
1:
  addi t0, t0, 16
  sd t4, 0(t0)
  sw t5, 8(t0)
  li t1, F_WRITE | F_NEXT
  sh t1, 12(t0)
  addi t1, t2, 1
  sh t1, 14(t0)
  addi t2, t2, 1
  ble t2, t3, 1b
  addi t0, t0, 16
  li t1, STATUS_BYTE
  sd t1, 0(t0)
  li t1, 1
  sw t1, 8(t0)
  li t1, F_WRITE
  sh t1, 12(t0)
  sh zero, 14(t0)

  /* REQUESTS descriptors, each the whole table, all published at once. */
  li t0, DESC
  li t1, AVAIL + 4
  li t2, 0
  li t3, REQUESTS
  li t4, TABLE
  li t5, 16 * TABLE_ENTRIES
  li t6, F_INDIRECT
2:
  sd t4, 0(t0)
  sw t5, 8(t0)
  sh t6, 12(t0)
  sh zero, 14(t0)
  sh t2, 0(t1)
  addi t0, t0, 16
  addi t1, t1, 2
  addi t2, t2, 1
  blt t2, t3, 2b
  fence w, w
  li t0, AVAIL
  sh t3, 2(t0)                 /* avail.idx */
  fence w, w

  la a0, queued
  call puts
  sw zero, 0x50(s0)            /* QueueNotify 0 */
  la a0, after
  call puts
spin:
  j spin

/* Writes the NUL-terminated string at a0 to the UART. */
puts:
  li t0, UART
3:
  lbu t1, 0(a0)
  beqz t1, 5f
4:
  lbu t2, 5(t0)
  andi t2, t2, LSR_THRE
  beqz t2, 4b
  sb t1, 0(t0)
  addi a0, a0, 1
  j 3b
5:
  ret

  .section .rodata
before: .asciz "guest: starting\n"
queued: .asciz "guest: 64 GET_ID requests of 4 GiB queued\n"
after: .asciz "guest: notified\n"

  .section .tohost, "aw", @progbits
  .align 6; .globl tohost; tohost: .dword 0
  .align 6; .globl fromhost; fromhost: .dword 0
