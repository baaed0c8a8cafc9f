// The one table of RV64GC instruction encodings. The decoder, the disassembler and the
// interpreter's switch all key off `Op`; nothing else in the project spells an encoding.
//
// A pattern lists the 32 instruction bits from bit 31 down to bit 0, with spaces for
// readability: '0'/'1' are fixed bits, '-' is an operand bit.

/** Operation ids. `const enum` so the interpreter's `case Op.X:` compiles to integer literals. */
export const enum Op {
  // 0 is reserved: a pre-decoded slot that has not been decoded yet.
  UNDECODED = 0, ILLEGAL, PAGE_END, CROSS_PAGE,
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

/** Operand layout, used by the decoder to extract immediates and by the disassembler to print. */
export const enum Format {
  R, R4, I, S, B, U, J, SHIFT, SHIFTW, CSR, CSRI, AMO, NONE, FENCE,
  /** rd, rs1 only (unary R-type, e.g. clz, fsqrt, fcvt). */
  R1,
}

/** Register classes of rd, rs1, rs2/rs3 for the disassembler: x = integer, f = float. */
export type RegClasses = string;

export interface Encoding {
  op: Op;
  name: string;
  format: Format;
  mask: number;
  match: number;
  /** register classes of rd, rs1, rs2, rs3 ('x', 'f' or '-') */
  regs: RegClasses;
}

const ENCODING_ROWS: ReadonlyArray<readonly [Op, string, Format, string, RegClasses?]> = [
  // RV64I
  [Op.LUI, 'lui', Format.U, '------- ----- ----- --- ----- 0110111'],
  [Op.AUIPC, 'auipc', Format.U, '------- ----- ----- --- ----- 0010111'],
  [Op.JAL, 'jal', Format.J, '------- ----- ----- --- ----- 1101111'],
  [Op.JALR, 'jalr', Format.I, '------- ----- ----- 000 ----- 1100111'],
  [Op.BEQ, 'beq', Format.B, '------- ----- ----- 000 ----- 1100011'],
  [Op.BNE, 'bne', Format.B, '------- ----- ----- 001 ----- 1100011'],
  [Op.BLT, 'blt', Format.B, '------- ----- ----- 100 ----- 1100011'],
  [Op.BGE, 'bge', Format.B, '------- ----- ----- 101 ----- 1100011'],
  [Op.BLTU, 'bltu', Format.B, '------- ----- ----- 110 ----- 1100011'],
  [Op.BGEU, 'bgeu', Format.B, '------- ----- ----- 111 ----- 1100011'],
  [Op.LB, 'lb', Format.I, '------- ----- ----- 000 ----- 0000011'],
  [Op.LH, 'lh', Format.I, '------- ----- ----- 001 ----- 0000011'],
  [Op.LW, 'lw', Format.I, '------- ----- ----- 010 ----- 0000011'],
  [Op.LD, 'ld', Format.I, '------- ----- ----- 011 ----- 0000011'],
  [Op.LBU, 'lbu', Format.I, '------- ----- ----- 100 ----- 0000011'],
  [Op.LHU, 'lhu', Format.I, '------- ----- ----- 101 ----- 0000011'],
  [Op.LWU, 'lwu', Format.I, '------- ----- ----- 110 ----- 0000011'],
  [Op.SB, 'sb', Format.S, '------- ----- ----- 000 ----- 0100011'],
  [Op.SH, 'sh', Format.S, '------- ----- ----- 001 ----- 0100011'],
  [Op.SW, 'sw', Format.S, '------- ----- ----- 010 ----- 0100011'],
  [Op.SD, 'sd', Format.S, '------- ----- ----- 011 ----- 0100011'],
  [Op.ADDI, 'addi', Format.I, '------- ----- ----- 000 ----- 0010011'],
  [Op.SLTI, 'slti', Format.I, '------- ----- ----- 010 ----- 0010011'],
  [Op.SLTIU, 'sltiu', Format.I, '------- ----- ----- 011 ----- 0010011'],
  [Op.XORI, 'xori', Format.I, '------- ----- ----- 100 ----- 0010011'],
  [Op.ORI, 'ori', Format.I, '------- ----- ----- 110 ----- 0010011'],
  [Op.ANDI, 'andi', Format.I, '------- ----- ----- 111 ----- 0010011'],
  [Op.SLLI, 'slli', Format.SHIFT, '000000- ----- ----- 001 ----- 0010011'],
  [Op.SRLI, 'srli', Format.SHIFT, '000000- ----- ----- 101 ----- 0010011'],
  [Op.SRAI, 'srai', Format.SHIFT, '010000- ----- ----- 101 ----- 0010011'],
  [Op.ADD, 'add', Format.R, '0000000 ----- ----- 000 ----- 0110011'],
  [Op.SUB, 'sub', Format.R, '0100000 ----- ----- 000 ----- 0110011'],
  [Op.SLL, 'sll', Format.R, '0000000 ----- ----- 001 ----- 0110011'],
  [Op.SLT, 'slt', Format.R, '0000000 ----- ----- 010 ----- 0110011'],
  [Op.SLTU, 'sltu', Format.R, '0000000 ----- ----- 011 ----- 0110011'],
  [Op.XOR, 'xor', Format.R, '0000000 ----- ----- 100 ----- 0110011'],
  [Op.SRL, 'srl', Format.R, '0000000 ----- ----- 101 ----- 0110011'],
  [Op.SRA, 'sra', Format.R, '0100000 ----- ----- 101 ----- 0110011'],
  [Op.OR, 'or', Format.R, '0000000 ----- ----- 110 ----- 0110011'],
  [Op.AND, 'and', Format.R, '0000000 ----- ----- 111 ----- 0110011'],
  [Op.ADDIW, 'addiw', Format.I, '------- ----- ----- 000 ----- 0011011'],
  [Op.SLLIW, 'slliw', Format.SHIFTW, '0000000 ----- ----- 001 ----- 0011011'],
  [Op.SRLIW, 'srliw', Format.SHIFTW, '0000000 ----- ----- 101 ----- 0011011'],
  [Op.SRAIW, 'sraiw', Format.SHIFTW, '0100000 ----- ----- 101 ----- 0011011'],
  [Op.ADDW, 'addw', Format.R, '0000000 ----- ----- 000 ----- 0111011'],
  [Op.SUBW, 'subw', Format.R, '0100000 ----- ----- 000 ----- 0111011'],
  [Op.SLLW, 'sllw', Format.R, '0000000 ----- ----- 001 ----- 0111011'],
  [Op.SRLW, 'srlw', Format.R, '0000000 ----- ----- 101 ----- 0111011'],
  [Op.SRAW, 'sraw', Format.R, '0100000 ----- ----- 101 ----- 0111011'],
  [Op.FENCE, 'fence', Format.FENCE, '------- ----- ----- 000 ----- 0001111'],
  [Op.FENCE_I, 'fence.i', Format.NONE, '------- ----- ----- 001 ----- 0001111'],
  [Op.ECALL, 'ecall', Format.NONE, '0000000 00000 00000 000 00000 1110011'],
  [Op.EBREAK, 'ebreak', Format.NONE, '0000000 00001 00000 000 00000 1110011'],
  // M
  [Op.MUL, 'mul', Format.R, '0000001 ----- ----- 000 ----- 0110011'],
  [Op.MULH, 'mulh', Format.R, '0000001 ----- ----- 001 ----- 0110011'],
  [Op.MULHSU, 'mulhsu', Format.R, '0000001 ----- ----- 010 ----- 0110011'],
  [Op.MULHU, 'mulhu', Format.R, '0000001 ----- ----- 011 ----- 0110011'],
  [Op.DIV, 'div', Format.R, '0000001 ----- ----- 100 ----- 0110011'],
  [Op.DIVU, 'divu', Format.R, '0000001 ----- ----- 101 ----- 0110011'],
  [Op.REM, 'rem', Format.R, '0000001 ----- ----- 110 ----- 0110011'],
  [Op.REMU, 'remu', Format.R, '0000001 ----- ----- 111 ----- 0110011'],
  [Op.MULW, 'mulw', Format.R, '0000001 ----- ----- 000 ----- 0111011'],
  [Op.DIVW, 'divw', Format.R, '0000001 ----- ----- 100 ----- 0111011'],
  [Op.DIVUW, 'divuw', Format.R, '0000001 ----- ----- 101 ----- 0111011'],
  [Op.REMW, 'remw', Format.R, '0000001 ----- ----- 110 ----- 0111011'],
  [Op.REMUW, 'remuw', Format.R, '0000001 ----- ----- 111 ----- 0111011'],
  // A (bits 26:25 are aq/rl)
  [Op.LR_W, 'lr.w', Format.AMO, '00010-- 00000 ----- 010 ----- 0101111'],
  [Op.SC_W, 'sc.w', Format.AMO, '00011-- ----- ----- 010 ----- 0101111'],
  [Op.AMOSWAP_W, 'amoswap.w', Format.AMO, '00001-- ----- ----- 010 ----- 0101111'],
  [Op.AMOADD_W, 'amoadd.w', Format.AMO, '00000-- ----- ----- 010 ----- 0101111'],
  [Op.AMOXOR_W, 'amoxor.w', Format.AMO, '00100-- ----- ----- 010 ----- 0101111'],
  [Op.AMOAND_W, 'amoand.w', Format.AMO, '01100-- ----- ----- 010 ----- 0101111'],
  [Op.AMOOR_W, 'amoor.w', Format.AMO, '01000-- ----- ----- 010 ----- 0101111'],
  [Op.AMOMIN_W, 'amomin.w', Format.AMO, '10000-- ----- ----- 010 ----- 0101111'],
  [Op.AMOMAX_W, 'amomax.w', Format.AMO, '10100-- ----- ----- 010 ----- 0101111'],
  [Op.AMOMINU_W, 'amominu.w', Format.AMO, '11000-- ----- ----- 010 ----- 0101111'],
  [Op.AMOMAXU_W, 'amomaxu.w', Format.AMO, '11100-- ----- ----- 010 ----- 0101111'],
  [Op.LR_D, 'lr.d', Format.AMO, '00010-- 00000 ----- 011 ----- 0101111'],
  [Op.SC_D, 'sc.d', Format.AMO, '00011-- ----- ----- 011 ----- 0101111'],
  [Op.AMOSWAP_D, 'amoswap.d', Format.AMO, '00001-- ----- ----- 011 ----- 0101111'],
  [Op.AMOADD_D, 'amoadd.d', Format.AMO, '00000-- ----- ----- 011 ----- 0101111'],
  [Op.AMOXOR_D, 'amoxor.d', Format.AMO, '00100-- ----- ----- 011 ----- 0101111'],
  [Op.AMOAND_D, 'amoand.d', Format.AMO, '01100-- ----- ----- 011 ----- 0101111'],
  [Op.AMOOR_D, 'amoor.d', Format.AMO, '01000-- ----- ----- 011 ----- 0101111'],
  [Op.AMOMIN_D, 'amomin.d', Format.AMO, '10000-- ----- ----- 011 ----- 0101111'],
  [Op.AMOMAX_D, 'amomax.d', Format.AMO, '10100-- ----- ----- 011 ----- 0101111'],
  [Op.AMOMINU_D, 'amominu.d', Format.AMO, '11000-- ----- ----- 011 ----- 0101111'],
  [Op.AMOMAXU_D, 'amomaxu.d', Format.AMO, '11100-- ----- ----- 011 ----- 0101111'],
  // Zicsr
  [Op.CSRRW, 'csrrw', Format.CSR, '------- ----- ----- 001 ----- 1110011'],
  [Op.CSRRS, 'csrrs', Format.CSR, '------- ----- ----- 010 ----- 1110011'],
  [Op.CSRRC, 'csrrc', Format.CSR, '------- ----- ----- 011 ----- 1110011'],
  [Op.CSRRWI, 'csrrwi', Format.CSRI, '------- ----- ----- 101 ----- 1110011'],
  [Op.CSRRSI, 'csrrsi', Format.CSRI, '------- ----- ----- 110 ----- 1110011'],
  [Op.CSRRCI, 'csrrci', Format.CSRI, '------- ----- ----- 111 ----- 1110011'],
  // privileged
  [Op.SRET, 'sret', Format.NONE, '0001000 00010 00000 000 00000 1110011'],
  [Op.MRET, 'mret', Format.NONE, '0011000 00010 00000 000 00000 1110011'],
  [Op.WFI, 'wfi', Format.NONE, '0001000 00101 00000 000 00000 1110011'],
  [Op.SFENCE_VMA, 'sfence.vma', Format.R, '0001001 ----- ----- 000 00000 1110011', '-xx'],
  // F
  [Op.FLW, 'flw', Format.I, '------- ----- ----- 010 ----- 0000111', 'fx'],
  [Op.FSW, 'fsw', Format.S, '------- ----- ----- 010 ----- 0100111', '-xf'],
  [Op.FMADD_S, 'fmadd.s', Format.R4, '-----00 ----- ----- --- ----- 1000011', 'ffff'],
  [Op.FMSUB_S, 'fmsub.s', Format.R4, '-----00 ----- ----- --- ----- 1000111', 'ffff'],
  [Op.FNMSUB_S, 'fnmsub.s', Format.R4, '-----00 ----- ----- --- ----- 1001011', 'ffff'],
  [Op.FNMADD_S, 'fnmadd.s', Format.R4, '-----00 ----- ----- --- ----- 1001111', 'ffff'],
  [Op.FADD_S, 'fadd.s', Format.R, '0000000 ----- ----- --- ----- 1010011', 'fff'],
  [Op.FSUB_S, 'fsub.s', Format.R, '0000100 ----- ----- --- ----- 1010011', 'fff'],
  [Op.FMUL_S, 'fmul.s', Format.R, '0001000 ----- ----- --- ----- 1010011', 'fff'],
  [Op.FDIV_S, 'fdiv.s', Format.R, '0001100 ----- ----- --- ----- 1010011', 'fff'],
  [Op.FSQRT_S, 'fsqrt.s', Format.R1, '0101100 00000 ----- --- ----- 1010011', 'ff'],
  [Op.FSGNJ_S, 'fsgnj.s', Format.R, '0010000 ----- ----- 000 ----- 1010011', 'fff'],
  [Op.FSGNJN_S, 'fsgnjn.s', Format.R, '0010000 ----- ----- 001 ----- 1010011', 'fff'],
  [Op.FSGNJX_S, 'fsgnjx.s', Format.R, '0010000 ----- ----- 010 ----- 1010011', 'fff'],
  [Op.FMIN_S, 'fmin.s', Format.R, '0010100 ----- ----- 000 ----- 1010011', 'fff'],
  [Op.FMAX_S, 'fmax.s', Format.R, '0010100 ----- ----- 001 ----- 1010011', 'fff'],
  [Op.FCVT_W_S, 'fcvt.w.s', Format.R1, '1100000 00000 ----- --- ----- 1010011', 'xf'],
  [Op.FCVT_WU_S, 'fcvt.wu.s', Format.R1, '1100000 00001 ----- --- ----- 1010011', 'xf'],
  [Op.FCVT_L_S, 'fcvt.l.s', Format.R1, '1100000 00010 ----- --- ----- 1010011', 'xf'],
  [Op.FCVT_LU_S, 'fcvt.lu.s', Format.R1, '1100000 00011 ----- --- ----- 1010011', 'xf'],
  [Op.FMV_X_W, 'fmv.x.w', Format.R1, '1110000 00000 ----- 000 ----- 1010011', 'xf'],
  [Op.FCLASS_S, 'fclass.s', Format.R1, '1110000 00000 ----- 001 ----- 1010011', 'xf'],
  [Op.FEQ_S, 'feq.s', Format.R, '1010000 ----- ----- 010 ----- 1010011', 'xff'],
  [Op.FLT_S, 'flt.s', Format.R, '1010000 ----- ----- 001 ----- 1010011', 'xff'],
  [Op.FLE_S, 'fle.s', Format.R, '1010000 ----- ----- 000 ----- 1010011', 'xff'],
  [Op.FCVT_S_W, 'fcvt.s.w', Format.R1, '1101000 00000 ----- --- ----- 1010011', 'fx'],
  [Op.FCVT_S_WU, 'fcvt.s.wu', Format.R1, '1101000 00001 ----- --- ----- 1010011', 'fx'],
  [Op.FCVT_S_L, 'fcvt.s.l', Format.R1, '1101000 00010 ----- --- ----- 1010011', 'fx'],
  [Op.FCVT_S_LU, 'fcvt.s.lu', Format.R1, '1101000 00011 ----- --- ----- 1010011', 'fx'],
  [Op.FMV_W_X, 'fmv.w.x', Format.R1, '1111000 00000 ----- 000 ----- 1010011', 'fx'],
  // D
  [Op.FLD, 'fld', Format.I, '------- ----- ----- 011 ----- 0000111', 'fx'],
  [Op.FSD, 'fsd', Format.S, '------- ----- ----- 011 ----- 0100111', '-xf'],
  [Op.FMADD_D, 'fmadd.d', Format.R4, '-----01 ----- ----- --- ----- 1000011', 'ffff'],
  [Op.FMSUB_D, 'fmsub.d', Format.R4, '-----01 ----- ----- --- ----- 1000111', 'ffff'],
  [Op.FNMSUB_D, 'fnmsub.d', Format.R4, '-----01 ----- ----- --- ----- 1001011', 'ffff'],
  [Op.FNMADD_D, 'fnmadd.d', Format.R4, '-----01 ----- ----- --- ----- 1001111', 'ffff'],
  [Op.FADD_D, 'fadd.d', Format.R, '0000001 ----- ----- --- ----- 1010011', 'fff'],
  [Op.FSUB_D, 'fsub.d', Format.R, '0000101 ----- ----- --- ----- 1010011', 'fff'],
  [Op.FMUL_D, 'fmul.d', Format.R, '0001001 ----- ----- --- ----- 1010011', 'fff'],
  [Op.FDIV_D, 'fdiv.d', Format.R, '0001101 ----- ----- --- ----- 1010011', 'fff'],
  [Op.FSQRT_D, 'fsqrt.d', Format.R1, '0101101 00000 ----- --- ----- 1010011', 'ff'],
  [Op.FSGNJ_D, 'fsgnj.d', Format.R, '0010001 ----- ----- 000 ----- 1010011', 'fff'],
  [Op.FSGNJN_D, 'fsgnjn.d', Format.R, '0010001 ----- ----- 001 ----- 1010011', 'fff'],
  [Op.FSGNJX_D, 'fsgnjx.d', Format.R, '0010001 ----- ----- 010 ----- 1010011', 'fff'],
  [Op.FMIN_D, 'fmin.d', Format.R, '0010101 ----- ----- 000 ----- 1010011', 'fff'],
  [Op.FMAX_D, 'fmax.d', Format.R, '0010101 ----- ----- 001 ----- 1010011', 'fff'],
  [Op.FCVT_S_D, 'fcvt.s.d', Format.R1, '0100000 00001 ----- --- ----- 1010011', 'ff'],
  [Op.FCVT_D_S, 'fcvt.d.s', Format.R1, '0100001 00000 ----- --- ----- 1010011', 'ff'],
  [Op.FEQ_D, 'feq.d', Format.R, '1010001 ----- ----- 010 ----- 1010011', 'xff'],
  [Op.FLT_D, 'flt.d', Format.R, '1010001 ----- ----- 001 ----- 1010011', 'xff'],
  [Op.FLE_D, 'fle.d', Format.R, '1010001 ----- ----- 000 ----- 1010011', 'xff'],
  [Op.FCLASS_D, 'fclass.d', Format.R1, '1110001 00000 ----- 001 ----- 1010011', 'xf'],
  [Op.FCVT_W_D, 'fcvt.w.d', Format.R1, '1100001 00000 ----- --- ----- 1010011', 'xf'],
  [Op.FCVT_WU_D, 'fcvt.wu.d', Format.R1, '1100001 00001 ----- --- ----- 1010011', 'xf'],
  [Op.FCVT_L_D, 'fcvt.l.d', Format.R1, '1100001 00010 ----- --- ----- 1010011', 'xf'],
  [Op.FCVT_LU_D, 'fcvt.lu.d', Format.R1, '1100001 00011 ----- --- ----- 1010011', 'xf'],
  [Op.FMV_X_D, 'fmv.x.d', Format.R1, '1110001 00000 ----- 000 ----- 1010011', 'xf'],
  [Op.FCVT_D_W, 'fcvt.d.w', Format.R1, '1101001 00000 ----- --- ----- 1010011', 'fx'],
  [Op.FCVT_D_WU, 'fcvt.d.wu', Format.R1, '1101001 00001 ----- --- ----- 1010011', 'fx'],
  [Op.FCVT_D_L, 'fcvt.d.l', Format.R1, '1101001 00010 ----- --- ----- 1010011', 'fx'],
  [Op.FCVT_D_LU, 'fcvt.d.lu', Format.R1, '1101001 00011 ----- --- ----- 1010011', 'fx'],
  [Op.FMV_D_X, 'fmv.d.x', Format.R1, '1111001 00000 ----- 000 ----- 1010011', 'fx'],
  // Zba
  [Op.SH1ADD, 'sh1add', Format.R, '0010000 ----- ----- 010 ----- 0110011'],
  [Op.SH2ADD, 'sh2add', Format.R, '0010000 ----- ----- 100 ----- 0110011'],
  [Op.SH3ADD, 'sh3add', Format.R, '0010000 ----- ----- 110 ----- 0110011'],
  [Op.ADD_UW, 'add.uw', Format.R, '0000100 ----- ----- 000 ----- 0111011'],
  [Op.SH1ADD_UW, 'sh1add.uw', Format.R, '0010000 ----- ----- 010 ----- 0111011'],
  [Op.SH2ADD_UW, 'sh2add.uw', Format.R, '0010000 ----- ----- 100 ----- 0111011'],
  [Op.SH3ADD_UW, 'sh3add.uw', Format.R, '0010000 ----- ----- 110 ----- 0111011'],
  [Op.SLLI_UW, 'slli.uw', Format.SHIFT, '000010- ----- ----- 001 ----- 0011011'],
  // Zbb
  [Op.ANDN, 'andn', Format.R, '0100000 ----- ----- 111 ----- 0110011'],
  [Op.ORN, 'orn', Format.R, '0100000 ----- ----- 110 ----- 0110011'],
  [Op.XNOR, 'xnor', Format.R, '0100000 ----- ----- 100 ----- 0110011'],
  [Op.CLZ, 'clz', Format.R1, '0110000 00000 ----- 001 ----- 0010011'],
  [Op.CTZ, 'ctz', Format.R1, '0110000 00001 ----- 001 ----- 0010011'],
  [Op.CPOP, 'cpop', Format.R1, '0110000 00010 ----- 001 ----- 0010011'],
  [Op.CLZW, 'clzw', Format.R1, '0110000 00000 ----- 001 ----- 0011011'],
  [Op.CTZW, 'ctzw', Format.R1, '0110000 00001 ----- 001 ----- 0011011'],
  [Op.CPOPW, 'cpopw', Format.R1, '0110000 00010 ----- 001 ----- 0011011'],
  [Op.MAX, 'max', Format.R, '0000101 ----- ----- 110 ----- 0110011'],
  [Op.MAXU, 'maxu', Format.R, '0000101 ----- ----- 111 ----- 0110011'],
  [Op.MIN, 'min', Format.R, '0000101 ----- ----- 100 ----- 0110011'],
  [Op.MINU, 'minu', Format.R, '0000101 ----- ----- 101 ----- 0110011'],
  [Op.SEXT_B, 'sext.b', Format.R1, '0110000 00100 ----- 001 ----- 0010011'],
  [Op.SEXT_H, 'sext.h', Format.R1, '0110000 00101 ----- 001 ----- 0010011'],
  [Op.ZEXT_H, 'zext.h', Format.R1, '0000100 00000 ----- 100 ----- 0111011'],
  [Op.ROL, 'rol', Format.R, '0110000 ----- ----- 001 ----- 0110011'],
  [Op.ROR, 'ror', Format.R, '0110000 ----- ----- 101 ----- 0110011'],
  [Op.ROLW, 'rolw', Format.R, '0110000 ----- ----- 001 ----- 0111011'],
  [Op.RORW, 'rorw', Format.R, '0110000 ----- ----- 101 ----- 0111011'],
  [Op.RORI, 'rori', Format.SHIFT, '011000- ----- ----- 101 ----- 0010011'],
  [Op.RORIW, 'roriw', Format.SHIFTW, '0110000 ----- ----- 101 ----- 0011011'],
  [Op.ORC_B, 'orc.b', Format.R1, '0010100 00111 ----- 101 ----- 0010011'],
  [Op.REV8, 'rev8', Format.R1, '0110101 11000 ----- 101 ----- 0010011'],
  // Zbs
  [Op.BCLR, 'bclr', Format.R, '0100100 ----- ----- 001 ----- 0110011'],
  [Op.BCLRI, 'bclri', Format.SHIFT, '010010- ----- ----- 001 ----- 0010011'],
  [Op.BEXT, 'bext', Format.R, '0100100 ----- ----- 101 ----- 0110011'],
  [Op.BEXTI, 'bexti', Format.SHIFT, '010010- ----- ----- 101 ----- 0010011'],
  [Op.BINV, 'binv', Format.R, '0110100 ----- ----- 001 ----- 0110011'],
  [Op.BINVI, 'binvi', Format.SHIFT, '011010- ----- ----- 001 ----- 0010011'],
  [Op.BSET, 'bset', Format.R, '0010100 ----- ----- 001 ----- 0110011'],
  [Op.BSETI, 'bseti', Format.SHIFT, '001010- ----- ----- 001 ----- 0010011'],
];

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

export const ENCODINGS: readonly Encoding[] = ENCODING_ROWS.map(([op, name, format, pattern, regs]) => ({
  op, name, format, ...parsePattern(pattern), regs: regs ?? 'xxxx',
}));

/** Names by op id, for traces and messages. */
export const OP_NAMES: readonly string[] = (() => {
  const names: string[] = ['(undecoded)', '(illegal)', '(page end)', '(cross page)'];
  for (const e of ENCODINGS) names[e.op] = e.name;
  return names;
})();

/** Major opcode (bits 6:0) → candidate encodings, so decoding scans a handful of rows. */
const BY_OPCODE: Encoding[][] = (() => {
  const table: Encoding[][] = Array.from({ length: 128 }, () => []);
  for (const e of ENCODINGS) table[e.match & 0x7f].push(e);
  return table;
})();

/** The encoding row of a 32-bit instruction, or undefined if it is not one we implement. */
export function lookupEncoding(insn: number): Encoding | undefined {
  if ((insn & 3) !== 3) return undefined;
  const rows = BY_OPCODE[insn & 0x7f];
  for (let i = 0; i < rows.length; i++) {
    const e = rows[i];
    if (((insn & e.mask) >>> 0) === e.match) return e;
  }
  return undefined;
}
