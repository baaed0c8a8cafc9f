/* Helpers for privilege and virtual-memory test programs (include after test.h).
 *
 * Register conventions while these helpers are in use:
 *   s2 = last trap cause, s3 = last tval, s4 = last epc, s5 = number of traps taken,
 *   s6 = one-shot resume address (0: skip the trapping instruction; for fetch faults, causes
 *        0/1/12, with s6 = 0 the handler resumes at ra, so jump to bad targets with jalr ra),
 *   s10 = who took the trap: 0x30 | MPP (M handler) or 0x10 | SPP (S handler),
 *   s7, s8, s9 = scratch of the handlers (tests must not keep values there).
 * The handlers return to the mode that trapped. Interrupts are recorded the same way; the
 * handler then clears the interrupt's enable bit in mie (sie for the S handler) so that a
 * still-pending source does not retrigger.
 *
 * TO_M (li a7, VM_MAGIC; ecall) returns to M-mode from any mode, at the next instruction;
 * it does not touch s2..s5 and leaves mstatus.MIE = 0. GO_S / GO_U continue at the next instruction in S / U mode
 * (GO_U jumps into the user alias of the code, see below, when paging is on).
 *
 * Paging: vm_init(a0 = satp mode 8/9/10) prepares an empty root table from a pool;
 * vm_map(a0 = va, a1 = pa, a2 = PTE flags, a3 = level: 0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB,
 * 3 = 512 GiB, 4 = 256 TiB) writes a leaf PTE (allocating tables) and returns its address
 * in a0; vm_std_map maps the first GiB of RAM twice with gigapages: identity as supervisor
 * RWX, and at VM_ALIAS_OFF + pa as user RWX (the user alias, where GO_U runs user code).
 * vm_satp returns in a0 the satp value (mode, root). All of them are M-mode subroutines
 * (call with `call`, they use a0-a7, t0-t5).
 */
#ifndef HARTVM_VM_H
#define HARTVM_VM_H

#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_G 0x20
#define PTE_A 0x40
#define PTE_D 0x80
#define PTE_RWX (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define PTE_URWX (PTE_RWX | PTE_U)

#define SATP_SV39 8
#define SATP_SV48 9
#define SATP_SV57 10

#define MSTATUS_SIE (1 << 1)
#define MSTATUS_MIE (1 << 3)
#define MSTATUS_SPIE (1 << 5)
#define MSTATUS_MPIE (1 << 7)
#define MSTATUS_SPP (1 << 8)
#define MSTATUS_MPP (3 << 11)
#define MSTATUS_FS (3 << 13)
#define MSTATUS_MPRV (1 << 17)
#define MSTATUS_SUM (1 << 18)
#define MSTATUS_MXR (1 << 19)
#define MSTATUS_TVM (1 << 20)
#define MSTATUS_TW (1 << 21)
#define MSTATUS_TSR (1 << 22)

#define VM_MAGIC 0x4d4d
#define VM_ALIAS_OFF 0x100000000
#define RAM_BASE 0x80000000
#define RAM_TOP 0x88000000

#define MODE_U 0
#define MODE_S 1
#define MODE_M 3

/* Install the helper trap handlers (M and S) and clear the trap registers. */
#define VM_TRAPS_INIT                               \
  la t0, vm_trap_m; csrw mtvec, t0;                 \
  la t0, vm_trap_s; csrw stvec, t0;                 \
  li s2, -1; li s3, 0; li s4, 0; li s5, 0; li s6, 0; li s10, 0

/* Clear the recorded trap (before an access whose trap, or absence of one, is checked). */
#define TRAP_CLEAR li s2, -1; li s3, 0; li s4, 0; li s5, 0; li s10, 0

#define TO_M li a7, VM_MAGIC; ecall

/* Set mstatus.MPP to mode (uses t0). */
#define SET_MPP(mode) li t0, MSTATUS_MPP; csrc mstatus, t0; li t0, ((mode) << 11); csrs mstatus, t0

#define GO_S                                        \
  SET_MPP(MODE_S); la t0, 77f; csrw mepc, t0; mret; 77:

#define GO_U                                        \
  SET_MPP(MODE_U); la t0, 77f; la t1, vm_alias_off; ld t1, 0(t1); add t0, t0, t1; \
  csrw mepc, t0; mret; 77:

/* Expect that the last trap was (cause, tval) taken by handler level 3 (M) or 1 (S);
 * on mismatch fail with TESTNUM (returning to M first). Uses t5, t6. */
#define EXPECT_TRAP(cause, tval)                    \
  li t6, cause; bne s2, t6, vm_fail;                \
  li t6, tval; bne s3, t6, vm_fail
#define EXPECT_TRAP_R(cause, tvalreg)               \
  li t6, cause; bne s2, t6, vm_fail;                \
  bne s3, tvalreg, vm_fail
#define EXPECT_BY(level) andi t6, s10, 0x30; li t5, ((level) << 4); bne t6, t5, vm_fail
#define EXPECT_FROM(mode) andi t6, s10, 3; li t5, (mode); bne t6, t5, vm_fail
#define EXPECT_NO_TRAP bnez s5, vm_fail
#define CHECK(reg, value) li t6, value; bne reg, t6, vm_fail
#define CHECK_R(reg, reg2) bne reg, reg2, vm_fail

  .pushsection .text.vmlib, "ax"
  .option push
  .option norvc
/* Failure from any mode: go back to M, then report TESTNUM. */
vm_fail:
  li a7, VM_MAGIC
  ecall
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  j __test_fail

  .align 6
vm_trap_m:
  csrr s7, mcause
  bltz s7, 5f
  addi s8, s7, -8
  li s9, 3
  bgtu s8, s9, 1f
  li s8, VM_MAGIC
  bne a7, s8, 1f
  /* TO_M: return to M-mode after the ecall, leaving the user alias */
  csrr s7, mepc
  addi s7, s7, 4
  li s8, VM_ALIAS_OFF
  bltu s7, s8, 9f
  sub s7, s7, s8
9:
  csrw mepc, s7
  li s7, MSTATUS_MPP
  csrs mstatus, s7
  li s7, MSTATUS_MPIE       /* M-mode resumes with MIE = 0 */
  csrc mstatus, s7
  mret
1:
  mv s2, s7
  csrr s3, mtval
  csrr s4, mepc
  addi s5, s5, 1
  csrr s10, mstatus
  srli s10, s10, 11
  andi s10, s10, 3
  ori s10, s10, 0x30
  beqz s6, 2f
  csrw mepc, s6
  li s6, 0
  mret
2:
  /* fetch faults: resume at ra */
  beqz s2, 3f
  li s8, 1
  beq s2, s8, 3f
  li s8, 12
  beq s2, s8, 3f
  /* skip the instruction: its length from its first halfword (4 if not in RAM) */
  mv s7, s4
  li s8, VM_ALIAS_OFF
  bltu s7, s8, 4f
  sub s7, s7, s8
4:
  li s9, 4
  li s8, RAM_BASE
  bltu s7, s8, 6f
  li s8, RAM_TOP
  bgeu s7, s8, 6f
  lhu s8, 0(s7)
  andi s8, s8, 3
  li s7, 3
  beq s8, s7, 6f
  li s9, 2
6:
  add s7, s4, s9
  csrw mepc, s7
  mret
3:
  csrw mepc, ra
  mret
5:
  /* interrupt: record, disable its source in mie */
  mv s2, s7
  csrr s3, mtval
  csrr s4, mepc
  addi s5, s5, 1
  csrr s10, mstatus
  srli s10, s10, 11
  andi s10, s10, 3
  ori s10, s10, 0x30
  andi s8, s7, 63
  li s9, 1
  sll s9, s9, s8
  csrc mie, s9
  mret

  .align 6
vm_trap_s:
  csrr s7, scause
  bltz s7, 5f
  addi s8, s7, -8
  li s9, 3
  bgtu s8, s9, 1f
  li s8, VM_MAGIC
  bne a7, s8, 1f
  /* TO_M from a mode whose ecall is delegated: escalate with an ecall from S-mode, then
   * continue (now in M-mode) after the original ecall */
  ecall
  csrr s7, sepc
  addi s7, s7, 4
  li s8, VM_ALIAS_OFF
  bltu s7, s8, 9f
  sub s7, s7, s8
9:
  jr s7
1:
  mv s2, s7
  csrr s3, stval
  csrr s4, sepc
  addi s5, s5, 1
  csrr s10, sstatus
  srli s10, s10, 8
  andi s10, s10, 1
  ori s10, s10, 0x10
  beqz s6, 2f
  csrw sepc, s6
  li s6, 0
  sret
2:
  beqz s2, 3f
  li s8, 1
  beq s2, s8, 3f
  li s8, 12
  beq s2, s8, 3f
  /* skip the instruction: read it through the identity mapping (or 4 if elsewhere) */
  mv s7, s4
  li s8, VM_ALIAS_OFF
  bltu s7, s8, 4f
  sub s7, s7, s8
4:
  li s9, 4
  li s8, RAM_BASE
  bltu s7, s8, 6f
  li s8, RAM_TOP
  bgeu s7, s8, 6f
  lhu s8, 0(s7)
  andi s8, s8, 3
  li s7, 3
  beq s8, s7, 6f
  li s9, 2
6:
  add s7, s4, s9
  csrw sepc, s7
  sret
3:
  csrw sepc, ra
  sret
5:
  mv s2, s7
  csrr s3, stval
  csrr s4, sepc
  addi s5, s5, 1
  csrr s10, sstatus
  srli s10, s10, 8
  andi s10, s10, 1
  ori s10, s10, 0x10
  andi s8, s7, 63
  li s9, 1
  sll s9, s9, s8
  csrc sie, s9
  sret

/* vm_init(a0 = satp mode): zero the table pool, allocate the root. */
vm_init:
  la t0, vm_mode
  sd a0, 0(t0)
  li t1, 3
  li t2, SATP_SV39
  beq a0, t2, 1f
  li t1, 4
  li t2, SATP_SV48
  beq a0, t2, 1f
  li t1, 5
1:
  la t0, vm_levels
  sd t1, 0(t0)
  la t0, vm_pool
  la t1, vm_pool_end
2:
  sd zero, 0(t0)
  addi t0, t0, 8
  bltu t0, t1, 2b
  la t0, vm_pool
  la t1, vm_root
  sd t0, 0(t1)
  li t2, 4096
  add t0, t0, t2
  la t1, vm_next
  sd t0, 0(t1)
  la t1, vm_alias_off
  sd zero, 0(t1)
  ret

/* vm_map(a0 = va, a1 = pa, a2 = flags, a3 = level) -> a0 = address of the leaf PTE */
vm_map:
  la t0, vm_root
  ld t0, 0(t0)               /* t0 = table */
  la t1, vm_levels
  ld t1, 0(t1)
  addi t1, t1, -1            /* t1 = current level */
1:
  /* t2 = index at level t1 */
  li t3, 9
  mul t3, t3, t1
  addi t3, t3, 12
  srl t2, a0, t3
  andi t2, t2, 511
  slli t2, t2, 3
  add t2, t0, t2             /* t2 = PTE address */
  beq t1, a3, 3f
  ld t4, 0(t2)
  andi t5, t4, PTE_V
  bnez t5, 2f
  /* allocate a table */
  la t5, vm_next
  ld t4, 0(t5)
  li t3, 4096
  add t3, t4, t3
  la a4, vm_pool_end
  bgtu t3, a4, vm_pool_exhausted
  sd t3, 0(t5)
  srli t4, t4, 12
  slli t4, t4, 10
  ori t4, t4, PTE_V
  sd t4, 0(t2)
2:
  srli t4, t4, 10
  slli t0, t4, 12
  addi t1, t1, -1
  j 1b
3:
  srli t4, a1, 12
  slli t4, t4, 10
  or t4, t4, a2
  sd t4, 0(t2)
  mv a0, t2
  ret
vm_pool_exhausted:
  li TESTNUM, 999
  j __test_fail

/* vm_std_map: identity map of RAM's first GiB (S, RWX) and the user alias (U, RWX). */
vm_std_map:
  mv a5, ra
  li a0, RAM_BASE
  li a1, RAM_BASE
  li a2, PTE_RWX
  li a3, 2
  call vm_map
  li a0, RAM_BASE + VM_ALIAS_OFF
  li a1, RAM_BASE
  li a2, PTE_URWX
  li a3, 2
  call vm_map
  la t0, vm_alias_off
  li t1, VM_ALIAS_OFF
  sd t1, 0(t0)
  mv ra, a5
  ret

/* vm_satp -> a0 = satp value for the current tables */
vm_satp:
  la t0, vm_mode
  ld a0, 0(t0)
  slli a0, a0, 60
  la t0, vm_root
  ld t0, 0(t0)
  srli t0, t0, 12
  or a0, a0, t0
  ret
  .option pop
  .popsection

  .pushsection .data.vmlib, "aw"
  .align 3
vm_mode: .dword 0
vm_levels: .dword 0
vm_root: .dword 0
vm_next: .dword 0
  .globl vm_alias_off
vm_alias_off: .dword 0
  .popsection
  .pushsection .bss.vmlib, "aw", @nobits
  .align 12
vm_pool: .skip 4096 * 48
vm_pool_end:
  .popsection

/* Turn translation on with the tables built by vm_init/vm_map (uses a0, t0). */
#define VM_ENABLE call vm_satp; csrw satp, a0; sfence.vma

#endif
