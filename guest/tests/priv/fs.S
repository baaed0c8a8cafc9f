/* mstatus.FS: with FS = Off every FP instruction and FP CSR access is illegal (mtval = the
 * instruction bits, 16 bits for compressed FP loads/stores) in M, S and U; an FP register
 * or fcsr write makes FS Dirty and sets SD; SD is clear unless FS is Dirty; sstatus shows FS
 * and SD. */
#include "test.h"
#include "vm.h"

#define ILL(n, site, ...) li TESTNUM, n; TRAP_CLEAR; site: __VA_ARGS__; CHECK(s2, 2); CHECK(s5, 1); \
  la t5, site; CHECK_R(s4, t5); lwu t5, 0(t5); CHECK_R(s3, t5)
#define ILL16(n, site, ...) li TESTNUM, n; TRAP_CLEAR; site: __VA_ARGS__; CHECK(s2, 2); CHECK(s5, 1); \
  la t5, site; CHECK_R(s4, t5); lhu t5, 0(t5); CHECK_R(s3, t5)
#define SET_FS(v) li t0, MSTATUS_FS; csrc mstatus, t0; li t0, ((v) << 13); csrs mstatus, t0
#define GET_FS(reg) csrr reg, mstatus; srli reg, reg, 13; andi reg, reg, 3
#define GET_SD(reg) csrr reg, mstatus; srli reg, reg, 63

TEST_BEGIN
  VM_TRAPS_INIT
  la s0, fdata
  SET_FS(0)
  ILL(2, c2, fadd.d f1, f2, f3)
  ILL(3, c3, fld f1, 0(s0))
  ILL(4, c4, fsd f1, 0(s0))
  ILL(5, c5, fmv.x.d a0, f1)
  ILL(6, c6, fmv.d.x f1, a0)
  ILL(7, c7, csrr a0, fcsr)
  ILL(8, c8, csrw frm, a0)
  ILL(9, c9, csrrci a0, fflags, 1)
  ILL(10, c10, fcvt.s.w f1, a0)
  ILL(11, c11, flw f1, 0(s0))
  ILL(12, c12, fmadd.d f1, f2, f3, f4)
  ILL(13, c13, fsgnj.d f1, f2, f2)
  ILL(14, c14, feq.d a0, f1, f2)
  ILL(15, c15, fclass.d a0, f1)
  .option push
  .option rvc
  mv s1, s0
  ILL16(16, c16, c.fld f8, 0(s1))
  ILL16(17, c17, c.fsdsp f8, 0(sp))
  .option pop
  /* 18: still Off after all that, SD clear */
  li TESTNUM, 18
  GET_FS(a0)
  CHECK(a0, 0)
  GET_SD(a0)
  CHECK(a0, 0)
  /* 19/20: in S and U too */
  GO_S
  ILL(19, c19, fadd.s f1, f2, f3)
  TO_M
  GO_U
  ILL(20, c20, fld f1, 0(s0))
  TO_M
  /* 21: Initial -> a FP load makes it Dirty, SD = 1 */
  li TESTNUM, 21
  SET_FS(1)
  GET_SD(a0)
  CHECK(a0, 0)
  fld f1, 0(s0)
  GET_FS(a0)
  CHECK(a0, 3)
  GET_SD(a0)
  CHECK(a0, 1)
  /* 22: sstatus shows FS and SD */
  li TESTNUM, 22
  csrr a0, sstatus
  srli a1, a0, 63
  CHECK(a1, 1)
  srli a1, a0, 13
  andi a1, a1, 3
  CHECK(a1, 3)
  /* 23: Clean -> fadd makes it Dirty */
  li TESTNUM, 23
  SET_FS(2)
  GET_SD(a0)
  CHECK(a0, 0)
  fadd.d f2, f1, f1
  GET_FS(a0)
  CHECK(a0, 3)
  /* 24: Clean -> fmv.d.x: Dirty */
  li TESTNUM, 24
  SET_FS(2)
  fmv.d.x f3, zero
  GET_FS(a0)
  CHECK(a0, 3)
  /* 25: Clean -> fcsr write: Dirty */
  li TESTNUM, 25
  SET_FS(2)
  csrwi fflags, 0
  GET_FS(a0)
  CHECK(a0, 3)
  /* (26: an op changing only fflags makes FS Dirty: fs-flags.S, checked on hartvm alone) */
  /* 27: Initial in S-mode: a FP op in S makes it Dirty */
  li TESTNUM, 27
  SET_FS(1)
  GO_S
  fld f4, 0(s0)
  TO_M
  GET_FS(a0)
  CHECK(a0, 3)
  /* 28: values survive FS Off -> On */
  li TESTNUM, 28
  li t0, 0x400921fb54442d18
  fmv.d.x f5, t0
  SET_FS(0)
  SET_FS(2)
  fmv.x.d a0, f5
  li t0, 0x400921fb54442d18
  CHECK_R(a0, t0)
  /* 29: fsd with FS Clean: the state is not written, memory is */
  li TESTNUM, 29
  SET_FS(3)
  fsd f5, 8(s0)
  ld a0, 8(s0)
  li t0, 0x400921fb54442d18
  CHECK_R(a0, t0)
  PASS
TEST_DATA
  .align 3
fdata: .dword 0x3ff8000000000000, 0
