// `hartvm boot`: the virt board with real firmware (OpenSBI), a Linux kernel and a shell on the
// terminal. Options follow QEMU's spelling. With no -kernel, the project's default images are
// used, and built first if they are missing (scripts/build-images.sh, with its progress shown).

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { TRAP_LOOP_LIMIT } from '../../cpu/hart.js';
import { CsrSlot } from '../../cpu/csr.js';
import { IrqBit } from '../../cpu/trap.js';
import { warmUpInterpreter } from '../../cpu/warm-up.js';
import type { FinisherEvent } from '../../devices/sifive-test.js';
import { ElfError, parseElf } from '../../loader/elf.js';
import { BoardError, TIMEBASE_HZ, VirtMachine, type BootImages, type LoadedImage } from '../../machine/virt-machine.js';
import type { FlushPolicy } from '../../mmu/translation-store.js';
import { webcrypto } from 'node:crypto';
import { VirtioBlock } from '../../devices/virtio/block.js';
import { VirtioRng } from '../../devices/virtio/rng.js';
import { HostConsole } from './console.js';
import { FileDisk, parseDrive } from './disk.js';
import { formatStatistics, rightAlignedTable } from './run-command.js';
import { UserError } from './user-error.js';
import { boardClock, clockZeroNow, type ClockZero } from './board-clock.js';
import { Worker } from 'node:worker_threads';
import { Board, BoardSignals } from '../../smp/board-signals.js';
import { MmioServer } from '../../smp/mmio-channel.js';
import type { HartThreadExit } from '../../smp/hart-runner.js';
import type { HartThreadData, HartThreadMessage } from './hart-thread.js';

const HART_THREAD = new URL('./hart-thread.js', import.meta.url);

/** A hart thread that ended without saying how (it crashed): empty statistics. */
function emptyExit(hartId: number): HartThreadExit {
  return {
    hartId, reason: 'stopped', pc: 0n, mmioWaitMs: 0, mmioRequests: 0, idleMs: 0, epochAcks: 0,
    statistics: { hartId, instructions: 0, lookups: 0, hits: 0, negativeHits: 0, walks: 0, invalidations: 0, negativeFills: 0, decodedPages: 0, traps: 0, firmwareFences: 0 },
  };
}

/**
 * Per hart thread: MMIO requests, the time spent waiting for the device thread and asleep in
 * wfi (the only two ways a hart thread ever blocks: none waits on another hart), traps, the
 * fences the firmware ran in M-mode for SBI remote-fence calls, and VMM epochs acknowledged.
 */
function formatThreadStatistics(exits: HartThreadExit[], seconds: number): string {
  const rows = [['hart', 'MMIO requests', 'MMIO wait (ms)', 'wfi sleep (ms)', 'traps', 'SBI fences', 'epoch acks']];
  for (const e of exits) {
    rows.push([String(e.hartId), String(e.mmioRequests), e.mmioWaitMs.toFixed(1), e.idleMs.toFixed(1), String(e.statistics.traps), String(e.statistics.firmwareFences), String(e.epochAcks)]);
  }
  return `hart threads (${seconds.toFixed(3)} s):\n${rightAlignedTable(rows)}\n`;
}

/** QEMU's virt board takes up to 512 harts; the PLIC context layout here is sized for 32. */
export const MAX_HARTS = 32;
export const DEFAULT_FIRMWARE = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Guest instructions between looks at the clock: small enough to keep the console responsive. */
const CHUNK = 200_000;
/** Run this long before letting the event loop deliver input and timers. */
const SLICE_MS = 10;
const PANIC_TEXT = 'Kernel panic - not syncing';
/** Linux's last line of a panic report: with -no-reboot the run ends there. */
const PANIC_END_TEXT = '---[ end Kernel panic';

export interface BootOptions {
  ramSize: number;
  smp: number;
  bios?: string;
  kernel?: string;
  initrd?: string;
  append?: string;
  drives: string[];
  reboot: boolean;
  policy: FlushPolicy;
  stats: boolean;
  dumpDtb?: string;
  /** every hart on a worker thread of its own even at -smp 1 (the rule from -smp 2 on) */
  hartThreads?: boolean;
}

/** Boots the guest; resolves to the process exit status. */
export async function bootMachine(options: BootOptions): Promise<number> {
  if (options.smp < 1 || options.smp > MAX_HARTS) throw new UserError(`-smp ${options.smp}: the board has 1 to ${MAX_HARTS} harts`);
  const images = loadImages(options);
  const disks: FileDisk[] = [];
  try {
    for (const text of options.drives) disks.push(new FileDisk(parseDrive(text)));
    const session = new BootSession(options, images, disks);
    return await session.run();
  } finally {
    // Every exit path (poweroff, Ctrl-A X, signals, errors) leaves the images complete.
    for (const disk of disks) disk.close();
  }
}

/** The short reason for a failed file operation, for one-line messages. */
function fileErrorReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EISDIR': return 'is a directory';
    case 'ENOTDIR': return 'a part of the path is not a directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EROFS': return 'read-only file system';
    case 'ENOSPC': return 'no space left on the device';
    default: return (e as Error).message;
  }
}

function readInput(what: string, file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new UserError(`cannot read ${what} ${file}: ${fileErrorReason(e)}`);
  }
}

/** Offset and value of the magic number in a RISC-V Linux Image header ("RSC\x05"). */
const IMAGE_MAGIC_OFFSET = 0x38;
const IMAGE_MAGIC = [0x52, 0x53, 0x43, 0x05];

function isLinuxImage(bytes: Uint8Array): boolean {
  return IMAGE_MAGIC.every((b, i) => bytes[IMAGE_MAGIC_OFFSET + i] === b);
}

function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/** A firmware or kernel file: an ELF (its segments) or a raw image (placed by the board). */
function loadImage(what: string, file: string): { image: LoadedImage; raw: boolean } {
  const bytes = readInput(what, file);
  if (bytes.length === 0) throw new UserError(`${what} ${file} is empty`);
  if (!isElf(bytes)) return { image: { segments: [{ paddr: 0n, data: bytes, memSize: BigInt(bytes.length) }], entry: 0n }, raw: true };
  try {
    const elf = parseElf(bytes);
    return { image: { segments: elf.segments.filter((s) => s.memSize > 0n), entry: elf.entry }, raw: false };
  } catch (e) {
    if (e instanceof ElfError) throw new UserError(`${what} ${file}: ${e.message}`);
    throw e;
  }
}

/** The project's default images: found in the cache, or built there first. */
function defaultImagesDir(): string {
  const script = path.join(ROOT, 'scripts', 'build-images.sh');
  const probe = spawnSync('bash', [script, '--print-dir'], { encoding: 'utf8' });
  const dir = probe.status === 0 ? probe.stdout.trim().split('\n').pop() ?? '' : '';
  const complete = dir !== '' && ['Image', 'rootfs.cpio.gz'].every((f) => existsSync(path.join(dir, f)));
  if (complete) return dir;
  process.stderr.write('hartvm: the default guest images are not built yet; building them now (this takes a while, once)\n');
  const build = spawnSync('bash', [script], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (build.status !== 0) throw new UserError('building the default guest images failed (see above); or give -kernel and -initrd');
  const again = spawnSync('bash', [script, '--print-dir'], { encoding: 'utf8' });
  return again.stdout.trim().split('\n').pop() ?? '';
}

/** Things worth saying once the run starts (not before an error, which stays one line). */
const warnings: string[] = [];

function loadImages(options: BootOptions): BootImages {
  let kernelFile = options.kernel, initrdFile = options.initrd, bootargs = options.append;
  if (kernelFile === undefined) {
    const dir = defaultImagesDir();
    kernelFile = path.join(dir, 'Image');
    initrdFile ??= path.join(dir, 'rootfs.cpio.gz');
    bootargs ??= 'console=ttyS0';
  }
  const bios = options.bios ?? DEFAULT_FIRMWARE;
  let firmware: LoadedImage | undefined;
  if (bios !== 'none') {
    if (options.bios === undefined && !existsSync(bios)) {
      throw new UserError(`no firmware: ${bios} is missing (install Debian's opensbi: npm run setup), or give -bios`);
    }
    const loaded = loadImage('firmware', bios);
    // A raw firmware image starts at the beginning of RAM.
    firmware = loaded.raw ? { segments: loaded.image.segments.map((s) => ({ ...s, paddr: 0x80000000n })), entry: 0x80000000n } : loaded.image;
  }
  const kernel = kernelFile === undefined ? undefined : loadImage('kernel', kernelFile);
  if (kernel?.raw && firmware && !isLinuxImage(kernel.image.segments[0].data)) {
    warnings.push(`${kernelFile} is neither an ELF file nor a RISC-V Linux Image; booting it as a raw binary`);
  }
  return {
    firmware,
    kernel,
    initrd: initrdFile === undefined ? undefined : readInput('initrd', initrdFile),
    bootargs: bootargs ?? '',
  };
}

/** One run of the board, including guest reboots, until the guest powers off or the user quits. */
class BootSession {
  private readonly options: BootOptions;
  private readonly images: BootImages;
  private readonly disks: FileDisk[];
  private machine!: VirtMachine;
  private readonly console: HostConsole;
  private readonly start = performance.now();
  private ending: { status: number; message?: string } | undefined;
  private rebootRequested = false;
  private input: Uint8Array[] = [];
  private wake: (() => void) | undefined;
  /** the tail of the console output, to notice a kernel panic */
  private recentOutput = '';
  private panicked = false;
  private panicReported = false;
  /** the harts' signal words when they run on threads of their own (-smp > 1, or --hart-threads) */
  private signals: BoardSignals | undefined;
  private clockZero: ClockZero = { seconds: 0, nanoseconds: 0 };
  /** MMIO requests the device thread's timer found waiting (a doorbell's wake-up was late or lost) */
  private servedByTimer = 0;
  /** how each hart thread ended (hart threads only), for --stats */
  private threadExits: HartThreadExit[] = [];

  constructor(options: BootOptions, images: BootImages, disks: FileDisk[]) {
    this.options = options;
    this.images = images;
    this.disks = disks;
    this.console = new HostConsole({
      input: (bytes) => { this.input.push(bytes); this.wake?.(); },
      quit: () => this.end(0),
    });
  }

  private createMachine(): void {
    // -smp 1 runs its hart on this thread; more harts get a worker thread each.
    this.signals = this.options.smp > 1 || this.options.hartThreads ? new BoardSignals(this.options.smp) : undefined;
    // Time zero of the board clock, which every hart thread reads the same way (board-clock.ts).
    this.clockZero = clockZeroNow();
    this.machine = new VirtMachine({
      ramSize: this.options.ramSize,
      harts: this.options.smp,
      policy: this.options.policy,
      signals: this.signals,
      clock: boardClock(this.clockZero, TIMEBASE_HZ),
      nowNs: () => BigInt(Date.now()) * 1_000_000n,
      consoleOutput: (byte) => this.output(byte),
      onFinisher: (event, code) => this.finisher(event, code),
      virtioDevices: [
        ...this.disks.map((disk) => new VirtioBlock(disk)),
        new VirtioRng((into) => { webcrypto.getRandomValues(into); }),
      ],
      onVirtioError: (message) => process.stderr.write(`\r\nhartvm: virtio: ${message}\r\n`),
    });
    try {
      this.machine.boot(this.images);
    } catch (e) {
      if (e instanceof BoardError) throw new UserError(e.message);
      throw e;
    }
  }

  async run(): Promise<number> {
    this.createMachine();
    if (this.options.dumpDtb) {
      try {
        writeFileSync(this.options.dumpDtb, this.machine.deviceTree);
      } catch (e) {
        throw new UserError(`cannot write ${this.options.dumpDtb}: ${fileErrorReason(e)}`);
      }
      return 0;
    }
    for (const warning of warnings.splice(0)) process.stderr.write(`hartvm: warning: ${warning}\n`);
    // HARTVM_NO_WARMUP=1 skips the warm-up, to measure what it buys.
    if (!process.env.HARTVM_NO_WARMUP) warmUpInterpreter(this.options.policy);
    const onSignal = (signal: NodeJS.Signals): void => this.end(signal === 'SIGINT' ? 130 : 143);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    this.console.start();
    try {
      await (this.signals ? this.threadedLoop() : this.loop());
    } finally {
      this.console.stop();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    const ending = this.ending ?? { status: 0 };
    if (this.options.stats) {
      const seconds = (performance.now() - this.start) / 1000;
      if (this.signals) {
        const exits = [...this.threadExits].sort((a, b) => a.hartId - b.hartId);
        process.stderr.write('\n' + formatStatistics(exits.map((e) => e.statistics), this.options.policy, seconds));
        process.stderr.write(formatThreadStatistics(exits, seconds));
        process.stderr.write(`device thread: ${this.servedByTimer} MMIO requests found waiting by its ${SLICE_MS} ms timer rather than by their doorbell\n`);
      } else {
        const hart = this.machine.harts[0];
        process.stderr.write('\n' + formatStatistics([hart.statistics()], this.options.policy, seconds));
      }
    }
    if (ending.message) process.stderr.write(`\nhartvm: ${ending.message}\n`);
    return ending.status;
  }

  private end(status: number, message?: string): void {
    if (this.ending) return;
    this.ending = { status, message };
    for (const hart of this.machine.harts) hart.requestStop();
    this.wake?.();
    this.ringDoorbell();
  }

  /** Wakes the device thread's wait for MMIO requests, to look at ending/reboot. */
  private ringDoorbell(): void {
    if (!this.signals) return;
    Atomics.add(this.signals.words, Board.DOORBELL, 1);
    Atomics.notify(this.signals.words, Board.DOORBELL);
  }

  private output(byte: number): void {
    this.console.write(byte);
    // Keep a short tail to recognise a kernel panic (for -no-reboot's exit status).
    this.recentOutput = (this.recentOutput + String.fromCharCode(byte)).slice(-64);
    if (!this.panicked && this.recentOutput.endsWith(PANIC_TEXT)) this.panicked = true;
    // A kernel that panics without panic=N never resets: -no-reboot ends the run at the report's end.
    if (this.panicked && !this.options.reboot && this.recentOutput.endsWith(PANIC_END_TEXT)) this.panicReported = true;
    if (this.panicReported && byte === 10) this.end(1, 'the guest kernel panicked');
  }

  private finisher(event: FinisherEvent, code: number): void {
    if (event === 'poweroff') this.end(code);
    else if (event === 'fail') this.end(code || 1, `the guest reported failure (code ${code})`);
    else if (!this.options.reboot || this.panicked) {
      this.end(this.panicked ? 1 : 0, this.panicked ? 'the guest kernel panicked' : undefined);
    } else {
      this.rebootRequested = true;
      this.machine.harts[0]?.requestStop();
      this.ringDoorbell();
    }
  }

  private async loop(): Promise<void> {
    for (;;) {
      const hart = this.machine.harts[0];
      const until = performance.now() + SLICE_MS;
      this.feedInput();
      do {
        hart.execute(CHUNK);
        if (this.ending || this.rebootRequested || hart.waiting) break;
        if (hart.trapsWithoutProgress >= TRAP_LOOP_LIMIT) {
          this.end(4, `hart 0 is stuck in a trap loop at pc 0x${hart.pc.toString(16)} (${TRAP_LOOP_LIMIT} traps with no instruction retired)`);
          break;
        }
      } while (performance.now() < until);
      this.machine.rtc.poll();
      this.console.flush();
      if (this.ending) return;
      if (this.rebootRequested) {
        this.rebootRequested = false;
        this.panicked = false;
        this.createMachine();
        continue;
      }
      if (hart.waiting) await this.sleepUntilWake();
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Hart threads (-smp > 1, or --hart-threads): every hart on a worker thread of its own; this thread is the device thread. It
   * serves the harts' MMIO requests as they ring, and every few milliseconds delivers input,
   * polls the RTC and flushes the console. Ends with every hart thread stopped and joined.
   */
  private async threadedLoop(): Promise<void> {
    for (;;) {
      const signals = this.signals!;
      const server = new MmioServer(signals, this.machine.deviceList());
      const harts = this.startHartThreads();
      const housekeeping = setInterval(() => {
        // Also serve here: should a doorbell's wake-up of the loop below ever be lost, a hart
        // waits at most this long (a timer of the event loop, not a V8 task like waitAsync's).
        this.servedByTimer += server.serve();
        this.feedInput();
        this.machine.rtc.poll();
        this.console.flush();
      }, SLICE_MS);
      try {
        while (!this.ending && !this.rebootRequested) {
          const seen = server.doorbell();
          server.serve();
          if (this.ending || this.rebootRequested) break;
          const wait = Atomics.waitAsync(signals.words, Board.DOORBELL, seen, SLICE_MS);
          if (wait.async) await wait.value;
        }
      } finally {
        clearInterval(housekeeping);
        signals.stopAll();
        server.serve(); // a hart blocked on a request gets its answer and sees the stop
        this.threadExits = await harts;
        this.console.flush();
      }
      if (this.ending || !this.rebootRequested) return;
      this.rebootRequested = false;
      this.panicked = false;
      this.createMachine();
    }
  }

  /** Starts one worker per hart; resolves to how each ended, once all have. */
  private startHartThreads(): Promise<HartThreadExit[]> {
    const warmUp = !process.env.HARTVM_NO_WARMUP;
    const exits: Promise<HartThreadExit>[] = [];
    for (let id = 0; id < this.options.smp; id++) {
      const data: HartThreadData = { config: this.machine.hartThreadConfig(id), clockZero: this.clockZero, warmUp };
      const worker = new Worker(HART_THREAD, { workerData: data });
      exits.push(new Promise<HartThreadExit>((resolve) => {
        let exit: HartThreadExit | undefined;
        worker.on('message', (message: HartThreadMessage) => {
          if (message.kind === 'exit') {
            exit = message.exit;
            if (exit.reason === 'trap-loop') {
              this.end(4, `hart ${id} is stuck in a trap loop at pc 0x${exit.pc.toString(16)} (${TRAP_LOOP_LIMIT} traps with no instruction retired)`);
            }
          } else {
            if (process.env.HARTVM_DEBUG && message.stack) process.stderr.write(`${message.stack}\n`);
            this.end(70, `internal error on hart ${id}: ${message.message}`);
          }
        });
        worker.on('error', (e) => this.end(70, `internal error on hart ${id}: ${e.message}`));
        worker.on('exit', () => {
          if (!exit) this.end(this.ending?.status ?? 70, this.ending ? undefined : `hart ${id}'s thread ended unexpectedly`);
          resolve(exit ?? emptyExit(id));
        });
      }));
    }
    return Promise.all(exits);
  }

  /** Hands queued keyboard input to the UART as its buffer allows. */
  private feedInput(): void {
    const uart = this.machine.uart;
    while (this.input.length > 0 && uart.hasRoomForInput()) {
      const first = this.input[0];
      const taken = uart.pushInput(first);
      if (taken >= first.length) this.input.shift();
      else { this.input[0] = first.subarray(taken); break; }
    }
  }

  /** The hart waits in wfi: sleep until its next timer, an RTC alarm, or input. */
  private async sleepUntilWake(): Promise<void> {
    const hart = this.machine.harts[0];
    // Only a timer whose interrupt is enabled ends wfi (one long past but masked must not spin).
    const mie = hart.csrs.lo(CsrSlot.MIE);
    let ticks = Infinity;
    if (mie & IrqBit.MTIP) ticks = this.machine.clint.ticksUntilTimer(0);
    if (mie & IrqBit.STIP) ticks = Math.min(ticks, hart.csrs.ticksUntilSupervisorTimer());
    const alarmNs = this.machine.rtc.nsUntilAlarm();
    let ms = Math.min(ticks / (TIMEBASE_HZ / 1000), alarmNs === undefined ? Infinity : Number(alarmNs) / 1e6);
    if (this.input.length > 0) ms = 0;
    ms = Math.max(0, Math.min(ms, 1000));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { this.wake = undefined; resolve(); }, ms);
      this.wake = () => { clearTimeout(timer); this.wake = undefined; resolve(); };
    });
  }
}
