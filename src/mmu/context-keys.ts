// The fast-path keys of translation contexts.
//
// The interpreter accepts a store entry when its tag equals the page's VA xor the current key
// (translation-store.ts) and checks nothing else: not the address space the entry came from, nor
// the privilege, SUM or MXR it was filled under. So each translation context gets a key of its
// own: its address space (satp's ASID, root and mode) together with how fetches and data
// accesses are checked in it (their privilege, SUM, MXR; the Regime word). An entry filled in
// one context never hits in another, and a context keeps its key while the hart is elsewhere
// (another process, a trap handler, a user copy under SUM), so its entries serve again when the
// hart comes back.
//
// Keys die in three ways, none of which visits the store's entries: all at once (a new epoch,
// for a full invalidation), those of one ASID (an ASID fence), and all of them when the 8-bit
// key space is used up, after which the store empties its tables so that no entry tagged with a
// key handed out again can come back.

export const KEY_COUNT = 256;
/**
 * The context -> key table: 2^CONTEXT_SLOT_BITS slots in buckets of BUCKET_SLOTS, so that two
 * busy contexts whose hashes collide do not take each other's slot (and a fresh key) at every
 * switch between them. A full bucket gives up the slot of its oldest key.
 */
const CONTEXT_SLOT_BITS = 8;
const BUCKET_SLOTS = 4;

/** The ASID of a context that translates nothing (M-mode, satp Bare): no ASID fence names it. */
export const NO_ASID = -1;

export class ContextKeys {
  // Each key's context: its address space and regime.
  readonly asid = new Int32Array(KEY_COUNT);
  readonly root = new Float64Array(KEY_COUNT);
  readonly regime = new Int32Array(KEY_COUNT);
  /** the epoch a key was handed out in: keys of older epochs are dead, global entries included */
  private readonly epochOf = new Int32Array(KEY_COUNT);
  /** cleared when an ASID fence drops the key's entries (its global ones still hold) */
  private readonly live = new Uint8Array(KEY_COUNT);
  private readonly slots = new Int32Array(1 << CONTEXT_SLOT_BITS).fill(-1);
  private epoch = 0;
  /** keys handed out since the tables were last emptied */
  private used = 0;

  /** The live key of the context, or -1. */
  find(asid: number, root: number, regime: number): number {
    const first = bucketOf(asid, root, regime);
    for (let i = first; i < first + BUCKET_SLOTS; i++) {
      const k = this.slots[i];
      if (k >= 0 && this.alive(k) && this.asid[k] === asid && this.root[k] === root && this.regime[k] === regime) return k;
    }
    return -1;
  }

  /** A fresh key for the context, or -1 when every key has been handed out (see restart). */
  allocate(asid: number, root: number, regime: number): number {
    if (this.used === KEY_COUNT) return -1;
    const k = this.used++;
    this.asid[k] = asid;
    this.root[k] = root;
    this.regime[k] = regime;
    this.epochOf[k] = this.epoch;
    this.live[k] = 1;
    this.slots[this.slotFor(bucketOf(asid, root, regime))] = k;
    return k;
  }

  /** The slot of the bucket a new key takes: a free or dead one, else that of the oldest key. */
  private slotFor(first: number): number {
    let oldest = first;
    for (let i = first; i < first + BUCKET_SLOTS; i++) {
      const k = this.slots[i];
      if (k < 0 || !this.alive(k)) return i;
      if (k < this.slots[oldest]) oldest = i;
    }
    return oldest;
  }

  /** Entries tagged with key k may hit. */
  alive(k: number): boolean {
    return this.live[k] === 1 && this.epochOf[k] === this.epoch;
  }

  /** Key k was handed out since the last full invalidation: its global entries still hold. */
  sinceFullInvalidation(k: number): boolean {
    return this.epochOf[k] === this.epoch;
  }

  /** A full invalidation: every key dies. */
  killAll(): void {
    this.epoch = (this.epoch + 1) | 0;
  }

  /** An ASID fence: the keys of that address space die (at most KEY_COUNT records looked at). */
  killAsid(asid: number): void {
    for (let k = 0; k < this.used; k++) if (this.asid[k] === asid) this.live[k] = 0;
  }

  /** Every key may be handed out again: the store has emptied its tables. */
  restart(): void {
    this.killAll();
    this.live.fill(0);
    this.used = 0;
  }
}

/** The first slot of the context's bucket in the context -> key table. */
export function bucketOf(asid: number, root: number, regime: number): number {
  const hash = Math.imul((asid + 1) ^ Math.imul(regime, 0x45d9f3b) ^ (root | 0), 0x9e3779b1) >>> (32 - CONTEXT_SLOT_BITS);
  return hash & -BUCKET_SLOTS;
}
