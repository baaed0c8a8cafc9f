// Control and status registers (privileged spec 1.12): storage, WARL legalisation and the
// privilege checks of CSR instructions. Values are kept in a BigInt64Array (shareable memory);
// the hot bits of mstatus are also read through an Int32Array view by the interpreter.

import { Mstatus } from '../arch/mstatus.js';
import { Priv } from '../arch/privilege.js';
import { SATP_WRITABLE, SatpMode } from '../arch/satp.js';
import { IrqBit } from '../arch/traps.js';
import type { Pmp } from '../mmu/pmp.js';
import type { HartHost } from './hart-host.js';
import { Misc, type HartState } from './state.js';

/** CSR addresses. */
export const enum Csr {
  FFLAGS = 0x001, FRM = 0x002, FCSR = 0x003,
  CYCLE = 0xc00, TIME = 0xc01, INSTRET = 0xc02, HPMCOUNTER3 = 0xc03, HPMCOUNTER31 = 0xc1f,
  SSTATUS = 0x100, SIE = 0x104, STVEC = 0x105, SCOUNTEREN = 0x106, SENVCFG = 0x10a,
  SSCRATCH = 0x140, SEPC = 0x141, SCAUSE = 0x142, STVAL = 0x143, SIP = 0x144, STIMECMP = 0x14d,
  SATP = 0x180,
  MVENDORID = 0xf11, MARCHID = 0xf12, MIMPID = 0xf13, MHARTID = 0xf14, MCONFIGPTR = 0xf15,
  MSTATUS = 0x300, MISA = 0x301, MEDELEG = 0x302, MIDELEG = 0x303, MIE = 0x304, MTVEC = 0x305,
  MCOUNTEREN = 0x306, MENVCFG = 0x30a, MCOUNTINHIBIT = 0x320, MHPMEVENT3 = 0x323, MHPMEVENT31 = 0x33f,
  MSCRATCH = 0x340, MEPC = 0x341, MCAUSE = 0x342, MTVAL = 0x343, MIP = 0x344, MTINST = 0x34a, MTVAL2 = 0x34b,
  PMPCFG0 = 0x3a0, PMPCFG15 = 0x3af, PMPADDR0 = 0x3b0, PMPADDR63 = 0x3ef,
  MCYCLE = 0xb00, MINSTRET = 0xb02, MHPMCOUNTER3 = 0xb03, MHPMCOUNTER31 = 0xb1f,
  TSELECT = 0x7a0, TDATA1 = 0x7a1, TDATA2 = 0x7a2, TDATA3 = 0x7a3, TINFO = 0x7a4,
}

/** Slots of the CSR value array. */
export const enum CsrSlot {
  MSTATUS, MEDELEG, MIDELEG, MIE, MIP_SOFT, MTVEC, MCOUNTEREN, MSCRATCH, MEPC, MCAUSE, MTVAL,
  STVEC, SCOUNTEREN, SSCRATCH, SEPC, SCAUSE, STVAL, SATP, MENVCFG, SENVCFG, MCOUNTINHIBIT,
  STIMECMP, CYCLE_BASE, INSTRET_BASE, CYCLE_FROZEN, INSTRET_FROZEN, COUNT,
}

// RV64, extensions I M A F D C S U
const MISA = (2n << 62n) | BigInt((1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20));
/** UXL = SXL = 2 (64-bit), always. */
const MSTATUS_XL = (2n << 32n) | (2n << 34n);
const MSTATUS_WRITABLE = BigInt(Mstatus.SIE | Mstatus.MIE | Mstatus.SPIE | Mstatus.MPIE | Mstatus.SPP | Mstatus.MPP
  | Mstatus.FS | Mstatus.MPRV | Mstatus.SUM | Mstatus.MXR | Mstatus.TVM | Mstatus.TW | Mstatus.TSR);
const SSTATUS_MASK = BigInt(Mstatus.SIE | Mstatus.SPIE | Mstatus.SPP | Mstatus.FS | Mstatus.SUM | Mstatus.MXR)
  | (3n << 32n) | (1n << 63n);
const SD_BIT = 1n << 63n;
/** Exceptions that may be delegated (not ecall from M, nor the reserved causes). */
const MEDELEG_MASK = 0xb3ffn;
const SUPERVISOR_IRQS = IrqBit.SSIP | IrqBit.STIP | IrqBit.SEIP;
const ALL_IRQS = SUPERVISOR_IRQS | IrqBit.MSIP | IrqBit.MTIP | IrqBit.MEIP;
/** mip bits M-mode software may write: the supervisor ones (STIP only while Sstc is off). */
const MIP_WRITABLE = SUPERVISOR_IRQS;
/** menvcfg.STCE (bit 63): Sstc's stimecmp drives STIP and S-mode may access it. */
const MENVCFG_STCE = 1n << 63n;
/** mcounteren.TM: S-mode may read time (and, with STCE, access stimecmp). */
const COUNTEREN_TM = 2;

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
  private readonly hart: CsrHart;
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
  private get stce(): boolean { return this.v32[2 * CsrSlot.MENVCFG + 1] < 0; }

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
  private mstatusValue(): bigint {
    const v = BigInt.asUintN(64, this.v64[CsrSlot.MSTATUS]);
    return (this.mstatus & Mstatus.FS) === Mstatus.FS_DIRTY ? v | SD_BIT : v;
  }

  /** mip as software sees it: device lines plus the software-writable bits. */
  mip(): number {
    let bits = this.hart.interruptLines() | this.lo(CsrSlot.MIP_SOFT);
    if (this.stce) bits = (bits & ~IrqBit.STIP) | (this.hart.host.mtime() >= this.stimecmpNumber ? IrqBit.STIP : 0);
    return bits & ALL_IRQS;
  }

  /** mip with the software-written SEIP instead of the device-driven one. */
  mipForReadModifyWrite(): number {
    return (this.mip() & ~IrqBit.SEIP) | (this.lo(CsrSlot.MIP_SOFT) & IrqBit.SEIP);
  }

  /**
   * Whether a CSR instruction from the current privilege may access `addr`; `write` says
   * whether it writes. False means illegal instruction.
   */
  accessible(addr: number, write: boolean): boolean {
    const priv = this.hart.priv;
    if (((addr >> 8) & 3) > priv) return false;
    if (write && (addr >> 10) === 3) return false;
    if (addr === Csr.SATP && priv === Priv.S && (this.mstatus & Mstatus.TVM)) return false;
    if (addr >= Csr.FFLAGS && addr <= Csr.FCSR && (this.mstatus & Mstatus.FS) === 0) return false;
    if (addr === Csr.STIMECMP && priv < Priv.M && (!this.stce || (this.lo(CsrSlot.MCOUNTEREN) & COUNTEREN_TM) === 0)) return false;
    if (addr >= Csr.CYCLE && addr <= Csr.HPMCOUNTER31 && priv < Priv.M) {
      const bit = 1 << (addr - Csr.CYCLE);
      if ((this.lo(CsrSlot.MCOUNTEREN) & bit) === 0) return false;
      if (priv === Priv.U && (this.lo(CsrSlot.SCOUNTEREN) & bit) === 0) return false;
    }
    return true;
  }

  /** Reads a CSR; undefined if it does not exist (illegal instruction). */
  read(addr: number): bigint | undefined {
    const h = this.hart;
    switch (addr) {
      case Csr.FFLAGS: return BigInt(h.state.misc[Misc.FFLAGS] & 0x1f);
      case Csr.FRM: return BigInt(h.state.misc[Misc.FRM] & 7);
      case Csr.FCSR: return BigInt(((h.state.misc[Misc.FRM] & 7) << 5) | (h.state.misc[Misc.FFLAGS] & 0x1f));
      case Csr.CYCLE: case Csr.MCYCLE: return this.counter(CsrSlot.CYCLE_BASE, CsrSlot.CYCLE_FROZEN, 1);
      case Csr.INSTRET: case Csr.MINSTRET: return this.counter(CsrSlot.INSTRET_BASE, CsrSlot.INSTRET_FROZEN, 4);
      case Csr.TIME: return BigInt(Math.floor(h.host.mtime()));
      case Csr.SSTATUS: return this.mstatusValue() & SSTATUS_MASK;
      case Csr.SIE: return BigInt(this.lo(CsrSlot.MIE) & this.lo(CsrSlot.MIDELEG));
      case Csr.SIP: return BigInt(this.mip() & this.lo(CsrSlot.MIDELEG));
      case Csr.STVEC: case Csr.SCOUNTEREN: case Csr.SSCRATCH: case Csr.SEPC: case Csr.SCAUSE: case Csr.STVAL:
      case Csr.SATP: case Csr.SENVCFG: case Csr.MEDELEG: case Csr.MIDELEG: case Csr.MIE: case Csr.MTVEC:
      case Csr.MCOUNTEREN: case Csr.MENVCFG: case Csr.MCOUNTINHIBIT: case Csr.MSCRATCH: case Csr.MEPC:
      case Csr.MCAUSE: case Csr.MTVAL:
        return BigInt.asUintN(64, this.v64[this.slotOf(addr)]);
      case Csr.MVENDORID: case Csr.MARCHID: case Csr.MIMPID: case Csr.MCONFIGPTR: return 0n;
      case Csr.MHARTID: return BigInt(h.hartId);
      case Csr.MSTATUS: return this.mstatusValue();
      case Csr.MISA: return MISA;
      case Csr.MIP: return BigInt(this.mip());
      case Csr.MTINST: case Csr.MTVAL2: return 0n;
      case Csr.STIMECMP: return this.sstc ? BigInt.asUintN(64, this.v64[CsrSlot.STIMECMP]) : undefined;
      // Debug triggers are not implemented: tselect reads back as 0 and selects nothing.
      case Csr.TSELECT: case Csr.TDATA1: case Csr.TDATA2: case Csr.TDATA3: return 0n;
      case Csr.TINFO: return 1n; // bit 0: only "no trigger" type
    }
    if (addr >= Csr.PMPCFG0 && addr <= Csr.PMPCFG15) return (addr & 1) ? undefined : h.pmp.readCfg(addr - Csr.PMPCFG0);
    if (addr >= Csr.PMPADDR0 && addr <= Csr.PMPADDR63) return h.pmp.readAddr(addr - Csr.PMPADDR0);
    if ((addr >= Csr.HPMCOUNTER3 && addr <= Csr.HPMCOUNTER31) || (addr >= Csr.MHPMCOUNTER3 && addr <= Csr.MHPMCOUNTER31)
      || (addr >= Csr.MHPMEVENT3 && addr <= Csr.MHPMEVENT31)) return 0n;
    return undefined;
  }

  /**
   * Writes a CSR (existence and access already checked). A write that enables or raises an
   * interrupt asks for nothing here: the interpreter looks for a takeable interrupt after every
   * CSR write (Hart.interruptTakeable) and ends its slice only then.
   */
  write(addr: number, value: bigint): void {
    const h = this.hart;
    value = BigInt.asUintN(64, value);
    switch (addr) {
      case Csr.FFLAGS: h.state.misc[Misc.FFLAGS] = Number(value & 0x1fn); h.markFpDirty(); return;
      case Csr.FRM: h.state.misc[Misc.FRM] = Number(value & 7n); h.markFpDirty(); return;
      case Csr.FCSR:
        h.state.misc[Misc.FFLAGS] = Number(value & 0x1fn);
        h.state.misc[Misc.FRM] = Number((value >> 5n) & 7n);
        h.markFpDirty();
        return;
      case Csr.MCYCLE: this.setCounter(CsrSlot.CYCLE_BASE, CsrSlot.CYCLE_FROZEN, value); return;
      case Csr.MINSTRET: this.setCounter(CsrSlot.INSTRET_BASE, CsrSlot.INSTRET_FROZEN, value); return;
      case Csr.MSTATUS: this.writeMstatus((this.mstatusValue() & ~MSTATUS_WRITABLE) | (value & MSTATUS_WRITABLE)); return;
      case Csr.SSTATUS: {
        const mask = SSTATUS_MASK & MSTATUS_WRITABLE;
        this.writeMstatus((this.mstatusValue() & ~mask) | (value & mask));
        return;
      }
      case Csr.MEDELEG: this.v64[CsrSlot.MEDELEG] = value & MEDELEG_MASK; return;
      case Csr.MIDELEG: this.v64[CsrSlot.MIDELEG] = value & BigInt(SUPERVISOR_IRQS); return;
      case Csr.MIE: this.v64[CsrSlot.MIE] = value & BigInt(ALL_IRQS); return;
      case Csr.SIE: {
        const deleg = BigInt(this.lo(CsrSlot.MIDELEG));
        this.v64[CsrSlot.MIE] = (BigInt(this.lo(CsrSlot.MIE)) & ~deleg) | (value & deleg);
        return;
      }
      case Csr.MIP: {
        const soft = BigInt(this.lo(CsrSlot.MIP_SOFT));
        const writable = BigInt(this.stce ? MIP_WRITABLE & ~IrqBit.STIP : MIP_WRITABLE);
        this.v64[CsrSlot.MIP_SOFT] = (soft & ~writable) | (value & writable);
        return;
      }
      case Csr.SIP: {
        // Only SSIP is writable from S-mode, and only when delegated.
        const mask = BigInt(IrqBit.SSIP & this.lo(CsrSlot.MIDELEG));
        this.v64[CsrSlot.MIP_SOFT] = (BigInt(this.lo(CsrSlot.MIP_SOFT)) & ~mask) | (value & mask);
        return;
      }
      case Csr.MTVEC: case Csr.STVEC: {
        const slot = addr === Csr.MTVEC ? CsrSlot.MTVEC : CsrSlot.STVEC;
        // Modes 0 (direct) and 1 (vectored); a reserved mode keeps the old mode.
        const mode = (value & 3n) < 2n ? value & 3n : BigInt.asUintN(64, this.v64[slot]) & 3n;
        this.v64[slot] = BigInt.asIntN(64, (value & ~3n) | mode);
        return;
      }
      case Csr.MEPC: case Csr.SEPC: this.v64[this.slotOf(addr)] = BigInt.asIntN(64, value & ~1n); return;
      case Csr.MCOUNTEREN: case Csr.SCOUNTEREN: this.v64[this.slotOf(addr)] = value & 0xffffffffn; return;
      case Csr.MCOUNTINHIBIT: this.writeCountInhibit(Number(value & 5n)); return;
      case Csr.MSCRATCH: case Csr.SSCRATCH: case Csr.MCAUSE: case Csr.SCAUSE: case Csr.MTVAL: case Csr.STVAL:
        this.v64[this.slotOf(addr)] = BigInt.asIntN(64, value);
        return;
      case Csr.SATP: {
        const mode = Number(value >> 60n);
        if (mode !== SatpMode.BARE && mode !== SatpMode.SV39 && mode !== SatpMode.SV48 && mode !== SatpMode.SV57) return;
        this.v64[CsrSlot.SATP] = BigInt.asIntN(64, value & SATP_WRITABLE);
        h.translationContextChanged();
        return;
      }
      // The only optional feature is Sstc's STCE; every other bit reads as zero.
      case Csr.MENVCFG: this.v64[CsrSlot.MENVCFG] = BigInt.asIntN(64, this.sstc ? value & MENVCFG_STCE : 0n); return;
      case Csr.SENVCFG: return;
      case Csr.STIMECMP:
        this.v64[CsrSlot.STIMECMP] = BigInt.asIntN(64, value);
        this.stimecmpNumber = Number(value);
        return;
      case Csr.TSELECT: case Csr.TDATA1: case Csr.TDATA2: case Csr.TDATA3: case Csr.TINFO: return;
      case Csr.MTINST: case Csr.MTVAL2: return;
    }
    if (addr >= Csr.PMPCFG0 && addr <= Csr.PMPCFG15) { h.pmp.writeCfg(addr - Csr.PMPCFG0, value); h.physicalProtectionChanged(); return; }
    if (addr >= Csr.PMPADDR0 && addr <= Csr.PMPADDR63) { h.pmp.writeAddr(addr - Csr.PMPADDR0, value); h.physicalProtectionChanged(); return; }
    // hpm counters and events: read-only zero.
  }

  private slotOf(addr: number): CsrSlot {
    switch (addr) {
      case Csr.STVEC: return CsrSlot.STVEC;
      case Csr.SCOUNTEREN: return CsrSlot.SCOUNTEREN;
      case Csr.SSCRATCH: return CsrSlot.SSCRATCH;
      case Csr.SEPC: return CsrSlot.SEPC;
      case Csr.SCAUSE: return CsrSlot.SCAUSE;
      case Csr.STVAL: return CsrSlot.STVAL;
      case Csr.SATP: return CsrSlot.SATP;
      case Csr.SENVCFG: return CsrSlot.SENVCFG;
      case Csr.MEDELEG: return CsrSlot.MEDELEG;
      case Csr.MIDELEG: return CsrSlot.MIDELEG;
      case Csr.MIE: return CsrSlot.MIE;
      case Csr.MTVEC: return CsrSlot.MTVEC;
      case Csr.MCOUNTEREN: return CsrSlot.MCOUNTEREN;
      case Csr.MENVCFG: return CsrSlot.MENVCFG;
      case Csr.MCOUNTINHIBIT: return CsrSlot.MCOUNTINHIBIT;
      case Csr.MSCRATCH: return CsrSlot.MSCRATCH;
      case Csr.MEPC: return CsrSlot.MEPC;
      case Csr.MCAUSE: return CsrSlot.MCAUSE;
      case Csr.MTVAL: return CsrSlot.MTVAL;
    }
    throw new Error(`no storage slot for CSR 0x${addr.toString(16)}`);
  }

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
  private counter(base: CsrSlot, frozen: CsrSlot, inhibitBit: number): bigint {
    if (this.lo(CsrSlot.MCOUNTINHIBIT) & inhibitBit) return BigInt.asUintN(64, this.v64[frozen]);
    return BigInt.asUintN(64, this.v64[base] + BigInt(this.hart.retiredBeforeCurrent()));
  }

  private setCounter(base: CsrSlot, frozen: CsrSlot, value: bigint): void {
    // The written value is what the next instruction reads: the writing instruction's own
    // retirement does not count.
    this.v64[frozen] = BigInt.asIntN(64, value);
    this.v64[base] = BigInt.asIntN(64, value - BigInt(this.hart.retiredBeforeCurrent() + 1));
  }

  private writeCountInhibit(bits: number): void {
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
}

