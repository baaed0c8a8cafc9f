// A debugger's breakpoints, shared by the device thread (which writes them while every hart is
// held) and the hart threads (which read them when let go): a generation number, a count, and
// the addresses as pairs of int32 halves, in one SharedArrayBuffer.

const enum Slot { GENERATION = 0, COUNT = 1, ADDRESSES = 2 }

/** The most breakpoints a debugger may set at once (gdb is told E.. beyond). */
export const MAX_BREAKPOINTS = 256;

export class BreakpointTable {
  readonly buffer: SharedArrayBuffer;
  private readonly words: Int32Array;
  /** the generation last read (read()) */
  private seen = 0;

  constructor(shared?: SharedArrayBuffer) {
    this.buffer = shared ?? new SharedArrayBuffer(4 * (Slot.ADDRESSES + 2 * MAX_BREAKPOINTS));
    this.words = new Int32Array(this.buffer);
  }

  /** Replaces the breakpoints (at most MAX_BREAKPOINTS); the harts are held. */
  write(addresses: readonly bigint[]): void {
    if (addresses.length > MAX_BREAKPOINTS) throw new RangeError(`at most ${MAX_BREAKPOINTS} breakpoints`);
    const w = this.words;
    addresses.forEach((a, i) => {
      w[Slot.ADDRESSES + 2 * i] = Number(BigInt.asIntN(32, a));
      w[Slot.ADDRESSES + 2 * i + 1] = Number(BigInt.asIntN(32, a >> 32n));
    });
    w[Slot.COUNT] = addresses.length;
    Atomics.add(w, Slot.GENERATION, 1);
  }

  /** The breakpoints, if they changed since the last call; undefined if not. */
  read(): bigint[] | undefined {
    const w = this.words;
    const generation = Atomics.load(w, Slot.GENERATION);
    if (generation === this.seen) return undefined;
    this.seen = generation;
    return Array.from({ length: w[Slot.COUNT] }, (_, i) =>
      BigInt.asUintN(64, (BigInt(w[Slot.ADDRESSES + 2 * i + 1]) << 32n) | BigInt(w[Slot.ADDRESSES + 2 * i] >>> 0)));
  }
}
