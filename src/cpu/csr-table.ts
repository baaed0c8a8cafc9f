// Every CSR the hart implements, one row each: its number and name, who may access it, how it
// reads and how a write is legalised and takes effect (privileged spec 1.12, chapters 2-3).
// The CSR instructions, the disassembler's names and the checks below all come from these rows.
//
// A CSR's number fixes two of its access rules (spec 2.1): bits 9:8 the lowest privilege that may
// access it, bits 11:10 = 3 that it is read-only. A row states the others as its gate.

import { Mstatus } from '../arch/mstatus.js';
import { Priv } from '../arch/privilege.js';
import { SATP_WRITABLE, SatpMode } from '../arch/satp.js';
import { IrqBit } from '../arch/traps.js';
import { ALL_IRQS, CsrSlot, SUPERVISOR_IRQS, type Csrs } from './csr.js';
import { Misc } from './state.js';

/** An access rule of a CSR beyond those its number fixes. */
export const enum CsrGate {
  NONE,
  /** floating-point state: illegal while mstatus.FS is Off */
  FP,
  /** satp: illegal in S-mode while mstatus.TVM is set */
  TVM,
  /** a user counter: below M-mode, illegal unless its mcounteren bit (and in U-mode its scounteren bit) is set */
  COUNTER,
  /** stimecmp: exists with Sstc only; below M-mode, illegal unless menvcfg.STCE and mcounteren.TM are set */
  SSTC,
}

type Read = (csrs: Csrs) => bigint;
/** `value` is the value written, as an unsigned 64-bit number; the write keeps what is legal of it. */
type Write = (csrs: Csrs, value: bigint) => void;

export interface CsrRow {
  readonly number: number;
  readonly name: string;
  /** the lowest privilege that may access it (bits 9:8 of the number) */
  readonly privilege: Priv;
  /** writes are illegal (bits 11:10 of the number are 3) */
  readonly readOnly: boolean;
  readonly gate: CsrGate;
  readonly read: Read;
  readonly write: Write;
  /** What csrrs and csrrc set and clear bits of, where that is not the value read. */
  readonly modifyBase: Read | undefined;
}

interface RowSpec {
  number: number;
  name: string;
  gate?: CsrGate;
  read: Read;
  write: Write;
  modifyBase?: Read;
}

function row(spec: RowSpec): CsrRow {
  return {
    number: spec.number,
    name: spec.name,
    privilege: ((spec.number >> 8) & 3) as Priv,
    readOnly: (spec.number >> 10) === 3,
    gate: spec.gate ?? CsrGate.NONE,
    read: spec.read,
    write: spec.write,
    modifyBase: spec.modifyBase,
  };
}

/** Writes are ignored: the CSR reads as a fixed value (or it is read-only, and no write reaches it). */
const ignoreWrite: Write = () => {};

/** A CSR whose value never changes. */
function fixed(number: number, name: string, value: bigint, gate = CsrGate.NONE): CsrRow {
  return row({ number, name, gate, read: () => value, write: ignoreWrite });
}

/** A CSR kept in a storage slot; `legal` is what a write keeps of the value written. */
function stored(number: number, name: string, slot: CsrSlot, legal: (csrs: Csrs, value: bigint) => bigint = (_, value) => value): CsrRow {
  return row({
    number, name,
    read: (csrs) => BigInt.asUintN(64, csrs.v64[slot]),
    write: (csrs, value) => csrs.set(slot, legal(csrs, value)),
  });
}

/** mtvec, stvec: modes 0 (direct) and 1 (vectored); a reserved mode keeps the old mode. */
function trapVector(number: number, name: string, slot: CsrSlot): CsrRow {
  return stored(number, name, slot, (csrs, value) =>
    (value & ~3n) | ((value & 3n) < 2n ? value & 3n : BigInt.asUintN(64, csrs.v64[slot]) & 3n));
}

const evenPc = (_: Csrs, value: bigint): bigint => value & ~1n;
const low32 = (_: Csrs, value: bigint): bigint => value & 0xffffffffn;

function range<T>(from: number, to: number, make: (i: number) => T): T[] {
  return Array.from({ length: to - from }, (_, k) => make(from + k));
}

// RV64, extensions I M A F D C S U
const MISA = (2n << 62n) | BigInt((1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20));
const MSTATUS_WRITABLE = BigInt(Mstatus.SIE | Mstatus.MIE | Mstatus.SPIE | Mstatus.MPIE | Mstatus.SPP | Mstatus.MPP
  | Mstatus.FS | Mstatus.MPRV | Mstatus.SUM | Mstatus.MXR | Mstatus.TVM | Mstatus.TW | Mstatus.TSR);
const SSTATUS_MASK = BigInt(Mstatus.SIE | Mstatus.SPIE | Mstatus.SPP | Mstatus.FS | Mstatus.SUM | Mstatus.MXR)
  | (3n << 32n) | (1n << 63n);
const SSTATUS_WRITABLE = SSTATUS_MASK & MSTATUS_WRITABLE;
/** Exceptions that may be delegated (not ecall from M, nor the reserved causes). */
const MEDELEG_MASK = 0xb3ffn;
/** mip bits M-mode software may write: the supervisor ones (STIP only while Sstc is off). */
const MIP_WRITABLE = SUPERVISOR_IRQS;
/** menvcfg.STCE (bit 63): Sstc's stimecmp drives STIP and S-mode may access it. */
const MENVCFG_STCE = 1n << 63n;
/** mcounteren.TM: S-mode may read time (and, with STCE, access stimecmp). */
const COUNTEREN_TM = 2;

const fpFlags = (csrs: Csrs): number => csrs.hart.state.misc[Misc.FFLAGS] & 0x1f;
const fpRoundingMode = (csrs: Csrs): number => csrs.hart.state.misc[Misc.FRM] & 7;
const cycles = (csrs: Csrs): bigint => csrs.counter(CsrSlot.CYCLE_BASE, CsrSlot.CYCLE_FROZEN, 1);
const instructionsRetired = (csrs: Csrs): bigint => csrs.counter(CsrSlot.INSTRET_BASE, CsrSlot.INSTRET_FROZEN, 4);

export const CSR_TABLE: readonly CsrRow[] = [
  // Floating point
  row({
    number: 0x001, name: 'fflags', gate: CsrGate.FP,
    read: (csrs) => BigInt(fpFlags(csrs)),
    write: (csrs, value) => { csrs.hart.state.misc[Misc.FFLAGS] = Number(value & 0x1fn); csrs.hart.markFpDirty(); },
  }),
  row({
    number: 0x002, name: 'frm', gate: CsrGate.FP,
    read: (csrs) => BigInt(fpRoundingMode(csrs)),
    write: (csrs, value) => { csrs.hart.state.misc[Misc.FRM] = Number(value & 7n); csrs.hart.markFpDirty(); },
  }),
  row({
    number: 0x003, name: 'fcsr', gate: CsrGate.FP,
    read: (csrs) => BigInt((fpRoundingMode(csrs) << 5) | fpFlags(csrs)),
    write: (csrs, value) => {
      csrs.hart.state.misc[Misc.FFLAGS] = Number(value & 0x1fn);
      csrs.hart.state.misc[Misc.FRM] = Number((value >> 5n) & 7n);
      csrs.hart.markFpDirty();
    },
  }),

  // User counters (read-only views of the machine counters and of mtime)
  row({ number: 0xc00, name: 'cycle', gate: CsrGate.COUNTER, read: cycles, write: ignoreWrite }),
  row({ number: 0xc01, name: 'time', gate: CsrGate.COUNTER, read: (csrs) => BigInt(Math.floor(csrs.hart.host.mtime())), write: ignoreWrite }),
  row({ number: 0xc02, name: 'instret', gate: CsrGate.COUNTER, read: instructionsRetired, write: ignoreWrite }),
  ...range(3, 32, (i) => fixed(0xc00 + i, `hpmcounter${i}`, 0n, CsrGate.COUNTER)),

  // Supervisor
  row({
    number: 0x100, name: 'sstatus',
    read: (csrs) => csrs.mstatusValue() & SSTATUS_MASK,
    write: (csrs, value) => csrs.writeMstatus((csrs.mstatusValue() & ~SSTATUS_WRITABLE) | (value & SSTATUS_WRITABLE)),
  }),
  row({
    number: 0x104, name: 'sie',
    read: (csrs) => BigInt(csrs.lo(CsrSlot.MIE) & csrs.lo(CsrSlot.MIDELEG)),
    write: (csrs, value) => {
      const delegated = BigInt(csrs.lo(CsrSlot.MIDELEG));
      csrs.set(CsrSlot.MIE, (BigInt(csrs.lo(CsrSlot.MIE)) & ~delegated) | (value & delegated));
    },
  }),
  trapVector(0x105, 'stvec', CsrSlot.STVEC),
  stored(0x106, 'scounteren', CsrSlot.SCOUNTEREN, low32),
  // No optional feature of senvcfg is implemented: every bit reads as zero.
  stored(0x10a, 'senvcfg', CsrSlot.SENVCFG, () => 0n),
  stored(0x140, 'sscratch', CsrSlot.SSCRATCH),
  stored(0x141, 'sepc', CsrSlot.SEPC, evenPc),
  stored(0x142, 'scause', CsrSlot.SCAUSE),
  stored(0x143, 'stval', CsrSlot.STVAL),
  row({
    number: 0x144, name: 'sip',
    read: (csrs) => BigInt(csrs.mip() & csrs.lo(CsrSlot.MIDELEG)),
    // Only SSIP is writable from S-mode, and only when delegated.
    write: (csrs, value) => {
      const writable = BigInt(IrqBit.SSIP & csrs.lo(CsrSlot.MIDELEG));
      csrs.set(CsrSlot.MIP_SOFT, (BigInt(csrs.lo(CsrSlot.MIP_SOFT)) & ~writable) | (value & writable));
    },
  }),
  row({
    number: 0x14d, name: 'stimecmp', gate: CsrGate.SSTC,
    read: (csrs) => BigInt.asUintN(64, csrs.v64[CsrSlot.STIMECMP]),
    write: (csrs, value) => csrs.setStimecmp(value),
  }),
  row({
    number: 0x180, name: 'satp', gate: CsrGate.TVM,
    read: (csrs) => BigInt.asUintN(64, csrs.v64[CsrSlot.SATP]),
    // A write of a mode this hart does not implement has no effect at all.
    write: (csrs, value) => {
      const mode = Number(value >> 60n);
      if (mode !== SatpMode.BARE && mode !== SatpMode.SV39 && mode !== SatpMode.SV48 && mode !== SatpMode.SV57) return;
      csrs.set(CsrSlot.SATP, value & SATP_WRITABLE);
      csrs.hart.translationContextChanged();
    },
  }),

  // Machine information
  fixed(0xf11, 'mvendorid', 0n),
  fixed(0xf12, 'marchid', 0n),
  fixed(0xf13, 'mimpid', 0n),
  row({ number: 0xf14, name: 'mhartid', read: (csrs) => BigInt(csrs.hart.hartId), write: ignoreWrite }),
  fixed(0xf15, 'mconfigptr', 0n),

  // Machine trap setup and handling
  row({
    number: 0x300, name: 'mstatus',
    read: (csrs) => csrs.mstatusValue(),
    write: (csrs, value) => csrs.writeMstatus((csrs.mstatusValue() & ~MSTATUS_WRITABLE) | (value & MSTATUS_WRITABLE)),
  }),
  fixed(0x301, 'misa', MISA),
  stored(0x302, 'medeleg', CsrSlot.MEDELEG, (_, value) => value & MEDELEG_MASK),
  stored(0x303, 'mideleg', CsrSlot.MIDELEG, (_, value) => value & BigInt(SUPERVISOR_IRQS)),
  stored(0x304, 'mie', CsrSlot.MIE, (_, value) => value & BigInt(ALL_IRQS)),
  trapVector(0x305, 'mtvec', CsrSlot.MTVEC),
  stored(0x306, 'mcounteren', CsrSlot.MCOUNTEREN, low32),
  // The only optional feature is Sstc's STCE; every other bit reads as zero.
  stored(0x30a, 'menvcfg', CsrSlot.MENVCFG, (csrs, value) => (csrs.sstc ? value & MENVCFG_STCE : 0n)),
  row({
    number: 0x320, name: 'mcountinhibit',
    read: (csrs) => BigInt.asUintN(64, csrs.v64[CsrSlot.MCOUNTINHIBIT]),
    write: (csrs, value) => csrs.writeCountInhibit(Number(value & 5n)),
  }),
  ...range(3, 32, (i) => fixed(0x320 + i, `mhpmevent${i}`, 0n)),
  stored(0x340, 'mscratch', CsrSlot.MSCRATCH),
  stored(0x341, 'mepc', CsrSlot.MEPC, evenPc),
  stored(0x342, 'mcause', CsrSlot.MCAUSE),
  stored(0x343, 'mtval', CsrSlot.MTVAL),
  row({
    number: 0x344, name: 'mip',
    read: (csrs) => BigInt(csrs.mip()),
    write: (csrs, value) => {
      const soft = BigInt(csrs.lo(CsrSlot.MIP_SOFT));
      const writable = BigInt(csrs.stce ? MIP_WRITABLE & ~IrqBit.STIP : MIP_WRITABLE);
      csrs.set(CsrSlot.MIP_SOFT, (soft & ~writable) | (value & writable));
    },
    // Only the software-writable SEIP takes part in a read-modify-write, not the PLIC's line
    // that reads OR into it (privileged spec 3.1.9).
    modifyBase: (csrs) => BigInt(csrs.mipForReadModifyWrite()),
  }),
  fixed(0x34a, 'mtinst', 0n),
  fixed(0x34b, 'mtval2', 0n),

  // Physical memory protection (on RV64 only the even pmpcfg registers exist)
  ...range(0, 8, (k) => row({
    number: 0x3a0 + 2 * k, name: `pmpcfg${2 * k}`,
    read: (csrs) => csrs.hart.pmp.readCfg(2 * k),
    write: (csrs, value) => { csrs.hart.pmp.writeCfg(2 * k, value); csrs.hart.physicalProtectionChanged(); },
  })),
  ...range(0, 64, (i) => row({
    number: 0x3b0 + i, name: `pmpaddr${i}`,
    read: (csrs) => csrs.hart.pmp.readAddr(i),
    write: (csrs, value) => { csrs.hart.pmp.writeAddr(i, value); csrs.hart.physicalProtectionChanged(); },
  })),

  // Machine counters
  row({ number: 0xb00, name: 'mcycle', read: cycles, write: (csrs, value) => csrs.setCounter(CsrSlot.CYCLE_BASE, CsrSlot.CYCLE_FROZEN, value) }),
  row({ number: 0xb02, name: 'minstret', read: instructionsRetired, write: (csrs, value) => csrs.setCounter(CsrSlot.INSTRET_BASE, CsrSlot.INSTRET_FROZEN, value) }),
  ...range(3, 32, (i) => fixed(0xb00 + i, `mhpmcounter${i}`, 0n)),

  // Debug triggers are not implemented: tselect reads back as 0 and selects nothing.
  fixed(0x7a0, 'tselect', 0n),
  fixed(0x7a1, 'tdata1', 0n),
  fixed(0x7a2, 'tdata2', 0n),
  fixed(0x7a3, 'tdata3', 0n),
  fixed(0x7a4, 'tinfo', 1n), // bit 0: only "no trigger" type
];

/**
 * CSRs that exist only in Debug Mode, which this hart does not have: named (for the
 * disassembler), but accessing one is an illegal instruction like any CSR not in the table.
 */
const DEBUG_MODE_CSRS: readonly { number: number; name: string }[] = [
  { number: 0x7b0, name: 'dcsr' }, { number: 0x7b1, name: 'dpc' }, { number: 0x7b2, name: 'dscratch0' }, { number: 0x7b3, name: 'dscratch1' },
];

/** The row of each CSR number (12 bits), or undefined: the CSR does not exist. */
export const CSR_BY_NUMBER: readonly (CsrRow | undefined)[] = (() => {
  const byNumber: (CsrRow | undefined)[] = new Array<CsrRow | undefined>(4096).fill(undefined);
  for (const r of CSR_TABLE) {
    if (byNumber[r.number] !== undefined) throw new Error(`CSR 0x${r.number.toString(16)} declared twice`);
    byNumber[r.number] = r;
  }
  return byNumber;
})();

const CSR_NAMES = new Map<number, string>([...CSR_TABLE, ...DEBUG_MODE_CSRS].map((r) => [r.number, r.name]));

const CSR_NUMBERS = new Map<string, number>(CSR_TABLE.map((r) => [r.name, r.number]));

/** The number of the CSR named `name` (one of the table's). */
export function csrNumber(name: string): number {
  const number = CSR_NUMBERS.get(name);
  if (number === undefined) throw new Error(`no CSR named ${name}`);
  return number;
}

/** The name of CSR `number`, if it has one. */
export function csrName(number: number): string | undefined {
  return CSR_NAMES.get(number);
}

/**
 * Whether a CSR instruction at privilege `priv` may access `csr`; `write` says whether
 * it writes. False means illegal instruction.
 */
export function csrAccessible(csr: CsrRow, csrs: Csrs, priv: Priv, write: boolean): boolean {
  if (csr.privilege > priv) return false;
  if (write && csr.readOnly) return false;
  switch (csr.gate) {
    case CsrGate.NONE:
      return true;
    case CsrGate.FP:
      return (csrs.mstatus & Mstatus.FS) !== 0;
    case CsrGate.TVM:
      return priv !== Priv.S || (csrs.mstatus & Mstatus.TVM) === 0;
    case CsrGate.COUNTER: {
      if (priv === Priv.M) return true;
      const bit = 1 << (csr.number & 31);
      return (csrs.lo(CsrSlot.MCOUNTEREN) & bit) !== 0 && (priv !== Priv.U || (csrs.lo(CsrSlot.SCOUNTEREN) & bit) !== 0);
    }
    case CsrGate.SSTC:
      return csrs.sstc && (priv === Priv.M || (csrs.stce && (csrs.lo(CsrSlot.MCOUNTEREN) & COUNTEREN_TM) !== 0));
  }
}
