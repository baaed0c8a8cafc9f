// The slow paths of guest memory access: everything the interpreter's inline fast path does not
// serve. A fast-path miss comes here; this is where the translation store is searched again
// (claim step B1), the page tables are walked on a miss (B2a), positive and negative entries are
// filled (B2b, B2c), and accesses that need care are done: misaligned ones, ones that straddle
// two pages, MMIO, stores to pages holding decoded code or watched words, accesses to pages a
// debugger's watchpoints watch, and AMOs.
//
// An access that touches two pages, and every AMO, resolves all of its pages before its first
// side effect, so the mapping an instruction uses cannot change (or fault) halfway through it.

import { Access } from '../arch/access.js';
import { Priv } from '../arch/privilege.js';
import { SatpMode } from '../arch/satp.js';
import { Cause } from '../arch/traps.js';
import { PhysKind, type Bus } from '../bus/bus.js';
import { FAST_HOST_LIMIT, PageFlag } from '../bus/guest-memory.js';
import { HOT_WORDS_OFFSET, HotWord } from '../bus/hart-slots.js';
import { ACCESS_FAULT, PageWalker } from './page-walker.js';
import { PageCheck, Perm, type Pmp } from './pmp.js';
import { EntryKind, StoreStat, TranslationStore } from './translation-store.js';
import { NO_ASID } from './context-keys.js';
import { regimeOf, regimeTranslates } from './regime.js';
import { DOUBLE_ZERO } from '../arch/double-field.js';


const PERM_OF_ACCESS: readonly Perm[] = [Perm.R, Perm.W, Perm.X];
const MISALIGNED_CAUSE: readonly number[] = [Cause.LOAD_MISALIGNED, Cause.STORE_MISALIGNED, Cause.FETCH_MISALIGNED];

/** AMO operations, in the order of the A-extension's funct5 table used by the interpreter. */
export const enum AmoOp { SWAP, ADD, XOR, AND, OR, MIN, MAX, MINU, MAXU }

/** What the MMU needs from its hart: the trap channel and the translation context. */
export interface MmuHart {
  readonly hartId: number;
  /** Records an exception for the current instruction and throws TrapSignal. */
  raise(cause: number, tvalLo: number, tvalHi: number): never;
  /** Asks the run loop to stop after the current instruction (device side effects). */
  requestYield(): void;
  /** The guest asked to exit (HTIF). */
  requestStop(): void;
  /** Host offset of the code page the hart is running on. */
  readonly codeHost: number;
  /**
   * The current instruction is about to load (`reading`) or store `size` bytes at host offset
   * `hostOffset` of a page a debugger watches: if that hits a watchpoint, the hart stops before
   * the instruction (it raises, as a trap would, and nothing has changed yet).
   */
  watchedAccess(hostOffset: number, size: number, reading: boolean): void;
}

/** What the MMU needs from the hart's cache of decoded instructions: a store to a code page drops them. */
export interface DecodedCode {
  /** The page's instructions are decoded afresh as they run; the page keeps its place in the cache. */
  invalidatePage(hostPage: number): void;
  /** The page is data again: its place in the cache is given up. */
  releasePage(hostPage: number): void;
}

/** What the MMU needs from the board: it watches some words of guest memory (the HTIF tohost word). */
export interface WatchedWords {
  /** A store hit a watched page; true when the hart must stop after this instruction. */
  watchedWrite(hartId: number, hostOffset: number, size: number): boolean;
}

export class Mmu {
  private readonly hart: MmuHart;
  private readonly bus: Bus;
  private readonly pmp: Pmp;
  readonly store: TranslationStore;
  private readonly walker: PageWalker;
  private readonly code: DecodedCode;
  private readonly host: WatchedWords;
  private readonly view: DataView;
  private readonly bytes: Uint8Array;
  private readonly ram32: Int32Array;
  private readonly ram64: BigInt64Array;
  private readonly pageFlags: Uint8Array;

  // Translation context, refreshed by setContext() whenever it changes.
  private fetchPriv: Priv = Priv.M;
  private dataPriv: Priv = Priv.M;
  private satpMode: SatpMode = SatpMode.BARE;
  private rootPpn = DOUBLE_ZERO;
  private sum = false;
  private mxr = false;

  // Result of translate(): plain fields so the slow path allocates nothing.
  kind: EntryKind = EntryKind.EMPTY;
  /** RAM: host offset of the byte; DEVICE: offset from the device base */
  where = DOUBLE_ZERO;
  deviceIndex = 0;

  /**
   * Value returned by load(): low word, and high word for 8-byte loads. It starts outside a
   * browser's 31-bit Smis (double-field.ts) but inside Node's, where it stays a Smi field: the
   * interpreter reads it on every slow load, and as a double it cost Node's boot time.
   */
  valueHi = -0x8000_0000;

  /**
   * The LR/SC reservation, in the hart's exchange words (translated code reserves and
   * conditionally stores too), indexed by HotWord: valid, the reserved word's virtual address and
   * size, the value the LR read.
   */
  private readonly resv: Int32Array;

  constructor(hart: MmuHart, bus: Bus, pmp: Pmp, store: TranslationStore, code: DecodedCode, host: WatchedWords) {
    this.hart = hart;
    this.bus = bus;
    this.pmp = pmp;
    this.store = store;
    this.walker = new PageWalker(bus, pmp);
    this.code = code;
    this.host = host;
    this.view = bus.memory.view;
    this.bytes = bus.memory.bytes;
    this.ram32 = bus.memory.i32;
    this.ram64 = bus.memory.i64;
    this.pageFlags = bus.memory.pageFlags;
    this.resv = new Int32Array(bus.memory.buffer, bus.memory.hartSlot(hart.hartId) + HOT_WORDS_OFFSET, HotWord.COUNT);
  }

  /**
   * Installs a new translation context, and enters it in the store: entries of other contexts
   * stay there (they never hit in this one) for when the hart comes back to them.
   */
  setContext(priv: Priv, mprvPriv: Priv, satpMode: SatpMode, rootPpn: number, asid: number, sum: boolean, mxr: boolean): void {
    this.fetchPriv = priv;
    this.dataPriv = mprvPriv;
    this.satpMode = satpMode;
    this.rootPpn = rootPpn;
    this.sum = sum;
    this.mxr = mxr;
    const regime = regimeOf(priv, mprvPriv, satpMode, sum, mxr);
    if (regimeTranslates(regime)) this.store.switchContext(asid, rootPpn, regime);
    else this.store.switchContext(NO_ASID, 0, regime);
  }

  /**
   * Translates the page of (vaLo, vaHi) for `access` and leaves the result in kind/where/
   * deviceIndex; raises the fault otherwise. `size` is only used for a PMP check of a page that
   * PMP splits (such translations are not cached).
   */
  translate(vaLo: number, vaHi: number, access: Access, size: number): void {
    const store = this.store;
    const stats = store.stats;
    stats[StoreStat.LOOKUPS]++;
    const j = store.lookup(access, vaLo, vaHi);
    if (j >= 0) {
      const kind = store.kindAt(access, j);
      if (kind === EntryKind.NEGATIVE) {
        stats[StoreStat.NEGATIVE_HITS]++;
        this.hart.raise(store.payloadAt(access, j), vaLo, vaHi);
      }
      stats[StoreStat.HITS]++;
      this.kind = kind;
      this.where = (store.tables[access][j + 2] >>> 0) + (vaLo & 4095);
      this.deviceIndex = store.payloadAt(access, j);
      return;
    }

    // Miss: establish the mapping (claim step B2a).
    const priv = access === Access.FETCH ? this.fetchPriv : this.dataPriv;
    let pagePa: number;
    let leaf = 0, level = 0;
    if (priv === Priv.M || this.satpMode === SatpMode.BARE) {
      // No translation; physical addresses are 56 bits wide.
      if (vaHi < 0 || vaHi >= 0x1000000) return this.fault(access, vaLo, vaHi, ACCESS_FAULT[access]);
      pagePa = vaHi * 4294967296 + ((vaLo & -4096) >>> 0);
    } else {
      stats[StoreStat.WALKS]++;
      const cause = this.walker.walk(vaLo, vaHi, access, this.satpMode, this.rootPpn, priv, this.sum, this.mxr);
      if (cause !== 0) return this.fault(access, vaLo, vaHi, cause);
      pagePa = this.walker.pagePa;
      leaf = this.walker.leaf;
      level = this.walker.level;
    }

    const perm = PERM_OF_ACCESS[access];
    const pmpCheck = this.pmp.checkPage(pagePa, perm, priv === Priv.M);
    if (pmpCheck === PageCheck.DENIED) return this.fault(access, vaLo, vaHi, ACCESS_FAULT[access]);
    const pa = pagePa + (vaLo & 4095);
    const cacheable = pmpCheck === PageCheck.ALLOWED;
    if (!cacheable && !this.pmp.check(pa, size, perm, priv === Priv.M)) {
      this.hart.raise(ACCESS_FAULT[access], vaLo, vaHi);
    }

    const bus = this.bus;
    switch (bus.resolve(pagePa)) {
      case PhysKind.MEMORY: {
        if (access === Access.WRITE && !bus.writable) return this.fault(access, vaLo, vaHi, ACCESS_FAULT[access]);
        const hostPage = bus.hostOffset;
        const flags = this.pageFlags[hostPage >>> 12];
        const slow = hostPage >= FAST_HOST_LIMIT || (access === Access.WRITE ? flags !== 0 : access === Access.READ && (flags & PageFlag.READ_WATCHED) !== 0);
        const kind = slow ? EntryKind.RAM_SLOW : EntryKind.RAM;
        if (cacheable) store.fill(access, vaLo, vaHi, kind, hostPage, 0, leaf, level);
        this.kind = kind;
        this.where = hostPage + (vaLo & 4095);
        return;
      }
      case PhysKind.DEVICE: {
        if (access === Access.FETCH) return this.fault(access, vaLo, vaHi, ACCESS_FAULT[access]);
        const pageOffset = bus.deviceOffset;
        if (cacheable) store.fill(access, vaLo, vaHi, EntryKind.DEVICE, pageOffset, bus.deviceIndex, leaf, level);
        this.kind = EntryKind.DEVICE;
        this.where = pageOffset + (vaLo & 4095);
        this.deviceIndex = bus.deviceIndex;
        return;
      }
      default:
        return this.fault(access, vaLo, vaHi, ACCESS_FAULT[access]);
    }
  }

  /** A failed translation: record a negative entry (claim step B2c), then raise. */
  private fault(access: Access, vaLo: number, vaHi: number, cause: number): never {
    this.store.fill(access, vaLo, vaHi, EntryKind.NEGATIVE, 0, cause);
    return this.hart.raise(cause, vaLo, vaHi);
  }

  /** Host page offset of the page holding the instruction at (vaLo, vaHi). */
  fetchPage(vaLo: number, vaHi: number): number {
    this.translate(vaLo, vaHi, Access.FETCH, 2);
    return this.where - (this.where & 4095);
  }

  // ---- loads and stores ------------------------------------------------------------------

  /**
   * A load the fast path did not serve. Returns the low 32 bits (zero-extended for 1 and 2
   * bytes); for 8-byte loads the high word is left in valueHi.
   */
  loadSlow(vaLo: number, vaHi: number, size: number): number {
    const inPage = 4096 - (vaLo & 4095);
    if (size > inPage) return this.loadSplit(vaLo, vaHi, size, inPage);
    this.translate(vaLo, vaHi, Access.READ, size);
    if (this.kind === EntryKind.DEVICE) return this.deviceRead(vaLo, vaHi, size, Access.READ);
    if (this.kind === EntryKind.RAM_SLOW) this.beforeSlowRead(this.where, size);
    return this.readRam(this.where, size);
  }

  /** A load (or an AMO) is about to read a slow page: perhaps one a debugger's read watchpoints watch. */
  private beforeSlowRead(h: number, size: number): void {
    if (this.pageFlags[h >>> 12] & PageFlag.READ_WATCHED) this.hart.watchedAccess(h, size, true);
  }

  /** A store (or an AMO) is about to write a slow page: perhaps one a debugger's write watchpoints watch. */
  private beforeSlowWrite(h: number, size: number): void {
    if (this.pageFlags[h >>> 12] & PageFlag.WATCHED) this.hart.watchedAccess(h, size, false);
  }

  private readRam(h: number, size: number): number {
    const v = this.view;
    switch (size) {
      case 1: return v.getUint8(h);
      case 2: return v.getUint16(h, true);
      case 4: return v.getInt32(h, true);
      default: {
        if ((h & 7) !== 0) {
          this.valueHi = v.getInt32(h + 4, true);
          return v.getInt32(h, true);
        }
        // Aligned: another hart's 64-bit store (a single one) must not be seen half done.
        // Read hi, lo, hi: if hi held still, (hi, lo) is one value; this allocates nothing.
        // Atomics for the two reads of hi, so that the compiler cannot merge them.
        const ram32 = this.ram32, hiIndex = (h + 4) >>> 2;
        for (;;) {
          const hi = Atomics.load(ram32, hiIndex), lo = v.getInt32(h, true);
          if (Atomics.load(ram32, hiIndex) === hi) { this.valueHi = hi; return lo; }
        }
      }
    }
  }

  /** A load that straddles two pages: both are translated before any byte is read. */
  private loadSplit(vaLo: number, vaHi: number, size: number, inPage: number): number {
    const h1 = this.ramForSplit(vaLo, vaHi, Access.READ, inPage);
    const slow1 = this.kind === EntryKind.RAM_SLOW;
    const [lo2, hi2] = nextPage(vaLo, vaHi);
    const h2 = this.ramForSplit(lo2, hi2, Access.READ, size - inPage);
    if (slow1) this.beforeSlowRead(h1, inPage);
    if (this.kind === EntryKind.RAM_SLOW) this.beforeSlowRead(h2, size - inPage);
    let lo = 0, hi = 0;
    for (let i = size - 1; i >= 0; i--) {
      const b = this.bytes[i < inPage ? h1 + i : h2 + i - inPage];
      hi = (hi << 8) | (lo >>> 24);
      lo = (lo << 8) | b;
    }
    this.valueHi = hi;
    return lo;
  }

  /** Translates one part of a page-straddling access; MMIO cannot be split. */
  private ramForSplit(vaLo: number, vaHi: number, access: Access, size: number): number {
    this.translate(vaLo, vaHi, access, size);
    if (this.kind === EntryKind.DEVICE) this.hart.raise(ACCESS_FAULT[access], vaLo, vaHi);
    return this.where;
  }

  private deviceRead(vaLo: number, vaHi: number, size: number, access: Access): number {
    const mapping = this.bus.devices[this.deviceIndex];
    const offset = this.where;
    const value = (offset & (size - 1)) === 0 && offset + size <= mapping.size ? mapping.device.read(offset, size) : undefined;
    if (value === undefined) return this.hart.raise(ACCESS_FAULT[access], vaLo, vaHi);
    this.valueHi = Number(BigInt.asIntN(32, value >> 32n));
    return Number(BigInt.asIntN(32, value));
  }

  /** A store the fast path did not serve; value in (lo, hi). */
  storeSlow(vaLo: number, vaHi: number, size: number, lo: number, hi: number): void {
    const inPage = 4096 - (vaLo & 4095);
    if (size > inPage) return this.storeSplit(vaLo, vaHi, size, inPage, lo, hi);
    this.translate(vaLo, vaHi, Access.WRITE, size);
    if (this.kind === EntryKind.DEVICE) return this.deviceWrite(vaLo, vaHi, size, lo, hi);
    const h = this.where;
    if (this.kind === EntryKind.RAM_SLOW) this.beforeSlowWrite(h, size);
    const v = this.view;
    switch (size) {
      case 1: v.setUint8(h, lo & 0xff); break;
      case 2: v.setUint16(h, lo & 0xffff, true); break;
      case 4: v.setInt32(h, lo, true); break;
      default:
        // Aligned: one 64-bit write (single-copy atomic, e.g. a PTE another hart may be walking).
        if ((h & 7) === 0) this.ram64[h >>> 3] = (BigInt(hi) << 32n) | BigInt(lo >>> 0);
        else { v.setInt32(h, lo, true); v.setInt32(h + 4, hi, true); }
        break;
    }
    if (this.kind === EntryKind.RAM_SLOW) {
      this.afterSlowWrite(h, size);
      if (this.pageFlags[h >>> 12] === 0) this.store.promoteWrite(vaLo, vaHi);
    }
  }

  /** A store that straddles two pages: both are translated (and may fault) before any byte changes. */
  private storeSplit(vaLo: number, vaHi: number, size: number, inPage: number, lo: number, hi: number): void {
    const h1 = this.ramForSplit(vaLo, vaHi, Access.WRITE, inPage);
    const slow1 = this.kind === EntryKind.RAM_SLOW;
    const [lo2, hi2] = nextPage(vaLo, vaHi);
    const h2 = this.ramForSplit(lo2, hi2, Access.WRITE, size - inPage);
    const slow2 = this.kind === EntryKind.RAM_SLOW;
    if (slow1) this.beforeSlowWrite(h1, inPage);
    if (slow2) this.beforeSlowWrite(h2, size - inPage);
    for (let i = 0; i < size; i++) {
      const b = i < 4 ? (lo >>> (8 * i)) & 0xff : (hi >>> (8 * (i - 4))) & 0xff;
      this.bytes[i < inPage ? h1 + i : h2 + i - inPage] = b;
    }
    if (slow1) this.afterSlowWrite(h1, inPage);
    if (slow2) this.afterSlowWrite(h2, size - inPage);
  }

  private deviceWrite(vaLo: number, vaHi: number, size: number, lo: number, hi: number): void {
    const mapping = this.bus.devices[this.deviceIndex];
    const offset = this.where;
    const value = size === 8 ? (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)
      : BigInt((size === 4 ? lo : lo & ((1 << (8 * size)) - 1)) >>> 0);
    const ok = (offset & (size - 1)) === 0 && offset + size <= mapping.size && mapping.device.write(offset, size, value);
    if (!ok) this.hart.raise(Cause.STORE_ACCESS_FAULT, vaLo, vaHi);
    // A device write may raise or clear an interrupt: let the run loop look.
    this.hart.requestYield();
  }

  /** A store reached a page holding decoded code or a watched word. */
  private afterSlowWrite(h: number, size: number): void {
    const page = h >>> 12;
    const flags = this.pageFlags[page];
    if (flags & (PageFlag.CODE | PageFlag.TRANSLATED)) {
      // The page the hart runs on keeps its slot and is re-decoded as it runs (code writing
      // itself). Any other page is data again: its slot is released, so that later stores to it
      // are fast. Kept, every store to it would be slow and re-clear its decoded code, forever:
      // freed kernel init text, for one, becomes processes' stacks and heaps.
      if (page === this.hart.codeHost >>> 12) this.code.invalidatePage(page);
      else this.code.releasePage(page);
    }
    if (flags & PageFlag.WATCHED) {
      if (this.host.watchedWrite(this.hart.hartId, h, size)) this.hart.requestStop();
    }
    // The reservation of an LR is broken by any store of this hart to the reserved word.
  }

  // ---- atomics ---------------------------------------------------------------------------

  /** Resolves the address of an AMO/LR/SC: alignment, then translation; returns the host offset. */
  private atomicAddress(vaLo: number, vaHi: number, size: number, access: Access): number {
    if ((vaLo & (size - 1)) !== 0) this.hart.raise(MISALIGNED_CAUSE[access], vaLo, vaHi);
    this.translate(vaLo, vaHi, access, size);
    if (this.kind === EntryKind.DEVICE) this.hart.raise(ACCESS_FAULT[access], vaLo, vaHi);
    return this.where;
  }

  /** lr.w / lr.d: returns the loaded value (BigInt, sign-extended). */
  loadReserved(vaLo: number, vaHi: number, size: number): bigint {
    const h = this.atomicAddress(vaLo, vaHi, size, Access.READ);
    if (this.kind === EntryKind.RAM_SLOW) this.beforeSlowRead(h, size);
    const value = size === 4 ? BigInt(Atomics.load(this.ram32, h >>> 2)) : Atomics.load(this.ram64, h >>> 3);
    const resv = this.resv;
    resv[HotWord.RESV_VALID] = 1;
    resv[HotWord.RESV_LO] = vaLo;
    resv[HotWord.RESV_HI] = vaHi;
    resv[HotWord.RESV_SIZE] = size;
    resv[HotWord.RESV_VALUE_LO] = Number(BigInt.asIntN(32, value));
    resv[HotWord.RESV_VALUE_HI] = Number(value >> 32n);
    return value;
  }

  /**
   * sc.w / sc.d: returns 0 on success, 1 on failure. Without a matching reservation it fails
   * without touching memory; with one it stores only if the word still holds the value the LR
   * saw (compare-and-swap).
   */
  storeConditional(vaLo: number, vaHi: number, size: number, value: bigint): number {
    if ((vaLo & (size - 1)) !== 0) this.hart.raise(Cause.STORE_MISALIGNED, vaLo, vaHi);
    const resv = this.resv;
    const matches = resv[HotWord.RESV_VALID] === 1 && resv[HotWord.RESV_LO] === vaLo && resv[HotWord.RESV_HI] === vaHi
      && resv[HotWord.RESV_SIZE] === size;
    if (!matches) {
      resv[HotWord.RESV_VALID] = 0;
      return 1;
    }
    // (a trap here drops the reservation as it is taken; a watchpoint's stop keeps it, for the sc to run again)
    const h = this.atomicAddress(vaLo, vaHi, size, Access.WRITE);
    if (this.kind === EntryKind.RAM_SLOW) this.beforeSlowWrite(h, size);
    resv[HotWord.RESV_VALID] = 0;
    let ok: boolean;
    if (size === 4) {
      const expected = resv[HotWord.RESV_VALUE_LO];
      ok = Atomics.compareExchange(this.ram32, h >>> 2, expected, Number(BigInt.asIntN(32, value))) === expected;
    } else {
      const expected = (BigInt(resv[HotWord.RESV_VALUE_HI]) << 32n) | BigInt(resv[HotWord.RESV_VALUE_LO] >>> 0);
      ok = Atomics.compareExchange(this.ram64, h >>> 3, expected, BigInt.asIntN(64, value)) === expected;
    }
    if (ok && this.kind === EntryKind.RAM_SLOW) this.afterSlowWrite(h, size);
    return ok ? 0 : 1;
  }

  /** Drops any LR reservation (trap entry, context switch). */
  clearReservation(): void {
    this.resv[HotWord.RESV_VALID] = 0;
  }

  /** A read-modify-write AMO; returns the old value (sign-extended BigInt). */
  amo(vaLo: number, vaHi: number, size: number, op: AmoOp, operand: bigint): bigint {
    const h = this.atomicAddress(vaLo, vaHi, size, Access.WRITE);
    if (this.kind === EntryKind.RAM_SLOW) {
      // it reads, then writes (a READ_WATCHED page, like any page with a flag, has slow write entries)
      this.beforeSlowRead(h, size);
      this.beforeSlowWrite(h, size);
    }
    const old = size === 4 ? BigInt(amo32(this.ram32, h >>> 2, op, Number(BigInt.asIntN(32, operand))))
      : amo64(this.ram64, h >>> 3, op, BigInt.asIntN(64, operand));
    if (this.kind === EntryKind.RAM_SLOW) this.afterSlowWrite(h, size);
    return old;
  }
}

function nextPage(vaLo: number, vaHi: number): [number, number] {
  const next = ((vaLo & -4096) >>> 0) + 4096;
  return next >= 4294967296 ? [0, (vaHi + 1) | 0] : [next | 0, vaHi];
}

function amo32(m: Int32Array, i: number, op: AmoOp, v: number): number {
  switch (op) {
    case AmoOp.SWAP: return Atomics.exchange(m, i, v);
    case AmoOp.ADD: return Atomics.add(m, i, v);
    case AmoOp.XOR: return Atomics.xor(m, i, v);
    case AmoOp.AND: return Atomics.and(m, i, v);
    case AmoOp.OR: return Atomics.or(m, i, v);
  }
  for (;;) {
    const old = Atomics.load(m, i);
    let pick: boolean;
    switch (op) {
      case AmoOp.MIN: pick = v < old; break;
      case AmoOp.MAX: pick = v > old; break;
      case AmoOp.MINU: pick = (v >>> 0) < (old >>> 0); break;
      default: pick = (v >>> 0) > (old >>> 0); break;
    }
    if (!pick || Atomics.compareExchange(m, i, old, v) === old) return old;
  }
}

function amo64(m: BigInt64Array, i: number, op: AmoOp, v: bigint): bigint {
  switch (op) {
    case AmoOp.SWAP: return Atomics.exchange(m, i, v);
    case AmoOp.ADD: return Atomics.add(m, i, v);
    case AmoOp.XOR: return Atomics.xor(m, i, v);
    case AmoOp.AND: return Atomics.and(m, i, v);
    case AmoOp.OR: return Atomics.or(m, i, v);
  }
  for (;;) {
    const old = Atomics.load(m, i);
    let pick: boolean;
    switch (op) {
      case AmoOp.MIN: pick = v < old; break;
      case AmoOp.MAX: pick = v > old; break;
      case AmoOp.MINU: pick = BigInt.asUintN(64, v) < BigInt.asUintN(64, old); break;
      default: pick = BigInt.asUintN(64, v) > BigInt.asUintN(64, old); break;
    }
    if (!pick || Atomics.compareExchange(m, i, old, v) === old) return old;
  }
}
