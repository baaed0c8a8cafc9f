// The instruction interpreter: runs pre-decoded instructions of one code page in a single
// switch (shared/notes/ts-performance.md, dispatch D2 + hybrid registers C).
//
// The pc is the current code page (h.pageLo/h.pageHi) plus a local byte offset `off`. A slice
// ends when the budget is used up, when control leaves the page, after a system instruction,
// or (block policy) after any taken branch or jump: the run loop then re-enters.
//
// Loads and stores try the translation store inline: the record for the page is compared
// with the access's tag (alignment bits folded in, so misaligned accesses miss), and a hit
// goes straight to guest RAM. Everything else calls the MMU's slow path, after saving `off`
// and `left` in the hart so that a trap can be taken precisely.

import { Access } from '../arch/access.js';
import { FlushPolicy } from '../arch/flush-policy.js';
import { Mstatus } from '../arch/mstatus.js';
import { Cause } from '../arch/traps.js';
import type { Bus } from '../bus/bus.js';
import { ALIGN_MASK_1, ALIGN_MASK_2, ALIGN_MASK_4, ALIGN_MASK_8, STORE_INDEX_MASK, type TranslationStore } from '../mmu/translation-store.js';
import type { Mmu } from '../mmu/mmu.js';
import {
  bswap32, ctz32, div32, divRemUnsigned52, div64, divu32, divu64, ltu64, mulHigh, orcb32, popcount32, rem32, rem64, remu32, remu64,
  ror64, SIGN_BIT, sll64, sra64, srl64,
} from './alu.js';
import { CODE_PAGES, OpWord, SLOTS_PER_PAGE, type CodeCache } from './code-cache.js';
import type { Csrs } from './csr.js';
import type { FpUnit } from './fpu/fp-unit.js';
import { Op, OP_INFO } from './isa/encodings.js';
import type { HartState } from './state.js';

/** `off` after a jalr out of the page: the target is in farLo/farHi. */
const FAR_JUMP = 1 << 30;
const CODE_PAGE_MASK = CODE_PAGES - 1;

/** Added to the offset of a taken branch under the block policy: it ends the slice. */
const BLOCK_BIAS = 1 << 24;

const POW2 = BigInt64Array.from({ length: 64 }, (_, i) => BigInt.asIntN(64, 1n << BigInt(i)));

/** AMO operation of each AMO op id (-1 for others). */
const AMO_OF_OP = Int8Array.from({ length: Op.COUNT }, (_, op) => OP_INFO[op]?.memory?.amo ?? -1);

/**
 * The hart as the interpreter sees it: what it runs on, where it is (the interpreter position,
 * the pc), and the services it calls off its fast paths.
 */
export interface InterpretedHart {
  readonly state: HartState;
  readonly code: CodeCache;
  readonly mmu: Mmu;
  readonly store: TranslationStore;
  readonly bus: Bus;
  readonly fpu: FpUnit;
  readonly csrs: Csrs;
  readonly policy: FlushPolicy;
  pageLo: number;
  pageHi: number;
  codeBase: number;
  codeHost: number;
  off: number;
  left: number;
  pcLo: number;
  pcHi: number;
  retired: number;
  fastHits: number;
  readonly yieldRequested: boolean;
  raise(cause: number, tvalLo: number, tvalHi: number): never;
  illegal(s: number): never;
  decodeAt(s: number, off: number): number;
  fetchStraddling(): number;
  breakpointAt(off: number): number;
  setPcFromPage(off: number): void;
  system(op: Op, s: number, length: number): void;
  interruptTakeable(): boolean;
  markFpDirty(): void;
}

export function interpret(h: InterpretedHart, budget: number): void {
  const state = h.state;
  const X64 = state.x64, X32 = state.x32, FI = state.fi32;
  const code = h.code;
  const OP = code.op, RS3 = code.rs3, IMM = code.imm;
  const mmu = h.mmu;
  const store = h.store;
  const RT = store.tables[Access.READ], WT = store.tables[Access.WRITE], FT = store.tables[Access.FETCH];
  const codeTag = code.enterTag;
  // Values read from fields and calls are made int32 (`| 0`) where they enter the loop: a browser's
  // V8 boxes integers beyond 31 bits, and one boxed input makes a loop variable boxed throughout.
  let gk = store.genKey | 0;
  const dv = h.bus.memory.view;
  const M64 = h.bus.memory.i64;
  const fpu = h.fpu;
  const bias = h.policy === FlushPolicy.BLOCK ? BLOCK_BIAS : 0;
  let pageLo = h.pageLo | 0, pageHi = h.pageHi | 0;
  const fsBits = h.csrs.mstatus & Mstatus.FS;
  const fpOn = fsBits !== 0;
  let fpDirty = fsBits === Mstatus.FS_DIRTY;
  let base = h.codeBase | 0;
  /** target of a jalr that left the page (off is then FAR_JUMP) */
  let farLo = 0, farHi = 0;
  let off = h.off | 0;
  let left = budget;
  let hits = 0;
  let pcSet = false;

  run: for (;;) {
    let s = base + (off >> 1);
    let c = OP[s];
    if ((c & 255) <= Op.CROSS_PAGE) {
      h.off = off;
      h.left = left;
      if (c === 0) c = h.decodeAt(s, off) | 0;
      if ((c & 255) === Op.BREAKPOINT) {
        s = h.breakpointAt(off) | 0;
        if (s < 0) break run;
        c = OP[s];
      }
      if ((c & 255) === Op.CROSS_PAGE) { s = h.fetchStraddling() | 0; c = OP[s]; }
      if ((c & 255) === Op.ILLEGAL) h.raise(Cause.ILLEGAL_INSTRUCTION, IMM[s], 0);
    }
    switch (c & 255) {
      // ---- upper immediates, jumps, branches ----
      case Op.LUI: { const d = (c >>> OpWord.RD_X2 & 126), v = IMM[s]; X32[d] = v; X32[d + 1] = v >> 31; off += c >>> OpWord.LENGTH; break; }
      case Op.AUIPC: {
        let t = (pageLo >>> 0) + off + IMM[s], hi = pageHi;
        if (t >= 4294967296) { t -= 4294967296; hi = (hi + 1) | 0; } else if (t < 0) { t += 4294967296; hi = (hi - 1) | 0; }
        const d = (c >>> OpWord.RD_X2 & 126); X32[d] = t | 0; X32[d + 1] = hi;
        off += c >>> OpWord.LENGTH; break;
      }
      case Op.JAL: {
        let t = (pageLo >>> 0) + off + (c >>> OpWord.LENGTH), hi = pageHi;
        if (t >= 4294967296) { t -= 4294967296; hi = (hi + 1) | 0; }
        const d = (c >>> OpWord.RD_X2 & 126); X32[d] = t | 0; X32[d + 1] = hi;
        off += IMM[s] + bias; break;
      }
      case Op.JALR: {
        const a = (c >>> OpWord.RS1_X2 & 62);
        let t = (X32[a] >>> 0) + IMM[s], thi = X32[a + 1];
        if (t >= 4294967296) { t -= 4294967296; thi = (thi + 1) | 0; } else if (t < 0) { t += 4294967296; thi = (thi - 1) | 0; }
        const target = (t | 0) & ~1;
        let r = (pageLo >>> 0) + off + (c >>> OpWord.LENGTH), rhi = pageHi;
        if (r >= 4294967296) { r -= 4294967296; rhi = (rhi + 1) | 0; }
        const d = (c >>> OpWord.RD_X2 & 126); X32[d] = r | 0; X32[d + 1] = rhi;
        if (bias === 0 && thi === pageHi && (target & -4096) === pageLo) { off = target & 4095; break; }
        if (bias !== 0) {
          h.pcLo = target; h.pcHi = thi; pcSet = true; left--;
          h.retired += budget - left; h.fastHits += hits;
          return;
        }
        farLo = target; farHi = thi; off = FAR_JUMP;
        break;
      }
      case Op.BEQ: off += X64[(c >>> OpWord.RS1 & 31)] === X64[(c >>> OpWord.RS2 & 31)] ? IMM[s] + bias : c >>> OpWord.LENGTH; break;
      case Op.BNE: off += X64[(c >>> OpWord.RS1 & 31)] !== X64[(c >>> OpWord.RS2 & 31)] ? IMM[s] + bias : c >>> OpWord.LENGTH; break;
      case Op.BLT: off += X64[(c >>> OpWord.RS1 & 31)] < X64[(c >>> OpWord.RS2 & 31)] ? IMM[s] + bias : c >>> OpWord.LENGTH; break;
      case Op.BGE: off += X64[(c >>> OpWord.RS1 & 31)] >= X64[(c >>> OpWord.RS2 & 31)] ? IMM[s] + bias : c >>> OpWord.LENGTH; break;
      case Op.BLTU: off += ltu64(X32, (c >>> OpWord.RS1_X2 & 62), (c >>> OpWord.RS2_X2 & 62)) ? IMM[s] + bias : c >>> OpWord.LENGTH; break;
      case Op.BGEU: off += ltu64(X32, (c >>> OpWord.RS1_X2 & 62), (c >>> OpWord.RS2_X2 & 62)) ? c >>> OpWord.LENGTH : IMM[s] + bias; break;

      // ---- loads ----
      case Op.LB: case Op.LBU: {
        const a = (c >>> OpWord.RS1_X2 & 62);
        let t = (X32[a] >>> 0) + IMM[s], vh = X32[a + 1];
        if (t >= 4294967296) { t -= 4294967296; vh = (vh + 1) | 0; } else if (t < 0) { t += 4294967296; vh = (vh - 1) | 0; }
        const vl = t | 0, j = (vl >>> 10) & STORE_INDEX_MASK;
        let v: number;
        if (RT[j] === ((vl & ALIGN_MASK_1) ^ gk) && RT[j + 1] === vh) { hits++; v = dv.getUint8(RT[j + 2] + (vl & 4095)); }
        else { h.off = off; h.left = left; v = mmu.loadSlow(vl, vh, 1) | 0; }
        const d = (c >>> OpWord.RD_X2 & 126);
        if ((c & 255) === Op.LB) { X32[d] = (v << 24) >> 24; X32[d + 1] = X32[d] >> 31; } else { X32[d] = v; X32[d + 1] = 0; }
        off += c >>> OpWord.LENGTH; break;
      }
      case Op.LH: case Op.LHU: {
        const a = (c >>> OpWord.RS1_X2 & 62);
        let t = (X32[a] >>> 0) + IMM[s], vh = X32[a + 1];
        if (t >= 4294967296) { t -= 4294967296; vh = (vh + 1) | 0; } else if (t < 0) { t += 4294967296; vh = (vh - 1) | 0; }
        const vl = t | 0, j = (vl >>> 10) & STORE_INDEX_MASK;
        let v: number;
        if (RT[j] === ((vl & ALIGN_MASK_2) ^ gk) && RT[j + 1] === vh) { hits++; v = dv.getUint16(RT[j + 2] + (vl & 4095), true); }
        else { h.off = off; h.left = left; v = mmu.loadSlow(vl, vh, 2) | 0; }
        const d = (c >>> OpWord.RD_X2 & 126);
        if ((c & 255) === Op.LH) { X32[d] = (v << 16) >> 16; X32[d + 1] = X32[d] >> 31; } else { X32[d] = v & 0xffff; X32[d + 1] = 0; }
        off += c >>> OpWord.LENGTH; break;
      }
      case Op.LW: case Op.LWU: {
        const a = (c >>> OpWord.RS1_X2 & 62);
        let t = (X32[a] >>> 0) + IMM[s], vh = X32[a + 1];
        if (t >= 4294967296) { t -= 4294967296; vh = (vh + 1) | 0; } else if (t < 0) { t += 4294967296; vh = (vh - 1) | 0; }
        const vl = t | 0, j = (vl >>> 10) & STORE_INDEX_MASK;
        let v: number;
        if (RT[j] === ((vl & ALIGN_MASK_4) ^ gk) && RT[j + 1] === vh) { hits++; v = dv.getInt32(RT[j + 2] + (vl & 4095), true); }
        else { h.off = off; h.left = left; v = mmu.loadSlow(vl, vh, 4) | 0; }
        const d = (c >>> OpWord.RD_X2 & 126);
        X32[d] = v; X32[d + 1] = (c & 255) === Op.LW ? v >> 31 : 0;
        off += c >>> OpWord.LENGTH; break;
      }
      case Op.LD: {
        const a = (c >>> OpWord.RS1_X2 & 62);
        let t = (X32[a] >>> 0) + IMM[s], vh = X32[a + 1];
        if (t >= 4294967296) { t -= 4294967296; vh = (vh + 1) | 0; } else if (t < 0) { t += 4294967296; vh = (vh - 1) | 0; }
        const vl = t | 0, j = (vl >>> 10) & STORE_INDEX_MASK;
        const d = (c >>> OpWord.RD_X2 & 126);
        if (RT[j] === ((vl & ALIGN_MASK_8) ^ gk) && RT[j + 1] === vh) {
          hits++;
          // One 64-bit access (the fast path is 8-byte aligned): single-copy atomic against other harts.
          X64[d >> 1] = M64[(RT[j + 2] + (vl & 4095)) >>> 3];
        } else {
          h.off = off; h.left = left;
          const v = mmu.loadSlow(vl, vh, 8);
          X32[d] = v; X32[d + 1] = mmu.valueHi;
        }
        off += c >>> OpWord.LENGTH; break;
      }

      // ---- stores ----
      case Op.SB: {
        const a = (c >>> OpWord.RS1_X2 & 62), b = (c >>> OpWord.RS2_X2 & 62);
        let t = (X32[a] >>> 0) + IMM[s], vh = X32[a + 1];
        if (t >= 4294967296) { t -= 4294967296; vh = (vh + 1) | 0; } else if (t < 0) { t += 4294967296; vh = (vh - 1) | 0; }
        const vl = t | 0, j = (vl >>> 10) & STORE_INDEX_MASK;
        if (WT[j] === ((vl & ALIGN_MASK_1) ^ gk) && WT[j + 1] === vh) { hits++; dv.setUint8(WT[j + 2] + (vl & 4095), X32[b]); }
        else { h.off = off; h.left = left; mmu.storeSlow(vl, vh, 1, X32[b], 0); if (h.yieldRequested) { off += c >>> OpWord.LENGTH; left--; break run; } }
        off += c >>> OpWord.LENGTH; break;
      }
      case Op.SH: {
        const a = (c >>> OpWord.RS1_X2 & 62), b = (c >>> OpWord.RS2_X2 & 62);
        let t = (X32[a] >>> 0) + IMM[s], vh = X32[a + 1];
        if (t >= 4294967296) { t -= 4294967296; vh = (vh + 1) | 0; } else if (t < 0) { t += 4294967296; vh = (vh - 1) | 0; }
        const vl = t | 0, j = (vl >>> 10) & STORE_INDEX_MASK;
        if (WT[j] === ((vl & ALIGN_MASK_2) ^ gk) && WT[j + 1] === vh) { hits++; dv.setUint16(WT[j + 2] + (vl & 4095), X32[b], true); }
        else { h.off = off; h.left = left; mmu.storeSlow(vl, vh, 2, X32[b], 0); if (h.yieldRequested) { off += c >>> OpWord.LENGTH; left--; break run; } }
        off += c >>> OpWord.LENGTH; break;
      }
      case Op.SW: {
        const a = (c >>> OpWord.RS1_X2 & 62), b = (c >>> OpWord.RS2_X2 & 62);
        let t = (X32[a] >>> 0) + IMM[s], vh = X32[a + 1];
        if (t >= 4294967296) { t -= 4294967296; vh = (vh + 1) | 0; } else if (t < 0) { t += 4294967296; vh = (vh - 1) | 0; }
        const vl = t | 0, j = (vl >>> 10) & STORE_INDEX_MASK;
        if (WT[j] === ((vl & ALIGN_MASK_4) ^ gk) && WT[j + 1] === vh) { hits++; dv.setInt32(WT[j + 2] + (vl & 4095), X32[b], true); }
        else { h.off = off; h.left = left; mmu.storeSlow(vl, vh, 4, X32[b], 0); if (h.yieldRequested) { off += c >>> OpWord.LENGTH; left--; break run; } }
        off += c >>> OpWord.LENGTH; break;
      }
      case Op.SD: {
        const a = (c >>> OpWord.RS1_X2 & 62), b = (c >>> OpWord.RS2_X2 & 62);
        let t = (X32[a] >>> 0) + IMM[s], vh = X32[a + 1];
        if (t >= 4294967296) { t -= 4294967296; vh = (vh + 1) | 0; } else if (t < 0) { t += 4294967296; vh = (vh - 1) | 0; }
        const vl = t | 0, j = (vl >>> 10) & STORE_INDEX_MASK;
        if (WT[j] === ((vl & ALIGN_MASK_8) ^ gk) && WT[j + 1] === vh) {
          hits++;
          M64[(WT[j + 2] + (vl & 4095)) >>> 3] = X64[b >> 1];
        } else { h.off = off; h.left = left; mmu.storeSlow(vl, vh, 8, X32[b], X32[b + 1]); if (h.yieldRequested) { off += c >>> OpWord.LENGTH; left--; break run; } }
        off += c >>> OpWord.LENGTH; break;
      }

      // ---- integer register-immediate ----
      case Op.ADDI: X64[(c >>> OpWord.RD & 63)] = X64[(c >>> OpWord.RS1 & 31)] + BigInt(IMM[s]); off += c >>> OpWord.LENGTH; break;
      case Op.SLTI: X64[(c >>> OpWord.RD & 63)] = X64[(c >>> OpWord.RS1 & 31)] < BigInt(IMM[s]) ? 1n : 0n; off += c >>> OpWord.LENGTH; break;
      case Op.SLTIU: {
        const a = (c >>> OpWord.RS1_X2 & 62), imm = IMM[s];
        const ah = X32[a + 1] ^ SIGN_BIT, bh = (imm >> 31) ^ SIGN_BIT;
        const r = ah < bh || (ah === bh && (X32[a] ^ SIGN_BIT) < (imm ^ SIGN_BIT)) ? 1 : 0;
        const d = (c >>> OpWord.RD_X2 & 126); X32[d] = r; X32[d + 1] = 0;
        off += c >>> OpWord.LENGTH; break;
      }
      case Op.XORI: X64[(c >>> OpWord.RD & 63)] = X64[(c >>> OpWord.RS1 & 31)] ^ BigInt(IMM[s]); off += c >>> OpWord.LENGTH; break;
      case Op.ORI: X64[(c >>> OpWord.RD & 63)] = X64[(c >>> OpWord.RS1 & 31)] | BigInt(IMM[s]); off += c >>> OpWord.LENGTH; break;
      case Op.ANDI: X64[(c >>> OpWord.RD & 63)] = X64[(c >>> OpWord.RS1 & 31)] & BigInt(IMM[s]); off += c >>> OpWord.LENGTH; break;
      case Op.SLLI: sll64(X32, (c >>> OpWord.RD_X2 & 126), (c >>> OpWord.RS1_X2 & 62), IMM[s]); off += c >>> OpWord.LENGTH; break;
      case Op.SRLI: srl64(X32, (c >>> OpWord.RD_X2 & 126), (c >>> OpWord.RS1_X2 & 62), IMM[s]); off += c >>> OpWord.LENGTH; break;
      case Op.SRAI: sra64(X32, (c >>> OpWord.RD_X2 & 126), (c >>> OpWord.RS1_X2 & 62), IMM[s]); off += c >>> OpWord.LENGTH; break;

      // ---- integer register-register ----
      case Op.ADD: X64[(c >>> OpWord.RD & 63)] = X64[(c >>> OpWord.RS1 & 31)] + X64[(c >>> OpWord.RS2 & 31)]; off += c >>> OpWord.LENGTH; break;
      case Op.SUB: X64[(c >>> OpWord.RD & 63)] = X64[(c >>> OpWord.RS1 & 31)] - X64[(c >>> OpWord.RS2 & 31)]; off += c >>> OpWord.LENGTH; break;
      case Op.SLL: sll64(X32, (c >>> OpWord.RD_X2 & 126), (c >>> OpWord.RS1_X2 & 62), X32[(c >>> OpWord.RS2_X2 & 62)] & 63); off += c >>> OpWord.LENGTH; break;
      case Op.SLT: X64[(c >>> OpWord.RD & 63)] = X64[(c >>> OpWord.RS1 & 31)] < X64[(c >>> OpWord.RS2 & 31)] ? 1n : 0n; off += c >>> OpWord.LENGTH; break;
      case Op.SLTU: {
        const r = ltu64(X32, (c >>> OpWord.RS1_X2 & 62), (c >>> OpWord.RS2_X2 & 62)) ? 1 : 0;
        const d = (c >>> OpWord.RD_X2 & 126); X32[d] = r; X32[d + 1] = 0;
        off += c >>> OpWord.LENGTH; break;
      }
      case Op.XOR: X64[(c >>> OpWord.RD & 63)] = X64[(c >>> OpWord.RS1 & 31)] ^ X64[(c >>> OpWord.RS2 & 31)]; off += c >>> OpWord.LENGTH; break;
      case Op.SRL: srl64(X32, (c >>> OpWord.RD_X2 & 126), (c >>> OpWord.RS1_X2 & 62), X32[(c >>> OpWord.RS2_X2 & 62)] & 63); off += c >>> OpWord.LENGTH; break;
      case Op.SRA: sra64(X32, (c >>> OpWord.RD_X2 & 126), (c >>> OpWord.RS1_X2 & 62), X32[(c >>> OpWord.RS2_X2 & 62)] & 63); off += c >>> OpWord.LENGTH; break;
      case Op.OR: X64[(c >>> OpWord.RD & 63)] = X64[(c >>> OpWord.RS1 & 31)] | X64[(c >>> OpWord.RS2 & 31)]; off += c >>> OpWord.LENGTH; break;
      case Op.AND: X64[(c >>> OpWord.RD & 63)] = X64[(c >>> OpWord.RS1 & 31)] & X64[(c >>> OpWord.RS2 & 31)]; off += c >>> OpWord.LENGTH; break;

      // ---- 32-bit (W) operations ----
      case Op.ADDIW: { const d = (c >>> OpWord.RD_X2 & 126), v = (X32[(c >>> OpWord.RS1_X2 & 62)] + IMM[s]) | 0; X32[d] = v; X32[d + 1] = v >> 31; off += c >>> OpWord.LENGTH; break; }
      case Op.SLLIW: { const d = (c >>> OpWord.RD_X2 & 126), v = X32[(c >>> OpWord.RS1_X2 & 62)] << IMM[s]; X32[d] = v; X32[d + 1] = v >> 31; off += c >>> OpWord.LENGTH; break; }
      case Op.SRLIW: { const d = (c >>> OpWord.RD_X2 & 126), v = (X32[(c >>> OpWord.RS1_X2 & 62)] >>> IMM[s]) | 0; X32[d] = v; X32[d + 1] = v >> 31; off += c >>> OpWord.LENGTH; break; }
      case Op.SRAIW: { const d = (c >>> OpWord.RD_X2 & 126), v = X32[(c >>> OpWord.RS1_X2 & 62)] >> IMM[s]; X32[d] = v; X32[d + 1] = v >> 31; off += c >>> OpWord.LENGTH; break; }
      case Op.ADDW: { const d = (c >>> OpWord.RD_X2 & 126), v = (X32[(c >>> OpWord.RS1_X2 & 62)] + X32[(c >>> OpWord.RS2_X2 & 62)]) | 0; X32[d] = v; X32[d + 1] = v >> 31; off += c >>> OpWord.LENGTH; break; }
      case Op.SUBW: { const d = (c >>> OpWord.RD_X2 & 126), v = (X32[(c >>> OpWord.RS1_X2 & 62)] - X32[(c >>> OpWord.RS2_X2 & 62)]) | 0; X32[d] = v; X32[d + 1] = v >> 31; off += c >>> OpWord.LENGTH; break; }
      case Op.SLLW: { const d = (c >>> OpWord.RD_X2 & 126), v = X32[(c >>> OpWord.RS1_X2 & 62)] << (X32[(c >>> OpWord.RS2_X2 & 62)] & 31); X32[d] = v; X32[d + 1] = v >> 31; off += c >>> OpWord.LENGTH; break; }
      case Op.SRLW: { const d = (c >>> OpWord.RD_X2 & 126), v = (X32[(c >>> OpWord.RS1_X2 & 62)] >>> (X32[(c >>> OpWord.RS2_X2 & 62)] & 31)) | 0; X32[d] = v; X32[d + 1] = v >> 31; off += c >>> OpWord.LENGTH; break; }
      case Op.SRAW: { const d = (c >>> OpWord.RD_X2 & 126), v = X32[(c >>> OpWord.RS1_X2 & 62)] >> (X32[(c >>> OpWord.RS2_X2 & 62)] & 31); X32[d] = v; X32[d + 1] = v >> 31; off += c >>> OpWord.LENGTH; break; }

      // ---- M ----
      case Op.MUL: X64[(c >>> OpWord.RD & 63)] = X64[(c >>> OpWord.RS1 & 31)] * X64[(c >>> OpWord.RS2 & 31)]; off += c >>> OpWord.LENGTH; break;
      case Op.MULH: mulHigh(X32, (c >>> OpWord.RD_X2 & 126), (c >>> OpWord.RS1_X2 & 62), (c >>> OpWord.RS2_X2 & 62), true, true); off += c >>> OpWord.LENGTH; break;
      case Op.MULHSU: mulHigh(X32, (c >>> OpWord.RD_X2 & 126), (c >>> OpWord.RS1_X2 & 62), (c >>> OpWord.RS2_X2 & 62), true, false); off += c >>> OpWord.LENGTH; break;
      case Op.MULHU: mulHigh(X32, (c >>> OpWord.RD_X2 & 126), (c >>> OpWord.RS1_X2 & 62), (c >>> OpWord.RS2_X2 & 62), false, false); off += c >>> OpWord.LENGTH; break;
      case Op.DIV: X64[(c >>> OpWord.RD & 63)] = div64(X64[(c >>> OpWord.RS1 & 31)], X64[(c >>> OpWord.RS2 & 31)]); off += c >>> OpWord.LENGTH; break;
      case Op.DIVU:
        if (!divRemUnsigned52(X32, (c >>> OpWord.RD_X2 & 126), (c >>> OpWord.RS1_X2 & 62), (c >>> OpWord.RS2_X2 & 62), false)) X64[(c >>> OpWord.RD & 63)] = divu64(X64[(c >>> OpWord.RS1 & 31)], X64[(c >>> OpWord.RS2 & 31)]);
        off += c >>> OpWord.LENGTH; break;
      case Op.REM: X64[(c >>> OpWord.RD & 63)] = rem64(X64[(c >>> OpWord.RS1 & 31)], X64[(c >>> OpWord.RS2 & 31)]); off += c >>> OpWord.LENGTH; break;
      case Op.REMU:
        if (!divRemUnsigned52(X32, (c >>> OpWord.RD_X2 & 126), (c >>> OpWord.RS1_X2 & 62), (c >>> OpWord.RS2_X2 & 62), true)) X64[(c >>> OpWord.RD & 63)] = remu64(X64[(c >>> OpWord.RS1 & 31)], X64[(c >>> OpWord.RS2 & 31)]);
        off += c >>> OpWord.LENGTH; break;
      case Op.MULW: { const d = (c >>> OpWord.RD_X2 & 126), v = Math.imul(X32[(c >>> OpWord.RS1_X2 & 62)], X32[(c >>> OpWord.RS2_X2 & 62)]); X32[d] = v; X32[d + 1] = v >> 31; off += c >>> OpWord.LENGTH; break; }
      case Op.DIVW: { const d = (c >>> OpWord.RD_X2 & 126), v = div32(X32[(c >>> OpWord.RS1_X2 & 62)], X32[(c >>> OpWord.RS2_X2 & 62)]); X32[d] = v; X32[d + 1] = v >> 31; off += c >>> OpWord.LENGTH; break; }
      case Op.DIVUW: { const d = (c >>> OpWord.RD_X2 & 126), v = divu32(X32[(c >>> OpWord.RS1_X2 & 62)], X32[(c >>> OpWord.RS2_X2 & 62)]); X32[d] = v; X32[d + 1] = v >> 31; off += c >>> OpWord.LENGTH; break; }
      case Op.REMW: { const d = (c >>> OpWord.RD_X2 & 126), v = rem32(X32[(c >>> OpWord.RS1_X2 & 62)], X32[(c >>> OpWord.RS2_X2 & 62)]); X32[d] = v; X32[d + 1] = v >> 31; off += c >>> OpWord.LENGTH; break; }
      case Op.REMUW: { const d = (c >>> OpWord.RD_X2 & 126), v = remu32(X32[(c >>> OpWord.RS1_X2 & 62)], X32[(c >>> OpWord.RS2_X2 & 62)]); X32[d] = v; X32[d + 1] = v >> 31; off += c >>> OpWord.LENGTH; break; }

      // ---- A ----
      case Op.LR_W: case Op.LR_D: {
        const a = (c >>> OpWord.RS1_X2 & 62);
        h.off = off; h.left = left;
        X64[(c >>> OpWord.RD & 63)] = mmu.loadReserved(X32[a], X32[a + 1], (c & 255) === Op.LR_W ? 4 : 8);
        off += c >>> OpWord.LENGTH; break;
      }
      case Op.SC_W: case Op.SC_D: {
        const a = (c >>> OpWord.RS1_X2 & 62);
        h.off = off; h.left = left;
        X64[(c >>> OpWord.RD & 63)] = BigInt(mmu.storeConditional(X32[a], X32[a + 1], (c & 255) === Op.SC_W ? 4 : 8, X64[(c >>> OpWord.RS2 & 31)]));
        if (h.yieldRequested) { off += c >>> OpWord.LENGTH; left--; break run; }
        off += c >>> OpWord.LENGTH; break;
      }
      case Op.AMOSWAP_W: case Op.AMOADD_W: case Op.AMOXOR_W: case Op.AMOAND_W: case Op.AMOOR_W:
      case Op.AMOMIN_W: case Op.AMOMAX_W: case Op.AMOMINU_W: case Op.AMOMAXU_W: {
        const a = (c >>> OpWord.RS1_X2 & 62);
        h.off = off; h.left = left;
        X64[(c >>> OpWord.RD & 63)] = mmu.amo(X32[a], X32[a + 1], 4, AMO_OF_OP[c & 255], X64[(c >>> OpWord.RS2 & 31)]);
        if (h.yieldRequested) { off += c >>> OpWord.LENGTH; left--; break run; }
        off += c >>> OpWord.LENGTH; break;
      }
      case Op.AMOSWAP_D: case Op.AMOADD_D: case Op.AMOXOR_D: case Op.AMOAND_D: case Op.AMOOR_D:
      case Op.AMOMIN_D: case Op.AMOMAX_D: case Op.AMOMINU_D: case Op.AMOMAXU_D: {
        const a = (c >>> OpWord.RS1_X2 & 62);
        h.off = off; h.left = left;
        X64[(c >>> OpWord.RD & 63)] = mmu.amo(X32[a], X32[a + 1], 8, AMO_OF_OP[c & 255], X64[(c >>> OpWord.RS2 & 31)]);
        if (h.yieldRequested) { off += c >>> OpWord.LENGTH; left--; break run; }
        off += c >>> OpWord.LENGTH; break;
      }

      // ---- fences and system ----
      case Op.FENCE: off += c >>> OpWord.LENGTH; break;
      case Op.FENCE_I: case Op.ECALL: case Op.EBREAK: case Op.SRET: case Op.MRET: case Op.WFI: case Op.SFENCE_VMA:
      case Op.CSRRW: case Op.CSRRS: case Op.CSRRC: case Op.CSRRWI: case Op.CSRRSI: case Op.CSRRCI: {
        h.off = off; h.left = left;
        h.setPcFromPage(off);
        h.system(c & 255, s, c >>> OpWord.LENGTH);
        // A CSR read (csrrs/csrrc with x0 or uimm 0) changes nothing: stay in the slice, so
        // that polling loops on time or status CSRs run at full speed.
        const op = c & 255;
        if ((c >>> OpWord.RS1 & 31) === 0 && (op === Op.CSRRS || op === Op.CSRRC || op === Op.CSRRSI || op === Op.CSRRCI)) { off += c >>> OpWord.LENGTH; break; }
        // A CSR write or an sfence.vma stays in the slice too (kernels toggle sstatus.SIE and
        // SUM around every lock and user copy), unless it changed what this slice keeps in
        // locals or made an interrupt takeable: the translation context (yieldRequested), the
        // FS field, or the interrupt enables and pending bits.
        if (op >= Op.CSRRW && op <= Op.CSRRCI || op === Op.SFENCE_VMA) {
          gk = store.genKey | 0;
          if (!h.yieldRequested && (h.csrs.mstatus & Mstatus.FS) === (fpDirty ? Mstatus.FS_DIRTY : fsBits) && !h.interruptTakeable()) {
            off += c >>> OpWord.LENGTH; break;
          }
        }
        left--;
        h.retired += budget - left; h.fastHits += hits;
        return;
      }

      // ---- F and D: loads and stores inline, arithmetic in the FP unit ----
      case Op.FLW: case Op.FLD: {
        if (!fpOn) { h.off = off; h.left = left; h.illegal(s); }
        const a = (c >>> OpWord.RS1_X2 & 62);
        let t = (X32[a] >>> 0) + IMM[s], vh = X32[a + 1];
        if (t >= 4294967296) { t -= 4294967296; vh = (vh + 1) | 0; } else if (t < 0) { t += 4294967296; vh = (vh - 1) | 0; }
        const vl = t | 0, j = (vl >>> 10) & STORE_INDEX_MASK, d = (c >>> OpWord.RD_X2 & 126);
        const single = (c & 255) === Op.FLW;
        if (RT[j] === ((vl & (single ? ALIGN_MASK_4 : ALIGN_MASK_8)) ^ gk) && RT[j + 1] === vh) {
          hits++;
          const p = RT[j + 2] + (vl & 4095);
          FI[d] = dv.getInt32(p, true); FI[d + 1] = single ? -1 : dv.getInt32(p + 4, true);
        } else {
          h.off = off; h.left = left;
          const v = mmu.loadSlow(vl, vh, single ? 4 : 8);
          FI[d] = v; FI[d + 1] = single ? -1 : mmu.valueHi;
        }
        if (!fpDirty) { h.markFpDirty(); fpDirty = true; }
        off += c >>> OpWord.LENGTH; break;
      }
      case Op.FSW: case Op.FSD: {
        if (!fpOn) { h.off = off; h.left = left; h.illegal(s); }
        const a = (c >>> OpWord.RS1_X2 & 62), b = (c >>> OpWord.RS2_X2 & 62);
        let t = (X32[a] >>> 0) + IMM[s], vh = X32[a + 1];
        if (t >= 4294967296) { t -= 4294967296; vh = (vh + 1) | 0; } else if (t < 0) { t += 4294967296; vh = (vh - 1) | 0; }
        const vl = t | 0, j = (vl >>> 10) & STORE_INDEX_MASK;
        const single = (c & 255) === Op.FSW;
        if (WT[j] === ((vl & (single ? ALIGN_MASK_4 : ALIGN_MASK_8)) ^ gk) && WT[j + 1] === vh) {
          hits++;
          const p = WT[j + 2] + (vl & 4095);
          dv.setInt32(p, FI[b], true);
          if (!single) dv.setInt32(p + 4, FI[b + 1], true);
        } else {
          h.off = off; h.left = left;
          mmu.storeSlow(vl, vh, single ? 4 : 8, FI[b], FI[b + 1]);
          if (h.yieldRequested) { off += c >>> OpWord.LENGTH; left--; break run; }
        }
        off += c >>> OpWord.LENGTH; break;
      }
      case Op.FMADD_S: case Op.FMSUB_S: case Op.FNMSUB_S: case Op.FNMADD_S: case Op.FADD_S: case Op.FSUB_S:
      case Op.FMUL_S: case Op.FDIV_S: case Op.FSQRT_S: case Op.FSGNJ_S: case Op.FSGNJN_S: case Op.FSGNJX_S:
      case Op.FMIN_S: case Op.FMAX_S: case Op.FCVT_W_S: case Op.FCVT_WU_S: case Op.FCVT_L_S: case Op.FCVT_LU_S:
      case Op.FMV_X_W: case Op.FCLASS_S: case Op.FEQ_S: case Op.FLT_S: case Op.FLE_S: case Op.FCVT_S_W:
      case Op.FCVT_S_WU: case Op.FCVT_S_L: case Op.FCVT_S_LU: case Op.FMV_W_X:
      case Op.FMADD_D: case Op.FMSUB_D: case Op.FNMSUB_D: case Op.FNMADD_D: case Op.FADD_D: case Op.FSUB_D:
      case Op.FMUL_D: case Op.FDIV_D: case Op.FSQRT_D: case Op.FSGNJ_D: case Op.FSGNJN_D: case Op.FSGNJX_D:
      case Op.FMIN_D: case Op.FMAX_D: case Op.FCVT_S_D: case Op.FCVT_D_S: case Op.FEQ_D: case Op.FLT_D:
      case Op.FLE_D: case Op.FCLASS_D: case Op.FCVT_W_D: case Op.FCVT_WU_D: case Op.FCVT_L_D: case Op.FCVT_LU_D:
      case Op.FMV_X_D: case Op.FCVT_D_W: case Op.FCVT_D_WU: case Op.FCVT_D_L: case Op.FCVT_D_LU: case Op.FMV_D_X: {
        const r3 = RS3[s];
        if (!fpOn || !fpu.execute(c & 255, (c >>> OpWord.RD & 63), (c >>> OpWord.RS1 & 31), (c >>> OpWord.RS2 & 31), r3 & 31, r3 >>> 5)) { h.off = off; h.left = left; h.illegal(s); }
        if (!fpDirty) { h.markFpDirty(); fpDirty = true; }
        off += c >>> OpWord.LENGTH; break;
      }

      // ---- Zba ----
      case Op.SH1ADD: X64[(c >>> OpWord.RD & 63)] = X64[(c >>> OpWord.RS1 & 31)] * 2n + X64[(c >>> OpWord.RS2 & 31)]; off += c >>> OpWord.LENGTH; break;
      case Op.SH2ADD: X64[(c >>> OpWord.RD & 63)] = X64[(c >>> OpWord.RS1 & 31)] * 4n + X64[(c >>> OpWord.RS2 & 31)]; off += c >>> OpWord.LENGTH; break;
      case Op.SH3ADD: X64[(c >>> OpWord.RD & 63)] = X64[(c >>> OpWord.RS1 & 31)] * 8n + X64[(c >>> OpWord.RS2 & 31)]; off += c >>> OpWord.LENGTH; break;
      case Op.ADD_UW: X64[(c >>> OpWord.RD & 63)] = BigInt(X32[(c >>> OpWord.RS1_X2 & 62)] >>> 0) + X64[(c >>> OpWord.RS2 & 31)]; off += c >>> OpWord.LENGTH; break;
      case Op.SH1ADD_UW: X64[(c >>> OpWord.RD & 63)] = BigInt(X32[(c >>> OpWord.RS1_X2 & 62)] >>> 0) * 2n + X64[(c >>> OpWord.RS2 & 31)]; off += c >>> OpWord.LENGTH; break;
      case Op.SH2ADD_UW: X64[(c >>> OpWord.RD & 63)] = BigInt(X32[(c >>> OpWord.RS1_X2 & 62)] >>> 0) * 4n + X64[(c >>> OpWord.RS2 & 31)]; off += c >>> OpWord.LENGTH; break;
      case Op.SH3ADD_UW: X64[(c >>> OpWord.RD & 63)] = BigInt(X32[(c >>> OpWord.RS1_X2 & 62)] >>> 0) * 8n + X64[(c >>> OpWord.RS2 & 31)]; off += c >>> OpWord.LENGTH; break;
      case Op.SLLI_UW: X64[(c >>> OpWord.RD & 63)] = BigInt(X32[(c >>> OpWord.RS1_X2 & 62)] >>> 0) * POW2[IMM[s]]; off += c >>> OpWord.LENGTH; break;

      // ---- Zbb ----
      case Op.ANDN: X64[(c >>> OpWord.RD & 63)] = X64[(c >>> OpWord.RS1 & 31)] & ~X64[(c >>> OpWord.RS2 & 31)]; off += c >>> OpWord.LENGTH; break;
      case Op.ORN: X64[(c >>> OpWord.RD & 63)] = X64[(c >>> OpWord.RS1 & 31)] | ~X64[(c >>> OpWord.RS2 & 31)]; off += c >>> OpWord.LENGTH; break;
      case Op.XNOR: X64[(c >>> OpWord.RD & 63)] = ~(X64[(c >>> OpWord.RS1 & 31)] ^ X64[(c >>> OpWord.RS2 & 31)]); off += c >>> OpWord.LENGTH; break;
      case Op.CLZ: {
        const a = (c >>> OpWord.RS1_X2 & 62), hi = X32[a + 1];
        const r = hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(X32[a]);
        const d = (c >>> OpWord.RD_X2 & 126); X32[d] = r; X32[d + 1] = 0; off += c >>> OpWord.LENGTH; break;
      }
      case Op.CTZ: {
        const a = (c >>> OpWord.RS1_X2 & 62), lo = X32[a];
        const r = lo !== 0 ? ctz32(lo) : 32 + ctz32(X32[a + 1]);
        const d = (c >>> OpWord.RD_X2 & 126); X32[d] = r; X32[d + 1] = 0; off += c >>> OpWord.LENGTH; break;
      }
      case Op.CPOP: {
        const a = (c >>> OpWord.RS1_X2 & 62), r = popcount32(X32[a]) + popcount32(X32[a + 1]);
        const d = (c >>> OpWord.RD_X2 & 126); X32[d] = r; X32[d + 1] = 0; off += c >>> OpWord.LENGTH; break;
      }
      case Op.CLZW: { const d = (c >>> OpWord.RD_X2 & 126); X32[d] = Math.clz32(X32[(c >>> OpWord.RS1_X2 & 62)]); X32[d + 1] = 0; off += c >>> OpWord.LENGTH; break; }
      case Op.CTZW: { const d = (c >>> OpWord.RD_X2 & 126); X32[d] = ctz32(X32[(c >>> OpWord.RS1_X2 & 62)]); X32[d + 1] = 0; off += c >>> OpWord.LENGTH; break; }
      case Op.CPOPW: { const d = (c >>> OpWord.RD_X2 & 126); X32[d] = popcount32(X32[(c >>> OpWord.RS1_X2 & 62)]); X32[d + 1] = 0; off += c >>> OpWord.LENGTH; break; }
      case Op.MAX: { const x = X64[(c >>> OpWord.RS1 & 31)], y = X64[(c >>> OpWord.RS2 & 31)]; X64[(c >>> OpWord.RD & 63)] = x > y ? x : y; off += c >>> OpWord.LENGTH; break; }
      case Op.MIN: { const x = X64[(c >>> OpWord.RS1 & 31)], y = X64[(c >>> OpWord.RS2 & 31)]; X64[(c >>> OpWord.RD & 63)] = x < y ? x : y; off += c >>> OpWord.LENGTH; break; }
      case Op.MAXU: { const x = X64[(c >>> OpWord.RS1 & 31)], y = X64[(c >>> OpWord.RS2 & 31)]; X64[(c >>> OpWord.RD & 63)] = ltu64(X32, (c >>> OpWord.RS1_X2 & 62), (c >>> OpWord.RS2_X2 & 62)) ? y : x; off += c >>> OpWord.LENGTH; break; }
      case Op.MINU: { const x = X64[(c >>> OpWord.RS1 & 31)], y = X64[(c >>> OpWord.RS2 & 31)]; X64[(c >>> OpWord.RD & 63)] = ltu64(X32, (c >>> OpWord.RS1_X2 & 62), (c >>> OpWord.RS2_X2 & 62)) ? x : y; off += c >>> OpWord.LENGTH; break; }
      case Op.SEXT_B: { const d = (c >>> OpWord.RD_X2 & 126), v = (X32[(c >>> OpWord.RS1_X2 & 62)] << 24) >> 24; X32[d] = v; X32[d + 1] = v >> 31; off += c >>> OpWord.LENGTH; break; }
      case Op.SEXT_H: { const d = (c >>> OpWord.RD_X2 & 126), v = (X32[(c >>> OpWord.RS1_X2 & 62)] << 16) >> 16; X32[d] = v; X32[d + 1] = v >> 31; off += c >>> OpWord.LENGTH; break; }
      case Op.ZEXT_H: { const d = (c >>> OpWord.RD_X2 & 126); X32[d] = X32[(c >>> OpWord.RS1_X2 & 62)] & 0xffff; X32[d + 1] = 0; off += c >>> OpWord.LENGTH; break; }
      case Op.ROL: ror64(X32, (c >>> OpWord.RD_X2 & 126), (c >>> OpWord.RS1_X2 & 62), (64 - (X32[(c >>> OpWord.RS2_X2 & 62)] & 63)) & 63); off += c >>> OpWord.LENGTH; break;
      case Op.ROR: ror64(X32, (c >>> OpWord.RD_X2 & 126), (c >>> OpWord.RS1_X2 & 62), X32[(c >>> OpWord.RS2_X2 & 62)] & 63); off += c >>> OpWord.LENGTH; break;
      case Op.RORI: ror64(X32, (c >>> OpWord.RD_X2 & 126), (c >>> OpWord.RS1_X2 & 62), IMM[s]); off += c >>> OpWord.LENGTH; break;
      case Op.ROLW: case Op.RORW: case Op.RORIW: {
        const op = c & 255;
        let sh = op === Op.RORIW ? IMM[s] : X32[(c >>> OpWord.RS2_X2 & 62)] & 31;
        if (op === Op.ROLW) sh = (32 - sh) & 31;
        const x = X32[(c >>> OpWord.RS1_X2 & 62)];
        const v = sh === 0 ? x : (x >>> sh) | (x << (32 - sh));
        const d = (c >>> OpWord.RD_X2 & 126); X32[d] = v; X32[d + 1] = v >> 31;
        off += c >>> OpWord.LENGTH; break;
      }
      case Op.ORC_B: { const a = (c >>> OpWord.RS1_X2 & 62), lo = orcb32(X32[a]), hi = orcb32(X32[a + 1]); const d = (c >>> OpWord.RD_X2 & 126); X32[d] = lo; X32[d + 1] = hi; off += c >>> OpWord.LENGTH; break; }
      case Op.REV8: { const a = (c >>> OpWord.RS1_X2 & 62), lo = bswap32(X32[a + 1]), hi = bswap32(X32[a]); const d = (c >>> OpWord.RD_X2 & 126); X32[d] = lo; X32[d + 1] = hi; off += c >>> OpWord.LENGTH; break; }

      // ---- Zbs ----
      case Op.BCLR: case Op.BCLRI: case Op.BINV: case Op.BINVI: case Op.BSET: case Op.BSETI: case Op.BEXT: case Op.BEXTI: {
        const op = c & 255;
        const index = (op === Op.BCLR || op === Op.BINV || op === Op.BSET || op === Op.BEXT ? X32[(c >>> OpWord.RS2_X2 & 62)] : IMM[s]) & 63;
        const a = (c >>> OpWord.RS1_X2 & 62), d = (c >>> OpWord.RD_X2 & 126);
        let lo = X32[a], hi = X32[a + 1];
        const bit = 1 << (index & 31), upper = index >= 32;
        if (op === Op.BEXT || op === Op.BEXTI) { lo = ((upper ? hi : lo) & bit) !== 0 ? 1 : 0; hi = 0; }
        else if (op === Op.BCLR || op === Op.BCLRI) { if (upper) hi &= ~bit; else lo &= ~bit; }
        else if (op === Op.BINV || op === Op.BINVI) { if (upper) hi ^= bit; else lo ^= bit; }
        else { if (upper) hi |= bit; else lo |= bit; }
        X32[d] = lo; X32[d + 1] = hi;
        off += c >>> OpWord.LENGTH; break;
      }

      default:
        h.off = off; h.left = left;
        h.illegal(s);
    }
    if (--left <= 0) break;
    if ((off >>> 0) >= 4096) {
      // Control left the page. Under the fence policy, continue in the target page without
      // leaving the loop when the store already holds its fetch translation and its code is
      // decoded; anything else (a miss, a fault, the block policy's slice end) exits.
      if (bias !== 0) break;
      let tLo: number, tHi: number;
      if (off === FAR_JUMP) { tLo = farLo; tHi = farHi; }
      else {
        let t = (pageLo >>> 0) + off; tHi = pageHi;
        if (t >= 4294967296) { t -= 4294967296; tHi = (tHi + 1) | 0; } else if (t < 0) { t += 4294967296; tHi = (tHi - 1) | 0; }
        tLo = t | 0;
      }
      const j = (tLo >>> 10) & STORE_INDEX_MASK;
      const hostPage = FT[j + 2] >>> 12;
      if (FT[j] !== ((tLo & -4096) ^ gk) || FT[j + 1] !== tHi || codeTag[hostPage & CODE_PAGE_MASK] !== hostPage) {
        if (off === FAR_JUMP) { h.pcLo = tLo; h.pcHi = tHi; pcSet = true; }
        break;
      }
      hits++;
      pageLo = tLo & -4096; pageHi = tHi; off = tLo & 4095;
      base = (hostPage & CODE_PAGE_MASK) * SLOTS_PER_PAGE;
      h.pageLo = pageLo; h.pageHi = pageHi; h.codeHost = hostPage << 12; h.codeBase = base;
    }
  }
  if (off === FAR_JUMP) { h.pcLo = farLo; h.pcHi = farHi; pcSet = true; }
  else if (off >= BLOCK_BIAS >> 1) off -= BLOCK_BIAS;
  h.retired += budget - left;
  h.fastHits += hits;
  if (!pcSet) h.setPcFromPage(off);
}
