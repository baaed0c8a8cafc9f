/* HARTVM_ONLY: ebreak / c.ebreak write mtval/stval = the address of the instruction. The spec
 * allows 0 or that address; QEMU 7.2 writes 0, hartvm writes the address, and this program
 * pins hartvm's choice down (exceptions.S accepts both). */
#include "test.h"
#include "vm.h"

TEST_BEGIN
  VM_TRAPS_INIT
  li TESTNUM, 2
  TRAP_CLEAR
b1: ebreak
  la t5, b1
  EXPECT_TRAP_R(3, t5)
  CHECK_R(s4, t5)
  li TESTNUM, 3
  TRAP_CLEAR
  .option push
  .option rvc
b2: c.ebreak
  .option pop
  la t5, b2
  EXPECT_TRAP_R(3, t5)
  CHECK_R(s4, t5)
  /* 4: from U, delegated to S: stval = pc */
  li TESTNUM, 4
  li t0, (1 << 3)
  csrw medeleg, t0
  GO_U
  TRAP_CLEAR
b3: ebreak
  la t5, b3
  EXPECT_TRAP_R(3, t5)
  CHECK_R(s4, t5)
  EXPECT_BY(1)
  TO_M
  csrw medeleg, zero
  PASS
TEST_DATA
