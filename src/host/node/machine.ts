// hartvm as a Node library: `createMachine(options)` builds a virt board with the CLI's options
// (paths or bytes), and the returned Machine runs it on this process, with the serial console
// as a Node Duplex or as WHATWG streams, typed events, statistics as an object, and stop() or
// an AbortSignal to end it. `hartvm boot` is built on it.

import type { EngineName } from '../../arch/engine.js';
import { makeJitDumpDirectory } from './jit-dump.js';
import { keepTranslatedCodeAtBaseline } from './wasm-tiers.js';
import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import { MemoryBlockBackend, type BlockBackend } from '../../devices/virtio/block.js';
import { bootImagesFrom, type BootFiles } from '../../machine/boot-images.js';
import type { BootImages } from '../../machine/virt-machine.js';
import { OptionError } from '../../machine/errors.js';
import { DEFAULT_RAM, driveCountOption, flushPolicyOption, engineOption, hartsOption, ramSizeOption, type FlushPolicyName } from '../../machine/machine-options.js';
import { formatSize } from '../../machine/size.js';
import { hartsOnThreads, MachineSession, type EndReason, type SessionEnding, type SnapshotSections } from '../../machine/session.js';
import type { MachineStatistics } from '../../machine/statistics.js';
import { DEFAULT_BOOTARGS, defaultImage, SHIPPED_IMAGES_DIR } from './default-images.js';
import { FileDisk, parseDrive, type DriveSpec } from './disk.js';
import { Monitor } from '../../machine/monitor.js';
import { SnapshotError } from '../../machine/errors.js';
import { printable } from '../../machine/printable.js';
import { openSnapshotFile, writeSnapshotFile, zlibCodec, type SnapshotFile } from './snapshot-files.js';
import { nodeSessionHost } from './node-host.js';
import { PasstNetwork } from './passt.js';
import { userNetworkOption, type NetworkOption } from '../../machine/network-options.js';
import { sharesOption, type ShareOption } from '../../machine/share-options.js';
import { openFolderShare } from './folder-share.js';
import type { FileShare } from '../../machine/session.js';
import { readUserFile, type ReadLimit } from './user-file.js';
import { listenGdb, parseGdbPlace, type GdbPlace, type GdbSocket } from './gdb-socket.js';

/** A disk: a raw image file (QEMU's -drive spelling, or as fields), or bytes held in memory. */
export type DriveOption =
  | string
  | { file: string; readOnly?: boolean; snapshot?: boolean }
  | { data: Uint8Array; readOnly?: boolean };

export interface MachineOptions {
  /** RAM: bytes, or "256M", "1G" (default 256M) */
  memory?: number | string;
  /** harts, 1 to 32 (default 1) */
  smp?: number;
  /** firmware: a path, bytes, or "none" (default: the shipped OpenSBI, Debian's build) */
  bios?: string | Uint8Array;
  /** kernel: a path or bytes, a raw Image or an ELF (default: the shipped Linux, with its initramfs) */
  kernel?: string | Uint8Array;
  initrd?: string | Uint8Array;
  /** the kernel command line (default with the shipped kernel: "console=ttyS0") */
  append?: string;
  /** a device tree blob (path or bytes) for the firmware instead of the board's own, as QEMU's -dtb; its /chosen gets bootargs and the initrd */
  dtb?: string | Uint8Array;
  /** virtio-blk disks, in order: the first is /dev/vda */
  drives?: DriveOption[];
  /** when the translation stores are invalidated (default "fence") */
  tlbFlush?: FlushPolicyName;
  /** how harts run instructions: "interp" (default) or "jit" (hot code translated to WebAssembly) */
  engine?: EngineName;
  /** a directory to write each translation into as text, for debugging the JIT */
  jitDump?: string;
  /** reboot when the guest resets (default true); false ends the machine instead, like -no-reboot */
  reboot?: boolean;
  /** every hart on a worker thread of its own also at smp 1 (always so from smp 2) */
  hartThreads?: boolean;
  /**
   * warm the interpreter up before the guest starts (default true; with loadvm, only on hart
   * threads: a restored guest on the calling thread answers sooner on a cold interpreter than
   * after the warm-up, which competes for the processors with the snapshot's inflation)
   */
  warmUp?: boolean;
  /**
   * the board also has a virtio console (hvc0: boot with append "console=hvc0"), which gets the
   * console input instead of the UART; its output joins the UART's (default false)
   */
  virtioConsole?: boolean;
  /**
   * user-mode networking, as QEMU's -nic user: the board gets a virtio-net card (eth0), which
   * passt (Debian's package) connects to the host's network: DHCP gives the guest its address,
   * the gateway reaches the host's loopback, and each hostfwd rule
   * ([tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT, HOSTADDR 127.0.0.1 when empty) carries
   * connections to a port of the host into the guest
   */
  network?: NetworkOption;
  /**
   * host folders shared with the guest over virtio-9p (9P2000.L), each a device of its own: the
   * guest mounts one with `mount -t 9p -o trans=virtio,version=9p2000.L TAG /mnt`. Nothing
   * outside `path` is reachable from the guest; readOnly refuses every change (EROFS)
   */
  shares?: ShareOption[];
  /**
   * a GDB stub for gdb's `target remote`: QEMU's -gdb spelling ("tcp::1234", "tcp:127.0.0.1:1234"),
   * or a port; on the loopback interface only
   */
  gdb?: string | number;
  /** every hart is held from the start until a debugger (or resume()) lets it go, as QEMU's -S */
  startHeld?: boolean;
  /**
   * start from a snapshot saveSnapshot() (or the monitor's savevm) wrote, instead of booting, as
   * QEMU's -loadvm (which names a snapshot inside a disk; here it is a file): the other options
   * must give a machine of the same shape (memory, harts, devices, disks); the images are read
   * only once the guest reboots
   */
  loadvm?: string;
  /** aborting it stops the machine (as stop() does) */
  signal?: AbortSignal;
}

/** How a machine ended. */
export interface MachineExit {
  /** 0 after a poweroff; the guest's code when it reports failure; 1 after a panic under reboot: false */
  status: number;
  reason: EndReason;
  message?: string;
}

export interface MachineEvents {
  /** bytes the guest wrote to its serial console */
  output: [bytes: Uint8Array];
  /** the guest powered the board off */
  poweroff: [exit: MachineExit];
  /** the guest reset the board; it reboots unless `reboot: false` */
  reset: [];
  /** the guest kernel panicked */
  panic: [];
  /** a virtio device found the guest's queues corrupt (it waits for a reset) */
  'virtio-error': [message: string];
  /** the network (passt) failed or ended while the machine ran: the guest's network is down */
  'network-error': [message: string];
  /**
   * the guest wrote on to its console while its transmitter was busy (a reader of `console`
   * was behind) and bytes past a fixed backlog were dropped; said once
   */
  'output-dropped': [];
  /** the machine ended, for whatever reason; its disks are flushed and closed */
  exit: [exit: MachineExit];
}

/** What writing a snapshot=on disk back into its image did (Machine.commitSnapshots). */
export interface SnapshotCommit {
  /** the image, as given in the drive option */
  file: string;
  /** sectors (512 bytes) written into it */
  sectors: number;
  /** why nothing was written (a DiskError: another process has the image open, a read-only drive) */
  error?: Error;
}

/** Console bytes a WHATWG readable holds for its reader before the guest is held back. */
const CONSOLE_READ_AHEAD = 64 * 1024;

export class Machine extends EventEmitter<MachineEvents> {
  private readonly session: MachineSession;
  private readonly disks: FileDisk[];
  private readonly network: PasstNetwork | undefined;
  private readonly shares: { close(): void }[];
  private readonly abortSignal: AbortSignal | undefined;
  private readonly onAbort = (): void => this.session.stop(0, 'stopped by its AbortSignal');
  private running: Promise<MachineExit> | undefined;
  private consoleDuplex: Duplex | undefined;
  private monitor: Monitor | undefined;
  private readonly gdbPlace: GdbPlace | undefined;
  private gdbSocket: GdbSocket | undefined;
  /** readers of the console (its Duplex, its WHATWG readables) that are behind: the guest waits while any is */
  private readonly readersBehind = new Set<object>();
  /** warnings about the images, worth telling once the machine starts */
  readonly warnings: readonly string[];

  /** the snapshot to start from (MachineOptions.loadvm), and whether the harts stay held after it is loaded */
  private readonly loadvm: { file: string; held: boolean } | undefined;

  /** Use createMachine(). */
  constructor(session: MachineSession, disks: FileDisk[], network: PasstNetwork | undefined, warnings: string[], signal: AbortSignal | undefined, gdb?: GdbPlace,
    shares: { close(): void }[] = [], loadvm?: { file: string; held: boolean }) {
    super();
    this.shares = shares;
    this.loadvm = loadvm;
    this.gdbPlace = gdb;
    this.session = session;
    this.disks = disks;
    this.network = network;
    this.warnings = warnings;
    this.abortSignal = signal;
  }

  /** Starts the guest; resolves once it runs. The end comes as the `exit` event and from wait(). */
  async start(): Promise<void> {
    if (this.running) return;
    if (this.abortSignal?.aborted) throw new OptionError('the machine\'s AbortSignal was aborted before it started');
    try {
      // listening first: a port in use ends the start before the guest runs
      if (this.gdbPlace) {
        this.gdbSocket = await listenGdb(this.gdbPlace, this.session, { monitor: (line) => this.monitorCommand(line), kill: () => void this.stop(0) });
      }
      await this.network?.start();
    } catch (e) {
      this.gdbSocket?.close();
      this.closeDisks();
      throw e;
    }
    // The snapshot's sections inflate off this thread while the session starts (hart threads
    // start and warm up meanwhile): the harts are held until it is loaded, and a file refused
    // ends the start before any of them runs.
    const reading = this.loadvm ? settled(this.readSnapshot(this.loadvm.file)) : undefined;
    this.abortSignal?.addEventListener('abort', this.onAbort, { once: true });
    this.running = this.session.run().then(
      (ending) => this.finish(ending),
      (e: unknown) => this.finish({ status: 70, reason: 'internal-error', message: `internal error: ${(e as Error)?.message ?? e}` }));
    if (reading && this.loadvm) {
      const read = await reading;
      if ('error' in read) {
        await this.stop(1);
        throw read.error;
      }
      try {
        await this.session.restoreSnapshot(read.value.snapshot);
      } catch (e) {
        await this.stop(1);
        throw loadError(this.loadvm.file, e);
      } finally {
        read.value.file.close();
      }
      if (!this.loadvm.held) this.session.resume();
    }
  }

  /**
   * Saves the whole machine into `file` (the monitor's savevm): every hart is held meanwhile and
   * runs on after. Throws SnapshotError (one line) when it cannot be saved: a network card (its
   * connections cannot be restored), a file that cannot be written.
   */
  async saveSnapshot(file: string): Promise<void> {
    let pieces: Uint8Array[];
    try {
      pieces = await this.session.saveSnapshot(zlibCodec);
    } catch (e) {
      throw e instanceof SnapshotError ? new SnapshotError(`cannot save the machine into ${printable(file)}: ${e.message}`) : e;
    }
    writeSnapshotFile(file, pieces);
  }

  /**
   * Puts the machine back as saveSnapshot() saved it in `file` (the monitor's loadvm); it runs
   * on if it ran. Throws SnapshotError (one line), the machine untouched, for a file of another
   * machine's shape, truncated, corrupt or not a snapshot at all.
   */
  async loadSnapshot(file: string): Promise<void> {
    const read = await this.readSnapshot(file);
    try {
      await this.session.restoreSnapshot(read.snapshot);
    } catch (e) {
      throw loadError(file, e);
    } finally {
      read.file.close();
    }
  }

  /**
   * Snapshot `file` (no larger than a snapshot of this machine), its sections read and checked
   * against the board; the file stays open for what restoreSnapshot() reads of it then.
   */
  private async readSnapshot(file: string): Promise<{ snapshot: SnapshotSections; file: SnapshotFile }> {
    const source = openSnapshotFile(file, this.session.snapshotFileLimit());
    try {
      return { snapshot: await this.session.readSnapshot(source, zlibCodec), file: source };
    } catch (e) {
      source.close();
      throw loadError(file, e);
    }
  }

  /** The port the GDB stub listens on (the gdb option), once started. */
  get gdbPort(): number | undefined {
    return this.gdbSocket?.port;
  }

  /** Resolves when the machine has ended (starting it if it was not running). */
  async wait(): Promise<MachineExit> {
    if (!this.running) await this.start();
    return this.running!;
  }

  /** Ends the machine and resolves once it has, with its disks flushed and closed. */
  async stop(status = 0): Promise<MachineExit> {
    if (!this.running) {
      this.closeDisks();
      return { status, reason: 'stopped' };
    }
    this.session.stop(status);
    return this.running;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** Bytes (or text) typed on the guest's serial console. */
  input(data: Uint8Array | string): void {
    this.session.input(typeof data === 'string' ? new TextEncoder().encode(data) : data);
  }

  /** Sends a break on the serial line, after the input before it (Linux takes a break and the next key for SysRq). */
  sendBreak(): void {
    this.session.sendBreak();
  }

  /** Whether the harts are held (pause()). */
  get paused(): boolean {
    return this.session.paused;
  }

  /**
   * Holds every hart, and the guest's clock with them (the monitor's stop); resolves once they
   * all are. The console and the disks go on serving.
   */
  pause(): Promise<void> {
    return this.session.pause();
  }

  /** Lets the harts run on after pause() (the monitor's cont). */
  resume(): void {
    this.session.resume();
  }

  /** Resets the board as the guest's own reset does: it boots again (or ends under reboot: false). */
  reset(): void {
    this.session.reset();
  }

  /**
   * Runs a monitor command (as QEMU's human monitor takes them: `info registers`, `stop`,
   * `cont`, `info mtree`, `help`...); resolves to what it prints.
   */
  monitorCommand(line: string): Promise<string> {
    this.monitor ??= new Monitor(this.session, () => void this.stop(0), { save: (file) => this.saveSnapshot(file), load: (file) => this.loadSnapshot(file) });
    return this.monitor.execute(line);
  }

  /**
   * Writes what the guest wrote to each snapshot=on disk back into its image file, as QEMU's
   * Ctrl-A S does; the guest goes on seeing the same disk. One result per such disk, in -drive
   * order: the sectors written, or why nothing was.
   */
  commitSnapshots(): SnapshotCommit[] {
    return this.disks.filter((disk) => disk.snapshot).map((disk) => {
      try {
        return { file: disk.file, sectors: disk.commitSnapshot() };
      } catch (e) {
        return { file: disk.file, sectors: 0, error: e as Error };
      }
    });
  }

  /**
   * The serial console as a Node Duplex: what the guest writes is read from it, what is written
   * goes to the guest. Once something reads it (a 'data' listener, pipe(), read()), a reader
   * that falls behind holds the guest back: the guest's UART shows busy until it catches up.
   */
  get console(): Duplex {
    if (!this.consoleDuplex) {
      const duplex: Duplex = new Duplex({
        read: () => this.caughtUp(duplex),
        write: (chunk: Buffer, _encoding, callback) => { this.input(new Uint8Array(chunk)); callback(); },
        final: (callback) => callback(),
      });
      this.consoleDuplex = duplex;
    }
    return this.consoleDuplex;
  }

  /**
   * The serial console as WHATWG streams (what browsers and fetch speak). Once the readable is
   * locked to a reader or a pipe, a reader that falls behind holds the guest back, as `console`'s does.
   */
  consoleStreams(): { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> } {
    let listener: ((bytes: Uint8Array) => void) | undefined;
    const reader = {}; // this readable's entry in readersBehind
    const readable: ReadableStream<Uint8Array> = new ReadableStream<Uint8Array>({
      start: (controller) => {
        listener = (bytes) => {
          controller.enqueue(bytes);
          if ((controller.desiredSize ?? 1) <= 0 && readable.locked) this.readersBehind.add(reader);
        };
        this.on('output', listener);
        this.once('exit', () => {
          this.off('output', listener!);
          try { controller.close(); } catch { /* already closed or cancelled */ }
        });
      },
      pull: () => this.caughtUp(reader),
      cancel: () => {
        if (listener) this.off('output', listener);
        this.caughtUp(reader);
      },
    }, { highWaterMark: CONSOLE_READ_AHEAD, size: (chunk) => chunk.byteLength });
    const writable = new WritableStream<Uint8Array>({ write: (chunk) => this.input(chunk) });
    return { readable, writable };
  }

  /** The translation stores' and threads' statistics so far (final after the exit event). */
  statistics(): MachineStatistics {
    return this.session.statistics();
  }

  /** The flattened device tree the guest is given (none for a machine loaded with loadvm, until it reboots). */
  get deviceTree(): Uint8Array {
    return this.session.deviceTree;
  }

  /** Called by the session with a batch of console output; false: a reader of the console is behind. */
  output(bytes: Uint8Array): boolean {
    this.emit('output', bytes);
    const duplex = this.consoleDuplex;
    // A console taken only to type into, and never read, must not stall the guest.
    if (duplex && !duplex.push(bytes) && duplex.readableFlowing !== null) this.readersBehind.add(duplex);
    return this.readersBehind.size === 0;
  }

  /** A reader of the console wants more: once none is behind, the guest may write on. */
  private caughtUp(reader: object): void {
    if (this.readersBehind.delete(reader) && this.readersBehind.size === 0) this.session.outputDrained();
  }

  private finish(ending: SessionEnding): MachineExit {
    this.abortSignal?.removeEventListener('abort', this.onAbort);
    this.gdbSocket?.close();
    this.closeDisks();
    const exit: MachineExit = { status: ending.status, reason: ending.reason, ...(ending.message ? { message: ending.message } : {}) };
    if (exit.reason === 'poweroff') this.emit('poweroff', exit);
    this.consoleDuplex?.push(null);
    this.emit('exit', exit);
    return exit;
  }

  /** Every exit path leaves the disk files complete, ends the network's process and lets go of the shared folders. */
  private closeDisks(): void {
    for (const disk of this.disks) disk.close();
    this.network?.close();
    for (const share of this.shares) share.close();
  }
}

/** `promise`'s outcome as a value: a rejection awaited later is not reported as unhandled meanwhile. */
function settled<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  return promise.then((value) => ({ value }), (error: unknown) => ({ error }));
}

/** A snapshot refused, named by its file. */
function loadError(file: string, e: unknown): unknown {
  return e instanceof SnapshotError ? new SnapshotError(`cannot load the machine from ${printable(file)}: ${e.message}`) : e;
}

/** The largest device tree -dtb reads; the board keeps 2 MiB at the top of RAM for it. */
const MAX_DEVICE_TREE = 2 ** 20;

/** An image given as bytes, or as a path read whole (no more than `limit`). */
function bytesOf(what: string, value: string | Uint8Array, limit?: ReadLimit): { name: string; bytes: Uint8Array } {
  if (typeof value !== 'string') return { name: `(${what} bytes)`, bytes: value };
  return { name: value, bytes: readUserFile(what, value, limit) };
}

function driveSpec(drive: DriveOption): DriveSpec | { data: Uint8Array; readOnly: boolean } {
  if (typeof drive === 'string') return parseDrive(drive);
  if ('data' in drive) return { data: drive.data, readOnly: drive.readOnly ?? false };
  if (typeof drive.file !== 'string' || drive.file === '') throw new OptionError('a drive needs a file or data');
  return { file: drive.file, readOnly: drive.readOnly ?? false, snapshot: drive.snapshot ?? false };
}

/** The images to boot, read as the options name them (the default ones where they name none). */
function readBootImages(options: MachineOptions, ramSize: number): { images: BootImages; warnings: string[] } {
  const files: BootFiles = { bootargs: options.append ?? '' };
  const shipped = (part: 'firmware' | 'kernel' | 'initrd', name: string) => ({ name: `${SHIPPED_IMAGES_DIR}/${name}`, bytes: defaultImage(part) });
  if (options.kernel === undefined) {
    files.kernel = shipped('kernel', 'Image.gz');
    files.initrd = shipped('initrd', 'rootfs.cpio.gz');
    files.bootargs = options.append ?? DEFAULT_BOOTARGS;
  } else {
    files.kernel = bytesOf('kernel', options.kernel);
  }
  // The initrd is placed in RAM as it is: one larger than RAM can never fit.
  if (options.initrd !== undefined) {
    files.initrd = bytesOf('initrd', options.initrd, { bytes: ramSize, described: `the RAM (${formatSize(ramSize)}); use -m for more` });
  }
  if (options.dtb !== undefined) files.deviceTree = bytesOf('device tree', options.dtb, { bytes: MAX_DEVICE_TREE, described: 'a device tree (QEMU takes 1 MiB at most too)' });
  if (options.bios === undefined) files.firmware = shipped('firmware', 'fw_dynamic.bin.gz');
  else if (options.bios !== 'none') files.firmware = bytesOf('firmware', options.bios);
  return bootImagesFrom(files);
}

/**
 * Builds a machine: reads the images, opens the disks and places everything in RAM (with
 * loadvm, start() loads the snapshot instead, and the images wait for a reboot). Throws a
 * HartvmError (with a `code`) for bad options, unreadable or invalid images, disks that cannot
 * be opened, and images that do not fit the board. Nothing runs until start().
 */
export function createMachine(options: MachineOptions = {}): Machine {
  const ramSize = ramSizeOption(options.memory ?? DEFAULT_RAM);
  const harts = hartsOption(options.smp ?? 1);
  const policy = flushPolicyOption(options.tlbFlush ?? 'fence');
  const engine = engineOption(options.engine ?? 'interp');
  if (engine === 'jit') keepTranslatedCodeAtBaseline();
  if (options.jitDump !== undefined) makeJitDumpDirectory(options.jitDump);
  const shareOptions = sharesOption(options.shares ?? []);
  driveCountOption(options.drives?.length ?? 0, '-drive', { virtioConsole: options.virtioConsole, network: options.network, shares: shareOptions });
  const userNetwork = options.network ? userNetworkOption(options.network) : undefined;
  // A machine loaded from a snapshot places its images only once its guest reboots: they are
  // read then (unpacking the default kernel alone takes longer than loading a snapshot's RAM).
  const booted = options.loadvm === undefined ? readBootImages(options, ramSize) : undefined;
  const gdb = options.gdb === undefined ? undefined : parseGdbPlace(typeof options.gdb === 'number' ? `tcp::${options.gdb}` : options.gdb);

  const fileDisks: FileDisk[] = [];
  const folders: ReturnType<typeof openFolderShare>[] = [];
  let machine: Machine | undefined;
  const network = userNetwork ? new PasstNetwork(userNetwork, (message) => machine?.emit('network-error', message)) : undefined;
  try {
    const disks: BlockBackend[] = [];
    for (const drive of options.drives ?? []) {
      const spec = driveSpec(drive);
      if ('data' in spec) disks.push(new MemoryBlockBackend(spec.data, spec.readOnly));
      else {
        const disk = new FileDisk(spec);
        fileDisks.push(disk);
        disks.push(disk);
      }
    }
    const shares: FileShare[] = [];
    for (const share of shareOptions) {
      const folder = openFolderShare(share);
      folders.push(folder);
      shares.push({ tag: share.tag, backend: folder, readOnly: share.readOnly });
    }
    const session = new MachineSession(nodeSessionHost, {
      ramSize, harts, policy, engine, jitDump: options.jitDump,
      hartThreads: options.hartThreads ?? false,
      virtioConsole: options.virtioConsole ?? false,
      network,
      shares,
      reboot: options.reboot ?? true,
      warmUp: (options.warmUp ?? true) && (options.loadvm === undefined || hartsOnThreads({ harts, hartThreads: options.hartThreads ?? false })),
      // a machine loaded from a snapshot is held from the start, and let go once it is loaded
      startHeld: (options.startHeld ?? false) || options.loadvm !== undefined,
      images: booted?.images ?? (() => readBootImages(options, ramSize).images),
      disks,
      output: (bytes) => machine!.output(bytes),
      outputDropped: () => machine!.emit('output-dropped'),
      event: (event) => {
        if (event.type === 'virtio-error') machine!.emit('virtio-error', event.message);
        else machine!.emit(event.type);
      },
    });
    // a snapshot to start from fills guest memory itself
    session.boot({ placeImages: options.loadvm === undefined });
    const loadvm = options.loadvm === undefined ? undefined : { file: options.loadvm, held: options.startHeld ?? false };
    machine = new Machine(session, fileDisks, network, booted?.warnings ?? [], options.signal, gdb, folders, loadvm);
    return machine;
  } catch (e) {
    for (const disk of fileDisks) disk.close();
    for (const folder of folders) folder.close();
    throw e;
  }
}
