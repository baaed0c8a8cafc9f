// A hart's architectural state as the monitor shows it: pc, privilege, the x and f registers and
// the CSRs a person debugging a kernel looks at. Taken by the hart's own thread while it is
// halted, as 64-bit words, so that it crosses threads in a shared BigInt64Array; a debugger's
// changes go back the same way (applySnapshot, when the hart is let go).

import type { Priv } from '../arch/privilege.js';
import { CSR_BY_NUMBER, csrNumber } from './csr-table.js';
import type { Hart } from './hart.js';

/** The CSRs in a snapshot, in the order the monitor prints them. */
export const SNAPSHOT_CSRS = [
  'mhartid', 'mstatus', 'misa', 'medeleg', 'mideleg', 'mie', 'mip', 'mtvec', 'mscratch', 'mepc', 'mcause', 'mtval',
  'stvec', 'sscratch', 'sepc', 'scause', 'stval', 'satp', 'stimecmp', 'fcsr',
] as const;

export type SnapshotCsr = typeof SNAPSHOT_CSRS[number];

const CSR_ROWS = SNAPSHOT_CSRS.map((name) => CSR_BY_NUMBER[csrNumber(name)]!);

const enum Word { PC = 0, PRIV = 1, X = 2, F = X + 32, CSRS = F + 32 }

/** 64-bit words one snapshot takes. */
export const SNAPSHOT_WORDS = Word.CSRS + SNAPSHOT_CSRS.length;

export interface HartSnapshot {
  hartId: number;
  pc: bigint;
  priv: Priv;
  /** x0..x31 as unsigned 64-bit values */
  x: bigint[];
  /** f0..f31 as their 64-bit patterns */
  f: bigint[];
  csrs: Record<SnapshotCsr, bigint>;
}

/** Writes `hart`'s state into words [at, at + SNAPSHOT_WORDS) of `into`. */
export function writeSnapshot(hart: Hart, into: BigInt64Array, at: number): void {
  into[at + Word.PC] = BigInt.asIntN(64, hart.pc);
  into[at + Word.PRIV] = BigInt(hart.priv);
  const state = hart.state;
  for (let i = 0; i < 32; i++) into[at + Word.X + i] = state.x64[i];
  const f = new BigInt64Array(state.f64.buffer, state.f64.byteOffset, 32);
  for (let i = 0; i < 32; i++) into[at + Word.F + i] = f[i];
  CSR_ROWS.forEach((row, i) => { into[at + Word.CSRS + i] = BigInt.asIntN(64, row.read(hart.csrs)); });
}

/** The snapshot of hart `hartId` in words [at, at + SNAPSHOT_WORDS) of `from`. */
export function readSnapshot(hartId: number, from: BigInt64Array, at: number): HartSnapshot {
  const u = (i: number): bigint => BigInt.asUintN(64, from[at + i]);
  return {
    hartId,
    pc: u(Word.PC),
    priv: Number(from[at + Word.PRIV]) as Priv,
    x: Array.from({ length: 32 }, (_, i) => u(Word.X + i)),
    f: Array.from({ length: 32 }, (_, i) => u(Word.F + i)),
    csrs: Object.fromEntries(SNAPSHOT_CSRS.map((name, i) => [name, u(Word.CSRS + i)])) as Record<SnapshotCsr, bigint>,
  };
}

/** `hart`'s snapshot, taken on the calling thread (a hart that runs there). */
export function takeSnapshot(hart: Hart): HartSnapshot {
  const words = new BigInt64Array(SNAPSHOT_WORDS);
  writeSnapshot(hart, words, 0);
  return readSnapshot(hart.hartId, words, 0);
}

/** Writes `snapshot` (changed by a debugger) into words [at, at + SNAPSHOT_WORDS) of `into`. */
export function snapshotWords(snapshot: HartSnapshot, into: BigInt64Array, at: number): void {
  into[at + Word.PC] = BigInt.asIntN(64, snapshot.pc);
  into[at + Word.PRIV] = BigInt(snapshot.priv);
  for (let i = 0; i < 32; i++) into[at + Word.X + i] = BigInt.asIntN(64, snapshot.x[i]);
  for (let i = 0; i < 32; i++) into[at + Word.F + i] = BigInt.asIntN(64, snapshot.f[i]);
  SNAPSHOT_CSRS.forEach((name, i) => { into[at + Word.CSRS + i] = BigInt.asIntN(64, snapshot.csrs[name]); });
}

/**
 * Gives `hart` the state in words [at, at + SNAPSHOT_WORDS) of `from`, on the hart's own thread.
 * A CSR is written only where it differs (a write has effects: on translation, on interrupts),
 * and as the guest's own write is, keeping what is legal of it; read-only ones are left alone.
 */
export function applySnapshot(hart: Hart, from: BigInt64Array, at: number): void {
  hart.setPc(BigInt.asUintN(64, from[at + Word.PC]));
  const state = hart.state;
  for (let i = 1; i < 32; i++) state.x64[i] = from[at + Word.X + i];
  const f = new BigInt64Array(state.f64.buffer, state.f64.byteOffset, 32);
  for (let i = 0; i < 32; i++) f[i] = from[at + Word.F + i];
  CSR_ROWS.forEach((row, i) => {
    const value = BigInt.asUintN(64, from[at + Word.CSRS + i]);
    if (!row.readOnly && value !== BigInt.asUintN(64, row.read(hart.csrs))) row.write(hart.csrs, value);
  });
  const priv = Number(from[at + Word.PRIV]) as Priv;
  if (priv !== hart.priv && (priv === 0 || priv === 1 || priv === 3)) {
    hart.priv = priv;
    hart.translationContextChanged();
  }
}

/** Gives `hart` the state of `snapshot`, on the hart's own thread. */
export function restoreSnapshot(hart: Hart, snapshot: HartSnapshot): void {
  const words = new BigInt64Array(SNAPSHOT_WORDS);
  snapshotWords(snapshot, words, 0);
  applySnapshot(hart, words, 0);
}
