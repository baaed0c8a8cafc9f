// The VMM side of a remap of guest-physical memory while harts run (mission: VMM-driven
// changes use an epoch). A guest page is moved onto a spare host frame that the VMM has filled;
// no hart is stopped and none waits on another:
//
//   1. fill a frame from the spare pool, point the page's frame-table entry at it;
//   2. publish a new epoch: each hart drops its whole translation store at its next boundary
//      (hart-runner.ts) and acknowledges; a hart asleep in wfi counts as having acknowledged,
//      since it looks at the epoch before it translates anything again;
//   3. once every hart acknowledged, no hart can reach the old frame. Before the frame goes back
//      to the pool, each hart must also drop any code it decoded from it: its page range is
//      published on the DMA ring and a second epoch is awaited (a hart drains the ring before
//      it acknowledges).
//
// This is a replacement, not a copy: guest stores that reach the old frame between steps 1 and
// 3 are lost with it, so a VMM moving live data must first make the page read-only to the guest
// (not needed by anything in hartvm yet). Pages a device holds by host offset (virtqueue rings)
// are pinned and refused.

import { PAGE_SIZE, type GuestMemory } from '../bus/guest-memory.js';
import type { BoardSignals } from './board-signals.js';

export class RemapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RemapError';
  }
}

export interface RemapResult {
  /** the epoch that switched the harts to the new frame */
  epoch: number;
  /** the frame the page moved from, and to */
  from: number;
  to: number;
  /** milliseconds from publishing that epoch until every hart had acknowledged it */
  acknowledgedMs: number;
}

export interface FrameRemapperOptions {
  /** a byte written over every retired frame (to make a stale use visible in tests) */
  poison?: number;
  /** how long a remap waits for acknowledgements before it gives up */
  timeoutMs?: number;
}

export class FrameRemapper {
  private readonly memory: GuestMemory;
  private readonly signals: BoardSignals;
  private readonly options: FrameRemapperOptions;
  private readonly free: number[] = [];
  /** remaps run one after another, in the order asked */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(memory: GuestMemory, signals: BoardSignals, options: FrameRemapperOptions = {}) {
    this.memory = memory;
    this.signals = signals;
    this.options = options;
    for (let f = memory.firstSpareFrame + memory.spareFrames - 1; f >= memory.firstSpareFrame; f--) this.free.push(f);
  }

  /** Spare frames available now. */
  get freeFrames(): number {
    return this.free.length;
  }

  /**
   * Moves the guest page holding `pa` onto a spare frame whose 4096 bytes `fill` writes. Resolves
   * once no hart can use the old frame any more and it is back in the pool.
   */
  remap(pa: number, fill: (page: Uint8Array) => void): Promise<RemapResult> {
    const next = this.queue.then(() => this.remapNow(pa, fill));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async remapNow(pa: number, fill: (page: Uint8Array) => void): Promise<RemapResult> {
    const memory = this.memory;
    const pageStart = pa - (pa % PAGE_SIZE);
    const region = memory.regionSpanning(pageStart, PAGE_SIZE);
    if (!region) throw new RemapError(`cannot remap 0x${pa.toString(16)}: not guest memory`);
    const page = memory.pageIndex(region, pageStart);
    if (memory.pins[page] !== 0) throw new RemapError(`cannot remap 0x${pa.toString(16)}: a device holds the page (virtqueue ring)`);
    const to = this.free.pop();
    if (to === undefined) throw new RemapError(`cannot remap 0x${pa.toString(16)}: no spare frame left`);

    fill(memory.bytes.subarray(to * PAGE_SIZE, (to + 1) * PAGE_SIZE));
    const from = Atomics.exchange(memory.frames, page, to);
    const begin = performance.now();
    const epoch = this.signals.publishEpoch();
    await this.acknowledged(epoch);
    const acknowledgedMs = performance.now() - begin;

    // No hart translates to `from` any more; make every hart forget code decoded from it.
    if (this.options.poison !== undefined) memory.bytes.fill(this.options.poison, from * PAGE_SIZE, (from + 1) * PAGE_SIZE);
    this.signals.publishDma(from, 1);
    await this.acknowledged(this.signals.publishEpoch());
    this.free.push(from);
    return { epoch, from, to, acknowledgedMs };
  }

  private async acknowledged(epoch: number): Promise<void> {
    const deadline = performance.now() + (this.options.timeoutMs ?? 60_000);
    for (;;) {
      const waitingFor = this.signals.firstUnacknowledged(epoch);
      if (waitingFor < 0) return;
      if (performance.now() > deadline) throw new RemapError(`hart ${waitingFor} did not acknowledge epoch ${epoch}`);
      await this.signals.acknowledgementChange(waitingFor, 50);
    }
  }
}
