// The state of the control and status registers (privileged spec 1.12) and the behaviour several
// of them share: mstatus and its legalisation, mip as devices and software make it up, the
// counters, the Sstc timer. Which CSRs exist and how each is accessed, read and written is
// declared in csr-table.ts. Values are kept in a BigInt64Array (shareable memory); the hot bits
// of mstatus are also read through an Int32Array view by the interpreter.

import { Mstatus } from '../arch/mstatus.js';
import type { Priv } from '../arch/privilege.js';
import { IrqBit } from '../arch/traps.js';
import type { Pmp } from '../mmu/pmp.js';
import type { HartHost } from './hart-host.js';
import type { HartState } from './state.js';

/** Slots of the CSR value array. */
export const enum CsrSlot {
  MSTATUS, MEDELEG, MIDELEG, MIE, MIP_SOFT, MTVEC, MCOUNTEREN, MSCRATCH, MEPC, MCAUSE, MTVAL,
  STVEC, SCOUNTEREN, SSCRATCH, SEPC, SCAUSE, STVAL, SATP, MENVCFG, SENVCFG, MCOUNTINHIBIT,
  STIMECMP, CYCLE_BASE, INSTRET_BASE, CYCLE_FROZEN, INSTRET_FROZEN, COUNT,
}

/** UXL = SXL = 2 (64-bit), always. */
const MSTATUS_XL = (2n << 32n) | (2n << 34n);
const SD_BIT = 1n << 63n;
/** The interrupts that may be delegated to S-mode (the writable bits of mideleg). */
export const SUPERVISOR_IRQS = IrqBit.SSIP | IrqBit.STIP | IrqBit.SEIP;
export const ALL_IRQS = SUPERVISOR_IRQS | IrqBit.MSIP | IrqBit.MTIP | IrqBit.MEIP;

/** What the CSRs need from their hart: its state, and the services their side effects call. */
export interface CsrHart {
  readonly hartId: number;
  readonly priv: Priv;
  readonly state: HartState;
  readonly pmp: Pmp;
  readonly host: HartHost;
  /** Interrupt-pending bits driven by devices (MSIP, MTIP, SEIP, MEIP). */
  interruptLines(): number;
  /** Sets mstatus.FS to Dirty. */
  markFpDirty(): void;
  /** Instructions retired before the one executing now. */
  retiredBeforeCurrent(): number;
  /** satp or mstatus.MPRV/MPP/SUM/MXR changed. */
  translationContextChanged(): void;
  /** A PMP register changed. */
  physicalProtectionChanged(): void;
}

export class Csrs {
  readonly v64 = new BigInt64Array(CsrSlot.COUNT);
  /** lo word of slot i at v32[2*i] */
  readonly v32 = new Int32Array(this.v64.buffer);
  readonly hart: CsrHart;
  /** Sstc implemented (stimecmp exists, menvcfg.STCE is writable) */
  readonly sstc: boolean;
  /** stimecmp as a Number for the timer compare (past 2^53 just means "never") */
  private stimecmpNumber = Infinity;

  constructor(hart: CsrHart, sstc: boolean) {
    this.hart = hart;
    this.sstc = sstc;
    this.v64[CsrSlot.MSTATUS] = MSTATUS_XL;
    this.v64[CsrSlot.STIMECMP] = -1n;
  }

  /** menvcfg.STCE is set: STIP follows time >= stimecmp. */
  get stce(): boolean { return this.v32[2 * CsrSlot.MENVCFG + 1] < 0; }

  /** Ticks of mtime until the Sstc timer fires (Infinity if it cannot). */
  ticksUntilSupervisorTimer(): number {
    return this.stce ? this.stimecmpNumber - this.hart.host.mtime() : Infinity;
  }

  get mstatus(): number { return this.v32[2 * CsrSlot.MSTATUS]; }

  get(slot: CsrSlot): bigint { return this.v64[slot]; }
  set(slot: CsrSlot, value: bigint): void { this.v64[slot] = BigInt.asIntN(64, value); }
  lo(slot: CsrSlot): number { return this.v32[2 * slot]; }
  hi(slot: CsrSlot): number { return this.v32[2 * slot + 1]; }

  /** The mstatus value with SD computed from FS. */
  mstatusValue(): bigint {
    const v = BigInt.asUintN(64, this.v64[CsrSlot.MSTATUS]);
    return (this.mstatus & Mstatus.FS) === Mstatus.FS_DIRTY ? v | SD_BIT : v;
  }

  /** mip as software sees it: device lines plus the software-writable bits. */
  mip(): number {
    return this.mipAt(this.stce ? this.hart.host.mtime() : 0);
  }

  /** mip with the Sstc timer compared against board time `now` (read by the caller, when stce). */
  mipAt(now: number): number {
    let bits = this.hart.interruptLines() | this.lo(CsrSlot.MIP_SOFT);
    if (this.stce) bits = (bits & ~IrqBit.STIP) | (now >= this.stimecmpNumber ? IrqBit.STIP : 0);
    return bits & ALL_IRQS;
  }

  /** mip with the software-written SEIP instead of the device-driven one. */
  mipForReadModifyWrite(): number {
    return (this.mip() & ~IrqBit.SEIP) | (this.lo(CsrSlot.MIP_SOFT) & IrqBit.SEIP);
  }

  /**
   * Writes mstatus (SD and the fixed UXL/SXL recomputed, a reserved MPP keeping the old one); a
   * change of MPRV, SUM, MXR or MPP changes the translation context.
   */
  writeMstatus(value: bigint): void {
    const before = this.mstatus;
    let v = value & ~SD_BIT;
    // MPP is WARL: the reserved value 2 keeps the old MPP.
    if (((v >> 11n) & 3n) === 2n) v = (v & ~(3n << 11n)) | (BigInt(before) & (3n << 11n));
    v = (v & ~(0xfn << 32n)) | MSTATUS_XL;
    this.v64[CsrSlot.MSTATUS] = BigInt.asIntN(64, v);
    const after = this.mstatus;
    const translationBits = Mstatus.MPRV | Mstatus.SUM | Mstatus.MXR | Mstatus.MPP;
    if ((before ^ after) & translationBits) this.hart.translationContextChanged();
  }

  /** Sets mstatus bits in the low word directly (trap entry/return paths). */
  setMstatusLo(lo: number): void {
    this.writeMstatus((BigInt.asUintN(64, this.v64[CsrSlot.MSTATUS]) & ~0xffffffffn) | BigInt(lo >>> 0));
  }

  // Counters: value = base + retired, unless inhibited (then the frozen value).
  // `inhibitBit` is the mcountinhibit bit (CY = 1, IR = 4).
  counter(base: CsrSlot, frozen: CsrSlot, inhibitBit: number): bigint {
    if (this.lo(CsrSlot.MCOUNTINHIBIT) & inhibitBit) return BigInt.asUintN(64, this.v64[frozen]);
    return BigInt.asUintN(64, this.v64[base] + BigInt(this.hart.retiredBeforeCurrent()));
  }

  setCounter(base: CsrSlot, frozen: CsrSlot, value: bigint): void {
    // The written value is what the next instruction reads: the writing instruction's own
    // retirement does not count.
    this.v64[frozen] = BigInt.asIntN(64, value);
    this.v64[base] = BigInt.asIntN(64, value - BigInt(this.hart.retiredBeforeCurrent() + 1));
  }

  writeCountInhibit(bits: number): void {
    const old = this.lo(CsrSlot.MCOUNTINHIBIT);
    const retiredAfter = BigInt(this.hart.retiredBeforeCurrent() + 1);
    for (const [bit, base, frozen] of [[1, CsrSlot.CYCLE_BASE, CsrSlot.CYCLE_FROZEN], [4, CsrSlot.INSTRET_BASE, CsrSlot.INSTRET_FROZEN]] as const) {
      if ((bits & bit) && !(old & bit)) {
        // Freezing: the value stops where it is after this instruction.
        this.v64[frozen] = BigInt.asIntN(64, this.v64[base] + retiredAfter);
      } else if (!(bits & bit) && (old & bit)) {
        this.v64[base] = BigInt.asIntN(64, this.v64[frozen] - retiredAfter);
      }
    }
    this.v64[CsrSlot.MCOUNTINHIBIT] = BigInt(bits);
  }

  setStimecmp(value: bigint): void {
    this.v64[CsrSlot.STIMECMP] = BigInt.asIntN(64, value);
    this.stimecmpNumber = Number(value);
  }
}

