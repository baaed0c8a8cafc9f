// A debugger's breakpoints and write watchpoints as one hart sees them. Breakpoints: virtual addresses, as gdb gives them and as
// QEMU matches them. The code cache is per physical page, so a breakpoint becomes a marker op
// (Op.BREAKPOINT) in the slot of the instruction when that slot is decoded at a breakpoint's
// address; the interpreter meets it on its slow path and nowhere else, so a hart without
// breakpoints runs exactly as before. A physical page can run at several virtual addresses
// (Linux runs its first code at its physical address, then at its link address): each cache
// page remembers the virtual page it was decoded at, and is decoded afresh at another.

import { PageFlag } from '../bus/guest-memory.js';
import { CODE_PAGES } from './code-cache.js';

/** Why a hart stopped for a debugger (Hart.debugStop). */
export const enum DebugStop { NONE = 0, BREAKPOINT = 1, WATCHPOINT = 2 }

/** A write watchpoint: `length` bytes of guest RAM at host offset `host`, which the debugger calls `address`. */
export interface HostWatch {
  host: number;
  length: number;
  address: bigint;
}

export class HartBreakpoints {
  private readonly addresses: ReadonlySet<bigint>;
  /** the virtual pages that hold a breakpoint, each as pageHi * 2^20 + (pageLo >>> 12) */
  private readonly pages: ReadonlySet<number>;
  /** the virtual page (two int32 halves) each cache page was last decoded at; hi NaN: none */
  private readonly decodedAt = new Float64Array(CODE_PAGES * 2).fill(NaN);

  constructor(addresses: Iterable<bigint>) {
    this.addresses = new Set([...addresses].map((a) => BigInt.asUintN(64, a)));
    this.pages = new Set([...this.addresses].map((a) => pageKey(Number(BigInt.asIntN(32, a)) & -4096, Number(BigInt.asIntN(32, a >> 32n)))));
  }

  /** Whether the virtual page (pageLo, pageHi) holds a breakpoint. */
  onPage(pageLo: number, pageHi: number): boolean {
    return this.pages.has(pageKey(pageLo, pageHi));
  }

  get size(): number {
    return this.addresses.size;
  }

  /** Whether the instruction at virtual address `va` has a breakpoint. */
  has(va: bigint): boolean {
    return this.addresses.has(BigInt.asUintN(64, va));
  }

  /**
   * The hart enters cache page `slot` at virtual page (pageLo, pageHi); returns whether that
   * page's decoded instructions were decoded at another virtual page (so must be dropped).
   */
  enteredAt(slot: number, pageLo: number, pageHi: number): boolean {
    const at = this.decodedAt;
    const changed = at[2 * slot] !== pageLo || at[2 * slot + 1] !== pageHi;
    at[2 * slot] = pageLo;
    at[2 * slot + 1] = pageHi;
    return changed;
  }
}

function pageKey(pageLo: number, pageHi: number): number {
  return (pageHi >>> 0) * 1048576 + (pageLo >>> 12);
}

/** The virtual address of byte `off` of the code page (pageLo, pageHi). */
export function codeAddress(pageLo: number, pageHi: number, off: number): bigint {
  return BigInt.asUintN(64, (BigInt(pageHi) << 32n) | BigInt((pageLo >>> 0) + off));
}

/**
 * Write watchpoints: their pages are WATCHED in the hart's page flags, so that stores to them take
 * the MMU's slow path (mmu.ts afterSlowWrite), which tells the hart (Hart.watchedWrite).
 */
export class HartWatches {
  readonly list: readonly HostWatch[];
  private readonly pageFlags: Uint8Array;

  constructor(list: readonly HostWatch[], pageFlags: Uint8Array) {
    this.list = list;
    this.pageFlags = pageFlags;
    for (const w of list) for (let p = w.host >>> 12; p <= (w.host + w.length - 1) >>> 12; p++) pageFlags[p] |= PageFlag.WATCHED;
  }

  /** Takes the watch off the pages (the hart's store must drop its write entries after). */
  remove(): void {
    for (const w of this.list) for (let p = w.host >>> 12; p <= (w.host + w.length - 1) >>> 12; p++) this.pageFlags[p] &= ~PageFlag.WATCHED;
  }

  /** The debugger's address of the watched bytes a store of `size` at host offset `host` wrote, or -1n. */
  hit(host: number, size: number): bigint {
    for (const w of this.list) {
      if (host < w.host + w.length && w.host < host + size) return w.address + BigInt(Math.max(0, host - w.host));
    }
    return -1n;
  }
}
