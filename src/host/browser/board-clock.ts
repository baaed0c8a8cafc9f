// The board's clock in a browser (mtime, the `time` CSR), read by the device worker and every
// hart worker. Each worker has its own performance.timeOrigin, and `timeOrigin + now()` of two
// workers agree only to a fraction of a millisecond: read naively, one hart could see time a few
// ticks smaller than another hart saw just before, which Linux takes for a jump of nearly 2^64
// ticks (see host/node/board-clock.ts). So every reading also goes through one shared word, the
// largest reading any thread has returned: a thread returns the larger of its own clock and that
// word, and raises the word to what it returns (compare-and-exchange). Readings then never go
// backwards from one thread to another; a thread whose clock runs a little behind sees time
// stand still for that little. Time is read at timer and `time` CSR accesses, not per instruction.

/** Structured-clonable: sent to every hart worker. */
export interface BrowserClockOrigin {
  /** `performance.timeOrigin + performance.now()` at the board's time zero, in ms */
  zeroMs: number;
  /** the largest reading (ticks) returned by any thread, as Int32 words (see Latest) */
  latest: SharedArrayBuffer;
}

/**
 * The words of the largest reading: a sequence number, even while nobody writes and odd while a
 * thread does, and the reading's high and low 32 bits. Int32 words under Atomics allocate
 * nothing, where a BigInt64 word makes a BigInt at every reading, and the clock is read at
 * every interrupt check of every hart.
 */
const enum Latest { SEQUENCE, HIGH, LOW, WORDS }

export function browserClockOrigin(): BrowserClockOrigin {
  return { zeroMs: performance.timeOrigin + performance.now(), latest: new SharedArrayBuffer(Latest.WORDS * 4) };
}

/** The board clock in whole ticks of `hz` since the origin's zero; never smaller than any thread's last reading. */
export function browserBoardClock(origin: BrowserClockOrigin, hz: number): () => number {
  const latest = new Int32Array(origin.latest);
  const ticksPerMs = hz / 1000;
  // Counting from this worker's own origin keeps the subtraction exact in the doubles' low bits.
  const offsetMs = performance.timeOrigin - origin.zeroMs;
  return () => {
    const own = Math.floor((offsetMs + performance.now()) * ticksPerMs);
    for (;;) {
      // A consistent pair: read between two equal, even sequence numbers.
      const sequence = Atomics.load(latest, Latest.SEQUENCE);
      if (sequence & 1) continue; // another thread is writing its two words
      const seen = Atomics.load(latest, Latest.HIGH) * 4294967296 + (Atomics.load(latest, Latest.LOW) >>> 0);
      if (Atomics.load(latest, Latest.SEQUENCE) !== sequence) continue;
      if (own <= seen) return seen;
      // Raise it, unless another thread has raised it since it was read: then read it again.
      if (Atomics.compareExchange(latest, Latest.SEQUENCE, sequence, (sequence + 1) | 0) !== sequence) continue;
      Atomics.store(latest, Latest.HIGH, Math.floor(own / 4294967296));
      Atomics.store(latest, Latest.LOW, own | 0);
      Atomics.store(latest, Latest.SEQUENCE, (sequence + 2) | 0);
      return own;
    }
  };
}
