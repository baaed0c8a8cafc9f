// What is known about an instruction besides its bit pattern, in a form its consumers (the
// decoder, the disassembler, the warm-up, a translator) can ask instead of listing op ids.
// encodings.ts declares each instruction once, stating only what is particular to it; this
// module names the attributes and derives the ones that follow from others.

import type { AmoOp } from '../../mmu/mmu.js';

/** The ISA extension an instruction belongs to ('priv': the privileged architecture's own). */
/** Operand layout, used by the decoder to extract immediates and by the disassembler to print. */
export const enum Format {
  R, R4, I, S, B, U, J, SHIFT, SHIFTW, CSR, CSRI, AMO, NONE, FENCE,
  /** rd, rs1 only (unary R-type, e.g. clz, fsqrt, fcvt). */
  R1,
}

/** Register classes of rd, rs1, rs2, rs3 ('x' = integer, 'f' = float, '-' = none), e.g. 'xff-'. */
export type RegClasses = string;

/** One encoding; `op` is an Op (encodings.ts), kept a number here so that this file depends on nothing of the table's. */
export interface Encoding {
  op: number;
  name: string;
  format: Format;
  mask: number;
  match: number;
  /** register classes of rd, rs1, rs2, rs3 */
  regs: RegClasses;
}

export type Extension = 'I' | 'M' | 'A' | 'F' | 'D' | 'Zicsr' | 'Zifencei' | 'Zba' | 'Zbb' | 'Zbs' | 'priv';

/** Register class of an operand: x = integer, f = float, - = the instruction has no such operand. */
export type RegClass = 'x' | 'f' | '-';

/** Where execution continues after the instruction (traps aside). */
export type ControlFlow =
  /** the next instruction */
  | 'sequential'
  /** pc + imm if `branch` holds, else the next instruction */
  | 'branch'
  /** jal: pc + imm; rd = the next instruction's address */
  | 'jump'
  /** jalr: (rs1 + imm) & ~1; rd = the next instruction's address */
  | 'indirect-jump'
  /** ecall, ebreak: always raise an exception */
  | 'exception'
  /** mret, sret: pc = mepc/sepc, in the privilege mode mstatus names */
  | 'trap-return'
  /** wfi: the next instruction, but the hart may sleep until an interrupt is pending */
  | 'wait';

/** The comparison of rs1 with rs2 under which a branch is taken (lt/ge signed, ltu/geu unsigned). */
export type BranchCondition = 'eq' | 'ne' | 'lt' | 'ge' | 'ltu' | 'geu';

export type MemoryAccessKind = 'load' | 'store' | 'lr' | 'sc' | 'amo';

/** The data access of a load, store, LR/SC or AMO; its address is rs1 + imm (rs1 for lr/sc/amo). */
export interface MemoryAccess {
  readonly kind: MemoryAccessKind;
  readonly size: 1 | 2 | 4 | 8;
  /** the value read is sign-extended into rd (integer loads but lbu/lhu/lwu, lr, amo); false for stores, sc and FP accesses */
  readonly signed: boolean;
  /** the data register is an FP register (flw, fld, fsw, fsd; a 4-byte FP load NaN-boxes) */
  readonly fp: boolean;
  /** the read-modify-write operation of an amo (rd = the old value); null for other kinds */
  readonly amo: AmoOp | null;
}

/**
 * 64-bit integer operations. Shift and rotate amounts are the low 6 bits of operand 2 (5 bits for
 * `word` forms), bit indices (bclr, bext, binv, bset) its low 6 bits. Division by zero and
 * overflow give RISC-V's defined results; nothing traps.
 */
export type AluOperation =
  | 'add' | 'sub' | 'sll' | 'slt' | 'sltu' | 'xor' | 'srl' | 'sra' | 'or' | 'and'
  | 'mul' | 'mulh' | 'mulhsu' | 'mulhu' | 'div' | 'divu' | 'rem' | 'remu'
  /** Zbb: rs1 op ~rs2 (andn, orn), ~(rs1 ^ rs2) (xnor) */
  | 'andn' | 'orn' | 'xnor'
  /** Zbb, unary: count leading/trailing zero bits, count set bits */
  | 'clz' | 'ctz' | 'cpop'
  | 'max' | 'maxu' | 'min' | 'minu'
  /** Zbb, unary: sign-extend the low byte/halfword, zero-extend the low halfword */
  | 'sext.b' | 'sext.h' | 'zext.h'
  | 'rol' | 'ror'
  /** Zbb, unary: each byte 0xff if non-zero, else 0; byte reversal */
  | 'orc.b' | 'rev8'
  /** Zbs: clear, extract (rd = 0 or 1), invert, set bit (operand 2) of rs1 */
  | 'bclr' | 'bext' | 'binv' | 'bset';

/** rd = operation(rs1', operand 2), for register-register, register-immediate and unary integer ops. */
export interface AluSemantics {
  readonly operation: AluOperation;
  /** operand 2: register rs2, the decoded immediate (shift amounts: shamt), or none (unary) */
  readonly operand2: 'rs2' | 'imm' | 'none';
  /** a *W form: operates on the operands' low 32 bits and sign-extends the 32-bit result */
  readonly word: boolean;
  /** rs1' = rs1's low 32 bits zero-extended (the Zba .uw forms), before any shift */
  readonly rs1ZeroExtended: boolean;
  /** rs1' is shifted left by this many bits first (the Zba shNadd forms) */
  readonly rs1Shift: 0 | 1 | 2 | 3;
}

/** rd = the CSR's old value; then the CSR is written with the source (rw), or has its bits set (rs) or cleared (rc). */
export interface CsrAccess {
  readonly operation: 'rw' | 'rs' | 'rc';
  /** the source is the rs1 field as a 5-bit unsigned immediate (csrr?i), not register rs1 */
  readonly immediate: boolean;
}

/**
 * The funct3 field of an FP instruction: `none`, part of the opcode; `rounds`, the rounding mode
 * (7 = frm's); `exact`, a rounding mode that cannot change the result (widening conversions),
 * but that must still be a valid one.
 */
export type RoundingModeField = 'none' | 'rounds' | 'exact';

/** One instruction: its encoding and its attributes. Every field is present in every row. */
export interface InstructionInfo extends Encoding {
  readonly extension: Extension;
  /** register classes of the operands, '-' for an operand the instruction does not have (same as `regs`) */
  readonly rd: RegClass;
  readonly rs1: RegClass;
  readonly rs2: RegClass;
  readonly rs3: RegClass;
  /** rd is written (rd = x0 discards the value) */
  readonly writesRd: boolean;
  readonly control: ControlFlow;
  /** the comparison of a branch; null unless control is 'branch' */
  readonly branch: BranchCondition | null;
  /**
   * A translator must end a straight-line block after it: control transfers, and the
   * instructions that may change what a block was translated under (privilege, translation
   * context, FP state, interrupt enables: CSR instructions and privileged ones; code: fence.i).
   * Memory accesses can also end one, dynamically (a store to code, a device asking to stop).
   */
  readonly endsBlock: boolean;
  /** may raise a synchronous exception: memory accesses, FP ops (FS off, a bad rounding mode), CSR and privileged instructions, ecall/ebreak */
  readonly mayTrap: boolean;
  /** legal only in some privilege modes regardless of operands (mret, sret, wfi, sfence.vma) */
  readonly privileged: boolean;
  readonly memory: MemoryAccess | null;
  readonly alu: AluSemantics | null;
  readonly csr: CsrAccess | null;
  /** uses the FP unit: illegal while mstatus.FS is off */
  readonly fp: boolean;
  /** marks mstatus.FS dirty (every FP instruction but the FP stores) */
  readonly dirtiesFp: boolean;
  readonly roundingMode: RoundingModeField;
}

/** What an instruction's declaration states; everything else is derived (describeInstruction). */
export interface Attributes {
  /** classes of rd, rs1, rs2, rs3 ('x', 'f', '-'); missing trailing ones are '-'; default: by format */
  readonly regs?: string;
  readonly control?: ControlFlow;
  /** a branch's comparison (control is then 'branch') */
  readonly branch?: BranchCondition;
  /** ends a block although nothing else says so */
  readonly endsBlock?: true;
  readonly memory?: MemoryAccess;
  readonly alu?: AluSemantics;
  readonly csr?: CsrAccess['operation'];
  /** the rounding mode field cannot change the result */
  readonly roundingMode?: 'exact';
}

/** One instruction as encodings.ts declares it: op id, mnemonic, format, bit pattern (see parsePattern), attributes. */
export type Declaration = readonly [op: number, string, Format, string, Attributes?];

const FUNCT3 = 0x7000;

/**
 * A pattern lists the 32 instruction bits from bit 31 down to bit 0, with spaces for
 * readability: '0'/'1' are fixed bits, '-' is an operand bit.
 */
function parsePattern(pattern: string): { mask: number; match: number } {
  const bits = pattern.replace(/ /g, '');
  if (bits.length !== 32) throw new Error(`bad encoding pattern ${pattern}`);
  let mask = 0, match = 0;
  for (let i = 0; i < 32; i++) {
    const c = bits[31 - i];
    if (c === '-') continue;
    mask |= 1 << i;
    if (c === '1') match |= 1 << i;
  }
  return { mask: mask >>> 0, match: match >>> 0 };
}

/** The operands a format has, all integer registers (declarations of FP instructions say theirs). */
function defaultRegs(format: Format): string {
  switch (format) {
    case Format.R: case Format.AMO: return 'xxx';
    case Format.R4: return 'xxxx';
    case Format.I: case Format.SHIFT: case Format.SHIFTW: case Format.CSR: case Format.R1: return 'xx';
    case Format.S: case Format.B: return '-xx';
    case Format.U: case Format.J: case Format.CSRI: return 'x';
    case Format.NONE: case Format.FENCE: return '';
  }
}

/** The complete description of one declared instruction of extension `extension`. */
export function describeInstruction(extension: Extension, [op, name, format, pattern, a = {}]: Declaration): InstructionInfo {
  const { mask, match } = parsePattern(pattern);
  const regs = (a.regs ?? defaultRegs(format)).padEnd(4, '-');
  const rd = regs[0] as RegClass, rs1 = regs[1] as RegClass, rs2 = regs[2] as RegClass, rs3 = regs[3] as RegClass;
  const control: ControlFlow = a.branch !== undefined ? 'branch' : a.control ?? 'sequential';
  const memory = a.memory ?? null;
  const csr: CsrAccess | null = a.csr === undefined ? null : { operation: a.csr, immediate: format === Format.CSRI };
  const privileged = extension === 'priv';
  const fp = extension === 'F' || extension === 'D';
  return {
    op, name, format, mask, match, regs,
    extension,
    rd, rs1, rs2, rs3,
    writesRd: rd !== '-',
    control,
    branch: a.branch ?? null,
    endsBlock: control !== 'sequential' || csr !== null || privileged || a.endsBlock === true,
    mayTrap: memory !== null || fp || csr !== null || privileged || control === 'exception',
    privileged,
    memory,
    alu: a.alu ?? null,
    csr,
    fp,
    dirtiesFp: fp && memory?.kind !== 'store',
    roundingMode: !fp || (mask & FUNCT3) !== 0 ? 'none' : a.roundingMode ?? 'rounds',
  };
}
