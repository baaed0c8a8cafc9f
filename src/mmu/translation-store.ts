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
//                `>>> 0`; only offsets below FAST_HOST_LIMIT get fast entries), or the device
//                page offset
//   [3] aux    = EntryKind | payload << 3 (device index, or the fault cause of a negative entry)
//
// The interpreter's fast path is `T[j] === ((va & alignMask) ^ genKey) && T[j+1] === vaHi`:
// bits 0..2 of the key are the access's misalignment (so misaligned accesses miss), bit 3 is
// never set in a key (so slow entries never hit), bits 4..11 hold the generation.
//
// Bulk invalidation is O(1): bump the generation, which changes every key, so no old entry can
// match. Only when the 8-bit generation wraps, once every 256 invalidations, are the tables
// refilled with empty records so that entries from 256 generations ago cannot come back.

import { FAST_HOST_LIMIT } from '../bus/guest-memory.js';

export const enum Access { READ = 0, WRITE = 1, FETCH = 2 }

export const enum EntryKind { EMPTY = 0, RAM = 1, RAM_SLOW = 2, DEVICE = 3, NEGATIVE = 4 }

export const enum FlushPolicy { INSTRUCTION = 0, BLOCK = 1, FENCE = 2 }

export const FLUSH_POLICY_NAMES = ['instruction', 'block', 'fence'] as const;

export const STORE_ENTRIES = 1024;
/** Mask applied to `va >>> 10` to get a record's word index (entry index * 4). */
export const STORE_INDEX_MASK = (STORE_ENTRIES - 1) << 2;
export const SLOW_BIT = 8;
const GEN_SHIFT = 4;
const GEN_MASK = 0xff;

/** Alignment masks folded into the tag compare, by access size. */
export const ALIGN_MASK_1 = -4096;
export const ALIGN_MASK_2 = -4096 | 1;
export const ALIGN_MASK_4 = -4096 | 3;
export const ALIGN_MASK_8 = -4096 | 7;

/** Counters, kept as doubles so they never wrap. */
export const enum StoreStat {
  LOOKUPS = 0, HITS, NEGATIVE_HITS, WALKS, INVALIDATIONS, FILLS_NEGATIVE, COUNT,
}

export class TranslationStore {
  readonly tables: [Int32Array, Int32Array, Int32Array];
  /** current generation, pre-shifted into key position */
  genKey = 0;
  private generation = 0;
  readonly policy: FlushPolicy;
  readonly stats = new Float64Array(StoreStat.COUNT);

  constructor(policy: FlushPolicy) {
    this.policy = policy;
    this.tables = [new Int32Array(STORE_ENTRIES * 4), new Int32Array(STORE_ENTRIES * 4), new Int32Array(STORE_ENTRIES * 4)];
    this.clearTables();
  }

  /** Invalidates every entry of every table: the store's only form of invalidation. */
  invalidateAll(): void {
    this.stats[StoreStat.INVALIDATIONS]++;
    this.generation = (this.generation + 1) & GEN_MASK;
    if (this.generation === 0) this.clearTables();
    this.genKey = this.generation << GEN_SHIFT;
  }

  private clearTables(): void {
    for (const t of this.tables) {
      for (let j = 0; j < t.length; j += 4) {
        t[j] = SLOW_BIT;
        t[j + 1] = 0;
        t[j + 2] = 0;
        t[j + 3] = EntryKind.EMPTY;
      }
    }
  }

  /** Word index of the record that `va` maps to. */
  static indexOf(vaLo: number): number {
    return (vaLo >>> 10) & STORE_INDEX_MASK;
  }

  /**
   * Slow-path search (claim step B1): the record index if the table holds an entry of any kind
   * for this page in the current generation, else -1.
   */
  find(access: Access, vaLo: number, vaHi: number): number {
    const t = this.tables[access];
    const j = (vaLo >>> 10) & STORE_INDEX_MASK;
    if ((t[j] & ~SLOW_BIT) === ((vaLo & -4096) ^ this.genKey) && t[j + 1] === vaHi && t[j + 3] !== EntryKind.EMPTY) return j;
    return -1;
  }

  /** Adds an entry (claim steps B2b / B2c). */
  fill(access: Access, vaLo: number, vaHi: number, kind: EntryKind, host: number, payload: number): number {
    const t = this.tables[access];
    const j = (vaLo >>> 10) & STORE_INDEX_MASK;
    t[j] = ((vaLo & -4096) ^ this.genKey) | (kind === EntryKind.RAM ? 0 : SLOW_BIT);
    t[j + 1] = vaHi;
    t[j + 2] = host;
    t[j + 3] = kind | (payload << 3);
    if (kind === EntryKind.NEGATIVE) this.stats[StoreStat.FILLS_NEGATIVE]++;
    return j;
  }

  /** Makes the slow write entry of this page a fast one again (its host page holds no code any more). */
  promoteWrite(vaLo: number, vaHi: number): void {
    const j = this.find(Access.WRITE, vaLo, vaHi);
    const t = this.tables[Access.WRITE];
    if (j >= 0 && t[j + 3] === EntryKind.RAM_SLOW && (t[j + 2] >>> 0) < FAST_HOST_LIMIT) {
      t[j] &= ~SLOW_BIT;
      t[j + 3] = EntryKind.RAM;
    }
  }

  /** Turns fast write entries that point at host page `hostPage` into slow ones (code was decoded there). */
  demoteWritesTo(hostPage: number): void {
    const t = this.tables[Access.WRITE];
    const host = hostPage << 12;
    for (let j = 0; j < t.length; j += 4) {
      if (t[j + 3] === EntryKind.RAM && t[j + 2] === host) {
        t[j] |= SLOW_BIT;
        t[j + 3] = EntryKind.RAM_SLOW;
      }
    }
  }
}
