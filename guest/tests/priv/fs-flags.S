/* HARTVM_ONLY: an FP instruction that writes only an integer register but raises an
 * exception flag changes fcsr.fflags, which is FP state, so mstatus.FS must become Dirty
 * (privileged spec 1.12, 3.1.6.6). QEMU 7.2 leaves FS Clean in that case. */
#include "test.h"
#include "vm.h"
#define SET_FS(v) li t0, MSTATUS_FS; csrc mstatus, t0; li t0, ((v) << 13); csrs mstatus, t0
#define GET_FS(reg) csrr reg, mstatus; srli reg, reg, 13; andi reg, reg, 3

TEST_BEGIN
  VM_TRAPS_INIT
  la s0, fdata
  fld f1, 0(s0)                 /* 1.5 */
  fld f2, 8(s0)                 /* NaN (signalling) */
  csrwi fflags, 0
  /* 2: fcvt.w.d inexact */
  li TESTNUM, 2
  SET_FS(2)
  fcvt.w.d a0, f1
  GET_FS(a1)
  CHECK(a1, 3)
  frflags a0
  CHECK(a0, 1)
  /* 3: feq.d with a signalling NaN: invalid */
  li TESTNUM, 3
  csrwi fflags, 0
  SET_FS(2)
  feq.d a0, f2, f1
  GET_FS(a1)
  CHECK(a1, 3)
  frflags a0
  CHECK(a0, 0x10)
  /* 4: flt.d with a NaN: invalid */
  li TESTNUM, 4
  csrwi fflags, 0
  SET_FS(2)
  flt.d a0, f1, f2
  GET_FS(a1)
  CHECK(a1, 3)
  /* 5: an op that raises nothing and writes only an x register may leave FS Clean: not
   * checked. fclass never raises flags. */
  PASS
TEST_DATA
  .align 3
fdata: .dword 0x3ff8000000000000, 0x7ff4000000000000
