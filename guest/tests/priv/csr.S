/* CSR access rules (privileged spec 1.12): read-only CSRs, privilege checks (S/U accessing
 * M CSRs, U accessing S CSRs), csrr* with x0, misa, mhartid, mstatus UXL/SXL, sstatus as a
 * view of mstatus, sie/sip as views of mie/mip under mideleg, mtvec/stvec modes, medeleg/mideleg writable bits, mip write rules, the counter-enable registers, satp
 * from U. Every expected illegal-instruction trap checks mtval = the instruction bits. */
#include "test.h"
#include "vm.h"

/* run one instruction (site label) expecting an illegal-instruction trap */
#define ILL(n, site, ...) li TESTNUM, n; TRAP_CLEAR; site: __VA_ARGS__; CHECK(s2, 2); CHECK(s5, 1); \
  la t5, site; CHECK_R(s4, t5); lwu t5, 0(t5); CHECK_R(s3, t5)
#define OK(n, ...) li TESTNUM, n; TRAP_CLEAR; __VA_ARGS__; EXPECT_NO_TRAP

TEST_BEGIN
  VM_TRAPS_INIT
  /* --- identity registers --- */
  OK(2, csrr a0, mhartid)
  CHECK(a0, 0)
  OK(3, csrr a0, mvendorid; csrr a1, marchid; csrr a2, mimpid)
  ILL(4, c4, csrw mhartid, zero)
  ILL(5, c5, csrrw a0, mvendorid, zero)
  ILL(6, c6, csrrs a0, marchid, t0)       /* t0 != 0: a write */
  ILL(7, c7, csrrci a0, mimpid, 1)
  /* csrrs/csrrc with rs1 = x0 and csrrsi/csrrci with 0 do not write: legal on read-only */
  OK(8, csrrs a0, mhartid, zero; csrrc a1, mvendorid, zero; csrrsi a2, marchid, 0; csrrci a3, mimpid, 0)
  CHECK(a0, 0)
  /* --- misa --- */
  li TESTNUM, 9
  csrr a0, misa
  srli a1, a0, 62
  CHECK(a1, 2)
  li t1, (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20)
  and a1, a0, t1                             /* A C D F I M S U */
  CHECK_R(a1, t1)
  /* --- mstatus --- */
  li TESTNUM, 10
  csrr a0, mstatus
  srli a1, a0, 32
  andi a1, a1, 0xf
  CHECK(a1, 0xa)                             /* UXL = SXL = 2 (64-bit) */
  li TESTNUM, 11
  li t0, 3 << 32
  csrc mstatus, t0                           /* UXL/SXL are not writable to 0 here */
  csrr a0, mstatus
  srli a1, a0, 32
  andi a1, a1, 0xf
  CHECK(a1, 0xa)
  /* 12: MPP takes M, S and U */
  li TESTNUM, 12
  SET_MPP(MODE_S)
  csrr a0, mstatus
  li t1, MSTATUS_MPP
  and a0, a0, t1
  CHECK(a0, MODE_S << 11)
  SET_MPP(MODE_U)
  csrr a0, mstatus
  and a0, a0, t1
  CHECK(a0, 0)
  SET_MPP(MODE_M)
  csrr a0, mstatus
  and a0, a0, t1
  CHECK(a0, MODE_M << 11)
  /* --- sstatus is a view of mstatus --- */
  li TESTNUM, 13
  li t0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR
  csrs sstatus, t0
  csrr a0, mstatus
  and a0, a0, t0
  CHECK_R(a0, t0)
  csrc mstatus, t0
  csrr a0, sstatus
  and a0, a0, t0
  CHECK(a0, 0)
  /* 14: M-only fields are invisible in sstatus and not writable through it */
  li TESTNUM, 14
  li t0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR
  csrs mstatus, t0
  csrr a0, sstatus
  and a0, a0, t0
  CHECK(a0, 0)
  csrc sstatus, t0                         /* no effect */
  csrr a0, mstatus
  and a0, a0, t0
  CHECK_R(a0, t0)
  csrc mstatus, t0
  li t0, MSTATUS_MPRV | MSTATUS_MIE | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR
  csrs sstatus, t0                         /* no effect either */
  csrr a0, mstatus
  and a0, a0, t0
  CHECK(a0, 0)
  /* 15: sstatus shows FS and UXL */
  li TESTNUM, 15
  csrr a0, sstatus
  srli a1, a0, 32
  andi a1, a1, 3
  CHECK(a1, 2)
  srli a1, a0, 13
  andi a1, a1, 3
  beqz a1, vm_fail                         /* FS was set to non-off by TEST_BEGIN */

  /* --- mie/mip and the sie/sip views --- */
  li TESTNUM, 16
  csrw mideleg, zero
  li t0, -1
  csrw sie, t0                             /* nothing delegated: sie is all read-only 0 */
  csrr a0, sie
  CHECK(a0, 0)
  csrr a0, mie
  CHECK(a0, 0)
  li TESTNUM, 17
  li t0, 0xaaa
  csrw mie, t0
  csrr a0, mie
  CHECK(a0, 0xaaa)
  csrr a0, sie
  CHECK(a0, 0)
  li TESTNUM, 18
  li t0, -1
  csrw mideleg, t0
  csrr a0, mideleg
  li t1, 0xaaa; and a0, a0, t1
  CHECK(a0, 0x222)                         /* SSI, STI, SEI delegable; MSI, MTI, MEI not */
  li TESTNUM, 19
  csrr a0, sie
  li t1, 0xaaa; and a0, a0, t1
  CHECK(a0, 0x222)
  csrw sie, zero
  csrr a0, mie
  CHECK(a0, 0x888)
  li t0, 0x20
  csrs sie, t0                             /* STIE through sie */
  csrr a0, mie
  CHECK(a0, 0x8a8)
  csrw mie, zero
  /* 20: mip: MSIP/MTIP are read-only in mip; SSIP is writable; sip.SSIP when delegated */
  li TESTNUM, 20
  li t0, 0x2004000                         /* mtimecmp = max: MTIP clear */
  li t1, -1
  sd t1, 0(t0)
  li t0, 0x2000000                         /* msip = 0 */
  sw zero, 0(t0)
  li t0, 0x88
  csrs mip, t0
  csrr a0, mip
  andi a0, a0, 0x88
  CHECK(a0, 0)
  li t0, 2
  csrs mip, t0
  csrr a0, mip
  andi a0, a0, 2
  CHECK(a0, 2)
  csrr a0, sip
  andi a0, a0, 2
  CHECK(a0, 2)
  csrc sip, t0
  csrr a0, mip
  andi a0, a0, 2
  CHECK(a0, 0)
  li TESTNUM, 21
  csrw mideleg, zero
  csrs mip, t0
  csrr a0, sip                             /* not delegated: invisible in sip */
  CHECK(a0, 0)
  csrc mip, t0

  /* --- trap vectors and epcs --- */
  li TESTNUM, 22
  csrr s0, mtvec
  la t0, vm_trap_m
  ori t0, t0, 1
  csrw mtvec, t0
  csrr a0, mtvec
  CHECK_R(a0, t0)
  csrw mtvec, s0
  li TESTNUM, 23
  li t0, 0x80001002
  csrw mtvec, t0                           /* mode 2 is reserved: the result is mode 0 or 1 */
  csrr a0, mtvec
  csrw mtvec, s0
  andi a0, a0, 3
  li t1, 2
  bgeu a0, t1, vm_fail
  li TESTNUM, 24
  csrr s0, stvec
  la t0, vm_trap_s
  ori t0, t0, 1
  csrw stvec, t0
  csrr a0, stvec
  CHECK_R(a0, t0)
  csrw stvec, s0
  /* (25: mepc/sepc bit 0 always zero: csr-warl.S, checked on hartvm alone) */
  /* 26: mscratch/sscratch hold 64 bits */
  li TESTNUM, 26
  li t0, 0x8badf00ddeadbeef
  csrw mscratch, t0
  csrr a0, mscratch
  CHECK_R(a0, t0)
  not t1, t0
  csrrw a0, sscratch, t1
  csrrw a0, sscratch, zero
  CHECK_R(a0, t1)
  /* 27: medeleg: the usual exceptions are delegable (bit 11: csr-warl.S) */
  li TESTNUM, 27
  li t0, -1
  csrw medeleg, t0
  csrr a0, medeleg
  csrw medeleg, zero
  li t1, 0xb3ff & ~(1 << 10) & ~(1 << 11)    /* 0..9, 12, 13, 15 */
  and t2, a0, t1
  CHECK_R(t2, t1)
  /* 28: csrrw returns the old value; csrrs/csrrc set/clear */
  li TESTNUM, 28
  li t0, 0x1234
  csrw mscratch, t0
  li t1, 0xf0
  csrrs a0, mscratch, t1
  CHECK(a0, 0x1234)
  csrrc a0, mscratch, t0
  CHECK(a0, 0x12f4)
  csrrwi a0, mscratch, 31
  CHECK(a0, 0xc0)
  csrrsi a0, mscratch, 0
  CHECK(a0, 31)

  /* --- privilege checks --- */
  GO_S
  ILL(29, c29, csrr a0, mstatus)
  ILL(30, c30, csrw mscratch, a0)
  ILL(31, c31, csrr a0, mepc)
  ILL(32, c32, csrr a0, mhartid)
  ILL(33, c33, csrr a0, medeleg)
  ILL(34, c34, csrr a0, pmpcfg0)
  ILL(35, c35, csrr a0, mcycle)
  OK(36, csrr a0, sstatus; csrw sscratch, a0; csrr a0, sepc; csrr a0, satp; csrr a0, stvec)
  TO_M
  GO_U
  ILL(37, c37, csrr a0, sstatus)
  ILL(38, c38, csrw sscratch, a0)
  ILL(39, c39, csrr a0, satp)
  ILL(40, c40, csrr a0, mstatus)
  ILL(41, c41, csrr a0, sip)
  ILL(42, c42, csrr a0, stvec)
  TO_M
  /* --- counter enables (cycle, instret: QEMU-checkable; time: counters-time.S) --- */
  csrw mcounteren, zero
  csrw scounteren, zero
  GO_S
  ILL(43, c43, csrr a0, cycle)
  ILL(44, c44, csrr a0, instret)
  ILL(45, c45, csrr a0, hpmcounter3)
  TO_M
  li t0, 0x5                               /* CY, IR */
  csrw mcounteren, t0
  GO_S
  OK(46, csrr a0, cycle; csrr a0, instret)
  TO_M
  GO_U
  ILL(47, c47, csrr a0, cycle)               /* scounteren = 0 */
  ILL(48, c48, csrr a0, instret)
  TO_M
  li t0, 0x1
  csrw scounteren, t0
  GO_U
  OK(49, csrr a0, cycle)
  ILL(50, c50, csrr a0, instret)
  TO_M
  li t0, 0x5
  csrw scounteren, t0
  csrw mcounteren, zero                    /* mcounteren gates U too */
  GO_U
  ILL(51, c51, csrr a0, cycle)
  TO_M
  /* 52: mcounteren/scounteren hold CY, TM, IR */
  li TESTNUM, 52
  li t0, 7
  csrw mcounteren, t0
  csrr a0, mcounteren
  andi a0, a0, 7
  CHECK(a0, 7)
  csrw scounteren, t0
  csrr a0, scounteren
  andi a0, a0, 7
  CHECK(a0, 7)
  /* 53: M can always read cycle/instret */
  csrw mcounteren, zero
  OK(53, csrr a0, cycle; csrr a0, instret)
  /* 54: writing the user counters (read-only) is illegal even in M */
  ILL(54, c54, csrw cycle, zero)
  ILL(55, c55, csrw instret, zero)
  PASS
TEST_DATA
