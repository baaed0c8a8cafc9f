/* Readers of pages the VMM moves to other host frames while they run
 * (tests/smp/remap.test.mjs, src/smp/frame-remapper.ts).
 *
 * `area` is PAGES guest pages; every doubleword of page i holds (i << 32) | generation. The
 * test keeps moving each page onto a fresh host frame holding the next generation, and
 * overwrites retired frames with a poison byte before reusing them for other pages.
 *
 * Harts 0 and 1 map RAM with one Sv39 gigapage, enter S-mode and read one doubleword of every
 * page per pass, forever. A value whose tag is not its page's index means the hart read a frame
 * that now backs another page or was poisoned: a stale mapping. A generation lower than one the
 * hart already saw for that page means it went back to an old frame. Either stops the hart with
 * `failed` set (2 = tag, 3 = generation), the value in `failed_value`, the hart in `failed_hart`.
 * Each hart publishes the newest generation it saw per page (`seen`) and its pass count
 * (`passes`). Hart 2 only sleeps in wfi: an idle hart must not hold up the VMM's epochs.
 */
#define PAGES 8
#define READERS 2
#define PTE_RWX_GIGA 0xcf /* V R W X A D */

#include "smp-bare.h"

  .section .text.init, "ax"
  .globl _start
_start:
  HART_PROLOGUE stuck
  csrr s0, mhartid
  li t0, READERS
  bgeu s0, t0, idle

  /* root[2] = 1 GiB identity map of RAM (each reader writes the same value) */
  la a0, root
  li t1, (0x80000000 >> 2) | PTE_RWX_GIGA
  sd t1, 16(a0)
  fence
  ENTER_SV39_SUPERVISOR root, reader

reader:
  /* s1 = this hart's seen[] row, s2 = its pass counter, s3 = area, s4 = word offset in a page */
  la s1, seen
  slli t0, s0, 6           /* PAGES * 8 bytes per hart */
  add s1, s1, t0
  la s2, passes
  slli t0, s0, 3
  add s2, s2, t0
  la s3, area
  li s4, 0
pass:
  li t0, 0                 /* page index */
  mv t1, s3                /* page address */
  mv t2, s1                /* seen[page] */
1:
  add t3, t1, s4
  ld t4, 0(t3)
  srli t5, t4, 32
  bne t5, t0, bad_tag
  slli t5, t4, 32
  srli t5, t5, 32          /* generation */
  ld t6, 0(t2)
  bltu t5, t6, bad_generation
  sd t5, 0(t2)
  addi t0, t0, 1
  li t3, 4096
  add t1, t1, t3
  addi t2, t2, 8
  li t3, PAGES
  bne t0, t3, 1b
  ld t0, 0(s2)
  addi t0, t0, 1
  sd t0, 0(s2)
  addi s4, s4, 8
  li t0, 4095
  and s4, s4, t0
  j pass

bad_tag:
  li t0, 2
  j fail
bad_generation:
  li t0, 3
fail:
  la t1, failed_value
  sd t4, 0(t1)
  la t1, failed_hart
  sd s0, 0(t1)
  fence
  la t1, failed
  sd t0, 0(t1)
2:
  j 2b

idle:
  wfi
  j idle

  /* Any trap: record the cause and stop (the test reports it). */
stuck:
  csrr t1, mcause
  la t2, trapped
  sd t1, 0(t2)
3:
  j 3b

  .data
  .align 12
  .globl area
area:
  .set page, 0
  .rept PAGES
  .rept 512
  .dword page << 32
  .endr
  .set page, page + 1
  .endr

  .bss
  .align 12
root: .skip 4096
  .globl seen, passes, failed, failed_value, failed_hart, trapped
seen: .skip 8 * PAGES * READERS
passes: .skip 8 * READERS
failed: .skip 8
failed_value: .skip 8
failed_hart: .skip 8
trapped: .skip 8
