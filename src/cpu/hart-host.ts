// What a hart needs from the board it sits on. The machine supplies it; the hart never reaches
// for a global, so several harts (and later several threads) can each have their own.

export interface HartHost {
  /** The platform timer (mtime), in ticks of the timebase. A Number: exact for 28 years at 10 MHz. */
  mtime(): number;
  /** Interrupt-pending bits driven by devices for this hart (MSIP, MTIP, SEIP, MEIP). */
  interruptLines(hartId: number): number;
  /**
   * A store hit a watched page of guest memory (for example the HTIF tohost word). Returns
   * true when the hart must stop after this instruction (the guest asked to exit).
   */
  watchedWrite(hartId: number, hostOffset: number, size: number): boolean;
}
