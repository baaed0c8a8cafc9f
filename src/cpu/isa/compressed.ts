// RVC (the C extension) for RV64: expands a 16-bit instruction to the 32-bit instruction it
// stands for, which is then decoded through the one encoding table (encodings.ts). Written from
// the RISC-V unprivileged spec, chapter "C" (compressed instruction formats and listings).
//
// Only integer arithmetic, one switch on quadrant/funct3; no tables.

// 32-bit opcodes used by expansions.
const OP_LOAD = 0x03, OP_LOAD_FP = 0x07, OP_IMM = 0x13, OP_IMM_32 = 0x1b;
const OP_STORE = 0x23, OP_STORE_FP = 0x27, OP_REG = 0x33, OP_REG_32 = 0x3b;
const OP_LUI = 0x37, OP_BRANCH = 0x63, OP_JALR = 0x67, OP_JAL = 0x6f;

/** I-type: imm[11:0] rs1 funct3 rd opcode. */
function iType(opcode: number, f3: number, rd: number, rs1: number, imm: number): number {
  return ((imm << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opcode) >>> 0;
}

/** S-type: imm[11:5] rs2 rs1 funct3 imm[4:0] opcode. */
function sType(opcode: number, f3: number, rs1: number, rs2: number, imm: number): number {
  return ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | opcode) >>> 0;
}

/** R-type: funct7 rs2 rs1 funct3 rd opcode. */
function rType(opcode: number, f7: number, f3: number, rd: number, rs1: number, rs2: number): number {
  return ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opcode) >>> 0;
}

/** B-type branch against x0 (c.beqz / c.bnez). */
function bType(f3: number, rs1: number, imm: number): number {
  return ((((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3f) << 25) | (rs1 << 15) | (f3 << 12) |
    (((imm >> 1) & 15) << 8) | (((imm >> 11) & 1) << 7) | OP_BRANCH) >>> 0;
}

/** J-type jal. */
function jType(rd: number, imm: number): number {
  return ((((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3ff) << 21) | (((imm >> 11) & 1) << 20) |
    (((imm >> 12) & 0xff) << 12) | (rd << 7) | OP_JAL) >>> 0;
}

/** Sign-extends the 6-bit immediate imm[5]=bit 12, imm[4:0]=bits 6:2 (CI format). */
function ciImm(h: number): number {
  return (((h >> 12) & 1) ? -32 : 0) | ((h >> 2) & 31);
}

/**
 * Expands a 16-bit RVC instruction (bits 1:0 != 3) to its 32-bit equivalent, as an unsigned
 * number. Returns 0 for an illegal or reserved encoding. HINTs expand to their legal 32-bit form
 * (e.g. c.addi x0 → addi x0,x0,imm; c.mv x0 → add x0,x0,rs2).
 */
export function expandCompressed(half: number): number {
  const h = half & 0xffff;
  const f3 = h >>> 13;
  const rdFull = (h >> 7) & 31;        // rd / rs1 (CI, CR)
  const rs2Full = (h >> 2) & 31;       // rs2 (CR, CSS)
  const rdP = ((h >> 2) & 7) + 8;      // rd' / rs2' (CIW, CL, CS)
  const rs1P = ((h >> 7) & 7) + 8;     // rs1' / rd' (CL, CS, CA, CB)

  switch (h & 3) {
    case 0:
      switch (f3) {
        case 0: { // c.addi4spn: addi rd', x2, nzuimm
          const imm = (((h >> 11) & 3) << 4) | (((h >> 7) & 15) << 6) | (((h >> 6) & 1) << 2) | (((h >> 5) & 1) << 3);
          if (imm === 0) return 0; // includes the all-zero illegal instruction
          return iType(OP_IMM, 0, rdP, 2, imm);
        }
        case 1: // c.fld
          return iType(OP_LOAD_FP, 3, rdP, rs1P, (((h >> 10) & 7) << 3) | (((h >> 5) & 3) << 6));
        case 2: // c.lw
          return iType(OP_LOAD, 2, rdP, rs1P, (((h >> 10) & 7) << 3) | (((h >> 6) & 1) << 2) | (((h >> 5) & 1) << 6));
        case 3: // c.ld
          return iType(OP_LOAD, 3, rdP, rs1P, (((h >> 10) & 7) << 3) | (((h >> 5) & 3) << 6));
        case 4: // reserved
          return 0;
        case 5: // c.fsd
          return sType(OP_STORE_FP, 3, rs1P, rdP, (((h >> 10) & 7) << 3) | (((h >> 5) & 3) << 6));
        case 6: // c.sw
          return sType(OP_STORE, 2, rs1P, rdP, (((h >> 10) & 7) << 3) | (((h >> 6) & 1) << 2) | (((h >> 5) & 1) << 6));
        default: // 7: c.sd
          return sType(OP_STORE, 3, rs1P, rdP, (((h >> 10) & 7) << 3) | (((h >> 5) & 3) << 6));
      }

    case 1:
      switch (f3) {
        case 0: // c.addi (c.nop, HINTs when rd=0 or imm=0)
          return iType(OP_IMM, 0, rdFull, rdFull, ciImm(h));
        case 1: // c.addiw (rd=0 reserved)
          if (rdFull === 0) return 0;
          return iType(OP_IMM_32, 0, rdFull, rdFull, ciImm(h));
        case 2: // c.li (rd=0 HINT)
          return iType(OP_IMM, 0, rdFull, 0, ciImm(h));
        case 3: {
          if (rdFull === 2) { // c.addi16sp
            const imm = (((h >> 12) & 1) ? -512 : 0) | (((h >> 6) & 1) << 4) | (((h >> 5) & 1) << 6) |
              (((h >> 3) & 3) << 7) | (((h >> 2) & 1) << 5);
            if (imm === 0) return 0;
            return iType(OP_IMM, 0, 2, 2, imm);
          }
          // c.lui (rd=0 HINT); nzimm=0 reserved
          const imm = ciImm(h);
          if (imm === 0) return 0;
          return (((imm << 12) | (rdFull << 7) | OP_LUI) >>> 0);
        }
        case 4: {
          switch ((h >> 10) & 3) {
            case 0: { // c.srli (shamt 0 is a HINT)
              const shamt = (((h >> 12) & 1) << 5) | ((h >> 2) & 31);
              return iType(OP_IMM, 5, rs1P, rs1P, shamt);
            }
            case 1: { // c.srai
              const shamt = (((h >> 12) & 1) << 5) | ((h >> 2) & 31);
              return iType(OP_IMM, 5, rs1P, rs1P, 0x400 | shamt);
            }
            case 2: // c.andi
              return iType(OP_IMM, 7, rs1P, rs1P, ciImm(h));
            default: {
              const f2 = (h >> 5) & 3;
              if (((h >> 12) & 1) === 0) {
                switch (f2) {
                  case 0: return rType(OP_REG, 0x20, 0, rs1P, rs1P, rdP); // c.sub
                  case 1: return rType(OP_REG, 0, 4, rs1P, rs1P, rdP); // c.xor
                  case 2: return rType(OP_REG, 0, 6, rs1P, rs1P, rdP); // c.or
                  default: return rType(OP_REG, 0, 7, rs1P, rs1P, rdP); // c.and
                }
              }
              if (f2 === 0) return rType(OP_REG_32, 0x20, 0, rs1P, rs1P, rdP); // c.subw
              if (f2 === 1) return rType(OP_REG_32, 0, 0, rs1P, rs1P, rdP); // c.addw
              return 0; // reserved
            }
          }
        }
        case 5: { // c.j: offset[11|4|9:8|10|6|7|3:1|5]
          const imm = (((h >> 12) & 1) ? -2048 : 0) | (((h >> 11) & 1) << 4) | (((h >> 9) & 3) << 8) |
            (((h >> 8) & 1) << 10) | (((h >> 7) & 1) << 6) | (((h >> 6) & 1) << 7) |
            (((h >> 3) & 7) << 1) | (((h >> 2) & 1) << 5);
          return jType(0, imm);
        }
        default: { // 6: c.beqz, 7: c.bnez: offset[8|4:3] offset[7:6|2:1|5]
          const imm = (((h >> 12) & 1) ? -256 : 0) | (((h >> 10) & 3) << 3) | (((h >> 5) & 3) << 6) |
            (((h >> 3) & 3) << 1) | (((h >> 2) & 1) << 5);
          return bType(f3 === 6 ? 0 : 1, rs1P, imm);
        }
      }

    case 2:
      switch (f3) {
        case 0: { // c.slli (HINTs for rd=0 or shamt=0)
          const shamt = (((h >> 12) & 1) << 5) | ((h >> 2) & 31);
          return iType(OP_IMM, 1, rdFull, rdFull, shamt);
        }
        case 1: // c.fldsp: uimm[5] uimm[4:3|8:6]
          return iType(OP_LOAD_FP, 3, rdFull, 2, (((h >> 12) & 1) << 5) | (((h >> 5) & 3) << 3) | (((h >> 2) & 7) << 6));
        case 2: // c.lwsp: uimm[5] uimm[4:2|7:6]; rd=0 reserved
          if (rdFull === 0) return 0;
          return iType(OP_LOAD, 2, rdFull, 2, (((h >> 12) & 1) << 5) | (((h >> 4) & 7) << 2) | (((h >> 2) & 3) << 6));
        case 3: // c.ldsp; rd=0 reserved
          if (rdFull === 0) return 0;
          return iType(OP_LOAD, 3, rdFull, 2, (((h >> 12) & 1) << 5) | (((h >> 5) & 3) << 3) | (((h >> 2) & 7) << 6));
        case 4:
          if (((h >> 12) & 1) === 0) {
            if (rs2Full === 0) { // c.jr; rs1=0 reserved
              if (rdFull === 0) return 0;
              return iType(OP_JALR, 0, 0, rdFull, 0);
            }
            return rType(OP_REG, 0, 0, rdFull, 0, rs2Full); // c.mv (rd=0 HINT)
          }
          if (rs2Full === 0) {
            if (rdFull === 0) return 0x00100073; // c.ebreak
            return iType(OP_JALR, 0, 1, rdFull, 0); // c.jalr
          }
          return rType(OP_REG, 0, 0, rdFull, rdFull, rs2Full); // c.add (rd=0 HINT)
        case 5: // c.fsdsp: uimm[5:3|8:6]
          return sType(OP_STORE_FP, 3, 2, rs2Full, (((h >> 10) & 7) << 3) | (((h >> 7) & 7) << 6));
        case 6: // c.swsp: uimm[5:2|7:6]
          return sType(OP_STORE, 2, 2, rs2Full, (((h >> 9) & 15) << 2) | (((h >> 7) & 3) << 6));
        default: // 7: c.sdsp
          return sType(OP_STORE, 3, 2, rs2Full, (((h >> 10) & 7) << 3) | (((h >> 7) & 7) << 6));
      }

    default: // quadrant 3 is not a compressed instruction
      return 0;
  }
}
