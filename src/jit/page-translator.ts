// Translates the code of one guest page into one WebAssembly function.
//
// The function is entered at a byte offset into the page and dispatches on that offset to the
// instruction there. Only block leaders are labels: where execution entered
// the page, in-page branch and jump targets, the return points of calls and the instructions
// after those it leaves to the interpreter (few labels: every label is a merge of every register
// local, which the compiler pays for). Entered elsewhere, it returns Exit.NOT_ENTRY and the
// engine interprets up to a leader. Straight-line code runs on across labels; a branch forward
// inside the page jumps straight to its target (the end of a block around the branch), one
// backward goes back to the dispatch; both first check that the budget left covers the longest
// run between two dispatches (RUN_LIMIT instructions). It runs until control leaves the page, the budget is short, an instruction it does not translate
// comes, a slow path asks it to stop or an access traps; then, in one epilogue, it writes the
// registers back, writes the next pc, the budget left and its fast-path hits to the hart's
// exchange words and returns why it stopped (Exit).
//
// The registers the page's code uses live in wasm locals while it runs: loaded from the hart's
// slot on entry, written back by the epilogue. Nothing else reads them meanwhile: the slow paths
// are the MMU's, and a trap there does not unwind through the function (which would lose the
// locals) but is recorded and returned as Exit.TRAP. Loads and stores try the translation
// store's fast path, with the same tag compare as the interpreter; the rest calls the MMU
// through imports that first record the instruction's offset and budget, so a trap is taken at
// the exact instruction.

import { HOT_WORDS_OFFSET, HotWord, storeTableOffset } from '../bus/hart-slots.js';
import { Access } from '../arch/access.js';
import { FlushPolicy } from '../arch/flush-policy.js';
import { ALIGN_MASK_1, ALIGN_MASK_2, ALIGN_MASK_4, ALIGN_MASK_8, STORE_INDEX_MASK } from '../mmu/translation-store.js';
import { OpWord } from '../cpu/code-cache.js';
import { ENCODINGS, Op } from '../cpu/isa/encodings.js';
import type { AluOperation, BranchCondition, CsrAccess } from '../cpu/isa/instruction-info.js';
import { FpCode, isFpCompute, isFpCsr, type FpHost } from './fp-code.js';
import { F_REGS_OFFSET, X0_SINK } from '../cpu/state.js';
import { AtomicOpc, BLOCK_VOID, ByteWriter, Opc, ValType, writeModule, type FuncType } from './wasm-writer.js';
import { AmoOp } from '../mmu/mmu.js';
import {
  L_A, L_B, L_EXIT, L_F_REG0, L_GK, L_GK64, L_HITS, L_J, L_LEFT, L_OFF, L_PAGE, L_PAGE_HI, L_PAGE_LO, L_SLOT, L_T, L_U, L_V, L_VH, L_VL, L_W, L_X1,
  localGroups,
} from './page-locals.js';

/** Why translated code returned. */
export const enum Exit {
  /** control left the page (or reached its end); the next pc is in the exchange words */
  NEXT = 0,
  /** the next block is longer than the budget left */
  BUDGET = 1,
  /** the next instruction is not translated: interpret it */
  INTERPRET = 2,
  /** a slow store asked the run loop to look (a device, a stop, code on this page written) */
  YIELD = 3,
  /** entered at an offset where no block starts */
  NOT_ENTRY = 4,
  /** a taken branch or jump under the block policy: the slice ends */
  SLICE_END = 5,
  /** an access trapped: the hart's offset and budget are the trapping instruction's */
  TRAP = 6,
  /** returned by the stand-in for a page without translated code (page-chain.ts), never by a page */
  UNTRANSLATED = 7,
}

/** What the translator reads of a page: its decoded instructions, decoding on demand. */
export interface PageCode {
  /** the OP word of the instruction at byte `off` (see code-cache.ts), decoding it if needed */
  opAt(off: number): number;
  /** whether the instruction at `off` is decoded already (the interpreter decodes what it runs) */
  decoded(off: number): boolean;
  /** its immediate */
  immAt(off: number): number;
  /** its rs3 and rounding-mode fields, rs3 | rm << 5 (F and D instructions) */
  rs3At(off: number): number;
  /**
   * Given when the 32-bit instruction at 4094, whose upper half is the next page's first two
   * bytes, is decoded as if those were `straddleHigh` (opAt(4094) is then its OP word): its code
   * first checks that they are (through the fetch table), else it leaves it to the interpreter.
   */
  straddleHigh?: number;
}

export interface TranslatorLayout {
  /** byte offset of the hart's slot in the memory */
  slot: number;
  /** pages of the shared memory the module imports */
  memoryPages: number;
  policy: FlushPolicy;
}

// Function types: 0 the page function, 1 slow load, 2 slow store (the imports), 3 a slow load,
// 4 a slow store (the module's own functions around the imports: (address words, offset, budget
// before) -> (the value, 1 if it trapped), and (address words, value, offset, budget before) ->
// 0 or a StoreStop).
const I32 = ValType.I32, I64 = ValType.I64;
const TYPES: FuncType[] = [
  { params: [I32, I32, I32, I32, I32], results: [I32] },
  { params: [I32, I32, I32, I32, I32], results: [I32] },
  { params: [I32, I32, I32, I32, I32, I32, I32], results: [I32] },
  { params: [I32, I32, I32, I32], results: [I64, I32] },
  { params: [I32, I32, I64, I32, I32], results: [I32] },
  { params: [I32, I32], results: [I32] },
];
/** What a store function returns besides 0 (go on). */
export const enum StoreStop { YIELD = 1, TRAP = 2 }
// The imports: the MMU's slow load and store, and an F or D compute instruction through the FP
// unit: (its OP word, its rs3 | rm << 5) -> 0, or 1 if its rounding mode is reserved.
const IMPORTS = [{ module: 'f', name: 'load', type: 1 }, { module: 'f', name: 'store', type: 2 }, { module: 'f', name: 'fp', type: 5 }];
const CALL_LOAD = 0, CALL_STORE = 1, CALL_FP = 2;
/** Index of the page function among the module's functions (after the imports). */
export const PAGE_FUNCTION_INDEX = IMPORTS.length;
/** The module's functions after the imports: run, then a slow load per (size, signedness), then a slow store per size. */
const FN_RUN = PAGE_FUNCTION_INDEX;
const LOAD_KINDS: readonly [number, boolean][] = [[1, true], [1, false], [2, true], [2, false], [4, true], [4, false], [8, true]];
const STORE_SIZES = [1, 2, 4, 8];
const FN_FIRST_LOAD = FN_RUN + 1;
const FN_FIRST_STORE = FN_FIRST_LOAD + LOAD_KINDS.length;
const slowLoadFunction = (size: number, signed: boolean): number =>
  FN_FIRST_LOAD + LOAD_KINDS.findIndex(([s, sg]) => s === size && (sg === signed || size === 8));
const slowStoreFunction = (size: number): number => FN_FIRST_STORE + STORE_SIZES.indexOf(size);

/** Leaders a dispatch compares one by one rather than halving them further. */
const DISPATCH_LINEAR = 4;

/** Instructions run at most between two dispatches (straight-line code goes through the dispatch this often). */
export const RUN_LIMIT = 64;

/** How the translator handles an op. */
const enum Kind {
  NONE = 0, ALU_RR, ALU_RI, ALU_W_RR, ALU_W_RI, UNARY, UNARY_W, LOAD, STORE, BRANCH, JAL, JALR, LUI, AUIPC, FENCE,
  /** flw, fld, fsw, fsd; fmv.d.x, fmv.x.d; fsgnj.d, fsgnjn.d, fsgnjx.d: FP moves that neither round nor raise flags */
  FP_LOAD, FP_STORE, FP_FROM_X, FP_TO_X, FP_SIGN,
  /** the other F and D instructions (fp-code.ts) */
  FP_COMPUTE,
  /** CSR instructions: translated when their CSR is fflags, frm or fcsr (fp-code.ts) */
  CSR,
  /** lr, sc, and the AMOs wasm has as one atomic instruction (swap, add, xor, and, or) */
  LR, SC, AMO,
}

const KIND = new Uint8Array(Op.COUNT);
/** ops after which control never falls through to the next instruction */
const ENDS_RUN = new Uint8Array(Op.COUNT);
/** untranslated ops after which the next instruction is not reached either (returns from traps, CROSS_PAGE) */
const ENDS_LINE = new Uint8Array(Op.COUNT);
ENDS_LINE[Op.MRET] = 1;
ENDS_LINE[Op.SRET] = 1;
ENDS_LINE[Op.CROSS_PAGE] = 1;
/** wasm opcode (or a pseudo code below) of ALU ops */
const ALU = new Int16Array(Op.COUNT);
/** ALU ops whose first operand is x[rs1] zero-extended from 32 bits, and shifted left by RS1_SHIFT */
const RS1_ZEXT = new Uint8Array(Op.COUNT);
const RS1_SHIFT = new Uint8Array(Op.COUNT);
/** pseudo ALU codes for operations wasm lacks as one opcode */
const enum Pseudo {
  SLT = -1, SLTU = -2, ANDN = -3, ORN = -4, XNOR = -5,
  MAX = -14, MIN = -15, MAXU = -16, MINU = -17, BCLR = -18, BSET = -19, BINV = -20, BEXT = -21,
  CLZW = -22, CTZW = -23, CPOPW = -24, SEXT_B = -25, SEXT_H = -26, ZEXT_H = -27,
  MULH = -30, MULHSU = -31, MULHU = -32, DIV = -33, DIVU = -34, REM = -35, REMU = -36,
  DIVW = -37, DIVUW = -38, REMW = -39, REMUW = -40,
}
/** memory access size of loads and stores, and whether a load sign-extends */
const MEM_SIZE = new Uint8Array(Op.COUNT);
const MEM_SIGNED = new Uint8Array(Op.COUNT);
/** comparison opcode of branches */
const BRANCH_CMP = new Uint8Array(Op.COUNT);
/** the atomic opcode (AtomicOpc) of AMOs */
const ATOMIC = new Uint8Array(Op.COUNT);
/** The 32-bit atomic opcode of the AMOs wasm has (the 64-bit one is the next). */
const AMO_CODES: Partial<Record<AmoOp, AtomicOpc>> = {
  [AmoOp.SWAP]: AtomicOpc.I32_ATOMIC_RMW_XCHG, [AmoOp.ADD]: AtomicOpc.I32_ATOMIC_RMW_ADD, [AmoOp.XOR]: AtomicOpc.I32_ATOMIC_RMW_XOR,
  [AmoOp.AND]: AtomicOpc.I32_ATOMIC_RMW_AND, [AmoOp.OR]: AtomicOpc.I32_ATOMIC_RMW_OR,
};
/** what CSR instructions do, and whether their source is the rs1 field itself */
const CSR_OPERATION: CsrAccess['operation'][] = [];
const CSR_IMMEDIATE = new Uint8Array(Op.COUNT);

/** How each declared ALU operation is emitted: [64-bit form, word form] (0: left to the interpreter). */
const ALU_CODES: Record<AluOperation, readonly [number, number]> = {
  add: [Opc.I64_ADD, Opc.I32_ADD], sub: [Opc.I64_SUB, Opc.I32_SUB], sll: [Opc.I64_SHL, Opc.I32_SHL],
  slt: [Pseudo.SLT, 0], sltu: [Pseudo.SLTU, 0], xor: [Opc.I64_XOR, 0], srl: [Opc.I64_SHR_U, Opc.I32_SHR_U],
  sra: [Opc.I64_SHR_S, Opc.I32_SHR_S], or: [Opc.I64_OR, 0], and: [Opc.I64_AND, 0],
  mul: [Opc.I64_MUL, Opc.I32_MUL], mulh: [Pseudo.MULH, 0], mulhsu: [Pseudo.MULHSU, 0], mulhu: [Pseudo.MULHU, 0],
  div: [Pseudo.DIV, Pseudo.DIVW], divu: [Pseudo.DIVU, Pseudo.DIVUW], rem: [Pseudo.REM, Pseudo.REMW], remu: [Pseudo.REMU, Pseudo.REMUW],
  andn: [Pseudo.ANDN, 0], orn: [Pseudo.ORN, 0], xnor: [Pseudo.XNOR, 0],
  clz: [Opc.I64_CLZ, Pseudo.CLZW], ctz: [Opc.I64_CTZ, Pseudo.CTZW], cpop: [Opc.I64_POPCNT, Pseudo.CPOPW],
  max: [Pseudo.MAX, 0], maxu: [Pseudo.MAXU, 0], min: [Pseudo.MIN, 0], minu: [Pseudo.MINU, 0],
  'sext.b': [Pseudo.SEXT_B, 0], 'sext.h': [Pseudo.SEXT_H, 0], 'zext.h': [Pseudo.ZEXT_H, 0],
  rol: [Opc.I64_ROTL, Opc.I32_ROTL], ror: [Opc.I64_ROTR, Opc.I32_ROTR], 'orc.b': [0, 0], rev8: [0, 0],
  bclr: [Pseudo.BCLR, 0], bext: [Pseudo.BEXT, 0], binv: [Pseudo.BINV, 0], bset: [Pseudo.BSET, 0],
};
const BRANCH_CODES: Record<BranchCondition, number> = {
  eq: Opc.I64_EQ, ne: Opc.I64_NE, lt: Opc.I64_LT_S, ge: Opc.I64_GE_S, ltu: Opc.I64_LT_U, geu: Opc.I64_GE_U,
};

// Each op's handling, read from its declaration (isa/encodings.ts).
for (const info of ENCODINGS) {
  const op = info.op, alu = info.alu, memory = info.memory;
  if (memory !== null && (memory.kind === 'lr' || memory.kind === 'sc' || memory.kind === 'amo')) {
    MEM_SIZE[op] = memory.size;
    if (memory.kind === 'amo') {
      const code = memory.amo === null ? undefined : AMO_CODES[memory.amo];
      if (code === undefined) continue;
      ATOMIC[op] = code + (memory.size === 8 ? 1 : 0);
    }
    KIND[op] = memory.kind === 'lr' ? Kind.LR : memory.kind === 'sc' ? Kind.SC : Kind.AMO;
  } else if (memory !== null) {
    if (memory.kind !== 'load' && memory.kind !== 'store') continue;
    KIND[op] = memory.kind === 'load' ? (memory.fp ? Kind.FP_LOAD : Kind.LOAD) : (memory.fp ? Kind.FP_STORE : Kind.STORE);
    MEM_SIZE[op] = memory.size;
    MEM_SIGNED[op] = memory.signed ? 1 : 0;
  } else if (info.csr !== null) {
    KIND[op] = Kind.CSR;
    CSR_OPERATION[op] = info.csr.operation;
    CSR_IMMEDIATE[op] = info.csr.immediate ? 1 : 0;
  } else if (isFpCompute(op)) {
    KIND[op] = Kind.FP_COMPUTE;
  } else if (info.branch !== null) {
    KIND[op] = Kind.BRANCH;
    BRANCH_CMP[op] = BRANCH_CODES[info.branch];
  } else if (info.control === 'jump') {
    KIND[op] = Kind.JAL;
    ENDS_RUN[op] = 1;
  } else if (info.control === 'indirect-jump') {
    KIND[op] = Kind.JALR;
    ENDS_RUN[op] = 1;
  } else if (alu !== null) {
    const code = ALU_CODES[alu.operation][alu.word ? 1 : 0];
    if (code === 0) continue;
    ALU[op] = code;
    RS1_ZEXT[op] = alu.rs1ZeroExtended ? 1 : 0;
    RS1_SHIFT[op] = alu.rs1Shift;
    KIND[op] = alu.operand2 === 'none' ? (alu.word ? Kind.UNARY_W : Kind.UNARY)
      : alu.word ? (alu.operand2 === 'rs2' ? Kind.ALU_W_RR : Kind.ALU_W_RI) : (alu.operand2 === 'rs2' ? Kind.ALU_RR : Kind.ALU_RI);
  }
}
KIND[Op.FMV_D_X] = Kind.FP_FROM_X;
KIND[Op.FMV_X_D] = Kind.FP_TO_X;
KIND[Op.FSGNJ_D] = Kind.FP_SIGN;
KIND[Op.FSGNJN_D] = Kind.FP_SIGN;
KIND[Op.FSGNJX_D] = Kind.FP_SIGN;
KIND[Op.LUI] = Kind.LUI;
KIND[Op.AUIPC] = Kind.AUIPC;
KIND[Op.FENCE] = Kind.FENCE;

/** Whether the translator handles the instruction `c` (an OP word) at `off`; everything else is left to the interpreter. */
function translates(code: PageCode, off: number, c: number): boolean {
  const kind = KIND[c & 255];
  return kind === Kind.CSR ? isFpCsr(code.immAt(off)) : kind !== Kind.NONE;
}

const SIGN_BIT = -(1n << 63n);
const MAGNITUDE_BITS = (1n << 63n) - 1n;

const ALIGN_MASKS = [0, ALIGN_MASK_1, ALIGN_MASK_2, 0, ALIGN_MASK_4, 0, 0, 0, ALIGN_MASK_8];

/** Emits the body of one page function. */
class PageEmitter implements FpHost {
  readonly w = new ByteWriter();
  private readonly fp = new FpCode(this, CALL_FP);
  private readonly regs: number;
  /** labels between the current code and the dispatch loop (the epilogue's block is one further) */
  depth = 0;
  /** registers the code reads or writes (loaded on entry), and those it writes (written back) */
  private readonly used = new Uint8Array(32);
  private readonly written = new Uint8Array(32);
  /** the same for the f registers */
  private readonly usedF = new Uint8Array(32);
  private readonly writtenF = new Uint8Array(32);
  /**
   * In the current run (straight-line code entered only at its start): whether mstatus.FS was
   * found on (it cannot change inside a call), and whether FP_WRITTEN is set already.
   */
  private fpOnInRun = false;
  private fpWrittenInRun = false;
  /** per instruction: where its code starts in `w`, its page offset, and 1 if it is left to the interpreter */
  private readonly marks: number[] = [];
  /** where `w` starts in the function body */
  private bodyOffset = 0;
  /** per page offset / 2: the index of the leader there, or -1; leaders, and those the code emitted so far has passed */
  private readonly leaderIndex = new Int16Array(2048).fill(-1);
  private leaderCount = 0;
  private leadersPassed = 0;
  /** instructions after the current one in its run (they are counted against the budget already) */
  private later = 0;
  /** the leader whose code the current code is in a wasm loop around (see loopEnds), or -1; and that loop's depth */
  private loopHead = -1;
  private loopDepth = 0;

  constructor(private readonly code: PageCode, private readonly layout: TranslatorLayout) {
    this.regs = layout.slot;
  }

  // ---- small emitters ----
  private op(o: number): void { this.w.byte(o); }
  private i32(v: number): void { this.w.byte(Opc.I32_CONST).s32(v); }
  private i64(v: number): void {
    // a value in int32 range has the same signed LEB128 as an i32
    this.w.byte(Opc.I64_CONST);
    if (v === (v | 0)) this.w.s32(v); else this.w.s64(BigInt(v));
  }
  private get(l: number): void { this.w.byte(Opc.LOCAL_GET).u32(l); }
  private set(l: number): void { this.w.byte(Opc.LOCAL_SET).u32(l); }
  private tee(l: number): void { this.w.byte(Opc.LOCAL_TEE).u32(l); }

  /** Pushes x[r] as an i64. */
  getX(r: number): void {
    if (r === 0) { this.i64(0); return; }
    this.used[r] = 1;
    this.get(L_X1 + r - 1);
  }
  /** Pushes the bits of f[r]. */
  private getF(r: number): void {
    this.getF64(r); this.op(Opc.I64_REINTERPRET_F64);
  }
  /** Pops the i64 on the stack into f[r], and notes that an f register was written (mstatus.FS becomes Dirty). */
  private setF(r: number): void {
    this.op(Opc.F64_REINTERPRET_I64); this.setF64(r);
  }
  /** Pushes f[r] as an f64 (its bits, whatever they are). */
  getF64(r: number): void {
    this.get(this.fLocal(r));
  }
  /** The local that holds f[r]. */
  fLocal(r: number): number {
    this.usedF[r] = 1;
    return L_F_REG0 + r;
  }
  /** Pops an f64 into f[r], and notes that an f register was written. */
  setF64(r: number): void {
    this.usedF[r] = 1;
    this.writtenF[r] = 1;
    this.set(L_F_REG0 + r);
    this.fpWritten();
  }
  /** Stores f[r] into the hart's slot, for the FP unit to read. */
  spillF(r: number): void {
    this.usedF[r] = 1;
    this.get(L_SLOT); this.get(L_F_REG0 + r); this.mem(Opc.F64_STORE, 3, F_REGS_OFFSET + 8 * r);
  }
  /** Reads f[r] back from the hart's slot, after the FP unit wrote it. */
  reloadF(r: number): void {
    this.usedF[r] = 1;
    this.writtenF[r] = 1;
    this.get(L_SLOT); this.mem(Opc.F64_LOAD, 3, F_REGS_OFFSET + 8 * r); this.set(L_F_REG0 + r);
  }
  /** Notes that the FP state changed (the run loop makes mstatus.FS Dirty): once a run. */
  fpWritten(): void {
    if (this.fpWrittenInRun) return;
    this.fpWrittenInRun = true;
    this.get(L_SLOT); this.i32(1); this.mem(Opc.I32_STORE, 2, HOT_WORDS_OFFSET + HotWord.FP_WRITTEN * 4);
  }
  /**
   * With mstatus.FS Off, the FP instruction at `off` is left to the interpreter (which raises
   * illegal instruction); checked once a run.
   */
  private fpOn(off: number): void {
    if (this.fpOnInRun) return;
    this.fpOnInRun = true;
    this.get(L_SLOT); this.mem(Opc.I32_LOAD, 2, HOT_WORDS_OFFSET + HotWord.FS * 4); this.op(Opc.I32_EQZ);
    this.ifVoid();
    this.leaveToInterpreter(off);
    this.end();
  }

  leaveToInterpreter(off: number): void {
    this.giveBack(this.later + 1);
    this.exit(Exit.INTERPRET, off);
  }
  private i64Big(v: bigint): void { this.w.byte(Opc.I64_CONST).s64(v); }

  /**
   * L_LEFT += n. A run of instructions counts itself against the budget all at once where it
   * begins: before an exit inside it, what the run's later instructions took is given back.
   */
  private giveBack(n: number): void {
    if (n !== 0) { this.get(L_LEFT); this.i32(n); this.op(Opc.I32_ADD); this.set(L_LEFT); }
  }

  /** Pops the i64 on the stack into x[rd]. */
  setX(rd: number): void {
    this.used[rd] = 1;
    this.written[rd] = 1;
    this.set(L_X1 + rd - 1);
  }

  /**
   * Leaves through the epilogue, returning `exit`; the pc is page + `pcOff`, or the i64 in local
   * L_T if pcOff is null. L_LEFT is the budget left (the current instruction, if it retired, counted).
   */
  private exit(exit: Exit, pcOff: number | null): void {
    if (pcOff !== null) { this.get(L_PAGE); if (pcOff !== 0) { this.i64(pcOff); this.op(Opc.I64_ADD); } this.set(L_T); }
    this.i32(exit); this.set(L_EXIT);
    this.w.byte(Opc.BR).u32(this.depth + 1);
  }

  /** Leaves with Exit.TRAP at the instruction at `off`, which did not retire. */
  private trapExit(off: number): void {
    this.giveBack(this.later + 1);
    this.exit(Exit.TRAP, off);
  }

  /** The page VA and slot base into their locals, and the registers the code uses into theirs. */
  private prologue(f: ByteWriter): void {
    const get = (l: number) => f.byte(Opc.LOCAL_GET).u32(l), set = (l: number) => f.byte(Opc.LOCAL_SET).u32(l);
    get(L_PAGE_LO); f.byte(Opc.I64_EXTEND_I32_U);
    get(L_PAGE_HI); f.byte(Opc.I64_EXTEND_I32_U); f.byte(Opc.I64_CONST).s32(32); f.byte(Opc.I64_SHL);
    f.byte(Opc.I64_OR); set(L_PAGE);
    get(L_GK); f.byte(Opc.I64_EXTEND_I32_U); set(L_GK64);
    f.byte(Opc.I32_CONST).s32(this.regs); set(L_SLOT);
    for (let r = 1; r < 32; r++) {
      if (!this.used[r]) continue;
      get(L_SLOT); f.byte(Opc.I64_LOAD).u32(3).u32(8 * r); set(L_X1 + r - 1);
    }
    for (let r = 0; r < 32; r++) {
      if (!this.usedF[r]) continue;
      get(L_SLOT); f.byte(Opc.F64_LOAD).u32(3).u32(F_REGS_OFFSET + 8 * r); set(L_F_REG0 + r);
    }
  }

  /** Writes back the registers the code writes, then the exit words; returns L_EXIT. */
  private epilogue(f: ByteWriter): void {
    const get = (l: number) => f.byte(Opc.LOCAL_GET).u32(l);
    const store = (o: number, align: number, offset: number) => f.byte(o).u32(align).u32(offset);
    for (let r = 1; r < 32; r++) {
      if (!this.written[r]) continue;
      get(L_SLOT); get(L_X1 + r - 1); store(Opc.I64_STORE, 3, 8 * r);
    }
    for (let r = 0; r < 32; r++) {
      if (!this.writtenF[r]) continue;
      get(L_SLOT); get(L_F_REG0 + r); store(Opc.F64_STORE, 3, F_REGS_OFFSET + 8 * r);
    }
    get(L_SLOT); get(L_T); store(Opc.I64_STORE, 3, HOT_WORDS_OFFSET + HotWord.PC_LO * 4);
    get(L_SLOT); get(L_LEFT); store(Opc.I32_STORE, 2, HOT_WORDS_OFFSET + HotWord.LEFT * 4);
    get(L_SLOT); get(L_HITS); store(Opc.I32_STORE, 2, HOT_WORDS_OFFSET + HotWord.HITS * 4);
    get(L_EXIT);
  }

  /** Control goes to page offset `target` (the jump has retired). */
  private jump(target: number): void {
    if (this.layout.policy === FlushPolicy.FENCE && target >= 0 && target < 4096) {
      this.i32(target); this.set(L_OFF);
      // A leader further down the page is the end of a block around this code, and the head of
      // a loop around it (loopEnds) that loop's label: branched to directly (one well-predicted
      // jump, not the dispatch's search) while the budget covers a run, as the dispatch would check.
      const j = this.leaderIndex[target >> 1];
      if (target === this.loopHead) {
        this.get(L_LEFT); this.i32(RUN_LIMIT); this.op(Opc.I32_GE_S);
        this.w.byte(Opc.BR_IF).u32(this.depth - this.loopDepth);
      } else if (j >= this.leadersPassed) {
        this.get(L_LEFT); this.i32(RUN_LIMIT); this.op(Opc.I32_GE_S);
        this.w.byte(Opc.BR_IF).u32(this.depth - (this.leaderCount - j));
      }
      this.w.byte(Opc.BR).u32(this.depth);
      return;
    }
    this.exit(this.layout.policy === FlushPolicy.FENCE ? Exit.NEXT : Exit.SLICE_END, target);
  }

  private ifVoid(): void { this.w.byte(Opc.IF).byte(BLOCK_VOID); this.depth++; }
  private else_(): void { this.op(Opc.ELSE); }
  private end(): void { this.op(Opc.END); this.depth--; }

  // ---- the function ----

  /**
   * The function over the instructions at `starts` (sorted offsets), with a label at each of
   * `leaders`: the prologue, the epilogue's block around the dispatch loop, the epilogue.
   */
  emit(starts: readonly number[], leaders: readonly number[]): ByteWriter {
    const w = this.w;
    const k = leaders.length;
    w.byte(Opc.LOOP).byte(BLOCK_VOID);
    this.depth = 0;
    // the budget must cover the longest run to the next dispatch
    this.get(L_LEFT); this.i32(RUN_LIMIT); this.op(Opc.I32_LT_S);
    this.ifVoid();
    this.pcAtOff();
    this.exit(Exit.BUDGET, null);
    this.end();
    for (let e = 0; e < k + 1; e++) w.byte(Opc.BLOCK).byte(BLOCK_VOID);
    // label e is depth e + 1, anything else depth 0
    leaders.forEach((off, e) => { this.leaderIndex[off >> 1] = e; });
    this.leaderCount = k;
    this.dispatch(leaders, 0, k, 0);
    w.byte(Opc.END);
    this.depth = k;
    this.pcAtOff();
    this.exit(Exit.NOT_ENTRY, null);
    // Runs: translated instructions in line from a leader or after one that does not fall
    // through, up to one that does not or before a leader or an instruction left to the interpreter.
    const later = runsAfter(this.code, starts, leaders);
    const loops = loopEnds(this.code, starts, leaders, this.layout.policy);
    let e = 0, i = 0, first = true, loopEnd = -1;
    forEachStep(this.code, starts, (off, c, step) => {
      if (e < k && leaders[e] === off) {
        w.byte(Opc.END);
        this.depth = k - 1 - e;
        e++;
        this.leadersPassed = e;
        first = true;
        loopEnd = loops.get(off) ?? -1;
        if (loopEnd >= 0 && step !== Step.INTERPRET) {
          w.byte(Opc.LOOP).byte(BLOCK_VOID);
          this.depth++;
          this.loopHead = off;
          this.loopDepth = this.depth;
        }
      }
      if (off === loopEnd) this.closeLoopAfter(off, c, first, later[i++], step);
      else this.step(off, c, first, later[i++], step);
      first = step !== Step.FALLS;
    });
    if (e !== k) throw new Error('translator: a leader is not an instruction start');
    w.byte(Opc.END); // loop
    w.byte(Opc.UNREACHABLE);
    return this.wrap();
  }

  /** The last instruction in the wasm loop around the current leader's code, and the loop's end. */
  private closeLoopAfter(off: number, c: number, first: boolean, n: number, step: Step): void {
    this.step(off, c, first, n, step);
    if (this.loopHead < 0) return;
    this.w.byte(Opc.END);
    this.depth--;
    this.loopHead = -1;
  }

  /** The instruction at `off` and how the code goes on after it (see emit). */
  private step(off: number, c: number, first: boolean, n: number, step: Step): void {
    switch (step) {
      case Step.INTERPRET: this.marks.push(this.w.length, off, 1); this.exit(Exit.INTERPRET, off); return;
      case Step.ENDS: this.instruction(off, c, first, n); return;
      case Step.LEAVES: this.instruction(off, c, first, n); this.exit(Exit.NEXT, off + (c >>> OpWord.LENGTH)); return;
      case Step.DISPATCH: this.instruction(off, c, first, n); this.jump(off + (c >>> OpWord.LENGTH)); return;
      default: this.instruction(off, c, first, n);
    }
  }

  /** The function around the body in `w`: its locals, the prologue, the body in the epilogue's block, the epilogue. */
  private wrap(): ByteWriter {
    const w = this.w;
    const f = new ByteWriter();
    const groups = localGroups(this.fp.usesTemporaries || this.usedF.includes(1));
    f.u32(groups.length);
    for (const [count, type] of groups) f.u32(count).byte(type);
    this.prologue(f);
    f.byte(Opc.BLOCK).byte(BLOCK_VOID);
    this.bodyOffset = f.length;
    f.append(w).byte(Opc.END);
    this.epilogue(f);
    f.byte(Opc.END); // function
    return f;
  }

  /** Where each instruction's code starts in the function body (see PageTranslation). */
  instructionOffsets(): Map<number, InstructionCode[]> {
    const m = new Map<number, InstructionCode[]>();
    for (let i = 0; i < this.marks.length; i += 3) {
      const at = this.bodyOffset + this.marks[i], code = { off: this.marks[i + 1], interpreted: this.marks[i + 2] === 1 };
      const there = m.get(at);
      if (there === undefined) m.set(at, [code]); else there.push(code);
    }
    return m;
  }

  /**
   * Branches to the label of the leader at L_OFF among leaders[a..b), from inside `nest` ifs of
   * the dispatch; falls through if it is none of them. A binary search over the leaders, not a
   * br_table over the page's offsets: V8's baseline compiler makes a br_table a binary search
   * over every entry, which for 2048 of them is 11 compares per dispatch and about 30 KiB of
   * machine code per page function.
   */
  private dispatch(leaders: readonly number[], a: number, b: number, nest: number): void {
    if (b - a <= DISPATCH_LINEAR) {
      for (let e = a; e < b; e++) {
        this.get(L_OFF); this.i32(leaders[e]); this.op(Opc.I32_EQ);
        this.w.byte(Opc.BR_IF).u32(e + 1 + nest);
      }
      return;
    }
    const m = (a + b) >> 1;
    this.get(L_OFF); this.i32(leaders[m]); this.op(Opc.I32_LT_U);
    this.w.byte(Opc.IF).byte(BLOCK_VOID);
    this.dispatch(leaders, a, m, nest + 1);
    this.op(Opc.ELSE);
    this.dispatch(leaders, m, b, nest + 1);
    this.op(Opc.END);
  }

  /** L_T = the pc at L_OFF. */
  private pcAtOff(): void {
    this.get(L_PAGE); this.get(L_OFF); this.op(Opc.I64_EXTEND_I32_U); this.op(Opc.I64_ADD); this.set(L_T);
  }

  /**
   * One translated instruction, which has `later` instructions after it in its run; the first of
   * a run counts the whole run against the budget.
   */
  private instruction(off: number, c: number, first: boolean, later: number): void {
    const op = c & 255;
    this.marks.push(this.w.length, off, 0);
    if (first) {
      this.get(L_LEFT); this.i32(later + 1); this.op(Opc.I32_SUB); this.set(L_LEFT);
      this.fpOnInRun = false;
      this.fpWrittenInRun = false;
    }
    this.later = later;
    if (off === 4094 && this.code.straddleHigh !== undefined) this.checkStraddle(this.code.straddleHigh);
    const rd = (c >>> OpWord.RD) & 63, rs1 = (c >>> OpWord.RS1) & 31, rs2 = (c >>> OpWord.RS2) & 31;
    const len = c >>> OpWord.LENGTH;
    const imm = this.code.immAt(off);
    switch (KIND[op]) {
      case Kind.ALU_RR: case Kind.ALU_RI: {
        if (rd === X0_SINK) return;
        this.alu64(op, rs1, KIND[op] === Kind.ALU_RI ? null : rs2, imm);
        this.setX(rd);
        return;
      }
      case Kind.ALU_W_RR: case Kind.ALU_W_RI: {
        if (rd === X0_SINK) return;
        this.alu32(ALU[op], rs1, KIND[op] === Kind.ALU_W_RI ? null : rs2, imm);
        this.op(Opc.I64_EXTEND_I32_S);
        this.setX(rd);
        return;
      }
      case Kind.UNARY: case Kind.UNARY_W: {
        if (rd === X0_SINK) return;
        this.unary(ALU[op], rs1);
        this.setX(rd);
        return;
      }
      case Kind.LUI:
        if (rd === X0_SINK) return;
        this.i64(imm); this.setX(rd);
        return;
      case Kind.AUIPC:
        if (rd === X0_SINK) return;
        this.get(L_PAGE); this.i64(off + imm); this.op(Opc.I64_ADD); this.setX(rd);
        return;
      case Kind.FENCE:
        return;
      case Kind.LOAD: this.load(op, rs1, imm, off); if (rd !== X0_SINK) this.setX(rd); else this.op(Opc.DROP); return;
      case Kind.STORE: this.store(op, rs1, imm, off, len, () => this.getX(rs2)); return;
      case Kind.FP_LOAD:
        this.fpOn(off);
        this.load(op, rs1, imm, off);
        // a single is NaN-boxed
        if (MEM_SIZE[op] === 4) { this.i64(-4294967296); this.op(Opc.I64_OR); }
        this.setF(rd);
        return;
      case Kind.FP_STORE:
        this.fpOn(off);
        this.store(op, rs1, imm, off, len, () => this.getF(rs2));
        return;
      case Kind.FP_FROM_X:
        this.fpOn(off);
        this.getX(rs1); this.setF(rd);
        return;
      case Kind.FP_TO_X:
        this.fpOn(off);
        this.fpWritten();
        if (rd === X0_SINK) return;
        this.getF(rs1); this.setX(rd);
        return;
      case Kind.FP_SIGN:
        this.fpOn(off);
        // f[rs1] with the sign of f[rs2] (fsgnj), its inverse (fsgnjn) or the xor of both signs (fsgnjx)
        this.getF(rs1);
        if (op !== Op.FSGNJX_D) { this.i64Big(MAGNITUDE_BITS); this.op(Opc.I64_AND); }
        this.getF(rs2);
        if (op === Op.FSGNJN_D) { this.i64(-1); this.op(Opc.I64_XOR); }
        this.i64Big(SIGN_BIT); this.op(Opc.I64_AND);
        this.op(op === Op.FSGNJX_D ? Opc.I64_XOR : Opc.I64_OR);
        this.setF(rd);
        return;
      case Kind.FP_COMPUTE:
        this.fpOn(off);
        this.fp.compute(c, this.code.rs3At(off), off);
        return;
      case Kind.CSR:
        this.fpOn(off);
        this.fp.csr(c, imm, CSR_OPERATION[op], CSR_IMMEDIATE[op] === 1);
        return;
      case Kind.AMO: this.amo(op, rd, rs1, rs2, off); return;
      case Kind.LR: this.loadReserved(op, rd, rs1, off); return;
      case Kind.SC: this.storeConditional(op, rd, rs1, rs2, off); return;
      case Kind.BRANCH:
        this.getX(rs1); this.getX(rs2); this.op(BRANCH_CMP[op]);
        this.ifVoid();
        this.giveBack(this.later);
        this.jump(off + imm);
        this.end();
        return;
      case Kind.JAL:
        if (rd !== X0_SINK) { this.get(L_PAGE); this.i64(off + len); this.op(Opc.I64_ADD); this.setX(rd); }
        this.jump(off + imm);
        return;
      case Kind.JALR: {
        this.getX(rs1);
        if (imm !== 0) { this.i64(imm); this.op(Opc.I64_ADD); }
        this.i64(-2); this.op(Opc.I64_AND); this.set(L_T);
        if (rd !== X0_SINK) { this.get(L_PAGE); this.i64(off + len); this.op(Opc.I64_ADD); this.setX(rd); }
        if (this.layout.policy === FlushPolicy.FENCE) {
          // same page: continue here
          this.get(L_T); this.i64(-4096); this.op(Opc.I64_AND); this.get(L_PAGE); this.op(Opc.I64_EQ);
          this.ifVoid();
          this.get(L_T); this.op(Opc.I32_WRAP_I64); this.i32(4095); this.op(Opc.I32_AND); this.set(L_OFF);
          this.w.byte(Opc.BR).u32(this.depth);
          this.end();
        }
        this.exit(this.layout.policy === FlushPolicy.FENCE ? Exit.NEXT : Exit.SLICE_END, null);
        return;
      }
      default:
        throw new Error(`translator: op ${op} has no emitter`);
    }
  }

  /** Pushes the second operand: x[rs2], or the immediate when rs2 is null. */
  private operand64(rs2: number | null, imm: number): void {
    if (rs2 === null) this.i64(imm); else this.getX(rs2);
  }

  private alu64(op: number, rs1: number, rs2: number | null, imm: number): void {
    const code = ALU[op];
    if (code > 0) {
      this.getX(rs1);
      if (RS1_ZEXT[op]) { this.i64(0xffffffff); this.op(Opc.I64_AND); }
      if (RS1_SHIFT[op]) { this.i64(RS1_SHIFT[op]); this.op(Opc.I64_SHL); }
      this.operand64(rs2, imm); this.op(code);
      return;
    }
    switch (code) {
      case Pseudo.SLT: this.getX(rs1); this.operand64(rs2, imm); this.op(Opc.I64_LT_S); this.op(Opc.I64_EXTEND_I32_U); return;
      case Pseudo.SLTU: this.getX(rs1); this.operand64(rs2, imm); this.op(Opc.I64_LT_U); this.op(Opc.I64_EXTEND_I32_U); return;
      case Pseudo.ANDN: this.getX(rs1); this.operand64(rs2, imm); this.i64(-1); this.op(Opc.I64_XOR); this.op(Opc.I64_AND); return;
      case Pseudo.ORN: this.getX(rs1); this.operand64(rs2, imm); this.i64(-1); this.op(Opc.I64_XOR); this.op(Opc.I64_OR); return;
      case Pseudo.XNOR: this.getX(rs1); this.operand64(rs2, imm); this.op(Opc.I64_XOR); this.i64(-1); this.op(Opc.I64_XOR); return;
      case Pseudo.MAX: case Pseudo.MIN: case Pseudo.MAXU: case Pseudo.MINU: {
        const cmp = code === Pseudo.MAX ? Opc.I64_GT_S : code === Pseudo.MIN ? Opc.I64_LT_S : code === Pseudo.MAXU ? Opc.I64_GT_U : Opc.I64_LT_U;
        this.getX(rs1); this.tee(L_A); this.operand64(rs2, imm); this.tee(L_B);
        this.get(L_A); this.get(L_B); this.op(cmp); this.op(Opc.SELECT); return;
      }
      case Pseudo.BCLR: this.getX(rs1); this.bit(rs2, imm); this.i64(-1); this.op(Opc.I64_XOR); this.op(Opc.I64_AND); return;
      case Pseudo.BSET: this.getX(rs1); this.bit(rs2, imm); this.op(Opc.I64_OR); return;
      case Pseudo.BINV: this.getX(rs1); this.bit(rs2, imm); this.op(Opc.I64_XOR); return;
      case Pseudo.BEXT: this.getX(rs1); this.operand64(rs2, imm); this.op(Opc.I64_SHR_U); this.i64(1); this.op(Opc.I64_AND); return;
      case Pseudo.MULHU: this.getX(rs1); this.set(L_A); this.operand64(rs2, imm); this.set(L_B); this.mulhu(); return;
      case Pseudo.MULH: case Pseudo.MULHSU: {
        this.getX(rs1); this.set(L_A); this.operand64(rs2, imm); this.set(L_B);
        this.mulhu();
        // high(a*b) signed = high unsigned - (a < 0 ? b : 0) - (b < 0 ? a : 0)
        this.get(L_B); this.get(L_A); this.i64(63); this.op(Opc.I64_SHR_S); this.op(Opc.I64_AND); this.op(Opc.I64_SUB);
        if (code === Pseudo.MULH) { this.get(L_A); this.get(L_B); this.i64(63); this.op(Opc.I64_SHR_S); this.op(Opc.I64_AND); this.op(Opc.I64_SUB); }
        return;
      }
      case Pseudo.DIV: case Pseudo.DIVU: case Pseudo.REM: case Pseudo.REMU:
        this.getX(rs1); this.set(L_A); this.operand64(rs2, imm); this.set(L_B);
        this.divide(code, false);
        return;
      default:
        throw new Error(`translator: no 64-bit ALU emitter for ${code}`);
    }
  }

  /** 1 << (operand & 63) */
  private bit(rs2: number | null, imm: number): void {
    this.i64(1); this.operand64(rs2, imm); this.op(Opc.I64_SHL);
  }

  /** high 64 bits of the unsigned product of locals A and B */
  private mulhu(): void {
    const lo = (l: number) => { this.get(l); this.i64(0xffffffff); this.op(Opc.I64_AND); };
    const hi = (l: number) => { this.get(l); this.i64(32); this.op(Opc.I64_SHR_U); };
    // t = alo*blo; u = ahi*blo + (t >> 32); v = alo*bhi + (u & mask); hi = ahi*bhi + (u >> 32) + (v >> 32)
    lo(L_A); lo(L_B); this.op(Opc.I64_MUL); this.set(L_T);
    hi(L_A); lo(L_B); this.op(Opc.I64_MUL); hi(L_T); this.op(Opc.I64_ADD); this.set(L_U);
    lo(L_A); hi(L_B); this.op(Opc.I64_MUL); lo(L_U); this.op(Opc.I64_ADD); this.set(L_V);
    hi(L_A); hi(L_B); this.op(Opc.I64_MUL); hi(L_U); this.op(Opc.I64_ADD); hi(L_V); this.op(Opc.I64_ADD);
  }

  /** RISC-V division of locals A by B (no traps: by zero and overflow have defined results). */
  private divide(code: number, word: boolean): void {
    const isZero = () => { this.get(L_B); this.op(word ? Opc.I32_EQZ : Opc.I64_EQZ); };
    const getA = () => this.get(word ? L_W : L_A);
    // word forms keep their operands as i32 in L_W (a) and L_VH (b)
    const getB = () => this.get(word ? L_VH : L_B);
    const signedOp = code === Pseudo.DIV || code === Pseudo.DIVW || code === Pseudo.REM || code === Pseudo.REMW;
    const isDiv = code === Pseudo.DIV || code === Pseudo.DIVU || code === Pseudo.DIVW || code === Pseudo.DIVUW;
    if (word) { this.get(L_VH); this.op(Opc.I32_EQZ); } else isZero();
    this.w.byte(Opc.IF).byte(word ? ValType.I32 : ValType.I64); this.depth++;
    if (isDiv) { if (word) this.i32(-1); else this.i64(-1); } else getA();
    this.else_();
    if (isDiv && signedOp) {
      // overflow: MIN / -1 = MIN
      getB(); if (word) { this.i32(-1); this.op(Opc.I32_EQ); } else { this.i64(-1); this.op(Opc.I64_EQ); }
      this.w.byte(Opc.IF).byte(word ? ValType.I32 : ValType.I64); this.depth++;
      if (word) { this.i32(0); getA(); this.op(Opc.I32_SUB); } else { this.i64(0); getA(); this.op(Opc.I64_SUB); }
      this.else_();
      getA(); getB(); this.op(word ? Opc.I32_DIV_S : Opc.I64_DIV_S);
      this.end();
    } else {
      getA(); getB();
      const o = isDiv ? (word ? Opc.I32_DIV_U : Opc.I64_DIV_U) : signedOp ? (word ? Opc.I32_REM_S : Opc.I64_REM_S) : (word ? Opc.I32_REM_U : Opc.I64_REM_U);
      this.op(o);
    }
    this.end();
  }

  private alu32(code: number, rs1: number, rs2: number | null, imm: number): void {
    const a = () => { this.getX(rs1); this.op(Opc.I32_WRAP_I64); };
    const b = () => { if (rs2 === null) this.i32(imm); else { this.getX(rs2); this.op(Opc.I32_WRAP_I64); } };
    if (code > 0) { a(); b(); this.op(code); return; }
    a(); this.set(L_W); b(); this.set(L_VH);
    this.divide(code === Pseudo.DIVW ? Pseudo.DIVW : code === Pseudo.DIVUW ? Pseudo.DIVUW : code === Pseudo.REMW ? Pseudo.REMW : Pseudo.REMUW, true);
  }

  private unary(code: number, rs1: number): void {
    if (code > 0) { this.getX(rs1); this.op(code); return; }
    switch (code) {
      case Pseudo.CLZW: this.getX(rs1); this.op(Opc.I32_WRAP_I64); this.op(Opc.I32_CLZ); this.op(Opc.I64_EXTEND_I32_U); return;
      case Pseudo.CTZW: this.getX(rs1); this.op(Opc.I32_WRAP_I64); this.op(Opc.I32_CTZ); this.op(Opc.I64_EXTEND_I32_U); return;
      case Pseudo.CPOPW: this.getX(rs1); this.op(Opc.I32_WRAP_I64); this.op(Opc.I32_POPCNT); this.op(Opc.I64_EXTEND_I32_U); return;
      case Pseudo.SEXT_B: this.getX(rs1); this.op(Opc.I64_EXTEND8_S); return;
      case Pseudo.SEXT_H: this.getX(rs1); this.op(Opc.I64_EXTEND16_S); return;
      case Pseudo.ZEXT_H: this.getX(rs1); this.i64(0xffff); this.op(Opc.I64_AND); return;
      default: throw new Error(`translator: no unary emitter for ${code}`);
    }
  }

  /** Pushes x[rs1] + imm. */
  private address(rs1: number, imm: number): void {
    this.getX(rs1);
    if (imm !== 0) { this.i64(imm); this.op(Opc.I64_ADD); }
  }

  /** Pushes what every slow path takes last: the instruction's offset and the budget before it. */
  private position(off: number): void {
    this.i32(off);
    this.get(L_LEFT); this.i32(this.later + 1); this.op(Opc.I32_ADD);
  }

  /**
   * The translation store's fast path for the address in L_A: its low word into L_VL, the byte
   * offset of its record into L_J, and pushed whether the record in `table` serves an access of
   * `size` bytes: the interpreter's tag compare, both tag words at once (the record's words 0 and
   * 1 are the tag's low and high words, so one i64 load reads the tag as the address's layout).
   */
  private fastHit(table: number, size: number): void {
    this.get(L_A); this.op(Opc.I32_WRAP_I64); this.tee(L_VL);
    this.i32(8); this.op(Opc.I32_SHR_U); this.i32(STORE_INDEX_MASK << 2); this.op(Opc.I32_AND); this.tee(L_J);
    this.mem(Opc.I64_LOAD, 3, table);
    this.get(L_A); this.i64(ALIGN_MASKS[size]); this.op(Opc.I64_AND); this.get(L_GK64); this.op(Opc.I64_XOR);
    this.op(Opc.I64_EQ);
  }

  /**
   * Leaves the instruction at 4094, which straddles into the next page, to the interpreter unless
   * the next page is in the fetch table and begins with `high`, the upper half it was translated as.
   */
  private checkStraddle(high: number): void {
    const fetch = storeTableOffset(this.layout.slot, Access.FETCH);
    this.get(L_PAGE); this.i64(4096); this.op(Opc.I64_ADD); this.set(L_A);
    this.fastHit(fetch, 2);
    this.w.byte(Opc.IF).byte(ValType.I32); this.depth++;
    this.get(L_J); this.mem(Opc.I32_LOAD, 2, fetch + 8); this.mem(Opc.I32_LOAD16_U, 1, 0);
    this.i32(high); this.op(Opc.I32_EQ);
    this.else_();
    this.i32(0);
    this.end();
    this.op(Opc.I32_EQZ);
    this.ifVoid();
    this.leaveToInterpreter(4094);
    this.end();
  }

  /** Pushes the high word of the address in L_A (the slow paths take the address as two words). */
  private addressHigh(): void {
    this.get(L_A); this.i64(32); this.op(Opc.I64_SHR_U); this.op(Opc.I32_WRAP_I64);
  }

  /** Pushes the host address of a fast-path access (its record's frame + the page offset), and counts the hit. */
  private hostAddress(table: number): void {
    this.get(L_HITS); this.i32(1); this.op(Opc.I32_ADD); this.set(L_HITS);
    this.get(L_J); this.mem(Opc.I32_LOAD, 2, table + 8);
    this.get(L_VL); this.i32(4095); this.op(Opc.I32_AND); this.op(Opc.I32_ADD);
  }

  private mem(o: number, align: number, offset: number): void { this.w.byte(o).u32(align).u32(offset >>> 0); }

  /** Pushes the value (extended to 64 bits) the load `op` at `off` reads from x[rs1] + imm. */
  private load(op: number, rs1: number, imm: number, off: number): void {
    const size = MEM_SIZE[op], signed = MEM_SIGNED[op] !== 0;
    const table = storeTableOffset(this.layout.slot, Access.READ);
    this.address(rs1, imm); this.set(L_A);
    this.fastHit(table, size);
    this.w.byte(Opc.IF).byte(ValType.I64); this.depth++;
    this.hostAddress(table);
    this.mem(loadOpcode(size, signed), 0, 0);
    this.else_();
    this.get(L_VL); this.addressHigh(); this.position(off);
    this.w.byte(Opc.CALL).u32(slowLoadFunction(size, signed));
    // (value, trapped): rd is written only if the load did not trap
    this.ifVoid();
    this.trapExit(off);
    this.end();
    this.end();
  }

  /** The store `op` at `off` of the value `value` pushes to x[rs1] + imm. */
  private store(op: number, rs1: number, imm: number, off: number, len: number, value: () => void): void {
    const size = MEM_SIZE[op];
    const table = storeTableOffset(this.layout.slot, Access.WRITE);
    this.address(rs1, imm); this.set(L_A);
    this.fastHit(table, size);
    this.ifVoid();
    this.hostAddress(table);
    value();
    this.mem(size === 1 ? Opc.I64_STORE8 : size === 2 ? Opc.I64_STORE16 : size === 4 ? Opc.I64_STORE32 : Opc.I64_STORE, 0, 0);
    this.else_();
    this.get(L_VL); this.addressHigh(); value(); this.position(off);
    this.w.byte(Opc.CALL).u32(slowStoreFunction(size));
    this.tee(L_W);
    this.ifVoid();
    this.get(L_W); this.i32(StoreStop.TRAP); this.op(Opc.I32_EQ);
    this.ifVoid();
    this.trapExit(off);
    this.end();
    this.giveBack(this.later);
    this.exit(Exit.YIELD, off + len);
    this.end();
    this.end();
  }

  // ---- atomics ----
  // An AMO, LR or SC whose address the translation store's fast path does not serve (a miss, a
  // misaligned address, a page whose writes are watched) is left to the interpreter before it
  // changed anything. The reservation lives in the hart's exchange words, where the interpreter
  // keeps it too.

  /** Pushes the host address of x[rs1] through the fast path of `table`, or leaves for the interpreter. */
  private atomicAddress(table: number, size: number, rs1: number, off: number): void {
    this.getX(rs1); this.set(L_A);
    this.fastHit(table, size);
    this.op(Opc.I32_EQZ);
    this.ifVoid();
    this.leaveToInterpreter(off);
    this.end();
    this.hostAddress(table);
  }

  private atomic(code: number, size: number): void {
    this.w.byte(Opc.ATOMIC_PREFIX).u32(code).u32(size === 8 ? 3 : 2).u32(0);
  }

  /** The operand x[rs2] of a `size`-byte atomic. */
  private atomicOperand(rs2: number, size: number): void {
    this.getX(rs2);
    if (size === 4) this.op(Opc.I32_WRAP_I64);
  }

  /** Pops the old value a `size`-byte atomic returned into x[rd]. */
  private atomicResult(rd: number, size: number): void {
    if (size === 4) this.op(Opc.I64_EXTEND_I32_S);
    if (rd === X0_SINK) this.op(Opc.DROP); else this.setX(rd);
  }

  private amo(op: number, rd: number, rs1: number, rs2: number, off: number): void {
    const size = MEM_SIZE[op];
    this.atomicAddress(storeTableOffset(this.layout.slot, Access.WRITE), size, rs1, off);
    this.atomicOperand(rs2, size);
    this.atomic(ATOMIC[op], size);
    this.atomicResult(rd, size);
  }

  private resvWord(word: HotWord): number { return HOT_WORDS_OFFSET + word * 4; }

  /** lr: the word read atomically, and reserved (its address, size and value). */
  private loadReserved(op: number, rd: number, rs1: number, off: number): void {
    const size = MEM_SIZE[op];
    this.atomicAddress(storeTableOffset(this.layout.slot, Access.READ), size, rs1, off);
    this.atomic(size === 8 ? AtomicOpc.I64_ATOMIC_LOAD : AtomicOpc.I32_ATOMIC_LOAD, size);
    if (size === 4) this.op(Opc.I64_EXTEND_I32_S);
    this.set(L_B);
    const store = (word: HotWord, value: () => void) => { this.get(L_SLOT); value(); this.mem(Opc.I32_STORE, 2, this.resvWord(word)); };
    store(HotWord.RESV_VALID, () => this.i32(1));
    store(HotWord.RESV_LO, () => this.get(L_VL));
    store(HotWord.RESV_HI, () => this.addressHigh());
    store(HotWord.RESV_SIZE, () => this.i32(size));
    this.get(L_SLOT); this.get(L_B); this.mem(Opc.I64_STORE, 3, this.resvWord(HotWord.RESV_VALUE_LO));
    if (rd !== X0_SINK) { this.get(L_B); this.setX(rd); }
  }

  /**
   * sc: with the reservation of this address and size, the store happens if the word still holds
   * what the LR read (compare and swap); rd = 0 if it stored, else 1. The reservation is gone after.
   */
  private storeConditional(op: number, rd: number, rs1: number, rs2: number, off: number): void {
    const size = MEM_SIZE[op];
    const load = (word: HotWord) => { this.get(L_SLOT); this.mem(Opc.I32_LOAD, 2, this.resvWord(word)); };
    const dropReservation = () => { this.get(L_SLOT); this.i32(0); this.mem(Opc.I32_STORE, 2, this.resvWord(HotWord.RESV_VALID)); };
    this.getX(rs1); this.set(L_A);
    load(HotWord.RESV_VALID);
    load(HotWord.RESV_LO); this.get(L_A); this.op(Opc.I32_WRAP_I64); this.op(Opc.I32_EQ); this.op(Opc.I32_AND);
    load(HotWord.RESV_HI); this.get(L_A); this.i64(32); this.op(Opc.I64_SHR_U); this.op(Opc.I32_WRAP_I64); this.op(Opc.I32_EQ); this.op(Opc.I32_AND);
    load(HotWord.RESV_SIZE); this.i32(size); this.op(Opc.I32_EQ); this.op(Opc.I32_AND);
    this.w.byte(Opc.IF).byte(ValType.I64); this.depth++;
    this.atomicAddress(storeTableOffset(this.layout.slot, Access.WRITE), size, rs1, off);
    this.set(L_W);
    dropReservation();
    // the value the LR read, as the expected one
    this.get(L_SLOT); this.mem(size === 8 ? Opc.I64_LOAD : Opc.I32_LOAD, size === 8 ? 3 : 2, this.resvWord(HotWord.RESV_VALUE_LO));
    if (size === 8) this.set(L_U); else this.set(L_VL);
    this.get(L_W); this.get(size === 8 ? L_U : L_VL); this.atomicOperand(rs2, size);
    this.atomic(size === 8 ? AtomicOpc.I64_ATOMIC_RMW_CMPXCHG : AtomicOpc.I32_ATOMIC_RMW_CMPXCHG, size);
    this.get(size === 8 ? L_U : L_VL); this.op(size === 8 ? Opc.I64_NE : Opc.I32_NE); this.op(Opc.I64_EXTEND_I32_U);
    this.else_();
    // no reservation: it fails without touching memory (a misaligned address traps first: the interpreter's)
    this.get(L_A); this.op(Opc.I32_WRAP_I64); this.i32(size - 1); this.op(Opc.I32_AND);
    this.ifVoid();
    this.leaveToInterpreter(off);
    this.end();
    dropReservation();
    this.i64(1);
    this.end();
    if (rd === X0_SINK) this.op(Opc.DROP); else this.setX(rd);
  }
}

const loadOpcode = (size: number, signed: boolean): number => size === 1 ? (signed ? Opc.I64_LOAD8_S : Opc.I64_LOAD8_U)
  : size === 2 ? (signed ? Opc.I64_LOAD16_S : Opc.I64_LOAD16_U)
    : size === 4 ? (signed ? Opc.I64_LOAD32_S : Opc.I64_LOAD32_U) : Opc.I64_LOAD;

/**
 * The module's slow path for loads of `size` bytes: (address words, offset, budget before) ->
 * (the value, extended to 64 bits; 1 if it trapped, else 0), from the MMU through the import.
 */
function slowLoadBody(layout: TranslatorLayout, size: number, signed: boolean): ByteWriter {
  const VL = 0, VH = 1, OFF = 2, LEFT = 3;
  const w = new ByteWriter();
  const get = (l: number) => w.byte(Opc.LOCAL_GET).u32(l);
  const word = (o: number, word: HotWord) => w.byte(Opc.I32_CONST).s32(0).byte(o).u32(2).u32(layout.slot + HOT_WORDS_OFFSET + word * 4);
  w.u32(0);
  get(VL); get(VH); w.byte(Opc.I32_CONST).s32(size); get(OFF); get(LEFT);
  w.byte(Opc.CALL).u32(CALL_LOAD);
  if (size === 8) {
    w.byte(Opc.I64_EXTEND_I32_U);
    word(Opc.I64_LOAD32_U, HotWord.VALUE_HI);
    w.byte(Opc.I64_CONST).s32(32).byte(Opc.I64_SHL);
    w.byte(Opc.I64_OR);
  } else {
    // the slow path returns 1 and 2 bytes zero-extended, 4 bytes as an int32
    w.byte(signed || size === 4 ? Opc.I64_EXTEND_I32_S : Opc.I64_EXTEND_I32_U);
    if (size === 4 && !signed) w.byte(Opc.I64_CONST).s64(0xffffffffn).byte(Opc.I64_AND);
    if (signed && size === 1) w.byte(Opc.I64_EXTEND8_S);
    if (signed && size === 2) w.byte(Opc.I64_EXTEND16_S);
  }
  word(Opc.I32_LOAD, HotWord.TRAPPED);
  w.byte(Opc.END);
  return w;
}

/** The module's slow path for stores of `size` bytes: (address words, value, offset, budget before) -> 0, or a StoreStop. */
function slowStoreBody(size: number): ByteWriter {
  const VL = 0, VH = 1, V = 2, OFF = 3, LEFT = 4;
  const w = new ByteWriter();
  const get = (l: number) => w.byte(Opc.LOCAL_GET).u32(l);
  w.u32(0);
  get(VL); get(VH); w.byte(Opc.I32_CONST).s32(size);
  get(V); w.byte(Opc.I32_WRAP_I64);
  get(V); w.byte(Opc.I64_CONST).s32(32).byte(Opc.I64_SHR_U).byte(Opc.I32_WRAP_I64);
  get(OFF); get(LEFT);
  w.byte(Opc.CALL).u32(CALL_STORE);
  w.byte(Opc.END);
  return w;
}

/** How the code goes on after an instruction. */
const enum Step {
  /** on to the next instruction, in line */
  FALLS = 0,
  /** not translated: the function leaves, for the interpreter to run it */
  INTERPRET,
  /** never to the next instruction (a jump) */
  ENDS,
  /** out of the page's code: the next instruction is not one of its starts */
  LEAVES,
  /** to the next instruction through the dispatch (straight-line code has run RUN_LIMIT - 1 instructions) */
  DISPATCH,
}

/**
 * Calls `visit` with each instruction of `starts` (sorted offsets) and how the code goes on after
 * it; the translator and the choice of leaders walk the page the same way through it.
 */
function forEachStep(code: PageCode, starts: readonly number[], visit: (off: number, c: number, step: Step) => void): void {
  let run = 0;
  for (let i = 0; i < starts.length; i++) {
    const off = starts[i];
    const c = code.opAt(off);
    const next = off + (c >>> OpWord.LENGTH);
    let step = Step.FALLS;
    if (!translates(code, off, c)) step = Step.INTERPRET;
    else if (ENDS_RUN[c & 255]) step = Step.ENDS;
    else if (i + 1 >= starts.length || starts[i + 1] !== next) step = Step.LEAVES;
    else if (++run >= RUN_LIMIT - 1) step = Step.DISPATCH;
    if (step !== Step.FALLS) run = 0;
    visit(off, c, step);
  }
}

/**
 * For each of `starts` (in order), how many translated instructions come after it in its run (see
 * PageEmitter.emit; 0 for those left to the interpreter).
 */
function runsAfter(code: PageCode, starts: readonly number[], leaders: readonly number[]): Uint16Array {
  const isLeader = new Uint8Array(2048);
  for (const off of leaders) isLeader[off >> 1] = 1;
  const steps: Step[] = [];
  forEachStep(code, starts, (_off, _c, step) => steps.push(step));
  const later = new Uint16Array(starts.length);
  for (let i = starts.length - 2; i >= 0; i--) {
    const goesOn = steps[i] === Step.FALLS && !isLeader[starts[i + 1] >> 1] && steps[i + 1] !== Step.INTERPRET;
    later[i] = goesOn ? later[i + 1] + 1 : 0;
  }
  return later;
}

/**
 * The loops whose code is a wasm loop: per leader that an in-page branch or jump among `starts`
 * goes back to with no other leader between, the offset of the last such branch or jump. Taken,
 * it jumps straight back (not through the dispatch); only where the policy lets taken jumps stay
 * in the page.
 */
function loopEnds(code: PageCode, starts: readonly number[], leaders: readonly number[], policy: FlushPolicy): Map<number, number> {
  const ends = new Map<number, number>();
  if (policy !== FlushPolicy.FENCE) return ends;
  let next = 0;
  for (const off of starts) {
    while (next < leaders.length && leaders[next] <= off) next++;
    const c = code.opAt(off), op = c & 255;
    if (KIND[op] !== Kind.BRANCH && op !== Op.JAL) continue;
    const target = off + code.immAt(off);
    // the leader at or before `off` is leaders[next - 1]
    if (next > 0 && leaders[next - 1] === target) ends.set(target, off);
  }
  return ends;
}

/**
 * The labels among `starts` (sorted offsets of the instructions to translate), sorted: the
 * `seeds`, in-page branch and jump targets, and where the code is re-entered after a call
 * returns, after the interpreter ran an instruction for it, or after a dispatch.
 */
export function findLeaders(code: PageCode, starts: readonly number[], seeds: Iterable<number>): number[] {
  const isStart = new Uint8Array(2048);
  for (const off of starts) isStart[off >> 1] = 1;
  const leader = new Uint8Array(2048);
  const mark = (off: number) => { if (off >= 0 && off < 4096 && isStart[off >> 1]) leader[off >> 1] = 1; };
  for (const off of seeds) mark(off);
  forEachStep(code, starts, (off, c, step) => {
    const op = c & 255, next = off + (c >>> OpWord.LENGTH);
    if (KIND[op] === Kind.BRANCH || op === Op.JAL) mark(off + code.immAt(off));
    const links = (op === Op.JAL || op === Op.JALR) && ((c >>> OpWord.RD) & 63) !== X0_SINK;
    if (links || step === Step.INTERPRET || step === Step.DISPATCH) mark(next);
  });
  const leaders: number[] = [];
  for (let i = 0; i < 2048; i++) if (leader[i]) leaders.push(2 * i);
  return leaders;
}

/**
 * The instructions of the page that execution has reached from `seeds` (where it entered)
 * without leaving the page: each runs on to the next until a jump that does not return or an
 * illegal instruction, and each in-page branch or jump target is reached too, as far as they have
 * run (are decoded), or also those that have not if `unrun`: code that never ran in all the time
 * the page took to become hot is mostly cold, and translating it would make the function larger
 * for nothing. Sorted offsets.
 */
export function findLabels(code: PageCode, seeds: Iterable<number>, unrun = false): number[] {
  const starts = new Uint8Array(2048);
  const work: number[] = [...seeds];
  // (a seed is where execution is: it runs next)
  for (const off of work) code.opAt(off);
  while (work.length > 0) {
    let off = work.pop()!;
    while (off >= 0 && off < 4096 && !starts[off >> 1] && (unrun || code.decoded(off))) {
      starts[off >> 1] = 1;
      const c = code.opAt(off);
      const op = c & 255;
      if (op === Op.ILLEGAL || ENDS_LINE[op]) break;
      if (KIND[op] === Kind.BRANCH || op === Op.JAL) work.push(off + code.immAt(off));
      // a jump that links returns to the next instruction
      if ((op === Op.JAL || op === Op.JALR) && ((c >>> OpWord.RD) & 63) === X0_SINK) break;
      off += c >>> OpWord.LENGTH;
    }
  }
  const labels: number[] = [];
  for (let i = 0; i < 2048; i++) if (starts[i]) labels.push(2 * i);
  return labels;
}

/**
 * The module of one page's instructions at `starts`, entered at `leaders` (findLabels,
 * findLeaders): exports `run(off, left, genKey, pageVaLo, pageVaHi) -> Exit`.
 */
export function translatePage(code: PageCode, starts: readonly number[], leaders: readonly number[], layout: TranslatorLayout): PageTranslation {
  const emitter = new PageEmitter(code, layout);
  const body = emitter.emit(starts, leaders);
  const bytes = writeModule(TYPES, IMPORTS, layout.memoryPages, 0, [
    { name: 'run', type: 0, body },
    ...LOAD_KINDS.map(([size, signed]) => ({ type: 3, body: slowLoadBody(layout, size, signed) })),
    ...STORE_SIZES.map((size) => ({ type: 4, body: slowStoreBody(size) })),
  ]);
  return { bytes, instructionOffsets: () => emitter.instructionOffsets() };
}

/** A translated page: its module, and where each instruction's code is (for its text form). */
export interface PageTranslation {
  bytes: Uint8Array<ArrayBuffer>;
  /** offset in the page function's body -> the instructions whose code starts there (one, or several that need none) */
  instructionOffsets(): Map<number, InstructionCode[]>;
}

/** An instruction's place in a page function: its page offset, and whether the function leaves it to the interpreter. */
export interface InstructionCode {
  off: number;
  interpreted: boolean;
}
