// Disassembler for `--trace` and error messages: objdump-like text (no-aliases style) built from
// the one encoding table (names, formats, register classes). Never throws.

import { lookupEncoding } from './encodings.js';
import { Format } from './instruction-info.js';
import type { InstructionInfo } from './instruction-info.js';
import { expandCompressed } from './compressed.js';
import { csrName } from '../csr-table.js';

const X_NAMES = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
];
const F_NAMES = [
  'ft0', 'ft1', 'ft2', 'ft3', 'ft4', 'ft5', 'ft6', 'ft7', 'fs0', 'fs1', 'fa0', 'fa1', 'fa2', 'fa3', 'fa4', 'fa5',
  'fa6', 'fa7', 'fs2', 'fs3', 'fs4', 'fs5', 'fs6', 'fs7', 'fs8', 'fs9', 'fs10', 'fs11', 'ft8', 'ft9', 'ft10', 'ft11',
];

/** ABI name of integer register `i` (0..31). */
export function xRegName(i: number): string {
  return X_NAMES[i & 31];
}

/** ABI name of float register `i` (0..31). */
export function fRegName(i: number): string {
  return F_NAMES[i & 31];
}

/** Name of CSR `csr`, or its number in hex if it has no name. */
function csrOperand(csr: number): string {
  return csrName(csr) ?? `0x${csr.toString(16)}`;
}

function reg(cls: string, i: number): string {
  return cls === 'f' ? F_NAMES[i] : X_NAMES[i];
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

function fenceSet(bits: number): string {
  let s = '';
  if (bits & 8) s += 'i';
  if (bits & 4) s += 'o';
  if (bits & 2) s += 'r';
  if (bits & 1) s += 'w';
  return s === '' ? '0' : s;
}

function target(offset: number, pc: bigint | undefined): string {
  if (pc === undefined) return offset < 0 ? `.${offset}` : `.+${offset}`;
  return `0x${BigInt.asUintN(64, pc + BigInt(offset)).toString(16)}`;
}

const RM_NAMES = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'rm5', 'rm6', 'dyn'];

function unknown(insn: number, length: 2 | 4): string {
  return length === 2
    ? `unknown 0x${(insn & 0xffff).toString(16).padStart(4, '0')}`
    : `unknown 0x${(insn >>> 0).toString(16).padStart(8, '0')}`;
}

function operands(e: InstructionInfo, insn: number, pc: bigint | undefined): string {
  const rd = (insn >>> 7) & 31, rs1 = (insn >>> 15) & 31, rs2 = (insn >>> 20) & 31;
  const c = e.regs;
  switch (e.format) {
    case Format.R:
      if (c[0] === '-') return `${reg(c[1], rs1)},${reg(c[2], rs2)}`; // sfence.vma
      return `${reg(c[0], rd)},${reg(c[1], rs1)},${reg(c[2], rs2)}`;
    case Format.R4:
      return `${reg(c[0], rd)},${reg(c[1], rs1)},${reg(c[2], rs2)},${reg(c[3], insn >>> 27)}`;
    case Format.R1:
      return `${reg(c[0], rd)},${reg(c[1], rs1)}`;
    case Format.I: {
      const imm = insn >> 20;
      if (e.memory !== null || e.control === 'indirect-jump') return `${reg(c[0], rd)},${imm}(${reg(c[1], rs1)})`;
      return `${reg(c[0], rd)},${reg(c[1], rs1)},${imm}`;
    }
    case Format.S: {
      const imm = ((insn >> 25) << 5) | ((insn >>> 7) & 31);
      return `${reg(c[2], rs2)},${imm}(${reg(c[1], rs1)})`;
    }
    case Format.B: {
      const imm = ((insn >> 31) << 12) | (((insn >>> 7) & 1) << 11) | (((insn >>> 25) & 63) << 5) | (((insn >>> 8) & 15) << 1);
      return `${X_NAMES[rs1]},${X_NAMES[rs2]},${target(imm, pc)}`;
    }
    case Format.U:
      return `${X_NAMES[rd]},${hex(insn >>> 12)}`;
    case Format.J: {
      const imm = ((insn >> 31) << 20) | (((insn >>> 12) & 255) << 12) | (((insn >>> 20) & 1) << 11) | (((insn >>> 21) & 1023) << 1);
      return `${X_NAMES[rd]},${target(imm, pc)}`;
    }
    case Format.SHIFT:
      return `${X_NAMES[rd]},${X_NAMES[rs1]},${hex((insn >>> 20) & 63)}`;
    case Format.SHIFTW:
      return `${X_NAMES[rd]},${X_NAMES[rs1]},${hex((insn >>> 20) & 31)}`;
    case Format.CSR:
      return `${X_NAMES[rd]},${csrOperand(insn >>> 20)},${X_NAMES[rs1]}`;
    case Format.CSRI:
      return `${X_NAMES[rd]},${csrOperand(insn >>> 20)},${rs1}`;
    case Format.AMO:
      if (e.memory?.kind === 'lr') return `${X_NAMES[rd]},(${X_NAMES[rs1]})`;
      return `${X_NAMES[rd]},${X_NAMES[rs2]},(${X_NAMES[rs1]})`;
    case Format.FENCE:
      return `${fenceSet((insn >>> 24) & 15)},${fenceSet((insn >>> 20) & 15)}`;
    default:
      return '';
  }
}

/**
 * objdump-like text for one instruction. A 16-bit instruction (bits 1:0 != 3) is printed as the
 * 32-bit instruction it expands to. `pc`, when given, turns branch and jump offsets into target
 * addresses. Unknown encodings print as `unknown 0x...`.
 */
export function disassemble(insn: number, pc?: bigint): string {
  try {
    let word = insn >>> 0;
    let length: 2 | 4 = 4;
    if ((word & 3) !== 3) {
      length = 2;
      word = expandCompressed(word & 0xffff);
      if (word === 0) return unknown(insn, 2);
    }
    const e = lookupEncoding(word);
    if (!e) return unknown(insn, length);
    let name = e.name;
    if (e.format === Format.AMO) {
      const aq = (word >>> 26) & 1, rl = (word >>> 25) & 1;
      if (aq || rl) name += `.${aq ? 'aq' : ''}${rl ? 'rl' : ''}`;
    } else if (e.format === Format.FENCE && (word >>> 20) === 0x833) {
      return 'fence.tso';
    }
    let ops = operands(e, word, pc);
    // objdump leaves out the rounding mode of the exact conversions, which cannot use it
    if (e.roundingMode === 'rounds') {
      const rm = (word >>> 12) & 7;
      if (rm !== 7) ops += `,${RM_NAMES[rm]}`; // dynamic rounding is the default, not printed
    }
    return ops === '' ? name : `${name} ${ops}`;
  } catch {
    return `unknown 0x${(insn >>> 0).toString(16)}`;
  }
}
