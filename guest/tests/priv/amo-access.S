/* HARTVM_ONLY: an AMO at an address with no memory raises a store/AMO access fault (cause 7)
 * per the spec; QEMU 7.2 performs a single-threaded AMO as a load then a store and reports a
 * load access fault (5) instead. Likewise a misaligned AMO or SC is a store/AMO address
 * misaligned exception (6), where QEMU 7.2 reports a load address misaligned (4) for the AMO
 * (and an SC without reservation does not access memory there). */
#include "test.h"
#include "vm.h"
#define AMO_AF(n, addr, ...) li TESTNUM, n; TRAP_CLEAR; li t0, addr; li a0, 0x77; 1: __VA_ARGS__; \
  EXPECT_TRAP(7, addr); la t6, 1b; bne s4, t6, vm_fail; CHECK(a0, 0x77)

TEST_BEGIN
  VM_TRAPS_INIT
  AMO_AF(2, 0x30, amoadd.d a0, t0, (t0))
  AMO_AF(3, 0x34, amoswap.w a0, t0, (t0))
  AMO_AF(4, 0x90000000, amoor.d.aq a0, t0, (t0))
  AMO_AF(5, 0x90000008, amomaxu.d a0, t0, (t0))
  GO_S
  AMO_AF(6, 0x40, amoand.w a0, t0, (t0))
  TO_M
  GO_U
  AMO_AF(7, 0x48, amoxor.d a0, t0, (t0))
  TO_M
  /* 8: SC with a reservation cannot exist there (LR faults: cause 5) */
  li TESTNUM, 8
  TRAP_CLEAR
  li t0, 0x50
  lr.d a0, (t0)
  EXPECT_TRAP(5, 0x50)
  /* 9..12: misaligned AMOs and SC: cause 6, tval = address, memory unchanged */
  la s0, buf
  li TESTNUM, 9
  TRAP_CLEAR
  addi t0, s0, 2
  amoadd.w a0, t0, (t0)
  EXPECT_TRAP_R(6, t0)
  li TESTNUM, 10
  TRAP_CLEAR
  addi t0, s0, 4
  amoswap.d a0, t0, (t0)
  EXPECT_TRAP_R(6, t0)
  li TESTNUM, 11
  TRAP_CLEAR
  addi t0, s0, 3
  amoor.w a0, t0, (t0)
  EXPECT_TRAP_R(6, t0)
  li TESTNUM, 12
  TRAP_CLEAR
  lr.d a0, (s0)
  addi t0, s0, 6
  sc.d a1, a0, (t0)
  EXPECT_TRAP_R(6, t0)
  li TESTNUM, 13
  ld a0, 0(s0)
  CHECK(a0, 0x0706050403020100)
  ld a0, 8(s0)
  CHECK(a0, 0x0f0e0d0c0b0a0908)
  PASS
TEST_DATA
  .align 4
buf: .byte 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
