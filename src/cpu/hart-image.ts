// A hart's whole architectural state for a machine snapshot (savevm/loadvm): every CSR slot as
// stored, the PMP, the registers, privilege, pc, whether it waits in wfi and the instructions
// retired (the counters are kept relative to it). As 64-bit words, so that it crosses threads
// in a shared BigInt64Array: a halted hart thread writes its image, and takes one back when
// the session says it has written one (BoardSignals' STATE_WRITTEN). What a hart only caches
// (its translation store, decoded and translated code, an LR reservation) is not in it: those
// are dropped when an image is applied.

import { Priv } from '../arch/privilege.js';
import { PMP_ENTRIES } from '../mmu/pmp.js';
import { CsrSlot } from './csr.js';
import type { Hart } from './hart.js';
import { Misc, MISC_SLOTS } from './state.js';

/** Where each part of the image is, in 64-bit words (declared once: the snapshot format's hart section is this). */
const PC = 0;
const PRIV = 1;
const WAITING = 2;
const RETIRED = 3;
const CSRS = 4;
const PMP_CFG = CSRS + CsrSlot.COUNT;
const PMP_ADDR = PMP_CFG + PMP_ENTRIES;
const X = PMP_ADDR + PMP_ENTRIES;
const F = X + 32;
const MISC = F + 32;

/** 64-bit words one hart's image takes. */
export const HART_IMAGE_WORDS = MISC + MISC_SLOTS;

/** Writes `hart`'s state into words [at, at + HART_IMAGE_WORDS) of `into`, on the hart's own thread. */
export function writeHartImage(hart: Hart, into: BigInt64Array, at: number): void {
  into[at + PC] = BigInt.asIntN(64, hart.pc);
  into[at + PRIV] = BigInt(hart.priv);
  into[at + WAITING] = hart.waiting ? 1n : 0n;
  into[at + RETIRED] = BigInt(hart.retired);
  into.set(hart.csrs.v64, at + CSRS);
  for (let i = 0; i < PMP_ENTRIES; i++) {
    into[at + PMP_CFG + i] = BigInt(hart.pmp.cfg[i]);
    into[at + PMP_ADDR + i] = hart.pmp.addr[i];
  }
  const state = hart.state;
  for (let i = 0; i < 32; i++) into[at + X + i] = state.x64[i];
  const f = new BigInt64Array(state.f64.buffer, state.f64.byteOffset, 32);
  for (let i = 0; i < 32; i++) into[at + F + i] = f[i];
  for (let i = 0; i < MISC_SLOTS; i++) into[at + MISC + i] = BigInt(state.misc[i]);
}

/** What is wrong with the image at words [at, ...) of `from`, or undefined if a hart can take it. */
export function hartImageProblem(from: BigInt64Array, at: number): string | undefined {
  const priv = from[at + PRIV];
  if (priv !== BigInt(Priv.U) && priv !== BigInt(Priv.S) && priv !== BigInt(Priv.M)) return `privilege ${priv}`;
  if (from[at + WAITING] !== 0n && from[at + WAITING] !== 1n) return 'wfi flag';
  if (from[at + RETIRED] < 0n || from[at + RETIRED] > BigInt(Number.MAX_SAFE_INTEGER)) return 'instructions retired';
  for (let i = 0; i < MISC_SLOTS; i++) if (BigInt.asIntN(32, from[at + MISC + i]) !== from[at + MISC + i]) return 'floating-point state';
  if (from[at + MISC + Misc.FFLAGS] < 0n || from[at + MISC + Misc.FFLAGS] > 31n) return 'floating-point flags';
  if (from[at + MISC + Misc.FRM] < 0n || from[at + MISC + Misc.FRM] > 7n) return 'rounding mode';
  return undefined;
}

/**
 * Gives `hart` the image at words [at, at + HART_IMAGE_WORDS) of `from` (checked with
 * hartImageProblem), on the hart's own thread. The CSRs are taken as stored, without the side
 * effects of a guest's write; what the hart cached of its old state is dropped.
 */
export function applyHartImage(hart: Hart, from: BigInt64Array, at: number): void {
  hart.setPc(BigInt.asUintN(64, from[at + PC]));
  hart.priv = Number(from[at + PRIV]) as Priv;
  hart.waiting = from[at + WAITING] === 1n;
  hart.retired = Number(from[at + RETIRED]);
  const csrs = hart.csrs;
  csrs.v64.set(from.subarray(at + CSRS, at + CSRS + CsrSlot.COUNT));
  csrs.setStimecmp(BigInt.asUintN(64, csrs.get(CsrSlot.STIMECMP)));
  hart.pmp.restore(Array.from(from.subarray(at + PMP_CFG, at + PMP_CFG + PMP_ENTRIES), Number), from.subarray(at + PMP_ADDR, at + PMP_ADDR + PMP_ENTRIES));
  const state = hart.state;
  for (let i = 0; i < 32; i++) state.x64[i] = from[at + X + i];
  const f = new BigInt64Array(state.f64.buffer, state.f64.byteOffset, 32);
  for (let i = 0; i < 32; i++) f[i] = from[at + F + i];
  for (let i = 0; i < MISC_SLOTS; i++) state.misc[i] = Number(from[at + MISC + i]);
  hart.forgetCachedState();
}
