// The words through which the threads of an SMP board signal each other, in one
// SharedArrayBuffer: the device thread (main) and one worker thread per hart. Everything here is
// a plain Int32 word used with Atomics, so the same code runs in Node workers and Web Workers.
//
//   board words   EPOCH: the VMM's translation epoch; DOORBELL: bumped by a hart that has an
//                 MMIO request for the device thread; HALT: non-zero while the VMM holds every
//                 hart (the monitor's stop), the number of that halt; DEBUG_STOPS: bumped by
//                 a hart that stopped on its own for a debugger (a breakpoint, a step done)
//   per hart      WAKE: bumped (and notified) whenever something a sleeping hart waits for
//                 changed; LINES: the device-driven interrupt lines (MEIP/SEIP from the PLIC);
//                 STOP: the VMM wants the hart's thread to end; IDLE: the hart sleeps in wfi;
//                 ACK: the last epoch the hart acknowledged; HALTED: the last halt the hart is
//                 held in (its snapshot written); ACTION: what a debugger wants of the hart
//                 when the halt is released (HartAction); STOPPED_FOR: why it stopped on its
//                 own (StopCause); REGISTERS_WRITTEN: a debugger changed its snapshot, to be
//                 taken back; WATCHED_LO/HI: the watched address an access hit; the MMIO
//                 slot (mmio-channel.ts);
//                 the ring of guest pages a device wrote by DMA (their decoded code is stale)

import { WatchKind } from '../cpu/hart-breakpoints.js';

export const enum Board { EPOCH = 0, DOORBELL = 1, HALT = 2, DEBUG_STOPS = 3, WORDS = 16 }

/** What a held hart does when the halt is released: run, stay held (parked), or take one step. */
export const enum HartAction { RUN = 0, PARK = 1, STEP = 2 }

/**
 * Why a hart stopped on its own, for a debugger: WATCHPOINT is a write watchpoint's hit,
 * READ_WATCHPOINT a read one's, ACCESS_WATCHPOINT an access one's.
 */
export const enum StopCause { NONE = 0, BREAKPOINT = 1, STEPPED = 2, WATCHPOINT = 3, READ_WATCHPOINT = 4, ACCESS_WATCHPOINT = 5 }

/** The stop cause of a hit of a watchpoint of `kind`. */
export function watchStopCause(kind: WatchKind): StopCause {
  return kind === WatchKind.READ ? StopCause.READ_WATCHPOINT : kind === WatchKind.ACCESS ? StopCause.ACCESS_WATCHPOINT : StopCause.WATCHPOINT;
}

export const enum HartWord {
  WAKE = 0,
  LINES = 1,
  STOP = 2,
  IDLE = 3,
  ACK = 4,
  /** DMA page ranges published so far (the ring's head) */
  DMA_HEAD = 5,
  HALTED = 6,
  ACTION = 7,
  STOPPED_FOR = 8,
  REGISTERS_WRITTEN = 9,
  /** the address of the watched bytes accessed (a watchpoint's StopCause), two halves */
  WATCHED_LO = 10,
  WATCHED_HI = 11,
  /** the session wrote a whole new image of the held hart (a machine snapshot loaded): it takes it, and clears this */
  STATE_WRITTEN = 12,
  /** the MMIO slot: see mmio-channel.ts */
  MMIO = 16,
  /** DMA ring: DMA_RING_ENTRIES pairs of (first host page, page count) */
  DMA_RING = 32,
  STRIDE = 64,
}

export const DMA_RING_ENTRIES = 16;

export function boardSignalBytes(harts: number): number {
  return 4 * (Board.WORDS + harts * HartWord.STRIDE);
}

export class BoardSignals {
  readonly buffer: SharedArrayBuffer;
  readonly words: Int32Array;
  readonly harts: number;

  constructor(harts: number, shared?: SharedArrayBuffer) {
    this.harts = harts;
    this.buffer = shared ?? new SharedArrayBuffer(boardSignalBytes(harts));
    if (this.buffer.byteLength !== boardSignalBytes(harts)) throw new Error('board signals: shared buffer of the wrong size');
    this.words = new Int32Array(this.buffer);
  }

  /** Index of word `word` of hart `hartId`. */
  at(hartId: number, word: HartWord | number): number {
    return Board.WORDS + hartId * HartWord.STRIDE + word;
  }

  // ---- any thread ------------------------------------------------------------------------

  /** Something hart `hartId` may be waiting for changed: wake it if it sleeps. */
  wake(hartId: number): void {
    const i = this.at(hartId, HartWord.WAKE);
    Atomics.add(this.words, i, 1);
    Atomics.notify(this.words, i);
  }

  /** Publishes the device-driven interrupt lines of a hart (the PLIC's MEIP/SEIP). */
  setLines(hartId: number, lines: number): void {
    if (Atomics.exchange(this.words, this.at(hartId, HartWord.LINES), lines) !== lines) this.wake(hartId);
  }

  lines(hartId: number): number {
    return Atomics.load(this.words, this.at(hartId, HartWord.LINES));
  }

  /** Wakes the device thread: a hart has a request for it (mmio-channel.ts, uart-channel.ts). */
  ringDoorbell(): void {
    Atomics.add(this.words, Board.DOORBELL, 1);
    Atomics.notify(this.words, Board.DOORBELL);
  }

  /** Asks every hart thread to end at its next boundary. */
  stopAll(): void {
    for (let h = 0; h < this.harts; h++) {
      Atomics.store(this.words, this.at(h, HartWord.STOP), 1);
      this.wake(h);
    }
    Atomics.notify(this.words, Board.HALT);
  }

  stopRequested(hartId: number): boolean {
    return Atomics.load(this.words, this.at(hartId, HartWord.STOP)) !== 0;
  }

  // ---- halting every hart (the monitor's stop and cont) ------------------------------------

  /** Asks every hart to halt at its next boundary as halt number `halt` (non-zero, new each time). */
  requestHalt(halt: number): void {
    Atomics.store(this.words, Board.HALT, halt);
    // Harts asleep in wfi wait on their WAKE words; harts that stopped for a debugger, or that it
    // parked, wait on HALT (waitForHalt). Both must hear of the halt at once: the board clock
    // runs until every hart is held, with no hart running meanwhile.
    for (let h = 0; h < this.harts; h++) this.wake(h);
    Atomics.notify(this.words, Board.HALT);
  }

  /** The halt the harts are asked to be in, or 0. */
  haltRequested(): number {
    return Atomics.load(this.words, Board.HALT);
  }

  /** Hart `hartId` is held in halt `halt` (its snapshot written), or released from it (0). */
  setHalted(hartId: number, halt: number): void {
    const i = this.at(hartId, HartWord.HALTED);
    Atomics.store(this.words, i, halt);
    Atomics.notify(this.words, i);
  }

  /** Whether hart `hartId` is held in halt `halt`. */
  halted(hartId: number, halt: number): boolean {
    return Atomics.load(this.words, this.at(hartId, HartWord.HALTED)) === halt;
  }

  /** Resolves when hart `hartId`'s HALTED word changes, or after `timeoutMs`; never blocks. */
  async haltedChange(hartId: number, timeoutMs: number): Promise<void> {
    const i = this.at(hartId, HartWord.HALTED);
    const result = Atomics.waitAsync(this.words, i, Atomics.load(this.words, i), timeoutMs);
    if (result.async) await result.value;
  }

  /** Lets every halted hart run on. */
  releaseHalt(): void {
    Atomics.store(this.words, Board.HALT, 0);
    Atomics.notify(this.words, Board.HALT);
  }

  /** Blocks a halted hart's thread until the halt is released, a stop is asked, or `timeoutMs`. */
  waitWhileHalted(hartId: number, halt: number, timeoutMs: number): void {
    if (this.stopRequested(hartId)) return;
    Atomics.wait(this.words, Board.HALT, halt, timeoutMs);
  }

  // ---- a debugger (debug/): holds with a cause, steps, parked harts ----------------------

  /** Hart `hartId` stopped on its own for `cause`: tells the device thread (it halts the rest). */
  reportStop(hartId: number, cause: StopCause, watchedAddress = 0n): void {
    Atomics.store(this.words, this.at(hartId, HartWord.WATCHED_LO), Number(BigInt.asIntN(32, watchedAddress)));
    Atomics.store(this.words, this.at(hartId, HartWord.WATCHED_HI), Number(BigInt.asIntN(32, watchedAddress >> 32n)));
    Atomics.store(this.words, this.at(hartId, HartWord.STOPPED_FOR), cause);
    Atomics.add(this.words, Board.DEBUG_STOPS, 1);
    this.ringDoorbell();
  }

  /** Stops reported so far (a counter). */
  stopsReported(): number {
    return Atomics.load(this.words, Board.DEBUG_STOPS);
  }

  stoppedFor(hartId: number): StopCause {
    return Atomics.load(this.words, this.at(hartId, HartWord.STOPPED_FOR)) as StopCause;
  }

  /** The watched address hart `hartId` accessed (its stop cause a watchpoint's). */
  watchedAddress(hartId: number): bigint {
    const lo = Atomics.load(this.words, this.at(hartId, HartWord.WATCHED_LO));
    const hi = Atomics.load(this.words, this.at(hartId, HartWord.WATCHED_HI));
    return BigInt.asUintN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0));
  }

  /** What each hart does when the halt is released next; their stop causes are cleared. */
  setActions(actions: readonly HartAction[]): void {
    for (let h = 0; h < this.harts; h++) {
      Atomics.store(this.words, this.at(h, HartWord.ACTION), actions[h] ?? HartAction.RUN);
      Atomics.store(this.words, this.at(h, HartWord.STOPPED_FOR), StopCause.NONE);
    }
  }

  action(hartId: number): HartAction {
    return Atomics.load(this.words, this.at(hartId, HartWord.ACTION)) as HartAction;
  }

  /** A parked hart (or one that stopped on its own) waits here until the next halt or a stop. */
  waitForHalt(hartId: number, timeoutMs: number): void {
    if (this.stopRequested(hartId) || this.haltRequested() !== 0) return;
    Atomics.wait(this.words, Board.HALT, 0, timeoutMs);
  }

  /** Marks (or clears, taking it) that a debugger changed hart `hartId`'s snapshot. */
  setRegistersWritten(hartId: number): void {
    Atomics.store(this.words, this.at(hartId, HartWord.REGISTERS_WRITTEN), 1);
    // a held hart takes them where it is held (so that a snapshot saved meanwhile has them)
    Atomics.notify(this.words, Board.HALT);
  }

  /** A new image of held hart `hartId` is written: it takes it where it is held (stateTaken). */
  setStateWritten(hartId: number): void {
    Atomics.store(this.words, this.at(hartId, HartWord.STATE_WRITTEN), 1);
    // held harts wait on HALT: woken, they find it unchanged and look at their images
    Atomics.notify(this.words, Board.HALT);
  }

  stateWritten(hartId: number): boolean {
    return Atomics.load(this.words, this.at(hartId, HartWord.STATE_WRITTEN)) !== 0;
  }

  /** Hart `hartId` has taken its new image. */
  stateTaken(hartId: number): void {
    const i = this.at(hartId, HartWord.STATE_WRITTEN);
    Atomics.store(this.words, i, 0);
    Atomics.notify(this.words, i);
  }

  /** Resolves when hart `hartId` has taken its image, or after `timeoutMs`. */
  async stateTakenChange(hartId: number, timeoutMs: number): Promise<void> {
    const result = Atomics.waitAsync(this.words, this.at(hartId, HartWord.STATE_WRITTEN), 1, timeoutMs);
    if (result.async) await result.value;
  }

  takeRegistersWritten(hartId: number): boolean {
    return Atomics.exchange(this.words, this.at(hartId, HartWord.REGISTERS_WRITTEN), 0) !== 0;
  }

  // ---- the VMM's translation epoch (mission: VMM-driven remaps) ----------------------------

  epoch(): number {
    return Atomics.load(this.words, Board.EPOCH);
  }

  /**
   * Publishes a new epoch; returns it. Running harts invalidate their stores at their next
   * boundary. Sleeping ones are left asleep: they look at the epoch when they wake.
   */
  publishEpoch(): number {
    return Atomics.add(this.words, Board.EPOCH, 1) + 1;
  }

  /**
   * The first hart that has not acknowledged `epoch` yet, or -1. A hart asleep in wfi (or whose
   * thread has ended) counts as having acknowledged: it looks at the epoch when it wakes, before
   * it translates anything.
   */
  firstUnacknowledged(epoch: number): number {
    for (let h = 0; h < this.harts; h++) {
      if (Atomics.load(this.words, this.at(h, HartWord.IDLE)) !== 0) continue;
      if (Atomics.load(this.words, this.at(h, HartWord.ACK)) - epoch < 0) return h;
    }
    return -1;
  }

  /**
   * Resolves when hart `hartId` acknowledges an epoch or goes idle (it notifies its ACK word for
   * both), or after `timeoutMs`. Never blocks the calling thread.
   */
  async acknowledgementChange(hartId: number, timeoutMs: number): Promise<void> {
    const i = this.at(hartId, HartWord.ACK);
    const result = Atomics.waitAsync(this.words, i, Atomics.load(this.words, i), timeoutMs);
    if (result.async) await result.value;
  }

  /** Hart `hartId` is idle (asleep in wfi, or its thread ended) or running again. */
  setIdle(hartId: number, idle: boolean): void {
    Atomics.store(this.words, this.at(hartId, HartWord.IDLE), idle ? 1 : 0);
    if (idle) Atomics.notify(this.words, this.at(hartId, HartWord.ACK));
  }

  // ---- DMA: a device wrote guest pages ----------------------------------------------------

  /** Tells every hart that host pages [first, first + count) were written by a device. */
  publishDma(first: number, count: number): void {
    for (let h = 0; h < this.harts; h++) {
      const head = Atomics.load(this.words, this.at(h, HartWord.DMA_HEAD));
      const slot = this.at(h, HartWord.DMA_RING + 2 * (head % DMA_RING_ENTRIES));
      Atomics.store(this.words, slot, first);
      Atomics.store(this.words, slot + 1, count);
      Atomics.store(this.words, this.at(h, HartWord.DMA_HEAD), head + 1);
    }
  }
}
