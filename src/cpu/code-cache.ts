// Pre-decoded code, per physical page (shared/notes/ts-performance.md: struct-of-arrays plus one
// switch is the fastest dispatch). A page of guest memory maps to one of CODE_PAGES slots of
// 2048 two-byte positions; each position is decoded lazily the first time it executes.
//
// Per position: OP packs the op and its register fields into one word (0 = not decoded yet), so
// that dispatch and operands come from one load (layout below); RS3 = rs3 | rm << 5 for FP ops,
// IMM = immediate.

import { PageFlag } from '../bus/guest-memory.js';
import { lookupEncoding, Op } from './isa/encodings.js';
import { Format, type Encoding } from './isa/instruction-info.js';
import { expandCompressed } from './isa/compressed.js';
import { X0_SINK } from './state.js';

export const CODE_PAGES = 1024;
export const SLOTS_PER_PAGE = 2048;
/** A spare position past the last page, used for an instruction that straddles two pages. */
export const SCRATCH_SLOT = CODE_PAGES * SLOTS_PER_PAGE;

/**
 * Layout of an OP word: bits 0-7 op, 8-13 rd (integer rd 0 renamed to the x0 sink, hence six
 * bits), 14-18 rs1, 19-23 rs2, 29-31 the instruction's length in bytes (2 or 4). Fields are
 * read as `c >>> OpWord.RD & 63`; the *_X2 shifts leave a field doubled, the index of the
 * register's low half in the 32-bit register view: `c >>> OpWord.RD_X2 & 126`.
 */
export const enum OpWord {
  RD = 8, RS1 = 14, RS2 = 19, LENGTH = 29,
  RD_X2 = 7, RS1_X2 = 13, RS2_X2 = 18,
}

/** Packs an OP word (see OpWord). */
export function opWord(op: Op, length: number, rd = 0, rs1 = 0, rs2 = 0): number {
  return op | (rd << OpWord.RD) | (rs1 << OpWord.RS1) | (rs2 << OpWord.RS2) | (length << OpWord.LENGTH);
}
export const rdOf = (c: number): number => (c >>> OpWord.RD) & 63;
export const rs1Of = (c: number): number => (c >>> OpWord.RS1) & 31;
export const rs2Of = (c: number): number => (c >>> OpWord.RS2) & 31;

/**
 * No straddling instruction decoded: never the bits of a 32-bit instruction (whose low two bits
 * are 11), and not a Smi in a browser, so that the field is a double from the start (double-field.ts).
 */
const NO_SCRATCH = -0x8000_0000;

export class CodeCache {
  readonly op = new Int32Array(SCRATCH_SLOT + 1);
  readonly rs3 = new Uint8Array(SCRATCH_SLOT + 1);
  readonly imm = new Int32Array(SCRATCH_SLOT + 1);
  /** host page number held by each cache page, or -1 */
  readonly tag = new Int32Array(CODE_PAGES).fill(-1);
  /**
   * The same as `tag`, except for pages the interpreter must not run into on its own (they have
   * translated code, which the run loop would rather enter): it leaves the slice there.
   */
  readonly enterTag = new Int32Array(CODE_PAGES).fill(-1);
  /**
   * Told when the translated code of a host page (-1: of every page) is stale: the page was
   * written, or fence.i. A page's translation outlives its cache slot: the TRANSLATED flag keeps
   * stores to the page on the slow path, which comes here.
   */
  onDrop: ((hostPage: number) => void) | null = null;
  private readonly pageFlags: Uint8Array;
  private readonly translated = new Set<number>();
  /**
   * A debugger has breakpoints on this hart: the interpreter enters no page on its own (enterTag
   * is -1 throughout), so that the run loop looks at every page it enters (Hart.enterPage).
   */
  private debugging = false;
  /** raw instruction bits of the instruction last decoded into SCRATCH_SLOT */
  scratchBits = NO_SCRATCH;
  decodedPages = 0;

  constructor(pageFlags: Uint8Array) {
    this.pageFlags = pageFlags;
  }

  /**
   * Returns the first slot index of host page `hostPage`, claiming a cache page for it if
   * needed; `claimed` tells the caller that a new page now holds code (write entries to it
   * must go through the slow path).
   */
  pageBase(hostPage: number): number {
    const i = hostPage & (CODE_PAGES - 1);
    const base = i * SLOTS_PER_PAGE;
    if (this.tag[i] !== hostPage) {
      const old = this.tag[i];
      if (old >= 0) this.pageFlags[old] &= ~PageFlag.CODE;
      this.tag[i] = hostPage;
      this.enterTag[i] = this.debugging || this.pageFlags[hostPage] & PageFlag.TRANSLATED ? -1 : hostPage;
      this.op.fill(0, base, base + SLOTS_PER_PAGE);
      this.pageFlags[hostPage] |= PageFlag.CODE;
      this.decodedPages++;
      this.claimed = true;
    }
    return base;
  }
  claimed = false;

  /** Whether host page `hostPage` holds decoded or translated code. */
  holdsCode(hostPage: number): boolean {
    return (this.pageFlags[hostPage] & (PageFlag.CODE | PageFlag.TRANSLATED)) !== 0;
  }

  /** Host page `hostPage` (the current page: it holds a cache slot) now has translated code. */
  markTranslated(hostPage: number): void {
    this.pageFlags[hostPage] |= PageFlag.TRANSLATED;
    this.translated.add(hostPage);
    const i = hostPage & (CODE_PAGES - 1);
    if (this.tag[i] === hostPage) this.enterTag[i] = -1;
  }

  /**
   * Forgets the decoded instructions of one host page (it was written). The page keeps its
   * cache slot, so an interpreter running on it simply re-decodes from the new bytes.
   */
  invalidatePage(hostPage: number): void {
    const i = hostPage & (CODE_PAGES - 1);
    if (this.tag[i] === hostPage) {
      const base = i * SLOTS_PER_PAGE;
      this.op.fill(0, base, base + SLOTS_PER_PAGE);
    }
    this.dropTranslation(hostPage);
    this.scratchBits = NO_SCRATCH;
  }

  /**
   * Gives up the cache slot of host page `hostPage` (it was written, and is not the page being
   * run): the page no longer counts as code, so stores to it take the fast path again. Run
   * again, it is claimed and decoded afresh.
   */
  releasePage(hostPage: number): void {
    const i = hostPage & (CODE_PAGES - 1);
    if (this.tag[i] === hostPage) {
      this.tag[i] = -1;
      this.enterTag[i] = -1;
    }
    this.pageFlags[hostPage] &= ~PageFlag.CODE;
    this.dropTranslation(hostPage);
    this.scratchBits = NO_SCRATCH;
  }

  /** The translated code of `hostPage` is given up (it did not pay). */
  forgetTranslation(hostPage: number): void {
    this.dropTranslation(hostPage);
  }

  private dropTranslation(hostPage: number): void {
    if ((this.pageFlags[hostPage] & PageFlag.TRANSLATED) === 0) return;
    this.pageFlags[hostPage] &= ~PageFlag.TRANSLATED;
    this.translated.delete(hostPage);
    const i = hostPage & (CODE_PAGES - 1);
    if (this.tag[i] === hostPage && !this.debugging) this.enterTag[i] = hostPage;
    if (this.onDrop) this.onDrop(hostPage);
  }

  /** Drops all decoded and translated code (fence.i). */
  invalidateAll(): void {
    for (let i = 0; i < CODE_PAGES; i++) {
      const t = this.tag[i];
      if (t >= 0) this.pageFlags[t] &= ~PageFlag.CODE;
      this.tag[i] = -1;
      this.enterTag[i] = -1;
    }
    for (const page of this.translated) this.pageFlags[page] &= ~PageFlag.TRANSLATED;
    if (this.translated.size > 0 && this.onDrop) this.onDrop(-1);
    this.translated.clear();
    this.scratchBits = NO_SCRATCH;
  }

  /** Turns debugging (see `debugging`) on or off; the caller has dropped the decoded code. */
  setDebugging(on: boolean): void {
    this.debugging = on;
    for (let i = 0; i < CODE_PAGES; i++) {
      const t = this.tag[i];
      this.enterTag[i] = on || t < 0 || this.pageFlags[t] & PageFlag.TRANSLATED ? -1 : t;
    }
  }

  /** Decodes a 16- or 32-bit instruction into slot `s`; returns the slot's OP word. */
  decode(s: number, bits: number, length: 2 | 4): number {
    // as an int32, as a 32-bit instruction is read: the same kind of number on both paths
    const insn = length === 2 ? expandCompressed(bits & 0xffff) | 0 : bits;
    const e = insn === 0 ? undefined : lookupEncoding(insn);
    if (!e) {
      this.op[s] = opWord(Op.ILLEGAL, length);
      this.imm[s] = length === 2 ? bits & 0xffff : bits; // mtval of an illegal instruction: its bits
      return this.op[s];
    }
    this.op[s] = fillFields(this, s, e, insn, length);
    return this.op[s];
  }

  /**
   * Decodes an instruction into the scratch slot (reused while unchanged): one that straddles
   * pages, or one under a breakpoint marker. A 16-bit one's bits never equal a 32-bit one's.
   */
  decodeScratch(bits: number, length: 2 | 4 = 4): number {
    if (bits !== this.scratchBits) {
      this.decode(SCRATCH_SLOT, bits, length);
      this.scratchBits = bits;
    }
    return SCRATCH_SLOT;
  }
}

/** Fills the slot's immediate and rs3 and returns its OP word. */
function fillFields(c: CodeCache, s: number, e: Encoding, insn: number, length: number): number {
  let rd = (insn >>> 7) & 31;
  const rs1 = (insn >>> 15) & 31, rs2 = (insn >>> 20) & 31;
  if (rd === 0 && e.regs[0] === 'x') rd = X0_SINK;
  c.rs3[s] = (insn >>> 27) | (((insn >>> 12) & 7) << 5);
  let imm = 0;
  switch (e.format) {
    case Format.I: imm = insn >> 20; break;
    case Format.S: imm = ((insn >> 25) << 5) | ((insn >>> 7) & 31); break;
    case Format.B:
      imm = ((insn >> 31) << 12) | (((insn >>> 7) & 1) << 11) | (((insn >>> 25) & 63) << 5) | (((insn >>> 8) & 15) << 1);
      break;
    case Format.U: imm = insn & ~0xfff; break;
    case Format.J:
      imm = ((insn >> 31) << 20) | (((insn >>> 12) & 255) << 12) | (((insn >>> 20) & 1) << 11) | (((insn >>> 21) & 1023) << 1);
      break;
    case Format.SHIFT: imm = (insn >>> 20) & 63; break;
    case Format.SHIFTW: imm = (insn >>> 20) & 31; break;
    case Format.CSR: case Format.CSRI: imm = insn >>> 20; break;
    case Format.FENCE: imm = (insn >>> 20) & 0xff; break;
  }
  c.imm[s] = imm;
  return opWord(e.op, length, rd, rs1, rs2);
}
