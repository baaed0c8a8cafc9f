// One run of the virt board, host-neutral: it builds the board, places the images, runs the
// harts (on the calling thread, or each on a thread of its own) and the devices until the
// guest powers off, fails, panics under -no-reboot, or the host stops it; a guest reset builds
// the board anew. Everything the host provides (threads, clocks, randomness, a way to yield
// to its event loop) comes through SessionHost, and the console is bytes in and bytes out, so
// the same session runs under the Node CLI, the Node library and a browser's device worker.

import type { EngineName } from '../arch/engine.js';
import type { TranslationListener } from '../jit/jit-engine.js';
import { TRAP_LOOP_LIMIT, type HartStatistics } from '../cpu/hart.js';
import { CsrSlot } from '../cpu/csr.js';
import { IrqBit } from '../arch/traps.js';
import { warmUpInterpreter } from '../cpu/warm-up.js';
import type { FinisherEvent } from '../devices/sifive-test.js';
import { VirtioBlock, type BlockBackend } from '../devices/virtio/block.js';
import { VirtioRng } from '../devices/virtio/rng.js';
import { VirtioConsole } from '../devices/virtio/console.js';
import { VirtioNet, type NetBackend } from '../devices/virtio/net.js';
import { VirtioNineP } from '../devices/virtio/9p/device.js';
import { NinePServer } from '../devices/virtio/9p/server.js';
import type { FileSystemBackend } from '../devices/virtio/9p/backend.js';
import type { FlushPolicy } from '../arch/flush-policy.js';
import { Board, BoardSignals, HartAction, StopCause, watchStopCause } from '../smp/board-signals.js';
import { DebuggerList, watchValues } from '../smp/debugger-list.js';
import { DebugStop, type HostWatch, type WatchKind } from '../cpu/hart-breakpoints.js';
import { GuestInspector } from '../debug/guest-inspector.js';
import type { HartThreadExit } from '../smp/hart-runner.js';
import type { HartThreadData, HartThreadResult } from '../smp/hart-thread-main.js';
import { MmioServer } from '../smp/mmio-channel.js';
import { HaltClock } from '../smp/halt-clock.js';
import { readSnapshot, restoreSnapshot, SNAPSHOT_WORDS, snapshotWords, takeSnapshot, type HartSnapshot } from '../cpu/hart-snapshot.js';
import { liveStatisticsBuffer, readLiveStatistics } from '../smp/live-statistics.js';
import { applyHartImage, HART_IMAGE_WORDS, writeHartImage } from '../cpu/hart-image.js';
import { HartvmError, SnapshotError } from './errors.js';
import { boardShape, captureSections, readRawSections, restoreSections, sectionLimits, sectionsProblem, snapshotFileLimit, storedRaw, unsavableDevices, type SnapshotBoard } from './snapshot/board-snapshot.js';
import { streamCodec, type SectionCodec } from './snapshot/deflate.js';
import { decodeSnapshot, encodeSnapshot, SnapshotFormatError, type SnapshotSection } from './snapshot/snapshot-file.js';
import type { SnapshotSource } from './snapshot/snapshot-source.js';
import { ConsoleOutput } from './console-output.js';
import { machineStatistics, type MachineStatistics } from './statistics.js';
import { TIMEBASE_HZ, VirtMachine, type BootImages, type BusWindow } from './virt-machine.js';
import { VIRT_MEMMAP } from './virt-layout.js';

/** A snapshot file read and checked against a session's board (MachineSession.readSnapshot). */
export interface SnapshotSections {
  /** raw sections are read from the source readSnapshot() was given as restoreSnapshot() loads them: it stays open until then */
  readonly sections: Map<string, SnapshotSection>;
}

/** What a host gives a session. */
export interface SessionHost {
  /** Starts a thread that runs runHartThread(data, clock) (smp/hart-thread-main.ts); resolves to its result. */
  spawnHart(data: HartThreadData): Promise<HartThreadResult>;
  /** The board's time zero, structured-clonable: hart threads get it in HartThreadData.clockOrigin. */
  clockOrigin(): unknown;
  /** The board clock in ticks of `hz` since `origin`; it never goes backwards from one thread to another. */
  clock(origin: unknown, hz: number): () => number;
  /** Milliseconds from a monotonic clock (for slices and statistics). */
  now(): number;
  /** Wall-clock time in nanoseconds since the Unix epoch (the RTC). */
  wallClockNs(): bigint;
  /** Fills `into` with random bytes (the guest's virtio-rng). */
  random(into: Uint8Array): void;
  /** Lets the host's event loop run (input, timers) between slices of a hart on the calling thread. */
  yieldToEvents(): Promise<void>;
  /** Told of each new guest memory before anything is written into it (to choose how the host backs it). */
  guestMemoryCreated?(bytes: Uint8Array): void;
  /** Where the host keeps translations written as text (SessionOptions.jitDump), if it can. */
  translationWriter?(to: string): TranslationListener;
}

/** QEMU's virt board takes up to 512 harts; the PLIC context layout here is sized for 32. */
export const MAX_HARTS = 32;
/** Devices every session puts on the board besides the disks: the entropy device. */
const BUILT_IN_VIRTIO_DEVICES = 1;
/** Disks the board takes: each needs a virtio-mmio slot, and the entropy device has one. */
export const MAX_DISKS = VIRT_MEMMAP.virtio.slots - BUILT_IN_VIRTIO_DEVICES;

/** The virtio devices a board may have besides its disks and entropy device, each in a slot of its own. */
export interface OptionalVirtioDevices {
  virtioConsole?: boolean;
  network?: unknown;
  /** shared folders (virtio-9p devices) */
  shares?: readonly unknown[];
}

/** Disks a board with these devices takes (a virtio console, a network card and each shared folder take a slot). */
export function maxDisks(options: OptionalVirtioDevices): number {
  return MAX_DISKS - (options.virtioConsole ? 1 : 0) - (options.network !== undefined ? 1 : 0) - (options.shares?.length ?? 0);
}

/** A host folder the guest mounts by `tag` (a virtio-9p device). */
export interface FileShare {
  tag: string;
  backend: FileSystemBackend;
  /** every change is refused with EROFS (the back end may be read-only itself too) */
  readOnly: boolean;
}

/** Whether a session runs its harts on threads of their own (else its one hart on the calling thread). */
export function hartsOnThreads(options: { harts: number; hartThreads: boolean }): boolean {
  return options.harts > 1 || options.hartThreads;
}

export interface SessionOptions {
  ramSize: number;
  harts: number;
  policy: FlushPolicy;
  /** how harts run instructions (default: the interpreter) */
  engine?: EngineName;
  /** where the host writes each translation as text (SessionHost.translationWriter; hart threads get it in HartThreadData) */
  jitDump?: string;
  /** every hart on a thread of its own even at one hart (always so from two harts on) */
  hartThreads: boolean;
  /** a guest reset reboots the board; false ends the run instead (-no-reboot) */
  reboot: boolean;
  /** warm the interpreter up before the guest starts (see cpu/warm-up.ts) */
  warmUp: boolean;
  /**
   * The board also has a virtio console (Linux's hvc0, for console=hvc0), whose output joins the
   * UART's and which gets the host's input instead of the UART
   */
  virtioConsole?: boolean;
  /** The network the board's virtio-net card is plugged into (eth0); none without it */
  network?: NetBackend;
  /** Host folders shared over virtio-9p, a device each */
  shares?: FileShare[];
  /**
   * The images, or what reads them when they are first placed: a board loaded from a snapshot
   * (boot({ placeImages: false })) needs them only once its guest reboots.
   */
  images: BootImages | (() => BootImages);
  /** virtio-blk disks, in order: the first is /dev/vda */
  disks: BlockBackend[];
  /**
   * Bytes the guest wrote to its console, in batches. Returning false says the host is behind:
   * the UART's transmitter then shows busy until the host calls outputDrained().
   */
  output(bytes: Uint8Array): boolean | void;
  /** The guest wrote on while its transmitter was busy and the backlog was full: bytes were dropped (said once). */
  outputDropped?(): void;
  /** things that happen on the way */
  event?(event: SessionEvent): void;
  /** every hart is held from the start until resumed (QEMU's -S) */
  startHeld?: boolean;
}

export type SessionEvent =
  | { type: 'reset' }
  | { type: 'panic' }
  | { type: 'virtio-error'; message: string };

/** Why a run ended. */
export type EndReason = 'poweroff' | 'fail' | 'panic' | 'reset' | 'stopped' | 'trap-loop' | 'internal-error';

export interface SessionEnding {
  /** the exit status QEMU would give (0 on poweroff, the guest's code on failure), or hartvm's own */
  status: number;
  reason: EndReason;
  /** one line for the user, when there is something to say */
  message?: string;
}

/** Guest instructions between looks at the clock: small enough to keep the console responsive. */
const CHUNK = 200_000;
/** Run this long before letting the host deliver input and timers. */
const SLICE_MS = 10;
/**
 * How long a stopping machine waits for its hart threads to end. A hart sees the stop between two
 * slices, but not while V8 compiles on its thread, which nothing interrupts: with 32 harts
 * compiling at once on two cores that took over a second. A hart that has not ended by then is
 * reported without statistics and ends on its own, touching nothing but guest memory meanwhile.
 */
const STOP_GRACE_MS = 250;
/** Where console input goes: the UART, or the virtio console when the board has one. */
interface ConsoleInput {
  hasRoomForInput(): boolean;
  /** takes what fits; returns how many bytes */
  pushInput(bytes: Uint8Array): number;
  sendBreak(): void;
}

/** In the queue of console input: a break, where it was sent. */
const BREAK_INPUT = new Uint8Array(0);
/** The longest a hart on the calling thread sleeps in wfi before looking again. */
const MAX_SLEEP_MS = 1000;
const PANIC_TEXT = 'Kernel panic - not syncing';
/** How long a snapshot waits for the disks' requests in flight to complete, and held harts to take their loaded state. */
const SETTLE_MS = 30_000;
/** Linux's last line of a panic report: with -no-reboot the run ends there. */
const PANIC_END_TEXT = '---[ end Kernel panic';

export class MachineSession {
  private readonly host: SessionHost;
  private readonly options: SessionOptions;
  private machine: VirtMachine | undefined;
  /** when run() began (ms); a double from the start (double-field.ts), NaN before */
  private start = Number.NaN;
  private ending: SessionEnding | undefined;
  private rebootRequested = false;
  /** the board boots again held, as it was (system_reset while stopped, as QEMU keeps it stopped) */
  private holdAfterReboot = false;
  private readonly pendingInput: Uint8Array[] = [];
  private wake: (() => void) | undefined;
  private readonly console: ConsoleOutput;
  /** the tail of the console output, to notice a kernel panic */
  private recentOutput = '';
  private panicked = false;
  private panicReported = false;
  /** the harts' signal words when they run on threads of their own */
  private signals: BoardSignals | undefined;
  private clockOrigin: unknown;
  /** MMIO requests the device thread's timer found waiting (a doorbell's wake-up was late or lost) */
  private servedByTimer = 0;
  /** how each hart thread ended (hart threads only) */
  private threadExits: HartThreadExit[] = [];
  /** the counters hart threads publish as they run (statistics() while they do) */
  private liveStatistics: Float64Array | undefined;
  private running = false;
  /** the board clock as the host reads it, before halts are taken off */
  private hostClock: () => number = () => 0;
  private haltClock = new HaltClock();
  /** the number of the halt the harts are held in (the monitor's stop), or 0 while they run */
  private halt = 0;
  private halts = 0;
  /** where halted hart threads write their snapshots */
  private snapshotWords: BigInt64Array | undefined;
  /** where halted hart threads write their whole images, and take new ones from (a snapshot loaded) */
  private hartImages: BigInt64Array | undefined;
  /** the board's virtio console (SessionOptions.virtioConsole) */
  private virtioConsole: VirtioConsole | undefined;
  /** the board's network card (SessionOptions.network) */
  private netCard: VirtioNet | undefined;
  /** a debugger's breakpoints and write watchpoints, for hart threads */
  private breakpointList: DebuggerList | undefined;
  private watchList: DebuggerList | undefined;
  /** SessionOptions.images once read, when given as a function */
  private readImages: BootImages | undefined;
  /** guest memory holds only zeros: built with nothing placed, and nothing has run or written it since */
  private memoryIsZero = false;
  /** a snapshot is being loaded: typed input stays in pendingInput until the UART has its new state */
  private inputHeld = false;
  /** stops hart threads reported that the device thread has seen */
  private debugStopsSeen = 0;
  /** why the hart on the calling thread stopped on its own (and the watched address it wrote) */
  private stopCause: StopCause = StopCause.NONE;
  private stopWatchedAddress = 0n;
  /** told when the harts are held after one stopped on its own (a breakpoint, a step done) */
  private stopListener: (() => void) | undefined;

  constructor(host: SessionHost, options: SessionOptions) {
    if (!Number.isInteger(options.harts) || options.harts < 1 || options.harts > MAX_HARTS) {
      throw new RangeError(`harts: the board has 1 to ${MAX_HARTS} harts, not ${options.harts}`);
    }
    if (maxDisks(options) < 0) throw new RangeError('the board has too few virtio-mmio slots for these devices');
    if (options.disks.length > maxDisks(options)) throw new RangeError(`disks: the board takes at most ${maxDisks(options)}, not ${options.disks.length}`);
    this.host = host;
    this.options = options;
    this.console = new ConsoleOutput({
      write: (bytes) => options.output(bytes),
      transmitterBusy: (busy) => {
        this.machine?.uart.setTransmitterBusy(busy);
        if (!busy) this.virtioConsole?.resume();
      },
      dropped: () => options.outputDropped?.(),
    });
  }

  /**
   * Builds the board and places the images (throws BoardError when they do not fit); run() does
   * it too. `placeImages` false leaves guest memory zero for a snapshot to be loaded into (the
   * images are still checked, and a reboot places them).
   */
  boot({ placeImages = true }: { placeImages?: boolean } = {}): void {
    const options = this.options;
    this.signals = hartsOnThreads(options) ? new BoardSignals(options.harts) : undefined;
    this.clockOrigin = this.host.clockOrigin();
    this.hostClock = this.host.clock(this.clockOrigin, TIMEBASE_HZ);
    // a board built anew runs: a reset lets halted harts go
    this.haltClock = new HaltClock();
    this.halt = 0;
    this.snapshotWords = this.signals ? new BigInt64Array(new SharedArrayBuffer(options.harts * SNAPSHOT_WORDS * 8)) : undefined;
    this.hartImages = this.signals ? new BigInt64Array(new SharedArrayBuffer(options.harts * HART_IMAGE_WORDS * 8)) : undefined;
    this.breakpointList = this.signals ? new DebuggerList() : undefined;
    this.watchList = this.signals ? new DebuggerList() : undefined;
    this.debugStopsSeen = 0;
    this.virtioConsole = options.virtioConsole ? new VirtioConsole({ output: (bytes) => this.virtioConsoleOutput(bytes) }) : undefined;
    // (a reboot plugs a new card into the same network)
    this.netCard = options.network ? new VirtioNet(options.network) : undefined;
    const machine = new VirtMachine({
      ramSize: options.ramSize,
      harts: options.harts,
      policy: options.policy,
      engine: options.engine,
      onTranslate: options.jitDump !== undefined ? this.host.translationWriter?.(options.jitDump) : undefined,
      signals: this.signals,
      clock: this.haltClock.wrap(this.hostClock),
      nowNs: () => this.host.wallClockNs(),
      consoleOutput: (byte) => this.output(byte),
      onFinisher: (event, code) => this.finisher(event, code),
      virtioDevices: [
        ...options.disks.map((disk) => new VirtioBlock(disk)),
        new VirtioRng((into) => this.host.random(into)),
        ...(this.virtioConsole ? [this.virtioConsole] : []),
        ...(this.netCard ? [this.netCard] : []),
        // (a reboot gives each share a new server: the guest's fids are gone with its kernel)
        ...(options.shares ?? []).map((share) => new VirtioNineP(new NinePServer(share.backend, { readOnly: share.readOnly }), share.tag)),
      ],
      onVirtioError: (message) => options.event?.({ type: 'virtio-error', message }),
      onInterrupt: () => this.wake?.(),
    });
    this.host.guestMemoryCreated?.(machine.memory.bytes);
    // (images given as a function are read when first placed, not to be checked only)
    if (placeImages || typeof options.images !== 'function') machine.boot(this.bootImages(), placeImages);
    this.memoryIsZero = !placeImages;
    machine.uart.setTransmitterBusy(this.console.behind); // a reboot does not catch the host up
    this.machine = machine;
  }

  /** The images to place, read once. */
  private bootImages(): BootImages {
    const images = this.options.images;
    if (typeof images !== 'function') return images;
    this.readImages ??= images();
    return this.readImages;
  }

  /** The device tree the guest was given (after boot(); none while the images are not read). */
  get deviceTree(): Uint8Array {
    return this.machine?.deviceTree ?? new Uint8Array(0);
  }

  /** Runs the guest until it ends; resolves to how. */
  async run(): Promise<SessionEnding> {
    if (this.running) throw new Error('the session is already running');
    this.running = true;
    if (!this.machine) this.boot();
    if (this.options.startHeld) this.holdAtStart();
    this.start = this.host.now();
    if (!this.signals && this.options.warmUp) warmUpInterpreter(this.options.policy);
    try {
      await (this.signals ? this.threadedLoop() : this.loop());
    } finally {
      this.console.finish();
    }
    return this.ending ?? { status: 0, reason: 'stopped' };
  }

  /** Bytes typed for the guest's console. */
  input(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.pendingInput.push(bytes.slice());
    this.wake?.();
  }

  /** A break on the serial line, after the input before it (QEMU's Ctrl-A B; Linux's SysRq). */
  sendBreak(): void {
    this.pendingInput.push(BREAK_INPUT);
    this.wake?.();
  }

  /** The host has caught up with the console output it said it was behind on. */
  outputDrained(): void {
    this.console.drained();
  }

  /** Ends the run (the host's quit, a signal, an abort); the first ending wins. */
  stop(status = 0, message?: string): void {
    this.end({ status, reason: 'stopped', message });
  }

  /** The board's harts. */
  get harts(): number {
    return this.options.harts;
  }

  /** Whether the harts are held (pause()). */
  get paused(): boolean {
    return this.halt !== 0;
  }

  /**
   * Holds every hart at its next boundary and the board clock with them (the monitor's stop);
   * resolves once they all are. Devices go on: input still reaches the UART, output still flows.
   */
  async pause(): Promise<void> {
    if (this.ending || !this.running || !this.machine) return;
    const asked = this.halt === 0;
    if (asked) {
      this.halt = ++this.halts;
      this.signals?.requestHalt(this.halt);
    }
    const halt = this.halt;
    const signals = this.signals;
    if (signals) {
      // also when already asked (-S, a stop reported): the snapshots are there once every hart is held
      for (let h = 0; h < this.options.harts; h++) {
        while (!signals.halted(h, halt) && this.halt === halt && !this.ending) await signals.haltedChange(h, SLICE_MS);
      }
      if (this.halt !== halt) return;
    }
    if (asked) this.haltClock.stand(this.hostClock);
  }

  /** Lets held harts run on (the monitor's cont). */
  resume(): void {
    this.release([]);
  }

  // ---- snapshots of the whole machine (the monitor's savevm and loadvm) ---------------------

  /**
   * The machine as a snapshot file, in pieces to write in order: every hart is held while its
   * state is read (after the disks' requests in flight complete), then runs on if it ran.
   * Throws SnapshotError when the board cannot be saved.
   */
  async saveSnapshot(codec: SectionCodec = streamCodec): Promise<Uint8Array[]> {
    if (this.options.network) throw new SnapshotError('the board has a network card: its connections through passt cannot be saved and restored');
    if (this.options.shares?.length) throw new SnapshotError('the board shares host folders (virtio-9p): the files the guest has open in them cannot be saved and restored');
    if (!this.machine || !this.running) throw new SnapshotError('the machine is not running');
    const board = this.snapshotBoard(this.machine);
    const unsavable = unsavableDevices(board);
    if (unsavable.length > 0) throw new SnapshotError(`the board's ${unsavable.join(', ')} cannot be saved`);
    const sections = await this.whileHeld(() => captureSections(board));
    return encodeSnapshot(boardShape(board), sections, codec, storedRaw);
  }

  /**
   * Puts the machine back as snapshot `file` has it; it runs on if it ran. A file that is not a
   * snapshot of a machine of this shape is refused (SnapshotError, one line) with the machine
   * untouched.
   */
  async loadSnapshot(file: Uint8Array, codec: SectionCodec = streamCodec): Promise<void> {
    await this.restoreSnapshot(await this.readSnapshot(file, codec));
  }

  /**
   * Snapshot `file` (its bytes, or a source to read them from), read and checked against this
   * board (built, running or not) but not loaded: restoreSnapshot() loads it. Throws
   * SnapshotError, one line, for a file it refuses.
   */
  async readSnapshot(file: Uint8Array | SnapshotSource, codec: SectionCodec = streamCodec): Promise<SnapshotSections> {
    const machine = this.machine;
    if (!machine) throw new SnapshotError('the machine is not built');
    const shape = boardShape(this.snapshotBoard(machine));
    try {
      return { sections: await decodeSnapshot(file, shape, sectionLimits(shape, machine.memory.regions), codec) };
    } catch (e) {
      throw e instanceof SnapshotFormatError ? new SnapshotError(e.message) : e;
    }
  }

  /** The most bytes a snapshot file of this board can take (a host reads no more of one). */
  snapshotFileLimit(): number {
    const machine = this.machine;
    if (!machine) throw new SnapshotError('the machine is not built');
    return snapshotFileLimit(boardShape(this.snapshotBoard(machine)), machine.memory.regions);
  }

  /** Loads a snapshot readSnapshot() read; it runs on if it ran. */
  async restoreSnapshot(snapshot: SnapshotSections): Promise<void> {
    await this.whileHeld(async () => {
      const board = this.snapshotBoard(this.machine!);
      // console input typed and not yet read (all of it, as -loadvm starts) is for the machine as
      // loaded; what is typed meanwhile waits in pendingInput (the UART's state is replaced)
      const typed = board.machine.uart.takeUnread();
      this.inputHeld = true;
      try {
        const sections = readRawSections(snapshot.sections, this.memoryIsZero);
        const problem = await sectionsProblem(board, sections);
        if (problem) throw new SnapshotFormatError(problem);
        try {
          await restoreSections(board, sections, this.memoryIsZero);
        } finally {
          // (even half loaded: a board that was not zero is never taken for one)
          this.memoryIsZero = false;
        }
      } catch (e) {
        throw e instanceof SnapshotFormatError ? new SnapshotError(e.message) : e;
      } finally {
        board.machine.uart.requeue(typed);
        this.inputHeld = false;
      }
      this.panicked = false;
      this.recentOutput = '';
    });
  }

  /** Runs `work` with every hart held and no disk request in flight; the harts run on after it if they ran. */
  private async whileHeld<T>(work: () => Promise<T>): Promise<T> {
    if (!this.running) throw new SnapshotError('the machine is not running');
    const running = this.halt === 0;
    await this.pause();
    try {
      if (this.halt === 0 || this.ending) throw new SnapshotError('the machine has ended');
      const deadline = this.host.now() + SETTLE_MS;
      while (this.machine!.requestsInFlight() > 0) {
        if (this.host.now() > deadline) throw new SnapshotError('the disks did not complete their requests in time');
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      return await work();
    } finally {
      if (running) this.resume();
    }
  }

  private snapshotBoard(machine: VirtMachine): SnapshotBoard {
    const images = this.hartImages;
    const signals = this.signals;
    return {
      machine, disks: this.options.disks, harts: this.options.harts,
      readHartImages: () => {
        if (images) return images.slice();
        const words = new BigInt64Array(HART_IMAGE_WORDS);
        writeHartImage(machine.harts[0], words, 0);
        return words;
      },
      writeHartImages: async (words) => {
        if (!images || !signals) return applyHartImage(machine.harts[0], words, 0);
        images.set(words);
        for (let h = 0; h < this.options.harts; h++) signals.setStateWritten(h);
        const deadline = this.host.now() + SETTLE_MS;
        for (let h = 0; h < this.options.harts; h++) {
          while (signals.stateWritten(h)) {
            if (this.ending || this.host.now() > deadline) throw new SnapshotError(`hart ${h} did not take its state`);
            await signals.stateTakenChange(h, SLICE_MS);
          }
        }
      },
    };
  }

  // ---- a debugger (debug/gdb-server.ts) ---------------------------------------------------

  /** Tells `listener` each time the harts are held after one stopped on its own (undefined: nobody). */
  onHartStop(listener: (() => void) | undefined): void {
    this.stopListener = listener;
  }

  /** Why each hart stopped on its own since it was last let go (StopCause.NONE: it did not). */
  stopCauses(): StopCause[] {
    const signals = this.signals;
    if (!signals) return [this.stopCause];
    return Array.from({ length: this.options.harts }, (_, h) => signals.stoppedFor(h));
  }

  /** The watched address hart `hartId` accessed, when its stop cause is a watchpoint's. */
  watchedAddress(hartId: number): bigint {
    return this.signals ? this.signals.watchedAddress(hartId) : this.stopWatchedAddress;
  }

  /**
   * Lets held harts go, each as `actions` says (run, stay held, take one step; missing: run),
   * with `breakpoints` (virtual addresses) and `watches` (watchRange()). A hart that stops
   * on its own (a breakpoint, a watched access, its step done) halts every hart, and then
   * onHartStop's listener is told.
   */
  debugResume(actions: readonly HartAction[], breakpoints: readonly bigint[], watches: readonly HostWatch[] = []): void {
    if (this.halt === 0 || !this.machine) return;
    if (this.breakpointList && this.watchList) {
      this.breakpointList.write(breakpoints);
      this.watchList.write(watchValues(watches));
      this.release(actions);
      return;
    }
    const hart = this.machine.harts[0];
    hart.setBreakpoints(breakpoints);
    hart.setWatches(watches);
    hart.resumedByDebugger();
    this.stopCause = StopCause.NONE;
    const action = actions[0] ?? HartAction.RUN;
    if (action === HartAction.RUN) this.release(actions);
    else if (action === HartAction.STEP) {
      hart.debugStep();
      this.stopCause = hart.debugStop === DebugStop.WATCHPOINT ? watchStopCause(hart.watchedKind) : StopCause.STEPPED;
      this.stopWatchedAddress = hart.watchedAddress;
      hart.debugStop = DebugStop.NONE;
      setTimeout(() => this.stopListener?.(), 0);
    }
  }

  /** A debugger is gone: its breakpoints and watchpoints go too (held harts drop them when let go). */
  clearDebugger(): void {
    this.breakpointList?.write([]);
    this.watchList?.write([]);
    const hart = this.signals ? undefined : this.machine?.harts[0];
    hart?.setBreakpoints([]);
    hart?.setWatches([]);
  }

  /**
   * Guest RAM at `address` (as readMemory() reads it) as watches of `kind` for debugResume(), or
   * undefined where some byte is not RAM.
   */
  watchRange(hartId: number, address: bigint, length: number, kind: WatchKind): HostWatch[] | undefined {
    return this.inspector(hartId).watches(address, length, kind);
  }

  /** Gives hart `hartId` the registers of `snapshot` (changed from snapshots()); the harts are held. */
  writeRegisters(snapshot: HartSnapshot): void {
    if (this.halt === 0 || !this.machine) throw new Error('the harts are running: pause() them first');
    const words = this.snapshotWords;
    if (!words || !this.signals) return restoreSnapshot(this.machine.harts[snapshot.hartId], snapshot);
    snapshotWords(snapshot, words, snapshot.hartId * SNAPSHOT_WORDS);
    this.signals.setRegistersWritten(snapshot.hartId);
  }

  /**
   * Guest memory as hart `hartId` sees it now (its translation; physical where that fails), for a
   * debugger; the harts are held. Undefined where some byte is not RAM.
   */
  readMemory(hartId: number, address: bigint, length: number): Uint8Array | undefined {
    return this.inspector(hartId).read(address, length);
  }

  /** Writes guest memory as readMemory() reads it (decoded code of the pages is dropped); false where some byte is not RAM. */
  writeMemory(hartId: number, address: bigint, bytes: Uint8Array): boolean {
    this.memoryIsZero = false;
    return this.inspector(hartId).write(address, bytes);
  }

  private inspector(hartId: number): GuestInspector {
    const machine = this.machine;
    if (this.halt === 0 || !machine) throw new Error('the harts are running: pause() them first');
    return new GuestInspector(machine.bus, this.snapshots()[hartId], (hostOffset, length) => machine.memoryWritten(hostOffset, length));
  }

  /** Lets held harts run on, each as `actions` says (missing: run). */
  private release(actions: readonly HartAction[]): void {
    if (this.halt === 0) return;
    this.halt = 0;
    this.memoryIsZero = false;
    this.stopCause = StopCause.NONE;
    // (a hart thread does the same when let go)
    if (!this.signals) this.machine?.harts[0]?.resumedByDebugger();
    this.haltClock.resume(this.hostClock);
    this.signals?.setActions(actions);
    this.signals?.releaseHalt();
    this.wake?.();
  }

  /** A hart thread stopped on its own: every hart is held, then the listener is told. */
  private async haltForDebugger(): Promise<void> {
    await this.pause();
    if (this.halt !== 0) this.stopListener?.();
  }

  /** Every hart's registers; the harts must be held (pause()). */
  snapshots(): HartSnapshot[] {
    if (this.halt === 0 || !this.machine) throw new Error('the harts are running: pause() them first');
    const words = this.snapshotWords;
    if (!words) return this.machine.harts.map((hart) => takeSnapshot(hart));
    return Array.from({ length: this.options.harts }, (_, id) => readSnapshot(id, words, id * SNAPSHOT_WORDS));
  }

  /** What sits where on the board's bus. */
  memoryMap(): BusWindow[] {
    return this.machine?.memoryMap() ?? [];
  }

  /**
   * Resets the board as the guest's reset does (the monitor's system_reset): it boots again, or
   * ends under -no-reboot. A board that was stopped stays stopped, its harts held at reset.
   */
  reset(): void {
    if (!this.running || this.ending) return;
    this.holdAfterReboot = this.halt !== 0;
    this.finisher('reset', 0);
    this.resume();
  }

  /** The board just built starts held (hart threads see the halt before their first instruction). */
  private holdAtStart(): void {
    this.halt = ++this.halts;
    this.signals?.requestHalt(this.halt);
    this.haltClock.stand(this.hostClock);
  }

  /**
   * Boots the board again after a reset, held if it was stopped. Images that cannot be read or
   * placed (read only now for a board loaded from a snapshot) end the run, saying why.
   */
  private reboot(): void {
    this.rebootRequested = false;
    this.panicked = false;
    try {
      this.boot();
    } catch (e) {
      if (!(e instanceof HartvmError)) throw e;
      this.end({ status: 1, reason: 'stopped', message: `the guest reset, and the board cannot boot again: ${e.message}` });
      return;
    }
    if (this.holdAfterReboot) this.holdAtStart();
    this.holdAfterReboot = false;
  }

  /** The statistics so far (final once run() has resolved). */
  statistics(): MachineStatistics {
    const seconds = this.start >= 0 ? (this.host.now() - this.start) / 1000 : 0;
    if (!this.signals) {
      const harts: HartStatistics[] = this.machine ? this.machine.harts.map((h) => h.statistics()) : [];
      return machineStatistics(this.options.policy, seconds, harts);
    }
    const live = this.liveStatistics;
    if (live) {
      const now = Array.from({ length: this.options.harts }, (_, id) => readLiveStatistics(live, id));
      return machineStatistics(this.options.policy, seconds, now.map((s) => s.hart), now.map((s) => s.thread), this.servedByTimer);
    }
    const exits = [...this.threadExits].sort((a, b) => a.hartId - b.hartId);
    return machineStatistics(this.options.policy, seconds, exits.map((e) => e.statistics),
      exits.map((e) => ({ hartId: e.hartId, mmioRequests: e.mmioRequests, mmioWaitMs: e.mmioWaitMs, idleMs: e.idleMs, epochAcks: e.epochAcks })),
      this.servedByTimer);
  }

  private end(ending: SessionEnding): void {
    if (this.ending) return;
    this.ending = ending;
    for (const hart of this.machine?.harts ?? []) hart.requestStop();
    this.wake?.();
    this.ringDoorbell();
  }

  /** Wakes the device thread's wait for MMIO requests, to look at ending/reboot. */
  private ringDoorbell(): void {
    this.signals?.ringDoorbell();
  }

  /** What the guest wrote to its virtio console; false while the host is behind. */
  private virtioConsoleOutput(bytes: Uint8Array): boolean {
    for (const byte of bytes) this.output(byte);
    return !this.console.behind;
  }

  private output(byte: number): void {
    this.console.put(byte);
    // Keep a short tail to recognise a kernel panic (for -no-reboot's exit status).
    this.recentOutput = (this.recentOutput + String.fromCharCode(byte)).slice(-64);
    if (!this.panicked && this.recentOutput.endsWith(PANIC_TEXT)) {
      this.panicked = true;
      this.options.event?.({ type: 'panic' });
    }
    // A kernel that panics without panic=N never resets: -no-reboot ends the run at the report's end.
    if (this.panicked && !this.options.reboot && this.recentOutput.endsWith(PANIC_END_TEXT)) this.panicReported = true;
    if (this.panicReported && byte === 10) this.end({ status: 1, reason: 'panic', message: 'the guest kernel panicked' });
  }

  private finisher(event: FinisherEvent, code: number): void {
    if (event === 'poweroff') this.end({ status: code, reason: 'poweroff' });
    else if (event === 'fail') this.end({ status: code || 1, reason: 'fail', message: `the guest reported failure (code ${code})` });
    else if (this.panicked) this.end({ status: 1, reason: 'panic', message: 'the guest kernel panicked' });
    else if (!this.options.reboot) this.end({ status: 0, reason: 'reset' });
    else {
      this.options.event?.({ type: 'reset' });
      this.rebootRequested = true;
      this.machine?.harts[0]?.requestStop();
      this.ringDoorbell();
    }
  }

  private trapLoop(hartId: number, pc: bigint): void {
    this.end({
      status: 4, reason: 'trap-loop',
      message: `hart ${hartId} is stuck in a trap loop at pc 0x${pc.toString(16)} (${TRAP_LOOP_LIMIT} traps with no instruction retired)`,
    });
  }

  /** One hart on the calling thread, in slices between which the host's events run. */
  private async loop(): Promise<void> {
    for (;;) {
      const machine = this.machine!;
      const hart = machine.harts[0];
      // A held hart runs nothing; the devices, input and output go on.
      const held = this.halt !== 0;
      this.feedInput();
      if (!held) {
        const until = this.host.now() + SLICE_MS;
        do {
          hart.execute(CHUNK);
          if (hart.debugStop !== DebugStop.NONE) {
            this.stopCause = hart.debugStop === DebugStop.WATCHPOINT ? watchStopCause(hart.watchedKind) : StopCause.BREAKPOINT;
            this.stopWatchedAddress = hart.watchedAddress;
            hart.debugStop = DebugStop.NONE;
            this.halt = ++this.halts;
            this.haltClock.stand(this.hostClock);
            this.stopListener?.();
            break;
          }
          if (this.ending || this.rebootRequested || hart.waiting) break;
          if (hart.trapsWithoutProgress >= TRAP_LOOP_LIMIT) {
            this.trapLoop(0, hart.pc);
            break;
          }
        } while (this.host.now() < until);
      }
      machine.rtc.poll();
      machine.pollDevices();
      this.console.flush();
      if (this.ending) return;
      if (this.rebootRequested) {
        this.reboot();
        if (this.ending) return;
        continue;
      }
      if (held) await this.sleepFor(SLICE_MS);
      else if (hart.waiting && !machine.devicesHaveWork) await this.sleepUntilWake();
      else await this.host.yieldToEvents();
    }
  }

  /**
   * Every hart on a thread of its own; this thread is the device thread. It serves the harts'
   * MMIO requests as they ring, and every few milliseconds delivers input, polls the RTC and
   * flushes the console. Ends with every hart thread stopped and joined.
   */
  private async threadedLoop(): Promise<void> {
    for (;;) {
      const signals = this.signals!;
      const machine = this.machine!;
      const channel = machine.uartChannel;
      const server = new MmioServer(signals, machine.deviceList(), channel && (() => channel.drain()));
      this.liveStatistics = new Float64Array(liveStatisticsBuffer(this.options.harts));
      const harts = this.startHartThreads(machine);
      const housekeeping = setInterval(() => {
        // Also serve here: should a doorbell's wake-up of the loop below ever be lost, a hart
        // waits at most this long (a timer of the event loop, not a task like waitAsync's).
        this.servedByTimer += server.serve();
        this.feedInput();
        machine.rtc.poll();
        machine.pollDevices();
        this.console.flush();
      }, SLICE_MS);
      try {
        while (!this.ending && !this.rebootRequested) {
          const seen = server.doorbell();
          server.serve();
          if (this.ending || this.rebootRequested) break;
          if (signals.stopsReported() !== this.debugStopsSeen) {
            this.debugStopsSeen = signals.stopsReported();
            void this.haltForDebugger();
          }
          if (machine.devicesHaveWork) {
            // The devices' budget is spent: let the event loop run, then give them the next turn.
            await this.host.yieldToEvents();
            machine.pollDevices();
            continue;
          }
          const wait = Atomics.waitAsync(signals.words, Board.DOORBELL, seen, SLICE_MS);
          if (wait.async) await wait.value;
        }
      } finally {
        clearInterval(housekeeping);
        signals.stopAll();
        server.serve(); // a hart blocked on a request gets its answer and sees the stop
        this.threadExits = this.ending ? await endedWithin(harts, STOP_GRACE_MS) : await Promise.all(harts);
        channel?.drain(); // what the harts wrote to the console before they stopped
        this.liveStatistics = undefined;
        this.console.flush();
      }
      if (this.ending || !this.rebootRequested) return;
      this.reboot();
      if (this.ending) return;
    }
  }

  /** Starts one thread per hart; each promise resolves to how that hart ended. */
  private startHartThreads(machine: VirtMachine): Promise<HartThreadExit>[] {
    const exits: Promise<HartThreadExit>[] = [];
    for (let id = 0; id < this.options.harts; id++) {
      const config = {
        ...machine.hartThreadConfig(id), liveStatistics: this.liveStatistics?.buffer as SharedArrayBuffer | undefined,
        snapshots: this.snapshotWords?.buffer as SharedArrayBuffer | undefined, haltClock: this.haltClock.buffer,
        images: this.hartImages?.buffer as SharedArrayBuffer | undefined,
        breakpoints: this.breakpointList?.buffer, watches: this.watchList?.buffer,
      };
      const data: HartThreadData = { config, clockOrigin: this.clockOrigin, warmUp: this.options.warmUp, jitDump: this.options.jitDump };
      exits.push(this.host.spawnHart(data).then(
        (result) => {
          if (result.kind === 'exit') {
            if (result.exit.reason === 'trap-loop') this.trapLoop(id, result.exit.pc);
            return result.exit;
          }
          this.end({ status: 70, reason: 'internal-error', message: `internal error on hart ${id}: ${result.message}` });
          return emptyExit(id);
        },
        (e: unknown) => {
          this.end({ status: 70, reason: 'internal-error', message: `hart ${id}'s thread failed: ${(e as Error)?.message ?? e}` });
          return emptyExit(id);
        }));
    }
    return exits;
  }

  /** Hands queued keyboard input to the UART as its buffer allows. */
  private feedInput(): void {
    if (this.inputHeld) return;
    const sink: ConsoleInput = this.virtioConsole ?? this.machine!.uart;
    while (this.pendingInput.length > 0 && sink.hasRoomForInput()) {
      const first = this.pendingInput[0];
      if (first === BREAK_INPUT) {
        sink.sendBreak();
        this.pendingInput.shift();
        continue;
      }
      const taken = sink.pushInput(first);
      if (taken >= first.length) this.pendingInput.shift();
      else { this.pendingInput[0] = first.subarray(taken); break; }
    }
  }

  /** The hart on this thread waits in wfi: sleep until its next timer, an RTC alarm, or input. */
  private sleepUntilWake(): Promise<void> {
    const machine = this.machine!;
    const hart = machine.harts[0];
    // Only a timer whose interrupt is enabled ends wfi (one long past but masked must not spin).
    const mie = hart.csrs.lo(CsrSlot.MIE);
    let ticks = Infinity;
    if (mie & IrqBit.MTIP) ticks = machine.clint.ticksUntilTimer(0);
    if (mie & IrqBit.STIP) ticks = Math.min(ticks, hart.csrs.ticksUntilSupervisorTimer());
    const alarmNs = machine.rtc.nsUntilAlarm();
    let ms = Math.min(ticks / (TIMEBASE_HZ / 1000), alarmNs === undefined ? Infinity : Number(alarmNs) / 1e6);
    if (this.pendingInput.length > 0 || this.ending) ms = 0;
    return this.sleepFor(Math.max(0, Math.min(ms, MAX_SLEEP_MS)));
  }

  /** Sleeps `ms` or until woken (input, an interrupt, the end, a resume). */
  private sleepFor(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => { this.wake = undefined; resolve(); }, ms);
      this.wake = () => { clearTimeout(timer); this.wake = undefined; resolve(); };
    });
  }
}

/** How each hart ended, as far as it has within `ms`: one that has not yet is given empty statistics. */
async function endedWithin(harts: Promise<HartThreadExit>[], ms: number): Promise<HartThreadExit[]> {
  const ended: (HartThreadExit | undefined)[] = harts.map(() => undefined);
  harts.forEach((hart, id) => void hart.then((exit) => { ended[id] = exit; }));
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([Promise.all(harts), new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); })]);
  clearTimeout(timer);
  return ended.map((exit, id) => exit ?? emptyExit(id));
}

/** A hart thread that ended without saying how (it failed, or it did not stop in time): empty statistics. */
function emptyExit(hartId: number): HartThreadExit {
  return {
    hartId, reason: 'stopped', pc: 0n, mmioWaitMs: 0, mmioRequests: 0, idleMs: 0, epochAcks: 0,
    statistics: { hartId, instructions: 0, lookups: 0, hits: 0, negativeHits: 0, walks: 0, invalidations: 0, negativeFills: 0,
      contextSwitches: 0, contextsResumed: 0, retags: 0, globalRetags: 0, asidFences: 0, pageFences: 0, superpageScans: 0, keyRecycles: 0,
      decodedPages: 0, traps: 0, firmwareFences: 0 },
  };
}
