// How the accesses of a translation context are checked: the Regime word, and the permission
// check of a leaf PTE, shared by the page walk and by the store when it lets an entry filled in
// one context serve another without a walk.

import { Access } from '../arch/access.js';
import { Priv } from '../arch/privilege.js';
import { SatpMode } from '../arch/satp.js';

/** How one kind of access (fetch, or load/store) is translated and checked. */
export const enum AccessClass {
  /** not translated; PMP exempts M-mode (unless an entry is locked) */
  MACHINE = 0,
  /** not translated (satp Bare); PMP applies */
  PHYSICAL = 1,
  USER = 2,
  SUPERVISOR = 3,
}

/**
 * A context's regime: satp's mode (when anything is translated), the access class of fetches
 * and of data accesses, and SUM and MXR where they matter. Two contexts of one address space
 * with the same regime check every access alike.
 */
export const enum Regime {
  MODE_MASK = 0xf, FETCH_SHIFT = 4, DATA_SHIFT = 6, CLASS_MASK = 3, SUM = 1 << 8, MXR = 1 << 9,
}

/** The permission bits of a leaf PTE as an entry keeps them (the PTE's bits 1-5: R W X U G). */
export const enum LeafBit { R = 1, W = 2, X = 4, U = 8, G = 16 }

function classOf(priv: Priv, mode: SatpMode): AccessClass {
  if (priv === Priv.M) return AccessClass.MACHINE;
  if (mode === SatpMode.BARE) return AccessClass.PHYSICAL;
  return priv === Priv.U ? AccessClass.USER : AccessClass.SUPERVISOR;
}

export function regimeOf(fetchPriv: Priv, dataPriv: Priv, mode: SatpMode, sum: boolean, mxr: boolean): number {
  const fetch = classOf(fetchPriv, mode), data = classOf(dataPriv, mode);
  let regime = (fetch << Regime.FETCH_SHIFT) | (data << Regime.DATA_SHIFT);
  if (fetch >= AccessClass.USER || data >= AccessClass.USER) regime |= mode;
  if (data === AccessClass.SUPERVISOR && sum) regime |= Regime.SUM;
  if (data >= AccessClass.USER && mxr) regime |= Regime.MXR;
  return regime;
}

/** Whether anything is translated in the regime (else its address space is physical memory). */
export function regimeTranslates(regime: number): boolean {
  return (regime & Regime.MODE_MASK) !== 0;
}

export function accessClass(regime: number, access: Access): AccessClass {
  return (regime >>> (access === Access.FETCH ? Regime.FETCH_SHIFT : Regime.DATA_SHIFT)) & Regime.CLASS_MASK;
}

/**
 * The leaf permission check (privileged spec 4.3.2 step 6): `leaf` holds LeafBits, `supervisor`
 * says the access is made in S-mode (else U-mode).
 */
export function leafAllows(leaf: number, access: Access, supervisor: boolean, sum: boolean, mxr: boolean): boolean {
  if (supervisor) {
    if ((leaf & LeafBit.U) !== 0 && (access === Access.FETCH || !sum)) return false;
  } else if ((leaf & LeafBit.U) === 0) {
    return false;
  }
  return access === Access.FETCH ? (leaf & LeafBit.X) !== 0
    : access === Access.WRITE ? (leaf & LeafBit.W) !== 0
    : (leaf & LeafBit.R) !== 0 || (mxr && (leaf & LeafBit.X) !== 0);
}

/** leafAllows under a regime, for an access class that translates (USER or SUPERVISOR). */
export function regimeAllows(regime: number, leaf: number, access: Access): boolean {
  return leafAllows(leaf, access, accessClass(regime, access) === AccessClass.SUPERVISOR,
    (regime & Regime.SUM) !== 0, (regime & Regime.MXR) !== 0);
}
