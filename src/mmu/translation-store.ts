// The per-hart translation store (shared/mission/translation-store.md): a private table of
// virtual-page -> physical-page mappings, separate from the guest's page tables, holding
// positive entries (RAM or device) and negative ones (the walk failed: fault at once).
//
// Layout: one direct-mapped table per access kind (read, write, fetch), each an Int32Array of
// ENTRIES records of four words:
//   [0] tagLo  = (page VA low word) ^ genKey, with SLOW_BIT set for entries the fast path must
//                not use (device pages, watched RAM pages, negative entries, empty slots)
//   [1] tagHi  = VA high word
//   [2] host   = host offset of the page in guest memory (its low 32 bits: read it with
//                `>>> 0`; only offsets below FAST_HOST_LIMIT get fast entries), the device page
//                offset, or for a negative entry the store's negative epoch when it was filled
//   [3] aux    = EntryKind | LeafBits << 3 | leaf level << 8 | payload << 11 (payload: the device
//                index, or the fault cause of a negative entry; LeafBits and level: those of the
//                leaf PTE a translated positive entry came from, else 0)
//
// The interpreter's fast path is `T[j] === ((va & alignMask) ^ genKey) && T[j+1] === vaHi`:
// bits 0..2 of the key are the access's misalignment (so misaligned accesses miss), bit 3 is
// never set in a key (so slow entries never hit), bits 4..11 hold the key of the current
// translation context (context-keys.ts): each context (address space, privilege, SUM, MXR)
// tags its entries with a key of its own, so entries survive while the hart runs in other
// contexts, and a switch of context is a change of genKey, with no invalidation.
//
// A miss looks at the record once more before it walks: an entry of the same page left there by
// another context may serve this one when that context had the same address space, or when the
// entry is global (the PTE's G bit), and its leaf permits the access under this context's
// privilege, SUM and MXR. It is then re-tagged with the current key: no walk.
//
// Negative entries, unlike positive ones, die at every change of context, as they did when every
// change of context invalidated the store: a kernel may answer a fault on a page another hart has
// just mapped by returning with no fence at all (Linux 6.1 does for reads), and a negative entry
// kept across that trap would fault again forever. The spec lets a hart drop an entry any time.
//
// Invalidation never visits entries, except for the rare fence of an address inside a cached
// superpage: bulk invalidation starts a new key epoch; an ASID fence kills that ASID's keys; an
// address fence empties the page's record in each table, which is the only one it can be in.
// Only when the 8-bit key space is used up (each invalidation and each new context takes a key)
// are the tables refilled with empty records, so that no entry of a key handed out again survives.

import { Access } from '../arch/access.js';
import { FlushPolicy } from '../arch/flush-policy.js';
import { FAST_HOST_LIMIT } from '../bus/guest-memory.js';
import { STORE_ENTRIES, STORE_TABLE_BYTES } from '../bus/hart-slots.js';
import { ContextKeys, KEY_COUNT, NO_ASID } from './context-keys.js';
import { accessClass, AccessClass, LeafBit, regimeAllows, Regime } from './regime.js';
import { DOUBLE_ZERO } from '../arch/double-field.js';

export const enum EntryKind { EMPTY = 0, RAM = 1, RAM_SLOW = 2, DEVICE = 3, NEGATIVE = 4 }

export { STORE_ENTRIES };
/** Mask applied to `va >>> 10` to get a record's word index (entry index * 4). */
export const STORE_INDEX_MASK = (STORE_ENTRIES - 1) << 2;
export const SLOW_BIT = 8;
const KEY_SHIFT = 4;
/** Keys fill tag bits 4..11: the page offset's bits above the alignment and slow bits. */
const KEY_MASK = KEY_COUNT - 1;
const KEY_BITS = KEY_MASK << KEY_SHIFT;

/** Fields of a record's aux word. */
const enum Aux { KIND_MASK = 7, LEAF_SHIFT = 3, LEAF_MASK = 31, LEVEL_SHIFT = 8, LEVEL_MASK = 7, PAYLOAD_SHIFT = 11 }

/** Alignment masks folded into the tag compare, by access size. */
export const ALIGN_MASK_1 = -4096;
export const ALIGN_MASK_2 = -4096 | 1;
export const ALIGN_MASK_4 = -4096 | 3;
export const ALIGN_MASK_8 = -4096 | 7;

/** Counters, kept as doubles so they never wrap. */
export const enum StoreStat {
  LOOKUPS = 0, HITS, NEGATIVE_HITS, WALKS, INVALIDATIONS, FILLS_NEGATIVE,
  /** changes of translation context (each a change of key, none an invalidation) */
  CONTEXT_SWITCHES,
  /** ... into a context whose key was still alive, so its entries served again */
  CONTEXTS_RESUMED,
  /** misses served by re-tagging an entry of another context of the same address space */
  RETAGS,
  /** misses served by re-tagging a global entry of another address space */
  GLOBAL_RETAGS,
  /** sfence.vma with an ASID and no address */
  ASID_FENCES,
  /** sfence.vma with an address */
  PAGE_FENCES,
  /** address fences that fell inside a cached superpage and so looked at every entry */
  SUPERPAGE_SCANS,
  /** times the key space was used up and the tables emptied */
  KEY_RECYCLES,
  COUNT,
}

/** Int32 words in a table, and the shift that puts a table number above a word index. */
const TABLE_WORDS = STORE_ENTRIES * 4;
const TABLE_SHIFT = Math.log2(TABLE_WORDS);
/** Fills the log of filled records holds (see TranslationStore.filled). */
const FILL_LOG_SIZE = 4096;

/** 4 KiB pages in a leaf of each level. */
const PAGES_AT_LEVEL = [1, 2 ** 9, 2 ** 18, 2 ** 27, 2 ** 36];

export class TranslationStore {
  readonly tables: [Int32Array, Int32Array, Int32Array];
  /** the current context's key, pre-shifted into key position */
  genKey = 0;
  readonly policy: FlushPolicy;
  readonly stats = new Float64Array(StoreStat.COUNT);
  private readonly keys = new ContextKeys();

  // The current context.
  private asid = NO_ASID;
  private root = DOUBLE_ZERO;
  private regime = 0;
  /** bumped at every change of context: negative entries of an older one are not used */
  private negativeEpoch = 0;

  /**
   * The virtual page numbers (VA >> 12) that entries from superpages may cover, bounds included:
   * an address fence inside them has to find the entries of the whole superpage.
   */
  private superpagesFrom = Infinity;
  private superpagesTo = -Infinity;

  /**
   * The records filled since the tables were last emptied (table * TABLE_WORDS + word index), so
   * that emptying them, which a policy that invalidates often does every KEY_COUNT invalidations,
   * visits those and not every record. Past FILL_LOG_SIZE fills it visits every record.
   */
  private readonly filled = new Int32Array(FILL_LOG_SIZE);
  /** fills since the tables were emptied, up to FILL_LOG_SIZE + 1 (as at the start): then all records */
  private fills = FILL_LOG_SIZE + 1;
  /**
   * A bit per host page below FAST_HOST_LIMIT that a fast write entry has pointed at since the
   * tables were last emptied: a page with none needs no search when code is decoded there.
   */
  private readonly fastWriteTargets = new Int32Array(FAST_HOST_LIMIT / 4096 / 32);

  /** The tables live in `buffer` from `byteOffset` on (a hart's slot of hot state), else in a buffer of their own. */
  constructor(policy: FlushPolicy, buffer: ArrayBufferLike = new ArrayBuffer(3 * STORE_TABLE_BYTES), byteOffset = 0) {
    this.policy = policy;
    const table = (i: number) => new Int32Array(buffer, byteOffset + i * STORE_TABLE_BYTES, STORE_ENTRIES * 4);
    this.tables = [table(Access.READ), table(Access.WRITE), table(Access.FETCH)];
    this.clearTables();
    this.useKey(this.newKey());
  }

  /**
   * Enters a translation context: `asid` and `root` name its address space (NO_ASID and 0 when
   * nothing is translated), `regime` how accesses are checked in it (regime.ts). Entries the
   * context filled before, if nothing has invalidated them since, serve again.
   */
  switchContext(asid: number, root: number, regime: number): void {
    if (asid === this.asid && root === this.root && regime === this.regime) return;
    this.asid = asid;
    this.root = root;
    this.regime = regime;
    this.negativeEpoch = (this.negativeEpoch + 1) | 0;
    this.stats[StoreStat.CONTEXT_SWITCHES]++;
    const k = this.keys.find(asid, root, regime);
    if (k >= 0) {
      this.stats[StoreStat.CONTEXTS_RESUMED]++;
      this.useKey(k);
    } else {
      this.useKey(this.newKey());
    }
  }

  /** Invalidates every entry of every context (claim step C, and sfence.vma x0, x0). */
  invalidateAll(): void {
    this.stats[StoreStat.INVALIDATIONS]++;
    this.keys.killAll();
    this.useKey(this.newKey());
  }

  /** sfence.vma x0, asid: drops the entries of that address space, except global ones. */
  fenceAsid(asid: number): void {
    this.stats[StoreStat.ASID_FENCES]++;
    this.keys.killAsid(asid);
    if (!this.keys.alive(this.genKey >>> KEY_SHIFT)) this.useKey(this.newKey());
  }

  /**
   * sfence.vma va, asid: drops the entries that translate `va` in that address space (not the
   * global ones), or with `asid` = NO_ASID in every address space (global ones too).
   */
  fencePage(vaLo: number, vaHi: number, asid: number): void {
    this.stats[StoreStat.PAGE_FENCES]++;
    const j = (vaLo >>> 10) & STORE_INDEX_MASK;
    const page = vaLo & -4096;
    for (const t of this.tables) {
      if ((t[j] & -4096) === page && t[j + 1] === vaHi && t[j + 3] !== EntryKind.EMPTY && this.fenceNames(t, j, asid)) emptyRecord(t, j);
    }
    const vpn = vaHi * 1048576 + (vaLo >>> 12);
    if (vpn >= this.superpagesFrom && vpn <= this.superpagesTo) this.fenceSuperpages(vpn, asid);
  }

  /** Drops the entries of every superpage that holds page `vpn`, and narrows the superpage bounds. */
  private fenceSuperpages(vpn: number, asid: number): void {
    this.stats[StoreStat.SUPERPAGE_SCANS]++;
    let from = Infinity, to = -Infinity;
    for (const t of this.tables) {
      for (let j = 0; j < t.length; j += 4) {
        const level = (t[j + 3] >>> Aux.LEVEL_SHIFT) & Aux.LEVEL_MASK;
        if (level === 0) continue;
        const pages = PAGES_AT_LEVEL[level];
        const first = Math.floor((t[j + 1] * 1048576 + (t[j] >>> 12)) / pages) * pages;
        if (vpn >= first && vpn < first + pages && this.fenceNames(t, j, asid)) {
          emptyRecord(t, j);
        } else {
          if (first < from) from = first;
          if (first + pages - 1 > to) to = first + pages - 1;
        }
      }
    }
    this.superpagesFrom = from;
    this.superpagesTo = to;
  }

  /** Whether a fence of `asid` (NO_ASID: all of them) drops the entry in record j of t. */
  private fenceNames(t: Int32Array, j: number, asid: number): boolean {
    if (asid === NO_ASID) return true;
    if ((t[j + 3] >>> Aux.LEAF_SHIFT) & LeafBit.G) return false;
    return this.keys.asid[(t[j] >>> KEY_SHIFT) & KEY_MASK] === asid;
  }

  /** A fresh key for the current context; when the key space is used up, the tables are emptied first. */
  private newKey(): number {
    let k = this.keys.allocate(this.asid, this.root, this.regime);
    if (k < 0) {
      this.stats[StoreStat.KEY_RECYCLES]++;
      this.clearTables();
      this.keys.restart();
      k = this.keys.allocate(this.asid, this.root, this.regime);
    }
    return k;
  }

  private useKey(k: number): void {
    this.genKey = k << KEY_SHIFT;
  }

  private clearTables(): void {
    if (this.fills <= FILL_LOG_SIZE) {
      const tables = this.tables, filled = this.filled;
      for (let i = 0; i < this.fills; i++) {
        const r = filled[i];
        emptyRecord(tables[r >>> TABLE_SHIFT], r & (TABLE_WORDS - 1));
      }
    } else {
      for (const t of this.tables) {
        for (let j = 0; j < t.length; j += 4) emptyRecord(t, j);
      }
      this.fastWriteTargets.fill(0);
    }
    this.fills = 0;
    this.superpagesFrom = Infinity;
    this.superpagesTo = -Infinity;
  }

  /** Word index of the record that `va` maps to. */
  static indexOf(vaLo: number): number {
    return (vaLo >>> 10) & STORE_INDEX_MASK;
  }

  /**
   * Slow-path search (claim step B1): the record index if the table holds an entry of any kind
   * for this page in the current context, else -1.
   */
  find(access: Access, vaLo: number, vaHi: number): number {
    const t = this.tables[access];
    const j = (vaLo >>> 10) & STORE_INDEX_MASK;
    if ((t[j] & ~SLOW_BIT) === ((vaLo & -4096) ^ this.genKey) && t[j + 1] === vaHi && t[j + 3] !== EntryKind.EMPTY) return j;
    return -1;
  }

  /**
   * find() (a negative entry only if filled since the hart entered this context), then an entry
   * of this page that another context filled and that may serve this one without a walk: a
   * positive translated entry of the same address space, or a global one of any address space
   * (since the last full invalidation, in the same paging mode), whose leaf permits the access
   * here. It is re-tagged for this context. The record index, else -1.
   */
  lookup(access: Access, vaLo: number, vaHi: number): number {
    const t = this.tables[access];
    const j = (vaLo >>> 10) & STORE_INDEX_MASK;
    // The common miss, kept short: no entry of this page at all.
    if ((t[j] & -4096) !== (vaLo & -4096) || t[j + 1] !== vaHi || t[j + 3] === EntryKind.EMPTY) return -1;
    if ((t[j] & KEY_BITS) !== this.genKey) return this.adopt(access, t, j, vaLo);
    return (t[j + 3] & Aux.KIND_MASK) !== EntryKind.NEGATIVE || t[j + 2] === this.negativeEpoch ? j : -1;
  }

  /** lookup() of an entry of this page that another context filled: re-tags it if it may serve. */
  private adopt(access: Access, t: Int32Array, j: number, vaLo: number): number {
    const tag = t[j], aux = t[j + 3], kind = aux & Aux.KIND_MASK;
    if (kind === EntryKind.NEGATIVE) return -1;
    const keys = this.keys, k = (tag >>> KEY_SHIFT) & KEY_MASK, regime = this.regime;
    if (!keys.sinceFullInvalidation(k) || ((keys.regime[k] ^ regime) & Regime.MODE_MASK) !== 0) return -1;
    if (accessClass(keys.regime[k], access) < AccessClass.USER || accessClass(regime, access) < AccessClass.USER) return -1;
    const leaf = (aux >>> Aux.LEAF_SHIFT) & Aux.LEAF_MASK;
    const sameSpace = keys.asid[k] === this.asid && keys.root[k] === this.root;
    if (!(sameSpace && keys.alive(k)) && (leaf & LeafBit.G) === 0) return -1;
    if (!regimeAllows(regime, leaf, access)) return -1;
    t[j] = ((vaLo & -4096) ^ this.genKey) | (tag & SLOW_BIT);
    this.stats[sameSpace ? StoreStat.RETAGS : StoreStat.GLOBAL_RETAGS]++;
    return j;
  }

  /**
   * Adds an entry (claim steps B2b / B2c). `leaf` and `level` describe the leaf PTE of a
   * translated positive entry (LeafBits, and 0 for a 4 KiB page, 1 for 2 MiB, ...), else 0.
   */
  fill(access: Access, vaLo: number, vaHi: number, kind: EntryKind, host: number, payload: number, leaf = 0, level = 0): number {
    const t = this.tables[access];
    const j = (vaLo >>> 10) & STORE_INDEX_MASK;
    t[j] = ((vaLo & -4096) ^ this.genKey) | (kind === EntryKind.RAM ? 0 : SLOW_BIT);
    t[j + 1] = vaHi;
    t[j + 2] = kind === EntryKind.NEGATIVE ? this.negativeEpoch : host;
    t[j + 3] = kind | (leaf << Aux.LEAF_SHIFT) | (level << Aux.LEVEL_SHIFT) | (payload << Aux.PAYLOAD_SHIFT);
    if (this.fills < FILL_LOG_SIZE) this.filled[this.fills] = access << TABLE_SHIFT | j;
    if (this.fills <= FILL_LOG_SIZE) this.fills++;
    if (kind === EntryKind.RAM && access === Access.WRITE) this.noteFastWrite(host);
    if (kind === EntryKind.NEGATIVE) this.stats[StoreStat.FILLS_NEGATIVE]++;
    if (level > 0) this.widenSuperpages(vaLo, vaHi, level);
    return j;
  }

  /** The superpage bounds take in the superpage of `level` that holds (vaLo, vaHi). */
  private widenSuperpages(vaLo: number, vaHi: number, level: number): void {
    const pages = PAGES_AT_LEVEL[level];
    const first = Math.floor((vaHi * 1048576 + (vaLo >>> 12)) / pages) * pages;
    if (first < this.superpagesFrom) this.superpagesFrom = first;
    if (first + pages - 1 > this.superpagesTo) this.superpagesTo = first + pages - 1;
  }

  /** The payload of the entry in record j of the table of `access` (device index or fault cause). */
  payloadAt(access: Access, j: number): number {
    return this.tables[access][j + 3] >>> Aux.PAYLOAD_SHIFT;
  }

  /** The kind of the entry in record j of the table of `access`. */
  kindAt(access: Access, j: number): EntryKind {
    return this.tables[access][j + 3] & Aux.KIND_MASK;
  }

  /** Makes the slow write entry of this page a fast one again (its host page holds no code any more). */
  promoteWrite(vaLo: number, vaHi: number): void {
    const j = this.find(Access.WRITE, vaLo, vaHi);
    const t = this.tables[Access.WRITE];
    if (j >= 0 && (t[j + 3] & Aux.KIND_MASK) === EntryKind.RAM_SLOW && (t[j + 2] >>> 0) < FAST_HOST_LIMIT) {
      t[j] &= ~SLOW_BIT;
      t[j + 3] = (t[j + 3] & ~Aux.KIND_MASK) | EntryKind.RAM;
      this.noteFastWrite(t[j + 2]);
    }
  }

  /** A fast write entry points at host offset `host` (below FAST_HOST_LIMIT). */
  private noteFastWrite(host: number): void {
    const page = host >>> 12;
    this.fastWriteTargets[page >>> 5] |= 1 << (page & 31);
  }

  /**
   * Turns fast write entries that point at host page `hostPage` into slow ones (code was decoded
   * there), those of every context: an entry of another context may serve again later.
   */
  demoteWritesTo(hostPage: number): void {
    const targets = this.fastWriteTargets, bit = 1 << (hostPage & 31);
    if (hostPage >= FAST_HOST_LIMIT / 4096 || (targets[hostPage >>> 5] & bit) === 0) return;
    targets[hostPage >>> 5] &= ~bit;
    const t = this.tables[Access.WRITE];
    const host = hostPage << 12;
    for (let j = 0; j < t.length; j += 4) {
      if ((t[j + 3] & Aux.KIND_MASK) === EntryKind.RAM && t[j + 2] === host) {
        t[j] |= SLOW_BIT;
        t[j + 3] = (t[j + 3] & ~Aux.KIND_MASK) | EntryKind.RAM_SLOW;
      }
    }
  }
}

function emptyRecord(t: Int32Array, j: number): void {
  t[j] = SLOW_BIT;
  t[j + 1] = 0;
  t[j + 2] = 0;
  t[j + 3] = EntryKind.EMPTY;
}
