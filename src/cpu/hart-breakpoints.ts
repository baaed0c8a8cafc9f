// A debugger's breakpoints and watchpoints as one hart sees them. Breakpoints: virtual addresses, as gdb gives them and as
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

/** What a watchpoint watches: stores (gdb's watch, Z2), loads (rwatch, Z3), or both (awatch, Z4). */
export const enum WatchKind { WRITE = 0, READ = 1, ACCESS = 2 }

/** A watchpoint: `length` bytes of guest RAM at host offset `host`, which the debugger calls `address`. */
export interface HostWatch {
  host: number;
  length: number;
  address: bigint;
  kind: WatchKind;
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
 * Watchpoints: the pages of write and access watches are WATCHED in the hart's page flags, so that
 * stores to them take the MMU's slow path, and the pages of read and access watches READ_WATCHED,
 * so that loads from them do; there, before the access, the MMU asks the hart
 * (Hart.watchedAccess), which stops before the instruction if it hits a watch. Instruction
 * fetches are not data accesses: they never look.
 */
export class HartWatches {
  readonly list: readonly HostWatch[];
  private readonly pageFlags: Uint8Array;

  constructor(list: readonly HostWatch[], pageFlags: Uint8Array) {
    this.list = list;
    this.pageFlags = pageFlags;
    for (const w of list) {
      const flags = (w.kind !== WatchKind.READ ? PageFlag.WATCHED : 0) | (w.kind !== WatchKind.WRITE ? PageFlag.READ_WATCHED : 0);
      for (let p = w.host >>> 12; p <= (w.host + w.length - 1) >>> 12; p++) pageFlags[p] |= flags;
    }
  }

  /** Takes the watches off the pages (the hart's store must drop its entries after). */
  remove(): void {
    for (const w of this.list) {
      for (let p = w.host >>> 12; p <= (w.host + w.length - 1) >>> 12; p++) this.pageFlags[p] &= ~(PageFlag.WATCHED | PageFlag.READ_WATCHED);
    }
  }

  /** The first watch a load (`reading`) or store of `size` bytes at host offset `host` hits, or undefined. */
  hit(host: number, size: number, reading: boolean): HostWatch | undefined {
    for (const w of this.list) {
      if (w.kind === (reading ? WatchKind.WRITE : WatchKind.READ)) continue;
      if (host < w.host + w.length && w.host < host + size) return w;
    }
    return undefined;
  }
}

/** The debugger's address of the first byte of `watch` an access of `host` touched. */
export function watchedByteAddress(watch: HostWatch, host: number): bigint {
  return watch.address + BigInt(Math.max(0, host - watch.host));
}
