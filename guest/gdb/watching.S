/* A program for the GDB stub's watchpoint tests (tests/gdb/): every hart runs `loop`, which
 * stores to its own slot of `slots`, loads it back, adds to its own `amo_counters` slot with an
 * AMO, takes a reservation on its own `lr_words` slot and stores there conditionally, and loads
 * `straddle`, a doubleword that straddles two pages (its halves on each); the other arrays are
 * on pages of their own. Each access has a label: a watchpoint stops the hart there, before the
 * access (as QEMU's RISC-V harts do). The loop ends when s0 reaches s11 (a debugger sets it; at
 * the start it is never reached); hart 0 then powers the board off, the others wait in wfi.
 * Every instruction is 32 bits, so that the labels are where the tests expect them.
 */
  .section .text.init, "ax"
  .globl _start, loop, store, load, amo, lr, sc, straddle_load, loop_end, done
  .globl slots, amo_counters, lr_words, straddle
  .option norvc
_start:
  csrr a0, mhartid
  slli t0, a0, 3
  la s3, slots
  add s3, s3, t0
  la s4, amo_counters
  add s4, s4, t0
  la s5, lr_words
  add s5, s5, t0
  la s6, straddle
  li s0, 0
  li s11, -1
  li t1, 1
loop:
  addi s0, s0, 1
store:
  sd s0, 0(s3)
load:
  ld s1, 0(s3)
amo:
  amoadd.d s7, t1, (s4)
lr:
  lr.d s8, (s5)
sc:
  sc.d s9, s0, (s5)
straddle_load:
  ld s10, 0(s6)
loop_end:
  bltu s0, s11, loop
done:
  bnez a0, 2f
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
2:
  wfi
  j 2b

  .data
  .balign 4096
slots:
  .dword 0, 0, 0, 0, 0, 0, 0, 0
  .balign 4096
amo_counters:
  .dword 0, 0, 0, 0, 0, 0, 0, 0
  .balign 4096
lr_words:
  .dword 0, 0, 0, 0, 0, 0, 0, 0
  .balign 4096
  .skip 4096 - 4
straddle:
  .dword 0x8877665544332211
