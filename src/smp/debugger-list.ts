// A list a debugger sets (its breakpoints; its watchpoints), shared by the device thread (which
// writes it while every hart is held) and the hart threads (which read it when let go): a
// generation number, a count, and 64-bit values as pairs of int32 halves, in one SharedArrayBuffer.

import type { HostWatch, WatchKind } from '../cpu/hart-breakpoints.js';

const enum Slot { GENERATION = 0, COUNT = 1, VALUES = 2 }

/** The most values a list holds (gdb is told E.. beyond). */
export const MAX_DEBUGGER_VALUES = 256;

export class DebuggerList {
  readonly buffer: SharedArrayBuffer;
  private readonly words: Int32Array;
  /** the generation last read (read()) */
  private seen = 0;

  constructor(shared?: SharedArrayBuffer) {
    this.buffer = shared ?? new SharedArrayBuffer(4 * (Slot.VALUES + 2 * MAX_DEBUGGER_VALUES));
    this.words = new Int32Array(this.buffer);
  }

  /** Replaces the values (at most MAX_DEBUGGER_VALUES); the harts are held. */
  write(addresses: readonly bigint[]): void {
    if (addresses.length > MAX_DEBUGGER_VALUES) throw new RangeError(`at most ${MAX_DEBUGGER_VALUES} values`);
    const w = this.words;
    addresses.forEach((a, i) => {
      w[Slot.VALUES + 2 * i] = Number(BigInt.asIntN(32, a));
      w[Slot.VALUES + 2 * i + 1] = Number(BigInt.asIntN(32, a >> 32n));
    });
    w[Slot.COUNT] = addresses.length;
    Atomics.add(w, Slot.GENERATION, 1);
  }

  /** The values, if they changed since the last call; undefined if not. */
  read(): bigint[] | undefined {
    const w = this.words;
    const generation = Atomics.load(w, Slot.GENERATION);
    if (generation === this.seen) return undefined;
    this.seen = generation;
    return Array.from({ length: w[Slot.COUNT] }, (_, i) =>
      BigInt.asUintN(64, (BigInt(w[Slot.VALUES + 2 * i + 1]) << 32n) | BigInt(w[Slot.VALUES + 2 * i] >>> 0)));
  }
}

/** Watchpoints as a list's values: (host offset, length, address, kind) each. */
export function watchValues(watches: readonly HostWatch[]): bigint[] {
  return watches.flatMap((w) => [BigInt(w.host), BigInt(w.length), w.address, BigInt(w.kind)]);
}

export function watchesOf(values: readonly bigint[]): HostWatch[] {
  const watches: HostWatch[] = [];
  for (let i = 0; i + 3 < values.length; i += 4) {
    watches.push({ host: Number(values[i]), length: Number(values[i + 1]), address: values[i + 2], kind: Number(values[i + 3]) as WatchKind });
  }
  return watches;
}
