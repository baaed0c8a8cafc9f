// The one table of RV64GC instructions: each is declared once, with its encoding and what is
// particular to it (instruction-info.ts derives the rest). The decoder, the disassembler, the
// warm-up and the interpreter's switch all key off `Op`; nothing else in the project spells an
// encoding or lists instructions by kind.

import { AmoOp } from '../../mmu/mmu.js';
import {
  describeInstruction, Format, type AluOperation, type AluSemantics, type Attributes, type Declaration, type Extension,
  type InstructionInfo, type MemoryAccess, type MemoryAccessKind,
} from './instruction-info.js';

export type { Encoding, RegClasses } from './instruction-info.js';

/** Operation ids. `const enum` so the interpreter's `case Op.X:` compiles to integer literals. */
export const enum Op {
  // 0 is reserved: a pre-decoded slot that has not been decoded yet. BREAKPOINT marks a slot
  // where a debugger's breakpoint is (cpu/hart-breakpoints.ts); CROSS_PAGE one that straddles pages.
  UNDECODED = 0, ILLEGAL, BREAKPOINT, CROSS_PAGE,
  // RV64I
  LUI, AUIPC, JAL, JALR,
  BEQ, BNE, BLT, BGE, BLTU, BGEU,
  LB, LH, LW, LD, LBU, LHU, LWU,
  SB, SH, SW, SD,
  ADDI, SLTI, SLTIU, XORI, ORI, ANDI, SLLI, SRLI, SRAI,
  ADD, SUB, SLL, SLT, SLTU, XOR, SRL, SRA, OR, AND,
  ADDIW, SLLIW, SRLIW, SRAIW, ADDW, SUBW, SLLW, SRLW, SRAW,
  FENCE, FENCE_I, ECALL, EBREAK,
  // M
  MUL, MULH, MULHSU, MULHU, DIV, DIVU, REM, REMU, MULW, DIVW, DIVUW, REMW, REMUW,
  // A
  LR_W, SC_W, AMOSWAP_W, AMOADD_W, AMOXOR_W, AMOAND_W, AMOOR_W, AMOMIN_W, AMOMAX_W, AMOMINU_W, AMOMAXU_W,
  LR_D, SC_D, AMOSWAP_D, AMOADD_D, AMOXOR_D, AMOAND_D, AMOOR_D, AMOMIN_D, AMOMAX_D, AMOMINU_D, AMOMAXU_D,
  // Zicsr
  CSRRW, CSRRS, CSRRC, CSRRWI, CSRRSI, CSRRCI,
  // privileged
  SRET, MRET, WFI, SFENCE_VMA,
  // F
  FLW, FSW, FMADD_S, FMSUB_S, FNMSUB_S, FNMADD_S, FADD_S, FSUB_S, FMUL_S, FDIV_S, FSQRT_S,
  FSGNJ_S, FSGNJN_S, FSGNJX_S, FMIN_S, FMAX_S, FCVT_W_S, FCVT_WU_S, FCVT_L_S, FCVT_LU_S,
  FMV_X_W, FCLASS_S, FEQ_S, FLT_S, FLE_S, FCVT_S_W, FCVT_S_WU, FCVT_S_L, FCVT_S_LU, FMV_W_X,
  // D
  FLD, FSD, FMADD_D, FMSUB_D, FNMSUB_D, FNMADD_D, FADD_D, FSUB_D, FMUL_D, FDIV_D, FSQRT_D,
  FSGNJ_D, FSGNJN_D, FSGNJX_D, FMIN_D, FMAX_D, FCVT_S_D, FCVT_D_S, FEQ_D, FLT_D, FLE_D, FCLASS_D,
  FCVT_W_D, FCVT_WU_D, FCVT_L_D, FCVT_LU_D, FMV_X_D, FCVT_D_W, FCVT_D_WU, FCVT_D_L, FCVT_D_LU, FMV_D_X,
  // Zba
  SH1ADD, SH2ADD, SH3ADD, ADD_UW, SH1ADD_UW, SH2ADD_UW, SH3ADD_UW, SLLI_UW,
  // Zbb
  ANDN, ORN, XNOR, CLZ, CTZ, CPOP, CLZW, CTZW, CPOPW, MAX, MAXU, MIN, MINU,
  SEXT_B, SEXT_H, ZEXT_H, ROL, ROR, ROLW, RORW, RORI, RORIW, ORC_B, REV8,
  // Zbs
  BCLR, BCLRI, BEXT, BEXTI, BINV, BINVI, BSET, BSETI,
  COUNT,
}


// Attributes of the declarations below.
type Rs1Modifiers = Partial<Pick<AluSemantics, 'rs1ZeroExtended' | 'rs1Shift'>>;
function alu(operation: AluOperation, operand2: AluSemantics['operand2'], word: boolean, rs1: Rs1Modifiers = {}): Attributes {
  return { alu: { operation, operand2, word, rs1ZeroExtended: rs1.rs1ZeroExtended ?? false, rs1Shift: rs1.rs1Shift ?? 0 } };
}
const regReg = (operation: AluOperation, rs1?: Rs1Modifiers) => alu(operation, 'rs2', false, rs1);
const regImm = (operation: AluOperation, rs1?: Rs1Modifiers) => alu(operation, 'imm', false, rs1);
const regRegWord = (operation: AluOperation) => alu(operation, 'rs2', true);
const regImmWord = (operation: AluOperation) => alu(operation, 'imm', true);
const unary = (operation: AluOperation) => alu(operation, 'none', false);
const unaryWord = (operation: AluOperation) => alu(operation, 'none', true);

function access(kind: MemoryAccessKind, size: MemoryAccess['size'], signed: boolean, fp = false, amo: AmoOp | null = null): MemoryAccess {
  return { kind, size, signed, fp, amo };
}
const load = (size: MemoryAccess['size']): Attributes => ({ memory: access('load', size, true) });
const loadUnsigned = (size: MemoryAccess['size']): Attributes => ({ memory: access('load', size, false) });
const store = (size: MemoryAccess['size']): Attributes => ({ memory: access('store', size, false) });
const fpLoad = (size: MemoryAccess['size']): Attributes => ({ regs: 'fx', memory: access('load', size, false, true) });
const fpStore = (size: MemoryAccess['size']): Attributes => ({ regs: '-xf', memory: access('store', size, false, true) });
const loadReserved = (size: MemoryAccess['size']): Attributes => ({ regs: 'xx', memory: access('lr', size, true) });
const storeConditional = (size: MemoryAccess['size']): Attributes => ({ memory: access('sc', size, false) });
const amo = (size: MemoryAccess['size'], operation: AmoOp): Attributes => ({ memory: access('amo', size, true, false, operation) });

/** Per extension, its instructions: [op, mnemonic, format, bit pattern, attributes]. */
const DECLARATIONS: ReadonlyArray<readonly [Extension, readonly Declaration[]]> = [
  ['I', [
    [Op.LUI, 'lui', Format.U, '------- ----- ----- --- ----- 0110111'],
    [Op.AUIPC, 'auipc', Format.U, '------- ----- ----- --- ----- 0010111'],
    [Op.JAL, 'jal', Format.J, '------- ----- ----- --- ----- 1101111', { control: 'jump' }],
    [Op.JALR, 'jalr', Format.I, '------- ----- ----- 000 ----- 1100111', { control: 'indirect-jump' }],
    [Op.BEQ, 'beq', Format.B, '------- ----- ----- 000 ----- 1100011', { branch: 'eq' }],
    [Op.BNE, 'bne', Format.B, '------- ----- ----- 001 ----- 1100011', { branch: 'ne' }],
    [Op.BLT, 'blt', Format.B, '------- ----- ----- 100 ----- 1100011', { branch: 'lt' }],
    [Op.BGE, 'bge', Format.B, '------- ----- ----- 101 ----- 1100011', { branch: 'ge' }],
    [Op.BLTU, 'bltu', Format.B, '------- ----- ----- 110 ----- 1100011', { branch: 'ltu' }],
    [Op.BGEU, 'bgeu', Format.B, '------- ----- ----- 111 ----- 1100011', { branch: 'geu' }],
    [Op.LB, 'lb', Format.I, '------- ----- ----- 000 ----- 0000011', load(1)],
    [Op.LH, 'lh', Format.I, '------- ----- ----- 001 ----- 0000011', load(2)],
    [Op.LW, 'lw', Format.I, '------- ----- ----- 010 ----- 0000011', load(4)],
    [Op.LD, 'ld', Format.I, '------- ----- ----- 011 ----- 0000011', load(8)],
    [Op.LBU, 'lbu', Format.I, '------- ----- ----- 100 ----- 0000011', loadUnsigned(1)],
    [Op.LHU, 'lhu', Format.I, '------- ----- ----- 101 ----- 0000011', loadUnsigned(2)],
    [Op.LWU, 'lwu', Format.I, '------- ----- ----- 110 ----- 0000011', loadUnsigned(4)],
    [Op.SB, 'sb', Format.S, '------- ----- ----- 000 ----- 0100011', store(1)],
    [Op.SH, 'sh', Format.S, '------- ----- ----- 001 ----- 0100011', store(2)],
    [Op.SW, 'sw', Format.S, '------- ----- ----- 010 ----- 0100011', store(4)],
    [Op.SD, 'sd', Format.S, '------- ----- ----- 011 ----- 0100011', store(8)],
    [Op.ADDI, 'addi', Format.I, '------- ----- ----- 000 ----- 0010011', regImm('add')],
    [Op.SLTI, 'slti', Format.I, '------- ----- ----- 010 ----- 0010011', regImm('slt')],
    [Op.SLTIU, 'sltiu', Format.I, '------- ----- ----- 011 ----- 0010011', regImm('sltu')],
    [Op.XORI, 'xori', Format.I, '------- ----- ----- 100 ----- 0010011', regImm('xor')],
    [Op.ORI, 'ori', Format.I, '------- ----- ----- 110 ----- 0010011', regImm('or')],
    [Op.ANDI, 'andi', Format.I, '------- ----- ----- 111 ----- 0010011', regImm('and')],
    [Op.SLLI, 'slli', Format.SHIFT, '000000- ----- ----- 001 ----- 0010011', regImm('sll')],
    [Op.SRLI, 'srli', Format.SHIFT, '000000- ----- ----- 101 ----- 0010011', regImm('srl')],
    [Op.SRAI, 'srai', Format.SHIFT, '010000- ----- ----- 101 ----- 0010011', regImm('sra')],
    [Op.ADD, 'add', Format.R, '0000000 ----- ----- 000 ----- 0110011', regReg('add')],
    [Op.SUB, 'sub', Format.R, '0100000 ----- ----- 000 ----- 0110011', regReg('sub')],
    [Op.SLL, 'sll', Format.R, '0000000 ----- ----- 001 ----- 0110011', regReg('sll')],
    [Op.SLT, 'slt', Format.R, '0000000 ----- ----- 010 ----- 0110011', regReg('slt')],
    [Op.SLTU, 'sltu', Format.R, '0000000 ----- ----- 011 ----- 0110011', regReg('sltu')],
    [Op.XOR, 'xor', Format.R, '0000000 ----- ----- 100 ----- 0110011', regReg('xor')],
    [Op.SRL, 'srl', Format.R, '0000000 ----- ----- 101 ----- 0110011', regReg('srl')],
    [Op.SRA, 'sra', Format.R, '0100000 ----- ----- 101 ----- 0110011', regReg('sra')],
    [Op.OR, 'or', Format.R, '0000000 ----- ----- 110 ----- 0110011', regReg('or')],
    [Op.AND, 'and', Format.R, '0000000 ----- ----- 111 ----- 0110011', regReg('and')],
    [Op.ADDIW, 'addiw', Format.I, '------- ----- ----- 000 ----- 0011011', regImmWord('add')],
    [Op.SLLIW, 'slliw', Format.SHIFTW, '0000000 ----- ----- 001 ----- 0011011', regImmWord('sll')],
    [Op.SRLIW, 'srliw', Format.SHIFTW, '0000000 ----- ----- 101 ----- 0011011', regImmWord('srl')],
    [Op.SRAIW, 'sraiw', Format.SHIFTW, '0100000 ----- ----- 101 ----- 0011011', regImmWord('sra')],
    [Op.ADDW, 'addw', Format.R, '0000000 ----- ----- 000 ----- 0111011', regRegWord('add')],
    [Op.SUBW, 'subw', Format.R, '0100000 ----- ----- 000 ----- 0111011', regRegWord('sub')],
    [Op.SLLW, 'sllw', Format.R, '0000000 ----- ----- 001 ----- 0111011', regRegWord('sll')],
    [Op.SRLW, 'srlw', Format.R, '0000000 ----- ----- 101 ----- 0111011', regRegWord('srl')],
    [Op.SRAW, 'sraw', Format.R, '0100000 ----- ----- 101 ----- 0111011', regRegWord('sra')],
    [Op.FENCE, 'fence', Format.FENCE, '------- ----- ----- 000 ----- 0001111'],
    [Op.ECALL, 'ecall', Format.NONE, '0000000 00000 00000 000 00000 1110011', { control: 'exception' }],
    [Op.EBREAK, 'ebreak', Format.NONE, '0000000 00001 00000 000 00000 1110011', { control: 'exception' }],
  ]],
  ['Zifencei', [
    [Op.FENCE_I, 'fence.i', Format.NONE, '------- ----- ----- 001 ----- 0001111', { endsBlock: true }],
  ]],
  ['M', [
    [Op.MUL, 'mul', Format.R, '0000001 ----- ----- 000 ----- 0110011', regReg('mul')],
    [Op.MULH, 'mulh', Format.R, '0000001 ----- ----- 001 ----- 0110011', regReg('mulh')],
    [Op.MULHSU, 'mulhsu', Format.R, '0000001 ----- ----- 010 ----- 0110011', regReg('mulhsu')],
    [Op.MULHU, 'mulhu', Format.R, '0000001 ----- ----- 011 ----- 0110011', regReg('mulhu')],
    [Op.DIV, 'div', Format.R, '0000001 ----- ----- 100 ----- 0110011', regReg('div')],
    [Op.DIVU, 'divu', Format.R, '0000001 ----- ----- 101 ----- 0110011', regReg('divu')],
    [Op.REM, 'rem', Format.R, '0000001 ----- ----- 110 ----- 0110011', regReg('rem')],
    [Op.REMU, 'remu', Format.R, '0000001 ----- ----- 111 ----- 0110011', regReg('remu')],
    [Op.MULW, 'mulw', Format.R, '0000001 ----- ----- 000 ----- 0111011', regRegWord('mul')],
    [Op.DIVW, 'divw', Format.R, '0000001 ----- ----- 100 ----- 0111011', regRegWord('div')],
    [Op.DIVUW, 'divuw', Format.R, '0000001 ----- ----- 101 ----- 0111011', regRegWord('divu')],
    [Op.REMW, 'remw', Format.R, '0000001 ----- ----- 110 ----- 0111011', regRegWord('rem')],
    [Op.REMUW, 'remuw', Format.R, '0000001 ----- ----- 111 ----- 0111011', regRegWord('remu')],
  ]],
  ['A', [
    [Op.LR_W, 'lr.w', Format.AMO, '00010-- 00000 ----- 010 ----- 0101111', loadReserved(4)],
    [Op.SC_W, 'sc.w', Format.AMO, '00011-- ----- ----- 010 ----- 0101111', storeConditional(4)],
    [Op.AMOSWAP_W, 'amoswap.w', Format.AMO, '00001-- ----- ----- 010 ----- 0101111', amo(4, AmoOp.SWAP)],
    [Op.AMOADD_W, 'amoadd.w', Format.AMO, '00000-- ----- ----- 010 ----- 0101111', amo(4, AmoOp.ADD)],
    [Op.AMOXOR_W, 'amoxor.w', Format.AMO, '00100-- ----- ----- 010 ----- 0101111', amo(4, AmoOp.XOR)],
    [Op.AMOAND_W, 'amoand.w', Format.AMO, '01100-- ----- ----- 010 ----- 0101111', amo(4, AmoOp.AND)],
    [Op.AMOOR_W, 'amoor.w', Format.AMO, '01000-- ----- ----- 010 ----- 0101111', amo(4, AmoOp.OR)],
    [Op.AMOMIN_W, 'amomin.w', Format.AMO, '10000-- ----- ----- 010 ----- 0101111', amo(4, AmoOp.MIN)],
    [Op.AMOMAX_W, 'amomax.w', Format.AMO, '10100-- ----- ----- 010 ----- 0101111', amo(4, AmoOp.MAX)],
    [Op.AMOMINU_W, 'amominu.w', Format.AMO, '11000-- ----- ----- 010 ----- 0101111', amo(4, AmoOp.MINU)],
    [Op.AMOMAXU_W, 'amomaxu.w', Format.AMO, '11100-- ----- ----- 010 ----- 0101111', amo(4, AmoOp.MAXU)],
    [Op.LR_D, 'lr.d', Format.AMO, '00010-- 00000 ----- 011 ----- 0101111', loadReserved(8)],
    [Op.SC_D, 'sc.d', Format.AMO, '00011-- ----- ----- 011 ----- 0101111', storeConditional(8)],
    [Op.AMOSWAP_D, 'amoswap.d', Format.AMO, '00001-- ----- ----- 011 ----- 0101111', amo(8, AmoOp.SWAP)],
    [Op.AMOADD_D, 'amoadd.d', Format.AMO, '00000-- ----- ----- 011 ----- 0101111', amo(8, AmoOp.ADD)],
    [Op.AMOXOR_D, 'amoxor.d', Format.AMO, '00100-- ----- ----- 011 ----- 0101111', amo(8, AmoOp.XOR)],
    [Op.AMOAND_D, 'amoand.d', Format.AMO, '01100-- ----- ----- 011 ----- 0101111', amo(8, AmoOp.AND)],
    [Op.AMOOR_D, 'amoor.d', Format.AMO, '01000-- ----- ----- 011 ----- 0101111', amo(8, AmoOp.OR)],
    [Op.AMOMIN_D, 'amomin.d', Format.AMO, '10000-- ----- ----- 011 ----- 0101111', amo(8, AmoOp.MIN)],
    [Op.AMOMAX_D, 'amomax.d', Format.AMO, '10100-- ----- ----- 011 ----- 0101111', amo(8, AmoOp.MAX)],
    [Op.AMOMINU_D, 'amominu.d', Format.AMO, '11000-- ----- ----- 011 ----- 0101111', amo(8, AmoOp.MINU)],
    [Op.AMOMAXU_D, 'amomaxu.d', Format.AMO, '11100-- ----- ----- 011 ----- 0101111', amo(8, AmoOp.MAXU)],
  ]],
  ['Zicsr', [
    [Op.CSRRW, 'csrrw', Format.CSR, '------- ----- ----- 001 ----- 1110011', { csr: 'rw' }],
    [Op.CSRRS, 'csrrs', Format.CSR, '------- ----- ----- 010 ----- 1110011', { csr: 'rs' }],
    [Op.CSRRC, 'csrrc', Format.CSR, '------- ----- ----- 011 ----- 1110011', { csr: 'rc' }],
    [Op.CSRRWI, 'csrrwi', Format.CSRI, '------- ----- ----- 101 ----- 1110011', { csr: 'rw' }],
    [Op.CSRRSI, 'csrrsi', Format.CSRI, '------- ----- ----- 110 ----- 1110011', { csr: 'rs' }],
    [Op.CSRRCI, 'csrrci', Format.CSRI, '------- ----- ----- 111 ----- 1110011', { csr: 'rc' }],
  ]],
  ['priv', [
    [Op.SRET, 'sret', Format.NONE, '0001000 00010 00000 000 00000 1110011', { control: 'trap-return' }],
    [Op.MRET, 'mret', Format.NONE, '0011000 00010 00000 000 00000 1110011', { control: 'trap-return' }],
    [Op.WFI, 'wfi', Format.NONE, '0001000 00101 00000 000 00000 1110011', { control: 'wait' }],
    [Op.SFENCE_VMA, 'sfence.vma', Format.R, '0001001 ----- ----- 000 00000 1110011', { regs: '-xx' }],
  ]],
  ['F', [
    [Op.FLW, 'flw', Format.I, '------- ----- ----- 010 ----- 0000111', fpLoad(4)],
    [Op.FSW, 'fsw', Format.S, '------- ----- ----- 010 ----- 0100111', fpStore(4)],
    [Op.FMADD_S, 'fmadd.s', Format.R4, '-----00 ----- ----- --- ----- 1000011', { regs: 'ffff' }],
    [Op.FMSUB_S, 'fmsub.s', Format.R4, '-----00 ----- ----- --- ----- 1000111', { regs: 'ffff' }],
    [Op.FNMSUB_S, 'fnmsub.s', Format.R4, '-----00 ----- ----- --- ----- 1001011', { regs: 'ffff' }],
    [Op.FNMADD_S, 'fnmadd.s', Format.R4, '-----00 ----- ----- --- ----- 1001111', { regs: 'ffff' }],
    [Op.FADD_S, 'fadd.s', Format.R, '0000000 ----- ----- --- ----- 1010011', { regs: 'fff' }],
    [Op.FSUB_S, 'fsub.s', Format.R, '0000100 ----- ----- --- ----- 1010011', { regs: 'fff' }],
    [Op.FMUL_S, 'fmul.s', Format.R, '0001000 ----- ----- --- ----- 1010011', { regs: 'fff' }],
    [Op.FDIV_S, 'fdiv.s', Format.R, '0001100 ----- ----- --- ----- 1010011', { regs: 'fff' }],
    [Op.FSQRT_S, 'fsqrt.s', Format.R1, '0101100 00000 ----- --- ----- 1010011', { regs: 'ff' }],
    [Op.FSGNJ_S, 'fsgnj.s', Format.R, '0010000 ----- ----- 000 ----- 1010011', { regs: 'fff' }],
    [Op.FSGNJN_S, 'fsgnjn.s', Format.R, '0010000 ----- ----- 001 ----- 1010011', { regs: 'fff' }],
    [Op.FSGNJX_S, 'fsgnjx.s', Format.R, '0010000 ----- ----- 010 ----- 1010011', { regs: 'fff' }],
    [Op.FMIN_S, 'fmin.s', Format.R, '0010100 ----- ----- 000 ----- 1010011', { regs: 'fff' }],
    [Op.FMAX_S, 'fmax.s', Format.R, '0010100 ----- ----- 001 ----- 1010011', { regs: 'fff' }],
    [Op.FCVT_W_S, 'fcvt.w.s', Format.R1, '1100000 00000 ----- --- ----- 1010011', { regs: 'xf' }],
    [Op.FCVT_WU_S, 'fcvt.wu.s', Format.R1, '1100000 00001 ----- --- ----- 1010011', { regs: 'xf' }],
    [Op.FCVT_L_S, 'fcvt.l.s', Format.R1, '1100000 00010 ----- --- ----- 1010011', { regs: 'xf' }],
    [Op.FCVT_LU_S, 'fcvt.lu.s', Format.R1, '1100000 00011 ----- --- ----- 1010011', { regs: 'xf' }],
    [Op.FMV_X_W, 'fmv.x.w', Format.R1, '1110000 00000 ----- 000 ----- 1010011', { regs: 'xf' }],
    [Op.FCLASS_S, 'fclass.s', Format.R1, '1110000 00000 ----- 001 ----- 1010011', { regs: 'xf' }],
    [Op.FEQ_S, 'feq.s', Format.R, '1010000 ----- ----- 010 ----- 1010011', { regs: 'xff' }],
    [Op.FLT_S, 'flt.s', Format.R, '1010000 ----- ----- 001 ----- 1010011', { regs: 'xff' }],
    [Op.FLE_S, 'fle.s', Format.R, '1010000 ----- ----- 000 ----- 1010011', { regs: 'xff' }],
    [Op.FCVT_S_W, 'fcvt.s.w', Format.R1, '1101000 00000 ----- --- ----- 1010011', { regs: 'fx' }],
    [Op.FCVT_S_WU, 'fcvt.s.wu', Format.R1, '1101000 00001 ----- --- ----- 1010011', { regs: 'fx' }],
    [Op.FCVT_S_L, 'fcvt.s.l', Format.R1, '1101000 00010 ----- --- ----- 1010011', { regs: 'fx' }],
    [Op.FCVT_S_LU, 'fcvt.s.lu', Format.R1, '1101000 00011 ----- --- ----- 1010011', { regs: 'fx' }],
    [Op.FMV_W_X, 'fmv.w.x', Format.R1, '1111000 00000 ----- 000 ----- 1010011', { regs: 'fx' }],
  ]],
  ['D', [
    [Op.FLD, 'fld', Format.I, '------- ----- ----- 011 ----- 0000111', fpLoad(8)],
    [Op.FSD, 'fsd', Format.S, '------- ----- ----- 011 ----- 0100111', fpStore(8)],
    [Op.FMADD_D, 'fmadd.d', Format.R4, '-----01 ----- ----- --- ----- 1000011', { regs: 'ffff' }],
    [Op.FMSUB_D, 'fmsub.d', Format.R4, '-----01 ----- ----- --- ----- 1000111', { regs: 'ffff' }],
    [Op.FNMSUB_D, 'fnmsub.d', Format.R4, '-----01 ----- ----- --- ----- 1001011', { regs: 'ffff' }],
    [Op.FNMADD_D, 'fnmadd.d', Format.R4, '-----01 ----- ----- --- ----- 1001111', { regs: 'ffff' }],
    [Op.FADD_D, 'fadd.d', Format.R, '0000001 ----- ----- --- ----- 1010011', { regs: 'fff' }],
    [Op.FSUB_D, 'fsub.d', Format.R, '0000101 ----- ----- --- ----- 1010011', { regs: 'fff' }],
    [Op.FMUL_D, 'fmul.d', Format.R, '0001001 ----- ----- --- ----- 1010011', { regs: 'fff' }],
    [Op.FDIV_D, 'fdiv.d', Format.R, '0001101 ----- ----- --- ----- 1010011', { regs: 'fff' }],
    [Op.FSQRT_D, 'fsqrt.d', Format.R1, '0101101 00000 ----- --- ----- 1010011', { regs: 'ff' }],
    [Op.FSGNJ_D, 'fsgnj.d', Format.R, '0010001 ----- ----- 000 ----- 1010011', { regs: 'fff' }],
    [Op.FSGNJN_D, 'fsgnjn.d', Format.R, '0010001 ----- ----- 001 ----- 1010011', { regs: 'fff' }],
    [Op.FSGNJX_D, 'fsgnjx.d', Format.R, '0010001 ----- ----- 010 ----- 1010011', { regs: 'fff' }],
    [Op.FMIN_D, 'fmin.d', Format.R, '0010101 ----- ----- 000 ----- 1010011', { regs: 'fff' }],
    [Op.FMAX_D, 'fmax.d', Format.R, '0010101 ----- ----- 001 ----- 1010011', { regs: 'fff' }],
    [Op.FCVT_S_D, 'fcvt.s.d', Format.R1, '0100000 00001 ----- --- ----- 1010011', { regs: 'ff' }],
    [Op.FCVT_D_S, 'fcvt.d.s', Format.R1, '0100001 00000 ----- --- ----- 1010011', { regs: 'ff', roundingMode: 'exact' }],
    [Op.FEQ_D, 'feq.d', Format.R, '1010001 ----- ----- 010 ----- 1010011', { regs: 'xff' }],
    [Op.FLT_D, 'flt.d', Format.R, '1010001 ----- ----- 001 ----- 1010011', { regs: 'xff' }],
    [Op.FLE_D, 'fle.d', Format.R, '1010001 ----- ----- 000 ----- 1010011', { regs: 'xff' }],
    [Op.FCLASS_D, 'fclass.d', Format.R1, '1110001 00000 ----- 001 ----- 1010011', { regs: 'xf' }],
    [Op.FCVT_W_D, 'fcvt.w.d', Format.R1, '1100001 00000 ----- --- ----- 1010011', { regs: 'xf' }],
    [Op.FCVT_WU_D, 'fcvt.wu.d', Format.R1, '1100001 00001 ----- --- ----- 1010011', { regs: 'xf' }],
    [Op.FCVT_L_D, 'fcvt.l.d', Format.R1, '1100001 00010 ----- --- ----- 1010011', { regs: 'xf' }],
    [Op.FCVT_LU_D, 'fcvt.lu.d', Format.R1, '1100001 00011 ----- --- ----- 1010011', { regs: 'xf' }],
    [Op.FMV_X_D, 'fmv.x.d', Format.R1, '1110001 00000 ----- 000 ----- 1010011', { regs: 'xf' }],
    [Op.FCVT_D_W, 'fcvt.d.w', Format.R1, '1101001 00000 ----- --- ----- 1010011', { regs: 'fx', roundingMode: 'exact' }],
    [Op.FCVT_D_WU, 'fcvt.d.wu', Format.R1, '1101001 00001 ----- --- ----- 1010011', { regs: 'fx', roundingMode: 'exact' }],
    [Op.FCVT_D_L, 'fcvt.d.l', Format.R1, '1101001 00010 ----- --- ----- 1010011', { regs: 'fx' }],
    [Op.FCVT_D_LU, 'fcvt.d.lu', Format.R1, '1101001 00011 ----- --- ----- 1010011', { regs: 'fx' }],
    [Op.FMV_D_X, 'fmv.d.x', Format.R1, '1111001 00000 ----- 000 ----- 1010011', { regs: 'fx' }],
  ]],
  ['Zba', [
    [Op.SH1ADD, 'sh1add', Format.R, '0010000 ----- ----- 010 ----- 0110011', regReg('add', { rs1Shift: 1 })],
    [Op.SH2ADD, 'sh2add', Format.R, '0010000 ----- ----- 100 ----- 0110011', regReg('add', { rs1Shift: 2 })],
    [Op.SH3ADD, 'sh3add', Format.R, '0010000 ----- ----- 110 ----- 0110011', regReg('add', { rs1Shift: 3 })],
    [Op.ADD_UW, 'add.uw', Format.R, '0000100 ----- ----- 000 ----- 0111011', regReg('add', { rs1ZeroExtended: true })],
    [Op.SH1ADD_UW, 'sh1add.uw', Format.R, '0010000 ----- ----- 010 ----- 0111011', regReg('add', { rs1ZeroExtended: true, rs1Shift: 1 })],
    [Op.SH2ADD_UW, 'sh2add.uw', Format.R, '0010000 ----- ----- 100 ----- 0111011', regReg('add', { rs1ZeroExtended: true, rs1Shift: 2 })],
    [Op.SH3ADD_UW, 'sh3add.uw', Format.R, '0010000 ----- ----- 110 ----- 0111011', regReg('add', { rs1ZeroExtended: true, rs1Shift: 3 })],
    [Op.SLLI_UW, 'slli.uw', Format.SHIFT, '000010- ----- ----- 001 ----- 0011011', regImm('sll', { rs1ZeroExtended: true })],
  ]],
  ['Zbb', [
    [Op.ANDN, 'andn', Format.R, '0100000 ----- ----- 111 ----- 0110011', regReg('andn')],
    [Op.ORN, 'orn', Format.R, '0100000 ----- ----- 110 ----- 0110011', regReg('orn')],
    [Op.XNOR, 'xnor', Format.R, '0100000 ----- ----- 100 ----- 0110011', regReg('xnor')],
    [Op.CLZ, 'clz', Format.R1, '0110000 00000 ----- 001 ----- 0010011', unary('clz')],
    [Op.CTZ, 'ctz', Format.R1, '0110000 00001 ----- 001 ----- 0010011', unary('ctz')],
    [Op.CPOP, 'cpop', Format.R1, '0110000 00010 ----- 001 ----- 0010011', unary('cpop')],
    [Op.CLZW, 'clzw', Format.R1, '0110000 00000 ----- 001 ----- 0011011', unaryWord('clz')],
    [Op.CTZW, 'ctzw', Format.R1, '0110000 00001 ----- 001 ----- 0011011', unaryWord('ctz')],
    [Op.CPOPW, 'cpopw', Format.R1, '0110000 00010 ----- 001 ----- 0011011', unaryWord('cpop')],
    [Op.MAX, 'max', Format.R, '0000101 ----- ----- 110 ----- 0110011', regReg('max')],
    [Op.MAXU, 'maxu', Format.R, '0000101 ----- ----- 111 ----- 0110011', regReg('maxu')],
    [Op.MIN, 'min', Format.R, '0000101 ----- ----- 100 ----- 0110011', regReg('min')],
    [Op.MINU, 'minu', Format.R, '0000101 ----- ----- 101 ----- 0110011', regReg('minu')],
    [Op.SEXT_B, 'sext.b', Format.R1, '0110000 00100 ----- 001 ----- 0010011', unary('sext.b')],
    [Op.SEXT_H, 'sext.h', Format.R1, '0110000 00101 ----- 001 ----- 0010011', unary('sext.h')],
    [Op.ZEXT_H, 'zext.h', Format.R1, '0000100 00000 ----- 100 ----- 0111011', unary('zext.h')],
    [Op.ROL, 'rol', Format.R, '0110000 ----- ----- 001 ----- 0110011', regReg('rol')],
    [Op.ROR, 'ror', Format.R, '0110000 ----- ----- 101 ----- 0110011', regReg('ror')],
    [Op.ROLW, 'rolw', Format.R, '0110000 ----- ----- 001 ----- 0111011', regRegWord('rol')],
    [Op.RORW, 'rorw', Format.R, '0110000 ----- ----- 101 ----- 0111011', regRegWord('ror')],
    [Op.RORI, 'rori', Format.SHIFT, '011000- ----- ----- 101 ----- 0010011', regImm('ror')],
    [Op.RORIW, 'roriw', Format.SHIFTW, '0110000 ----- ----- 101 ----- 0011011', regImmWord('ror')],
    [Op.ORC_B, 'orc.b', Format.R1, '0010100 00111 ----- 101 ----- 0010011', unary('orc.b')],
    [Op.REV8, 'rev8', Format.R1, '0110101 11000 ----- 101 ----- 0010011', unary('rev8')],
  ]],
  ['Zbs', [
    [Op.BCLR, 'bclr', Format.R, '0100100 ----- ----- 001 ----- 0110011', regReg('bclr')],
    [Op.BCLRI, 'bclri', Format.SHIFT, '010010- ----- ----- 001 ----- 0010011', regImm('bclr')],
    [Op.BEXT, 'bext', Format.R, '0100100 ----- ----- 101 ----- 0110011', regReg('bext')],
    [Op.BEXTI, 'bexti', Format.SHIFT, '010010- ----- ----- 101 ----- 0010011', regImm('bext')],
    [Op.BINV, 'binv', Format.R, '0110100 ----- ----- 001 ----- 0110011', regReg('binv')],
    [Op.BINVI, 'binvi', Format.SHIFT, '011010- ----- ----- 001 ----- 0010011', regImm('binv')],
    [Op.BSET, 'bset', Format.R, '0010100 ----- ----- 001 ----- 0110011', regReg('bset')],
    [Op.BSETI, 'bseti', Format.SHIFT, '001010- ----- ----- 001 ----- 0010011', regImm('bset')],
  ]],
];

/** Every instruction, in declaration order. */
export const ENCODINGS: readonly InstructionInfo[] = DECLARATIONS.flatMap(([extension, declarations]) =>
  declarations.map((declaration) => describeInstruction(extension, declaration)));

/** Number of op ids (the decoder's pseudo ops included): OP_INFO's length. */
export const OP_COUNT: number = Op.COUNT;
/** The first op id of a real instruction; the ones below are the decoder's (UNDECODED, ILLEGAL, ...). */
export const FIRST_INSTRUCTION_OP: number = Op.LUI;

/** Each instruction by op id; undefined for the decoder's pseudo ops (below FIRST_INSTRUCTION_OP). */
export const OP_INFO: ReadonlyArray<InstructionInfo | undefined> = (() => {
  const table = Array.from({ length: Op.COUNT }, (): InstructionInfo | undefined => undefined);
  for (const e of ENCODINGS) table[e.op] = e;
  return table;
})();

/** The declaration of real instruction `op`. */
export function instructionInfo(op: Op): InstructionInfo {
  const info = OP_INFO[op];
  if (info === undefined) throw new Error(`op ${op} is not an instruction`);
  return info;
}

/** Names by op id, for traces and messages. */
export const OP_NAMES: readonly string[] = (() => {
  const names: string[] = ['(undecoded)', '(illegal)', '(page end)', '(cross page)'];
  for (const e of ENCODINGS) names[e.op] = e.name;
  return names;
})();

/** Major opcode (bits 6:0) → candidate encodings, so decoding scans a handful of rows. */
const BY_OPCODE: InstructionInfo[][] = (() => {
  const table: InstructionInfo[][] = Array.from({ length: 128 }, () => []);
  for (const e of ENCODINGS) table[e.match & 0x7f].push(e);
  return table;
})();

/** The encoding row of a 32-bit instruction, or undefined if it is not one we implement. */
export function lookupEncoding(insn: number): InstructionInfo | undefined {
  if ((insn & 3) !== 3) return undefined;
  const rows = BY_OPCODE[insn & 0x7f];
  for (let i = 0; i < rows.length; i++) {
    const e = rows[i];
    if (((insn & e.mask) >>> 0) === e.match) return e;
  }
  return undefined;
}
