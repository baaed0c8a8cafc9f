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
  /** one BigInt64 word: the largest reading (ticks) returned by any thread */
  latest: SharedArrayBuffer;
}

export function browserClockOrigin(): BrowserClockOrigin {
  return { zeroMs: performance.timeOrigin + performance.now(), latest: new SharedArrayBuffer(8) };
}

/** The board clock in whole ticks of `hz` since the origin's zero; never smaller than any thread's last reading. */
export function browserBoardClock(origin: BrowserClockOrigin, hz: number): () => number {
  const latest = new BigInt64Array(origin.latest);
  const ticksPerMs = hz / 1000;
  // Counting from this worker's own origin keeps the subtraction exact in the doubles' low bits.
  const offsetMs = performance.timeOrigin - origin.zeroMs;
  return () => {
    const own = Math.floor((offsetMs + performance.now()) * ticksPerMs);
    let seen = Atomics.load(latest, 0);
    for (;;) {
      const seenTicks = Number(seen);
      if (own <= seenTicks) return seenTicks;
      const before = Atomics.compareExchange(latest, 0, seen, BigInt(own));
      if (before === seen) return own;
      seen = before;
    }
  };
}
