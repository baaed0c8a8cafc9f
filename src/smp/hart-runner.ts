// One hart of an SMP board on a thread of its own: its registers, translation store and code
// cache are private to this thread; guest RAM, the CLINT's registers and the board's signal
// words are shared (SharedArrayBuffers). Devices other than the CLINT are reached through the
// MMIO channel. Host-neutral: a Node worker or a Web Worker constructs it and calls run().

import type { EngineName } from '../arch/engine.js';
import type { TranslationListener } from '../jit/jit-engine.js';
import { Bus } from '../bus/bus.js';
import { GuestMemory, type SharedGuestMemory } from '../bus/guest-memory.js';
import { Hart, TRAP_LOOP_LIMIT, type HartStatistics } from '../cpu/hart.js';
import type { HartHost } from '../cpu/hart-host.js';
import { CsrSlot } from '../cpu/csr.js';
import { IrqBit } from '../arch/traps.js';
import { Clint } from '../devices/clint.js';
import type { FlushPolicy } from '../arch/flush-policy.js';
import { BoardSignals, DMA_RING_ENTRIES, HartAction, HartWord, StopCause } from './board-signals.js';
import { DebuggerList, watchesOf } from './debugger-list.js';
import { DebugStop } from '../cpu/hart-breakpoints.js';
import { MmioPort } from './mmio-channel.js';
import { UartPort } from './uart-channel.js';
import { publishLiveStatistics } from './live-statistics.js';
import { applySnapshot, SNAPSHOT_WORDS, writeSnapshot } from '../cpu/hart-snapshot.js';
import { applyHartImage, HART_IMAGE_WORDS, writeHartImage } from '../cpu/hart-image.js';

/** Guest instructions between looks at the board's signals (stop, epoch, DMA). */
const CHUNK = 50_000;
/** Longest sleep in wfi without looking at the signals again. */
const MAX_SLEEP_MS = 1000;

/** Everything a hart thread is given; structured-clonable, so it can cross to a worker. */
export interface HartThreadConfig {
  hartId: number;
  harts: number;
  memory: SharedGuestMemory;
  signals: SharedArrayBuffer;
  clint: SharedArrayBuffer;
  /** the UART's status word and transmit ring (uart-channel.ts), if the board has a UART */
  uartChannel?: SharedArrayBuffer;
  /**
   * The board's devices, `index` in the device thread's list. The CLINT's registers are shared
   * memory; the UART is served partly here (uart-channel.ts); the rest go through the MMIO channel.
   */
  devices: { base: number; size: number; name: string; index: number; reach: 'shared' | 'uart-channel' | 'mmio-channel' }[];
  policy: FlushPolicy;
  engine: EngineName;
  sstc: boolean;
  resetPc: bigint;
  timebaseHz: number;
  /** where the thread publishes its counters as it runs (live-statistics.ts), if anyone reads them */
  liveStatistics?: SharedArrayBuffer;
  /** where a halted hart writes its snapshot (cpu/hart-snapshot.ts): SNAPSHOT_WORDS per hart */
  snapshots?: SharedArrayBuffer;
  /** where a halted hart writes its whole image, and takes a new one from (cpu/hart-image.ts): HART_IMAGE_WORDS per hart */
  images?: SharedArrayBuffer;
  /** the board clock's halt offsets (halt-clock.ts) */
  haltClock?: SharedArrayBuffer;
  /** a debugger's breakpoints and write watchpoints (debugger-list.ts) */
  breakpoints?: SharedArrayBuffer;
  watches?: SharedArrayBuffer;
}

/** How a hart thread ended, with its statistics. */
export interface HartThreadExit {
  hartId: number;
  reason: 'stopped' | 'trap-loop';
  pc: bigint;
  statistics: HartStatistics;
  /** milliseconds spent waiting for the device thread (MMIO), and asleep in wfi */
  mmioWaitMs: number;
  mmioRequests: number;
  idleMs: number;
  /** epochs acknowledged (VMM remaps) */
  epochAcks: number;
}

export class HartRunner {
  readonly hart: Hart;
  private readonly signals: BoardSignals;
  private readonly clint: Clint;
  private readonly port: MmioPort;
  private readonly hartId: number;
  private readonly timebaseHz: number;
  private ackedEpoch: number;
  private dmaTail = 0;
  /** milliseconds asleep in wfi; a double from the start, as MmioPort's wait time (which see) */
  private readonly idle = new Float64Array(1);
  private epochAcks = 0;
  private readonly live: Float64Array | undefined;
  private readonly snapshots: BigInt64Array | undefined;
  private readonly images: BigInt64Array | undefined;
  private readonly breakpoints: DebuggerList | undefined;
  private readonly watches: DebuggerList | undefined;

  /** `clock`: the platform clock in timebase ticks, the same on every thread of the board. */
  constructor(config: HartThreadConfig, clock: () => number, onTranslate?: TranslationListener) {
    this.hartId = config.hartId;
    this.timebaseHz = config.timebaseHz;
    this.signals = new BoardSignals(config.harts, config.signals);
    const memory = GuestMemory.attach(config.memory);
    const bus = new Bus(memory);
    this.clint = new Clint(config.harts, clock, config.clint, (hart) => this.signals.wake(hart));
    this.port = new MmioPort(this.signals, config.hartId);
    for (const d of config.devices) {
      const forward = this.port.device(d.index, d.name);
      if (d.reach === 'shared') bus.addDevice(d.base, d.size, this.clint);
      else if (d.reach === 'uart-channel' && config.uartChannel) {
        bus.addDevice(d.base, d.size, new UartPort(config.uartChannel, forward, () => this.signals.ringDoorbell()));
      }
      else bus.addDevice(d.base, d.size, forward);
    }
    const host: HartHost = {
      mtime: () => this.clint.mtime(),
      interruptLines: (id) => this.clint.lines(id) | this.signals.lines(id),
      watchedWrite: (_hartId, hostOffset, size) => { this.hart.watchedWrite(hostOffset, size); return false; },
    };
    this.hart = new Hart(bus, host, { hartId: config.hartId, policy: config.policy, engine: config.engine, sstc: config.sstc, onTranslate });
    this.hart.reset(config.resetPc);
    this.ackedEpoch = this.signals.epoch();
    this.acknowledge(this.ackedEpoch);
    this.live = config.liveStatistics ? new Float64Array(config.liveStatistics) : undefined;
    this.snapshots = config.snapshots ? new BigInt64Array(config.snapshots) : undefined;
    this.images = config.images ? new BigInt64Array(config.images) : undefined;
    this.breakpoints = config.breakpoints ? new DebuggerList(config.breakpoints) : undefined;
    this.watches = config.watches ? new DebuggerList(config.watches) : undefined;
  }

  /** Runs the hart until the board stops it (or it is caught in a trap loop). Blocks the thread. */
  run(): HartThreadExit {
    const hart = this.hart;
    let reason: HartThreadExit['reason'] = 'stopped';
    while (!this.signals.stopRequested(this.hartId)) {
      this.lookAtSignals();
      const halt = this.signals.haltRequested();
      if (halt !== 0) {
        this.holdHalted(halt);
        continue;
      }
      hart.execute(CHUNK);
      if (this.live) this.publish(this.live);
      if (hart.debugStop !== DebugStop.NONE) {
        const cause = hart.debugStop === DebugStop.WATCHPOINT ? StopCause.WATCHPOINT : StopCause.BREAKPOINT;
        hart.debugStop = DebugStop.NONE;
        this.stopFor(cause, hart.watchedAddress);
        continue;
      }
      if (hart.trapsWithoutProgress >= TRAP_LOOP_LIMIT) {
        reason = 'trap-loop';
        break;
      }
      if (hart.waiting) this.sleep();
    }
    // A hart that has ended translates nothing: it must not hold up a VMM epoch.
    this.signals.setIdle(this.hartId, true);
    return {
      hartId: this.hartId,
      reason,
      pc: hart.pc,
      statistics: hart.statistics(),
      mmioWaitMs: this.port.waitMs,
      mmioRequests: this.port.requests,
      idleMs: this.idle[0],
      epochAcks: this.epochAcks,
    };
  }

  /**
   * The VMM holds every hart (the monitor's stop): write the snapshot, say so, and wait, idle
   * (no epoch waits for a held hart), until the halt is released or the board stops.
   */
  private holdHalted(halt: number): void {
    if (this.snapshots) writeSnapshot(this.hart, this.snapshots, this.hartId * SNAPSHOT_WORDS);
    if (this.images) writeHartImage(this.hart, this.images, this.hartId * HART_IMAGE_WORDS);
    this.signals.setIdle(this.hartId, true);
    this.signals.setHalted(this.hartId, halt);
    while (this.signals.haltRequested() === halt && !this.signals.stopRequested(this.hartId)) {
      this.takeImage();
      this.takeRegisters();
      this.signals.waitWhileHalted(this.hartId, halt, MAX_SLEEP_MS);
    }
    this.signals.setHalted(this.hartId, 0);
    this.signals.setIdle(this.hartId, false);
    this.lookAtSignals();
    if (this.signals.stopRequested(this.hartId)) return;
    this.takeDebuggerChanges();
    const action = this.signals.action(this.hartId);
    if (action === HartAction.STEP) {
      this.hart.debugStep();
      const watched = this.hart.debugStop === DebugStop.WATCHPOINT;
      this.hart.debugStop = DebugStop.NONE;
      this.stopFor(watched ? StopCause.WATCHPOINT : StopCause.STEPPED, this.hart.watchedAddress);
    } else if (action === HartAction.PARK) {
      this.waitForHalt();
    }
  }

  /**
   * A snapshot was loaded while the hart is held: it takes its new image at once, and writes
   * its snapshot anew, so that what a debugger or savevm reads while it is held is the new state.
   */
  private takeImage(): void {
    if (!this.images || !this.signals.stateWritten(this.hartId)) return;
    applyHartImage(this.hart, this.images, this.hartId * HART_IMAGE_WORDS);
    if (this.snapshots) writeSnapshot(this.hart, this.snapshots, this.hartId * SNAPSHOT_WORDS);
    this.signals.stateTaken(this.hartId);
  }

  /** A debugger changed the hart's registers while it is held: it takes them, and its image follows. */
  private takeRegisters(): void {
    if (!this.snapshots || !this.signals.takeRegistersWritten(this.hartId)) return;
    applySnapshot(this.hart, this.snapshots, this.hartId * SNAPSHOT_WORDS);
    if (this.images) writeHartImage(this.hart, this.images, this.hartId * HART_IMAGE_WORDS);
  }

  /** What a debugger changed while the hart was held: its registers, the breakpoints. */
  private takeDebuggerChanges(): void {
    this.takeRegisters();
    const breakpoints = this.breakpoints?.read();
    if (breakpoints) this.hart.setBreakpoints(breakpoints);
    const watches = this.watches?.read();
    if (watches) this.hart.setWatches(watchesOf(watches));
    this.hart.resumedByDebugger();
  }

  /** The hart stopped on its own for a debugger: say why, and wait for the halt of every hart that follows. */
  private stopFor(cause: StopCause, watchedAddress = 0n): void {
    this.signals.reportStop(this.hartId, cause, watchedAddress);
    this.waitForHalt();
  }

  /** Idle (no epoch waits for it) until the next halt, or the board stops. */
  private waitForHalt(): void {
    this.signals.setIdle(this.hartId, true);
    while (this.signals.haltRequested() === 0 && !this.signals.stopRequested(this.hartId)) this.signals.waitForHalt(this.hartId, MAX_SLEEP_MS);
    this.signals.setIdle(this.hartId, false);
  }

  /** Publishes the counters so far (once per chunk: a few hundred times a second at most). */
  private publish(live: Float64Array): void {
    publishLiveStatistics(live, this.hart.statistics(),
      { mmioRequests: this.port.requests, mmioWaitMs: this.port.waitMs, idleMs: this.idle[0], epochAcks: this.epochAcks });
  }

  /**
   * At a boundary: honour code written by devices or the VMM, then a new VMM epoch. In that
   * order: an acknowledgement then also says that every page range published before the epoch
   * has been dropped from this hart's decoded code (the remapper relies on it).
   */
  private lookAtSignals(): void {
    const epoch = this.signals.epoch();
    this.drainDma();
    if (epoch !== this.ackedEpoch) {
      this.hart.store.invalidateAll();
      this.ackedEpoch = epoch;
      this.epochAcks++;
      this.acknowledge(epoch);
    }
  }

  private acknowledge(epoch: number): void {
    const i = this.signals.at(this.hartId, HartWord.ACK);
    Atomics.store(this.signals.words, i, epoch);
    Atomics.notify(this.signals.words, i);
  }

  /** Drops decoded code of pages a device wrote (all of it if the ring overflowed meanwhile). */
  private drainDma(): void {
    const w = this.signals.words;
    const headIndex = this.signals.at(this.hartId, HartWord.DMA_HEAD);
    const head = Atomics.load(w, headIndex);
    if (head === this.dmaTail) return;
    const code = this.hart.code;
    if (head - this.dmaTail <= DMA_RING_ENTRIES) {
      for (let i = this.dmaTail; i < head; i++) {
        const slot = this.signals.at(this.hartId, HartWord.DMA_RING + 2 * (i % DMA_RING_ENTRIES));
        const first = Atomics.load(w, slot), count = Atomics.load(w, slot + 1);
        for (let p = first; p < first + count; p++) if (code.holdsCode(p)) code.invalidatePage(p);
      }
    }
    // Entries may have been overwritten while we read them: then trust nothing.
    if (Atomics.load(w, headIndex) - this.dmaTail > DMA_RING_ENTRIES) code.invalidateAll();
    this.dmaTail = head;
  }

  /** The hart waits in wfi: sleep until its timer is due or something wakes it. */
  private sleep(): void {
    const w = this.signals.words;
    const wakeIndex = this.signals.at(this.hartId, HartWord.WAKE);
    const seen = Atomics.load(w, wakeIndex);
    const csrs = this.hart.csrs;
    // Looked at after `seen`: a change made since then has bumped WAKE, so the wait returns.
    if (this.signals.stopRequested(this.hartId) || this.signals.haltRequested() !== 0 || (csrs.mip() & csrs.lo(CsrSlot.MIE)) !== 0) return;
    // Only a timer whose interrupt is enabled ends wfi (one long past but masked must not spin).
    const mie = csrs.lo(CsrSlot.MIE);
    let ticks = Infinity;
    if (mie & IrqBit.MTIP) ticks = this.clint.ticksUntilTimer(this.hartId);
    if (mie & IrqBit.STIP) ticks = Math.min(ticks, csrs.ticksUntilSupervisorTimer());
    const ms = Math.max(0, Math.min(ticks / (this.timebaseHz / 1000), MAX_SLEEP_MS));
    if (ms === 0) return;
    this.signals.setIdle(this.hartId, true);
    const begin = performance.now();
    Atomics.wait(w, wakeIndex, seen, ms);
    this.idle[0] += performance.now() - begin;
    this.signals.setIdle(this.hartId, false);
    // Awake again: a remap published while asleep must be honoured before anything is translated.
    this.lookAtSignals();
  }
}
