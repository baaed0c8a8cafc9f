// The board's clock (mtime, the `time` CSR) in timebase ticks, read the same way on every thread
// of a board. Time must never go backwards from one hart to another: Linux stores the clock it
// read on one CPU and subtracts it from a later reading on another, and a reading smaller by a
// single tick is a jump of nearly 2^64 ticks, over which its timekeeping spins with interrupts
// off. So every thread reads the process-wide monotonic clock (process.hrtime, which allocates
// no BigInt and costs what performance.now() does) against one zero, and computes with the same
// operations: a later reading can only be larger or equal. performance.now() is not used: each
// thread has its own origin, and anchoring one to another is only accurate to a microsecond or so.

/** The monotonic clock's reading at the board's time zero; structured-clonable for workers. */
export interface ClockZero {
  seconds: number;
  nanoseconds: number;
}

export function clockZeroNow(): ClockZero {
  const [seconds, nanoseconds] = process.hrtime();
  return { seconds, nanoseconds };
}

/** The board clock in ticks of `hz` since `zero`. */
export function boardClock(zero: ClockZero, hz: number): () => number {
  const ticksPerNs = hz / 1e9;
  const { seconds, nanoseconds } = zero;
  return () => {
    const t = process.hrtime();
    return ((t[0] - seconds) * 1e9 + (t[1] - nanoseconds)) * ticksPerNs;
  };
}
