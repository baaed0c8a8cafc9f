// The board clock stands still while the VMM holds every hart (the monitor's stop), as QEMU's
// virtual clock does, so that a guest let go again sees no time pass and no timer fire late.
// Every thread of a board reads the clock through the same two shared doubles: the ticks spent
// halted so far, and while halted the reading the clock stands at. Only the device thread
// writes them, and only while every hart is held (the halt's Atomics order them for the harts).

const enum Slot { HALTED_TICKS = 0, STANDING_AT = 1, COUNT = 2 }

export class HaltClock {
  readonly buffer: SharedArrayBuffer;
  private readonly slots: Float64Array;

  constructor(shared?: SharedArrayBuffer) {
    this.buffer = shared ?? new SharedArrayBuffer(Slot.COUNT * 8);
    this.slots = new Float64Array(this.buffer);
    if (!shared) this.slots[Slot.STANDING_AT] = NaN;
  }

  /** `clock` (ticks) with the time spent halted taken off, standing still while halted. */
  wrap(clock: () => number): () => number {
    const slots = this.slots;
    return () => {
      const standing = slots[Slot.STANDING_AT];
      return standing === standing ? standing : clock() - slots[Slot.HALTED_TICKS];
    };
  }

  /** Every hart is held: the clock stands at its reading now. */
  stand(clock: () => number): void {
    this.slots[Slot.STANDING_AT] = clock() - this.slots[Slot.HALTED_TICKS];
  }

  /** The harts are about to run on: the clock goes on from where it stood. */
  resume(clock: () => number): void {
    const standing = this.slots[Slot.STANDING_AT];
    if (standing !== standing) return;
    this.slots[Slot.HALTED_TICKS] = clock() - standing;
    this.slots[Slot.STANDING_AT] = NaN;
  }
}
