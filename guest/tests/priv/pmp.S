/* PMP: TOR, NA4 and NAPOT regions with R/W/X checked for S and U (access faults 1/5/7 with
 * tval = address), the lowest-numbered matching entry decides, M-mode unchecked unless the
 * entry is locked, S/U denied when no entry matches (M allowed), MPRV accesses checked with
 * MPP's privilege, page-table walks whose PTE address is denied raise an access fault of the
 * original access type, a translated page whose frame is denied gives an access (not page)
 * fault; locked entries bind M-mode and ignore writes to their pmpcfg byte and pmpaddr (and,
 * for TOR, to the previous pmpaddr). SFENCE.VMA x0, x0 follows each PMP change. */
#include "test.h"
#include "vm.h"

#define P_R 1
#define P_W 2
#define P_X 4
#define P_TOR 0x08
#define P_NA4 0x10
#define P_NAPOT 0x18
#define P_L 0x80
#define CFGREG(i) pmpcfg0
/* set entry i's cfg byte (uses t0) */
#define SETCFG0(i, v) li t0, 0xff << (8 * (i)); csrc pmpcfg0, t0; li t0, (v) << (8 * (i)); csrs pmpcfg0, t0; sfence.vma
#define SETCFG2(i, v) li t0, 0xff << (8 * ((i) - 8)); csrc pmpcfg2, t0; li t0, (v) << (8 * ((i) - 8)); csrs pmpcfg2, t0; sfence.vma
/* pmpaddr for a 4 KiB NAPOT region at label/reg */
#define NAPOT4K(reg) srli reg, reg, 2; ori reg, reg, 0x1ff

#define LOAD_AF(n, addrreg) li TESTNUM, n; TRAP_CLEAR; li a0, 0x77; ld a0, 0(addrreg); EXPECT_TRAP_R(5, addrreg); CHECK(a0, 0x77)
#define STORE_AF(n, addrreg) li TESTNUM, n; TRAP_CLEAR; sd zero, 0(addrreg); EXPECT_TRAP_R(7, addrreg)
#define FETCH_AF(n, addrreg) li TESTNUM, n; TRAP_CLEAR; li a0, 0; jalr ra, 0(addrreg); EXPECT_TRAP_R(1, addrreg); CHECK(a0, 0)
#define LOAD_OK(n, addrreg) li TESTNUM, n; TRAP_CLEAR; ld a0, 0(addrreg); EXPECT_NO_TRAP
#define STORE_OK(n, addrreg) li TESTNUM, n; TRAP_CLEAR; sd zero, 0(addrreg); EXPECT_NO_TRAP
#define FETCH_OK(n, addrreg) li TESTNUM, n; TRAP_CLEAR; li a0, 0; jalr ra, 0(addrreg); EXPECT_NO_TRAP; CHECK(a0, 0x33)

TEST_BEGIN
  VM_TRAPS_INIT
  /* entry 15: everything RWX (the catch-all); entries 0..14 off */
  li t0, -1
  csrw pmpaddr15, t0
  li t0, (P_NAPOT | P_R | P_W | P_X) << 56
  csrw pmpcfg2, t0
  csrw pmpcfg0, zero
  sfence.vma
  la s0, pa
  la s1, pb
  la s11, pcode
  /* entry 0/1: TOR [pa, pa + 4K) read-only */
  srli t0, s0, 2
  csrw pmpaddr0, t0
  li t1, 4096
  add t0, s0, t1
  srli t0, t0, 2
  csrw pmpaddr1, t0
  SETCFG0(1, P_TOR | P_R)
  /* entry 2: NA4 at pb + 8, no permission */
  addi t0, s1, 8
  srli t0, t0, 2
  csrw pmpaddr2, t0
  SETCFG0(2, P_NA4)
  /* entry 3: NAPOT pcode, execute-only */
  mv t0, s11
  NAPOT4K(t0)
  csrw pmpaddr3, t0
  SETCFG0(3, P_NAPOT | P_X)
  /* entry 4: NAPOT pc, RW (no X) */
  la t0, pc
  NAPOT4K(t0)
  csrw pmpaddr4, t0
  SETCFG0(4, P_NAPOT | P_R | P_W)
  /* entry 5: NAPOT pa, RWX: shadowed by entry 1 */
  mv t0, s0
  NAPOT4K(t0)
  csrw pmpaddr5, t0
  SETCFG0(5, P_NAPOT | P_R | P_W | P_X)
  /* 2: pmp CSRs read back */
  li TESTNUM, 2
  csrr a0, pmpaddr3
  mv t0, s11
  NAPOT4K(t0)
  CHECK_R(a0, t0)
  csrr a0, pmpcfg0
  srli a0, a0, 8
  andi a0, a0, 0xff
  CHECK(a0, P_TOR | P_R)

  GO_S
  LOAD_OK(3, s0)
  STORE_AF(4, s0)
  addi t3, s0, 0x7f8
  STORE_AF(5, t3)
  FETCH_AF(6, s0)
  addi t3, s1, 8
  LOAD_AF(7, t3)
  STORE_AF(8, t3)
  addi t3, s1, 12
  LOAD_OK(9, t3)
  mv t3, s1                 /* pb .. pb + 7: just below the NA4 word */
  STORE_OK(10, t3)
  FETCH_OK(11, s11)
  LOAD_AF(12, s11)
  STORE_AF(13, s11)
  la t3, pc
  LOAD_OK(14, t3)
  STORE_OK(15, t3)
  FETCH_AF(16, t3)
  li TESTNUM, 17
  TRAP_CLEAR
  addi t3, s1, 8
  lw a0, 0(t3)
  EXPECT_TRAP_R(5, t3)
  TO_M
  GO_U
  LOAD_OK(18, s0)
  STORE_AF(19, s0)
  FETCH_OK(20, s11)
  LOAD_AF(21, s11)
  TO_M
  /* M-mode: not checked (no lock) */
  STORE_OK(22, s0)
  LOAD_OK(23, s11)
  addi t3, s1, 8
  li TESTNUM, 24
  TRAP_CLEAR
  sw zero, 0(t3)            /* exactly the NA4 word: matched, unlocked: allowed in M */
  lw a0, 0(t3)
  EXPECT_NO_TRAP
  /* 52/53: an access matching only some of its bytes fails, even in M */
  LOAD_AF(52, t3)
  STORE_AF(53, t3)
  /* 25: MPRV with MPP = S: checked as S */
  li TESTNUM, 25
  TRAP_CLEAR
  SET_MPP(MODE_S)
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  sd zero, 0(s0)
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  EXPECT_TRAP_R(7, s0)

  /* --- page-table walks --- */
  li a0, SATP_SV39
  call vm_init
  call vm_std_map
  li a0, 0x40000000
  la a1, pb
  li a2, PTE_RWX
  li a3, 0
  call vm_map
  la t0, tblpte             /* PTE address (in the level-0 table) */
  sd a0, 0(t0)
  li a0, 0x40001000
  la a1, pa
  li a2, PTE_RWX
  li a3, 0
  call vm_map
  li a0, 0x40002000
  la a1, pcode
  li a2, PTE_RWX
  li a3, 0
  call vm_map
  VM_ENABLE
  GO_S
  li TESTNUM, 26
  TRAP_CLEAR
  li t3, 0x40000010
  ld a0, 0(t3)
  EXPECT_NO_TRAP
  /* 27: a translated store to the frame pa (read-only in PMP): access fault, tval = VA */
  li t3, 0x40001010
  STORE_AF(27, t3)
  LOAD_OK(28, t3)
  li t3, 0x40002000
  FETCH_OK(29, t3)
  li t3, 0x40002010
  LOAD_AF(30, t3)
  TO_M
  /* entry 6: NAPOT over the level-0 table, no permission */
  la t0, tblpte
  ld t0, 0(t0)
  srli t0, t0, 12
  slli t0, t0, 12
  NAPOT4K(t0)
  csrw pmpaddr6, t0
  SETCFG0(6, P_NAPOT)
  GO_S
  li t3, 0x40000010
  LOAD_AF(31, t3)
  STORE_AF(32, t3)
  li t3, 0x40002000
  FETCH_AF(33, t3)
  TO_M
  GO_U
  li t3, 0x40000010
  LOAD_AF(34, t3)
  TO_M
  /* 35: the table is fine for M itself */
  li TESTNUM, 35
  la t0, tblpte
  ld t0, 0(t0)
  ld a0, 0(t0)
  beqz a0, vm_fail
  SETCFG0(6, 0)
  csrw satp, zero
  sfence.vma

  /* --- no matching entry: S/U denied, M allowed --- */
  /* entry 14: TOR [0, 0x80400000) RWX; entry 15 off */
  li t0, 0x80400000 >> 2
  csrw pmpaddr14, t0
  li t0, 0xffff << 48
  csrc pmpcfg2, t0
  li t0, (P_TOR | P_R | P_W | P_X) << 48
  csrs pmpcfg2, t0
  sfence.vma
  li s1, 0x80400000
  GO_S
  LOAD_AF(36, s1)
  STORE_AF(37, s1)
  addi t3, s1, -8
  LOAD_OK(38, t3)
  TO_M
  STORE_OK(39, s1)
  LOAD_OK(40, s1)
  /* back to the catch-all */
  SETCFG2(14, 0)
  SETCFG2(15, P_NAPOT | P_R | P_W | P_X)

  /* --- locked entries --- */
  /* entry 8: NAPOT pe, read-only, locked */
  la s1, pe
  mv t0, s1
  NAPOT4K(t0)
  csrw pmpaddr8, t0
  SETCFG2(8, P_NAPOT | P_R | P_L)
  STORE_AF(41, s1)
  LOAD_OK(42, s1)
  FETCH_AF(43, s1)
  /* 44: its cfg byte and pmpaddr ignore writes */
  li TESTNUM, 44
  SETCFG2(8, P_NAPOT | P_R | P_W | P_X)
  csrr a0, pmpcfg2
  andi a0, a0, 0xff
  CHECK(a0, P_NAPOT | P_R | P_L)
  csrr a1, pmpaddr8
  csrw pmpaddr8, zero
  csrr a0, pmpaddr8
  CHECK_R(a0, a1)
  STORE_AF(45, s1)
  /* entries 9/10: TOR [pf, pf + 4K) RW, locked: pmpaddr9 is locked too */
  la s1, pf
  srli t0, s1, 2
  csrw pmpaddr9, t0
  li t1, 4096
  add t0, s1, t1
  srli t0, t0, 2
  csrw pmpaddr10, t0
  SETCFG2(10, P_TOR | P_R | P_W | P_L)
  li TESTNUM, 46
  csrr a1, pmpaddr9
  li t0, 0x1234
  csrw pmpaddr9, t0
  csrr a0, pmpaddr9
  CHECK_R(a0, a1)
  STORE_OK(47, s1)
  FETCH_AF(48, s1)
  /* 49: entry 9's own cfg byte is still writable (only its address is locked) */
  li TESTNUM, 49
  SETCFG2(9, P_NA4 | P_R)
  csrr a0, pmpcfg2
  srli a0, a0, 8
  andi a0, a0, 0xff
  CHECK(a0, P_NA4 | P_R)
  SETCFG2(9, 0)
  /* 50: the locked entries apply to S as well */
  GO_S
  STORE_OK(50, s1)
  la t3, pe
  STORE_AF(51, t3)
  TO_M
  PASS

  .align 12
pcode:
  li a0, 0x33
  ret
  .align 12
TEST_DATA
  .align 3
tblpte: .dword 0
  .align 12
pa: .skip 4096
pb: .skip 4096
pc: .skip 4096
pe: .skip 4096
pf: .skip 4096
