/* Shared pieces of the bare-metal SMP programs (tests/smp). */

/* PMP open to everything, traps to `handler`: the first thing every hart runs. */
.macro HART_PROLOGUE handler
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  la t0, \handler
  csrw mtvec, t0
.endm

/* satp = Sv39 with root table `root` (an address in a0 is not kept), then mret into S-mode at `target`. */
.macro ENTER_SV39_SUPERVISOR root, target
  la t1, \root
  srli t1, t1, 12
  li t2, 8 << 60
  or t1, t1, t2
  csrw satp, t1
  sfence.vma
  li t1, 3 << 11
  csrc mstatus, t1
  li t1, 1 << 11
  csrs mstatus, t1
  la t1, \target
  csrw mepc, t1
  mret
.endm
