// A hart's architectural register state, laid out in one buffer so that it can live in
// shared memory (a worker, a debugger or a future wasm JIT can see the same registers).
//
// Integer registers use two views of the same bytes (see shared/notes/ts-performance.md):
// a BigInt64Array for add/sub/logic/mul/compares, an Int32Array (lo at 2i, hi at 2i+1) for
// shifts, unsigned compares, 32-bit ops and addresses.

/** Slot 32 is where writes to x0 go: the decoder renames rd=0 to it, so x0 never needs re-zeroing. */
export const X0_SINK = 32;
const X_SLOTS = 34;
const F_SLOTS = 32;
export const MISC_SLOTS = 8;

/** Indices into `misc` (Int32Array). */
export const enum Misc {
  /** accrued FP exception flags, RISC-V fflags layout: NV=16 DZ=8 OF=4 UF=2 NX=1 */
  FFLAGS = 0,
  /** dynamic rounding mode (frm) */
  FRM = 1,
}

export const enum FFlag { NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16 }

export const enum RoundingMode { RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4, DYN = 7 }

const X_BYTES = X_SLOTS * 8;
/** Byte offset of f0 in the registers (f registers follow the x registers, 8 bytes each). */
export const F_REGS_OFFSET = X_BYTES;
const F_BYTES = F_SLOTS * 8;
const MISC_BYTES = MISC_SLOTS * 4;
/** Byte offset of `misc` in the registers (after the f registers); Misc indexes its 4-byte words. */
export const MISC_OFFSET = X_BYTES + F_BYTES;
export const HART_STATE_BYTES = X_BYTES + F_BYTES + MISC_BYTES;

export class HartState {
  readonly buffer: ArrayBufferLike;
  /** integer registers as signed 64-bit */
  readonly x64: BigInt64Array;
  /** integer registers as 32-bit halves: lo = x32[2*i], hi = x32[2*i+1] */
  readonly x32: Int32Array;
  /** FP registers as doubles (read-only use for arithmetic: bit patterns go through fi32) */
  readonly f64: Float64Array;
  /** FP registers as 32-bit halves (NaN-boxed singles live in the lo half with hi = -1) */
  readonly fi32: Int32Array;
  /** FP registers as floats: f32[2*i] is the single in the lo half of f[i] */
  readonly f32: Float32Array;
  /** small integer state, indexed by `Misc` */
  readonly misc: Int32Array;

  constructor(buffer: ArrayBufferLike = new ArrayBuffer(HART_STATE_BYTES), byteOffset = 0) {
    this.buffer = buffer;
    this.x64 = new BigInt64Array(buffer, byteOffset, X_SLOTS);
    this.x32 = new Int32Array(buffer, byteOffset, X_SLOTS * 2);
    this.f64 = new Float64Array(buffer, byteOffset + X_BYTES, F_SLOTS);
    this.fi32 = new Int32Array(buffer, byteOffset + X_BYTES, F_SLOTS * 2);
    this.f32 = new Float32Array(buffer, byteOffset + X_BYTES, F_SLOTS * 2);
    this.misc = new Int32Array(buffer, byteOffset + MISC_OFFSET, MISC_SLOTS);
  }
}
