// The fields of mstatus (privileged spec 1.12, section 3.1.6) in its low word, where all the
// ones the hart acts on live; sstatus is a view of the same register.

export const enum Mstatus {
  SIE = 1 << 1, MIE = 1 << 3, SPIE = 1 << 5, MPIE = 1 << 7, SPP = 1 << 8,
  MPP_SHIFT = 11, MPP = 3 << 11, FS_SHIFT = 13, FS = 3 << 13, FS_DIRTY = 3 << 13,
  MPRV = 1 << 17, SUM = 1 << 18, MXR = 1 << 19, TVM = 1 << 20, TW = 1 << 21, TSR = 1 << 22,
}
