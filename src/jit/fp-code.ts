// F and D compute instructions and the FP CSRs in a page function (page-translator.ts).
//
// Each compute op runs the FP unit's own code through an import, unless an inline fast path
// covers it: the fast paths of fp-unit.ts, in wasm. They take double arithmetic, comparisons and
// conversions under round-to-nearest-even (a static rm, or the dynamic one while frm is RNE) in
// the operand and result ranges where error-free transformations (TwoSum, Dekker's product,
// round to odd for the fused ops) are exact, so that the inexact flag is exact too; conversions
// to integers take every static rounding mode but RMM. NaNs, infinities, tiny or huge results
// and the other rounding modes go to the import, which gives the IEEE result and flags bit for
// bit. Once fflags has NX (which stays until software clears it), a finite normal result needs
// no exactness test at all. fflags, frm and fcsr are read and written inline.

import { OpWord } from '../cpu/code-cache.js';
import { ENCODINGS, Op } from '../cpu/isa/encodings.js';
import { Misc, MISC_OFFSET, X0_SINK } from '../cpu/state.js';
import { L_A, L_F0, L_SLOT, L_VH, L_W } from './page-locals.js';
import { BLOCK_VOID, Opc, type ByteWriter } from './wasm-writer.js';

/** What the FP code needs of the page function's emitter. */
export interface FpHost {
  readonly w: ByteWriter;
  /** labels open between the current code and the dispatch loop */
  depth: number;
  /** pushes x[r] as an i64 */
  getX(r: number): void;
  /** pops an i64 into x[rd] */
  setX(rd: number): void;
  /** leaves the function for the interpreter to run the instruction at `off`, which has not run */
  leaveToInterpreter(off: number): void;
  /** notes that the FP state changed (mstatus.FS becomes Dirty when the code returns) */
  fpWritten(): void;
  /** pushes f[r] as an f64 */
  getF64(r: number): void;
  /** the local that holds f[r] (as an f64) */
  fLocal(r: number): number;
  /** pops an f64 into f[r] (and notes that the FP state changed) */
  setF64(r: number): void;
  /** f[r] into the hart's slot, and back from it: the FP unit reads and writes the registers there */
  spillF(r: number): void;
  reloadF(r: number): void;
}

/** The inline fast path an op has. */
const enum Fast {
  NONE, ADD, SUB, MUL, DIV, SQRT, FMA, MIN, MAX, EQ, LT, LE,
  FROM_W, FROM_WU, FROM_L, FROM_LU, TO_W, TO_WU, TO_L, TO_LU,
}
const FAST = new Uint8Array(Op.COUNT);
FAST[Op.FADD_D] = Fast.ADD; FAST[Op.FSUB_D] = Fast.SUB; FAST[Op.FMUL_D] = Fast.MUL; FAST[Op.FDIV_D] = Fast.DIV;
FAST[Op.FSQRT_D] = Fast.SQRT;
FAST[Op.FMADD_D] = Fast.FMA; FAST[Op.FMSUB_D] = Fast.FMA; FAST[Op.FNMSUB_D] = Fast.FMA; FAST[Op.FNMADD_D] = Fast.FMA;
FAST[Op.FMIN_D] = Fast.MIN; FAST[Op.FMAX_D] = Fast.MAX;
FAST[Op.FEQ_D] = Fast.EQ; FAST[Op.FLT_D] = Fast.LT; FAST[Op.FLE_D] = Fast.LE;
FAST[Op.FCVT_D_W] = Fast.FROM_W; FAST[Op.FCVT_D_WU] = Fast.FROM_WU; FAST[Op.FCVT_D_L] = Fast.FROM_L; FAST[Op.FCVT_D_LU] = Fast.FROM_LU;
FAST[Op.FCVT_W_D] = Fast.TO_W; FAST[Op.FCVT_WU_D] = Fast.TO_WU; FAST[Op.FCVT_L_D] = Fast.TO_L; FAST[Op.FCVT_LU_D] = Fast.TO_LU;

/** Whether the op reads x[rs1] and whether it writes x[rd] (else they are f registers or absent). */
const READS_X1 = new Uint8Array(Op.COUNT);
const WRITES_X = new Uint8Array(Op.COUNT);
/** The f registers the op reads (bit 0: rs1, 1: rs2, 2: rs3), and whether it writes f[rd]. */
const READS_F = new Uint8Array(Op.COUNT);
const WRITES_F = new Uint8Array(Op.COUNT);
/** The ops this module translates: the F and D ones that are not loads or stores. */
const COMPUTE = new Uint8Array(Op.COUNT);
for (const info of ENCODINGS) {
  if (!info.fp || info.memory !== null) continue;
  COMPUTE[info.op] = 1;
  READS_X1[info.op] = info.rs1 === 'x' ? 1 : 0;
  WRITES_X[info.op] = info.rd === 'x' ? 1 : 0;
  READS_F[info.op] = (info.rs1 === 'f' ? 1 : 0) | (info.rs2 === 'f' ? 2 : 0) | (info.rs3 === 'f' ? 4 : 0);
  WRITES_F[info.op] = info.rd === 'f' ? 1 : 0;
}

/** Whether `op` is an F or D compute instruction (it is translated through this module). */
export function isFpCompute(op: number): boolean {
  return COMPUTE[op] === 1;
}

const CSR_FFLAGS = 0x001, CSR_FRM = 0x002, CSR_FCSR = 0x003;
/** Whether a CSR instruction's CSR is one this module reads and writes inline. */
export function isFpCsr(csr: number): boolean {
  return csr === CSR_FFLAGS || csr === CSR_FRM || csr === CSR_FCSR;
}

const RNE = 0, RTZ = 1, RDN = 2, RUP = 3, DYNAMIC = 7;
const NX = 1;
const FFLAGS = MISC_OFFSET + 4 * Misc.FFLAGS, FRM = MISC_OFFSET + 4 * Misc.FRM;

// The ranges of fp-unit.ts: below LO a product's error might not be a double; above SPLIT_HI
// Veltkamp's split could overflow; above HI a sum's error could.
const LO = 2 ** -968, SPLIT_HI = 2 ** 995, HI = 2 ** 1000;
/** Dekker/Veltkamp split constant 2^27 + 1 */
const SPLIT = 134217729;
const MIN_NORMAL = 2 ** -1022;

// f64 temporaries
const A_TMP = L_F0, B_TMP = L_F0 + 1, C_TMP = L_F0 + 2, Z = L_F0 + 3, T = L_F0 + 4, AH = L_F0 + 5, AL = L_F0 + 6, BH = L_F0 + 7;
const BL = L_F0 + 8, UH = L_F0 + 9, UL = L_F0 + 10, TH = L_F0 + 11, BB = L_F0 + 12, TL = L_F0 + 13, S1 = L_F0 + 14, E3 = L_F0 + 15;
/** (reusing temporaries that are dead by then) */
const V = T, E2 = AH;

const keyBits = new BigUint64Array(1), keyValue = new Float64Array(keyBits.buffer);
/** The bits of the non-negative double `v` shifted left by one (see FpCode.magnitudeIn). */
function magnitudeKey(v: number): bigint {
  keyValue[0] = v;
  return BigInt.asUintN(64, keyBits[0] << 1n);
}

/** What a fast path needs of the rounding mode, or NONE_USABLE when it cannot serve the instruction's. */
const enum Guard { NONE, FRM_RNE, FRM_VALID, NONE_USABLE }

export class FpCode {
  /** `depth` of the fast path's label to the slow path */
  private slowDepth = 0;
  /** whether the code emitted uses the f64 temporaries */
  usesTemporaries = false;

  constructor(private readonly h: FpHost, private readonly callFp: number) {}

  private get w(): ByteWriter { return this.h.w; }
  private op(o: number): void { this.w.byte(o); }
  private get(l: number): void { this.w.byte(Opc.LOCAL_GET).u32(l); }
  private set(l: number): void { this.w.byte(Opc.LOCAL_SET).u32(l); }
  private f64(v: number): void { this.w.byte(Opc.F64_CONST).f64(v); }
  private i32(v: number): void { this.w.byte(Opc.I32_CONST).s32(v); }
  private i64(v: bigint): void { this.w.byte(Opc.I64_CONST).s64(v); }
  private mem(o: number, align: number, offset: number): void { this.w.byte(o).u32(align).u32(offset); }
  private block(): void { this.w.byte(Opc.BLOCK).byte(BLOCK_VOID); this.h.depth++; }
  private ifVoid(): void { this.w.byte(Opc.IF).byte(BLOCK_VOID); this.h.depth++; }
  private else_(): void { this.op(Opc.ELSE); }
  private end(): void { this.op(Opc.END); this.h.depth--; }

  /** The local to read f[r] from: its own, or `temporary` holding it negated. */
  private operand(temporary: number, r: number, negate = false): number {
    if (!negate) return this.h.fLocal(r);
    this.h.getF64(r); this.op(Opc.F64_NEG); this.set(temporary);
    return temporary;
  }
  private storeF(rd: number, local: number): void {
    this.get(local); this.h.setF64(rd);
  }
  /** fflags |= NX if the f64 on the stack is not zero */
  private inexactUnlessZero(): void {
    this.f64(0); this.op(Opc.F64_NE);
    this.ifVoid();
    this.get(L_SLOT); this.get(L_SLOT); this.mem(Opc.I32_LOAD, 2, FFLAGS); this.i32(NX); this.op(Opc.I32_OR);
    this.mem(Opc.I32_STORE, 2, FFLAGS);
    this.end();
  }
  /**
   * Opens code that runs unless fflags has NX already and the RNE result in `local` is a finite
   * normal number: then no other flag can be raised and NX is sticky, so whether this result is
   * exact does not matter. Closed by end().
   */
  private unlessStickyInexactCovers(local: number): void {
    this.get(L_SLOT); this.mem(Opc.I32_LOAD, 2, FFLAGS); this.i32(NX); this.op(Opc.I32_AND);
    this.magnitudeIn(local, MIN_NORMAL, Infinity, false); this.op(Opc.I32_AND);
    this.op(Opc.I32_EQZ);
    this.ifVoid();
  }

  /** Pops an i32: the slow path runs instead if it is 0. */
  private slowUnless(): void {
    this.op(Opc.I32_EQZ);
    this.w.byte(Opc.BR_IF).u32(this.h.depth - this.slowDepth);
  }
  /**
   * Pushes lo <= |local| < hi (or <= hi): false for NaN. Magnitudes (NaNs above infinity) order
   * as their bits without the sign, unsigned: one compare of the bits less lo's, shifted left by one.
   */
  private magnitudeIn(local: number, lo: number, hi: number, hiIncluded: boolean): void {
    const loKey = magnitudeKey(lo);
    this.get(local); this.op(Opc.I64_REINTERPRET_F64); this.i64(1n); this.op(Opc.I64_SHL);
    this.i64(BigInt.asIntN(64, loKey)); this.op(Opc.I64_SUB);
    this.i64(BigInt.asIntN(64, magnitudeKey(hi) - loKey)); this.op(hiIncluded ? Opc.I64_LE_U : Opc.I64_LT_U);
  }
  /** Pushes |local| < infinity (false for NaN). */
  private finite(local: number): void {
    this.get(local); this.op(Opc.F64_ABS); this.f64(Infinity); this.op(Opc.F64_LT);
  }
  private isZero(local: number): void { this.get(local); this.f64(0); this.op(Opc.F64_EQ); }
  private notNaN(local: number): void { this.get(local); this.get(local); this.op(Opc.F64_EQ); }

  /** Pushes the exact error of p = RN(a * b) (Dekker), for |a|, |b| in [LO, SPLIT_HI) and |p| >= LO. */
  private productError(a: number, b: number, p: number): void {
    const split = (x: number, hi: number, lo: number) => {
      this.f64(SPLIT); this.get(x); this.op(Opc.F64_MUL); this.set(T);
      this.get(T); this.get(T); this.get(x); this.op(Opc.F64_SUB); this.op(Opc.F64_SUB); this.set(hi);
      this.get(x); this.get(hi); this.op(Opc.F64_SUB); this.set(lo);
    };
    split(a, AH, AL);
    split(b, BH, BL);
    // ((ah*bh - p) + ah*bl + al*bh) + al*bl
    this.get(AH); this.get(BH); this.op(Opc.F64_MUL); this.get(p); this.op(Opc.F64_SUB);
    this.get(AH); this.get(BL); this.op(Opc.F64_MUL); this.op(Opc.F64_ADD);
    this.get(AL); this.get(BH); this.op(Opc.F64_MUL); this.op(Opc.F64_ADD);
    this.get(AL); this.get(BL); this.op(Opc.F64_MUL); this.op(Opc.F64_ADD);
  }

  /** Pushes the exact error of s = RN(a + b) (TwoSum); bb is a temporary. */
  private sumError(a: number, b: number, s: number): void {
    this.get(s); this.get(a); this.op(Opc.F64_SUB); this.set(BB);
    this.get(a); this.get(s); this.get(BB); this.op(Opc.F64_SUB); this.op(Opc.F64_SUB);
    this.get(b); this.get(BB); this.op(Opc.F64_SUB); this.op(Opc.F64_ADD);
  }

  /**
   * The F or D compute instruction `c` (an OP word) at page offset `off`, with `rs3rm` its rs3
   * and rounding-mode field (rs3 | rm << 5); mstatus.FS is known not to be Off.
   */
  compute(c: number, rs3rm: number, off: number): void {
    const op = c & 255;
    const fast = FAST[op] as Fast;
    const guard = guardFor(fast, rs3rm >>> 5);
    if (guard === Guard.NONE_USABLE) {
      this.slow(c, rs3rm, off);
    } else {
      this.block();
      this.block();
      this.slowDepth = this.h.depth;
      this.usesTemporaries = true;
      if (guard !== Guard.NONE) {
        this.get(L_SLOT); this.mem(Opc.I32_LOAD, 2, FRM);
        if (guard === Guard.FRM_VALID) { this.i32(4); this.op(Opc.I32_GT_U); }
        this.w.byte(Opc.BR_IF).u32(0);
      }
      this.fastPath(fast, c, rs3rm);
      this.w.byte(Opc.BR).u32(1);
      this.end();
      this.slow(c, rs3rm, off);
      this.end();
    }
    // every F and D compute instruction makes mstatus.FS Dirty
    this.h.fpWritten();
  }

  /** The instruction through the FP unit (the import): the registers it reads and writes outside f pass through the hart's slot. */
  private slow(c: number, rs3rm: number, off: number): void {
    const op = c & 255, rd = (c >>> OpWord.RD) & 63, rs1 = (c >>> OpWord.RS1) & 31;
    if (READS_X1[op] && rs1 !== 0) { this.get(L_SLOT); this.h.getX(rs1); this.mem(Opc.I64_STORE, 3, 8 * rs1); }
    const readsF = READS_F[op];
    if (readsF & 1) this.h.spillF(rs1);
    if (readsF & 2) this.h.spillF((c >>> OpWord.RS2) & 31);
    if (readsF & 4) this.h.spillF(rs3rm & 31);
    this.i32(c | 0); this.i32(rs3rm);
    this.w.byte(Opc.CALL).u32(this.callFp);
    // 1: a reserved rounding mode; the interpreter raises the illegal-instruction exception
    this.ifVoid();
    this.h.leaveToInterpreter(off);
    this.end();
    if (WRITES_X[op] && rd !== X0_SINK) { this.get(L_SLOT); this.mem(Opc.I64_LOAD, 3, 8 * rd); this.h.setX(rd); }
    if (WRITES_F[op]) this.h.reloadF(rd);
  }

  private fastPath(fast: Fast, c: number, rs3rm: number): void {
    const op = c & 255, rd = (c >>> OpWord.RD) & 63, rs1 = (c >>> OpWord.RS1) & 31, rs2 = (c >>> OpWord.RS2) & 31;
    // the locals of the operands
    let a: number, b: number;
    switch (fast) {
      case Fast.ADD: case Fast.SUB:
        a = this.operand(A_TMP, rs1); b = this.operand(B_TMP, rs2, fast === Fast.SUB);
        this.get(a); this.get(b); this.op(Opc.F64_ADD); this.set(Z);
        this.unlessStickyInexactCovers(Z);
        // an inexact sum is never tiny; near overflow (or NaN), the slow path
        this.get(Z); this.op(Opc.F64_ABS); this.f64(HI); this.op(Opc.F64_LE); this.slowUnless();
        this.sumError(a, b, Z); this.inexactUnlessZero();
        this.end();
        this.storeF(rd, Z);
        return;
      case Fast.MUL:
        a = this.operand(A_TMP, rs1); b = this.operand(B_TMP, rs2);
        this.get(a); this.get(b); this.op(Opc.F64_MUL); this.set(Z);
        this.unlessStickyInexactCovers(Z);
        this.magnitudeIn(Z, LO, HI, true); this.magnitudeIn(a, LO, SPLIT_HI, false); this.op(Opc.I32_AND);
        this.magnitudeIn(b, LO, SPLIT_HI, false); this.op(Opc.I32_AND);
        this.ifVoid();
        this.productError(a, b, Z); this.inexactUnlessZero();
        this.else_();
        // a zero times a finite number is exact
        this.isZero(a); this.isZero(b); this.op(Opc.I32_OR); this.finite(a); this.op(Opc.I32_AND); this.finite(b); this.op(Opc.I32_AND);
        this.slowUnless();
        this.end();
        this.end();
        this.storeF(rd, Z);
        return;
      case Fast.DIV:
        a = this.operand(A_TMP, rs1); b = this.operand(B_TMP, rs2);
        this.get(a); this.get(b); this.op(Opc.F64_DIV); this.set(Z);
        this.unlessStickyInexactCovers(Z);
        this.magnitudeIn(Z, LO, SPLIT_HI, false); this.magnitudeIn(a, LO, HI, true); this.op(Opc.I32_AND);
        this.magnitudeIn(b, LO, SPLIT_HI, false); this.op(Opc.I32_AND);
        this.ifVoid();
        // the remainder a - q*b = (a - p) - error(p), p = RN(q*b), is exact
        this.get(Z); this.get(b); this.op(Opc.F64_MUL); this.set(UH);
        this.get(a); this.get(UH); this.op(Opc.F64_SUB); this.productError(Z, b, UH); this.op(Opc.F64_SUB);
        this.inexactUnlessZero();
        this.else_();
        // zero divided by a finite non-zero number is exact
        this.isZero(a); this.isZero(b); this.op(Opc.I32_EQZ); this.op(Opc.I32_AND); this.finite(b); this.op(Opc.I32_AND);
        this.slowUnless();
        this.end();
        this.end();
        this.storeF(rd, Z);
        return;
      case Fast.SQRT:
        a = this.operand(A_TMP, rs1);
        this.get(a); this.op(Opc.F64_SQRT); this.set(Z);
        this.unlessStickyInexactCovers(Z);
        this.get(a); this.f64(LO); this.op(Opc.F64_GE); this.get(a); this.f64(HI); this.op(Opc.F64_LE); this.op(Opc.I32_AND);
        this.ifVoid();
        this.get(Z); this.get(Z); this.op(Opc.F64_MUL); this.set(UH);
        this.get(a); this.get(UH); this.op(Opc.F64_SUB); this.productError(Z, Z, UH); this.op(Opc.F64_SUB);
        this.inexactUnlessZero();
        this.else_();
        // the root of a zero is that zero
        this.isZero(a); this.slowUnless();
        this.end();
        this.end();
        this.storeF(rd, Z);
        return;
      case Fast.FMA:
        this.fusedMultiplyAdd(op, rd, rs1, rs2, rs3rm & 31);
        return;
      case Fast.MIN: case Fast.MAX:
        a = this.operand(A_TMP, rs1); b = this.operand(B_TMP, rs2);
        this.notNaN(a); this.notNaN(b); this.op(Opc.I32_AND); this.slowUnless();
        // (IEEE minimum and maximum order -0 below +0, as RISC-V does)
        this.get(a); this.get(b); this.op(fast === Fast.MIN ? Opc.F64_MIN : Opc.F64_MAX); this.set(Z);
        this.storeF(rd, Z);
        return;
      case Fast.EQ: case Fast.LT: case Fast.LE:
        a = this.operand(A_TMP, rs1); b = this.operand(B_TMP, rs2);
        this.notNaN(a); this.notNaN(b); this.op(Opc.I32_AND); this.slowUnless();
        if (rd === X0_SINK) return;
        this.get(a); this.get(b); this.op(fast === Fast.EQ ? Opc.F64_EQ : fast === Fast.LT ? Opc.F64_LT : Opc.F64_LE);
        this.op(Opc.I64_EXTEND_I32_U); this.h.setX(rd);
        return;
      case Fast.FROM_W: case Fast.FROM_WU:
        this.h.getX(rs1); this.op(Opc.I32_WRAP_I64);
        this.op(fast === Fast.FROM_W ? Opc.F64_CONVERT_I32_S : Opc.F64_CONVERT_I32_U); this.set(Z);
        this.storeF(rd, Z);
        return;
      case Fast.FROM_L: case Fast.FROM_LU:
        // exact while |x| <= 2^53
        this.h.getX(rs1); this.w.byte(Opc.LOCAL_TEE).u32(L_A);
        if (fast === Fast.FROM_L) { this.i64(1n << 53n); this.op(Opc.I64_ADD); this.i64(1n << 54n); } else this.i64(1n << 53n);
        this.op(Opc.I64_LE_U); this.slowUnless();
        this.get(L_A); this.op(fast === Fast.FROM_L ? Opc.F64_CONVERT_I64_S : Opc.F64_CONVERT_I64_U); this.set(Z);
        this.storeF(rd, Z);
        return;
      case Fast.TO_W: case Fast.TO_WU: case Fast.TO_L: case Fast.TO_LU: {
        a = this.operand(A_TMP, rs1);
        const rm = rs3rm >>> 5;
        this.get(a); this.op(rm === RTZ ? Opc.F64_TRUNC : rm === RDN ? Opc.F64_FLOOR : rm === RUP ? Opc.F64_CEIL : Opc.F64_NEAREST);
        this.set(Z);
        // the rounded value in the integer's range (false for NaN), else the slow path
        const [lo, hi, hiIncluded, truncate] = fast === Fast.TO_W ? [-(2 ** 31), 2 ** 31 - 1, true, Opc.I32_TRUNC_F64_S]
          : fast === Fast.TO_WU ? [0, 2 ** 32 - 1, true, Opc.I32_TRUNC_F64_U]
            : fast === Fast.TO_L ? [-(2 ** 63), 2 ** 63, false, Opc.I64_TRUNC_F64_S] : [0, 2 ** 64, false, Opc.I64_TRUNC_F64_U];
        this.get(Z); this.f64(lo); this.op(Opc.F64_GE); this.get(Z); this.f64(hi); this.op(hiIncluded ? Opc.F64_LE : Opc.F64_LT);
        this.op(Opc.I32_AND); this.slowUnless();
        this.get(Z); this.get(a); this.op(Opc.F64_SUB); this.inexactUnlessZero();
        if (rd === X0_SINK) return;
        // (the 32-bit results are sign-extended, the unsigned one too)
        this.get(Z); this.op(truncate);
        if (fast === Fast.TO_W || fast === Fast.TO_WU) this.op(Opc.I64_EXTEND_I32_S);
        this.h.setX(rd);
        return;
      }
      default:
        throw new Error(`translator: op ${op} has no FP fast path`);
    }
  }

  /** fmadd.d, fmsub.d, fnmsub.d, fnmadd.d: the exact product plus the addend, rounded once (round to odd, then nearest). */
  private fusedMultiplyAdd(op: number, rd: number, rs1: number, rs2: number, rs3: number): void {
    const negateProduct = op === Op.FNMSUB_D || op === Op.FNMADD_D, negateAddend = op === Op.FMSUB_D || op === Op.FNMADD_D;
    const a = this.operand(A_TMP, rs1, negateProduct), b = this.operand(B_TMP, rs2), c = this.operand(C_TMP, rs3, negateAddend);
    this.get(a); this.get(b); this.op(Opc.F64_MUL); this.set(UH);
    this.magnitudeIn(UH, LO, HI, true); this.magnitudeIn(a, LO, SPLIT_HI, false); this.op(Opc.I32_AND);
    this.magnitudeIn(b, LO, SPLIT_HI, false); this.op(Opc.I32_AND);
    this.get(c); this.op(Opc.F64_ABS); this.f64(HI); this.op(Opc.F64_LE); this.op(Opc.I32_AND);
    this.ifVoid();
    this.productError(a, b, UH); this.set(UL);
    // (th, tl) = TwoSum(c, uh); (s1, e3) = TwoSum(tl, ul); v = s1 + e3 rounded to odd
    this.get(c); this.get(UH); this.op(Opc.F64_ADD); this.set(TH);
    this.sumError(c, UH, TH); this.set(TL);
    this.get(TL); this.get(UL); this.op(Opc.F64_ADD); this.set(S1);
    this.sumError(TL, UL, S1); this.set(E3);
    this.roundToOdd();
    // z = RN(th + v) = RN(a*b + c), e2 its error
    this.get(TH); this.get(V); this.op(Opc.F64_ADD); this.set(Z);
    this.unlessStickyInexactCovers(Z);
    this.sumError(TH, V, Z); this.set(E2);
    this.get(E2); this.f64(0); this.op(Opc.F64_NE);
    this.ifVoid();
    // inexact: neither tiny nor infinite
    this.magnitudeIn(Z, LO, Infinity, false); this.slowUnless();
    this.get(E2); this.inexactUnlessZero();
    this.else_();
    // exact, unless the odd rounding lost something (which fp-unit.ts leaves to the slow path too)
    this.get(E3); this.f64(0); this.op(Opc.F64_EQ); this.finite(Z); this.op(Opc.I32_AND); this.slowUnless();
    this.end();
    this.end();
    this.else_();
    // a zero product of finite numbers plus a finite non-zero addend is the addend, exactly
    this.isZero(a); this.isZero(b); this.op(Opc.I32_OR); this.finite(a); this.op(Opc.I32_AND); this.finite(b); this.op(Opc.I32_AND);
    this.isZero(c); this.op(Opc.I32_EQZ); this.op(Opc.I32_AND); this.finite(c); this.op(Opc.I32_AND);
    this.slowUnless();
    this.get(c); this.set(Z);
    this.end();
    this.storeF(rd, Z);
  }

  /** V = s1 + e3 rounded to odd: s1 if e3 is 0 or s1's last bit is 1, else s1 one unit away from zero (e3 of s1's sign) or towards it. */
  private roundToOdd(): void {
    this.get(S1); this.op(Opc.I64_REINTERPRET_F64); this.w.byte(Opc.LOCAL_TEE).u32(L_A);
    this.i64(1n); this.i64(-1n);
    this.get(E3); this.f64(0); this.op(Opc.F64_GT); this.get(S1); this.f64(0); this.op(Opc.F64_GT); this.op(Opc.I32_EQ);
    this.op(Opc.SELECT); this.op(Opc.I64_ADD); this.op(Opc.F64_REINTERPRET_I64);
    this.get(S1);
    this.get(E3); this.f64(0); this.op(Opc.F64_NE); this.get(L_A); this.i64(1n); this.op(Opc.I64_AND); this.op(Opc.I64_EQZ); this.op(Opc.I32_AND);
    this.op(Opc.SELECT); this.set(V);
  }

  /**
   * csrrw, csrrs, csrrc (and their immediate forms) on fflags, frm or fcsr: `c` the OP word,
   * `csr` the CSR's number, `operation` and `immediate` from the instruction's declaration.
   */
  csr(c: number, csr: number, operation: 'rw' | 'rs' | 'rc', immediate: boolean): void {
    const rd = (c >>> OpWord.RD) & 63, rs1 = (c >>> OpWord.RS1) & 31;
    const readFlags = () => { this.get(L_SLOT); this.mem(Opc.I32_LOAD, 2, FFLAGS); };
    const readFrm = () => { this.get(L_SLOT); this.mem(Opc.I32_LOAD, 2, FRM); };
    if (csr === CSR_FFLAGS) readFlags();
    else if (csr === CSR_FRM) readFrm();
    else { readFrm(); this.i32(5); this.op(Opc.I32_SHL); readFlags(); this.op(Opc.I32_OR); }
    this.set(L_W);
    if (operation === 'rw' || rs1 !== 0) {
      const source = () => { if (immediate) this.i32(rs1); else { this.h.getX(rs1); this.op(Opc.I32_WRAP_I64); } };
      if (operation === 'rw') source();
      else if (operation === 'rs') { this.get(L_W); source(); this.op(Opc.I32_OR); } else { this.get(L_W); source(); this.i32(-1); this.op(Opc.I32_XOR); this.op(Opc.I32_AND); }
      this.set(L_VH);
      const write = (offset: number, shift: number, mask: number) => {
        this.get(L_SLOT); this.get(L_VH);
        if (shift !== 0) { this.i32(shift); this.op(Opc.I32_SHR_U); }
        this.i32(mask); this.op(Opc.I32_AND); this.mem(Opc.I32_STORE, 2, offset);
      };
      if (csr === CSR_FFLAGS) write(FFLAGS, 0, 0x1f);
      else if (csr === CSR_FRM) write(FRM, 0, 7);
      else { write(FFLAGS, 0, 0x1f); write(FRM, 5, 7); }
      this.h.fpWritten();
    }
    if (rd !== X0_SINK) { this.get(L_W); this.op(Opc.I64_EXTEND_I32_U); this.h.setX(rd); }
  }
}

/** What the fast path `fast` needs of the rounding mode `rm` (the instruction's field). */
function guardFor(fast: Fast, rm: number): Guard {
  switch (fast) {
    case Fast.NONE: return Guard.NONE_USABLE;
    case Fast.MIN: case Fast.MAX: case Fast.EQ: case Fast.LT: case Fast.LE: return Guard.NONE;
    case Fast.FROM_W: case Fast.FROM_WU: case Fast.FROM_L: case Fast.FROM_LU:
      // exact: any valid rounding mode
      return rm <= 4 ? Guard.NONE : rm === DYNAMIC ? Guard.FRM_VALID : Guard.NONE_USABLE;
    case Fast.TO_W: case Fast.TO_WU: case Fast.TO_L: case Fast.TO_LU:
      return rm <= RUP ? Guard.NONE : rm === DYNAMIC ? Guard.FRM_RNE : Guard.NONE_USABLE;
    default:
      return rm === RNE ? Guard.NONE : rm === DYNAMIC ? Guard.FRM_RNE : Guard.NONE_USABLE;
  }
}
