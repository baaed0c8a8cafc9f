// hartvm as a library in a web page: `createMachine(options)` starts the device worker (which
// loads the images and runs the machine, with a Web Worker per hart from two harts on) and returns a
// BrowserMachine: the serial console as WHATWG streams and events, start/stop/wait, live
// statistics, the disks' contents. The options have the Node library's names; images are URLs
// (relative to the document) or bytes. The page of `hartvm serve` is built on it.

import type { EngineName } from '../../arch/engine.js';
import type { MachineStatistics } from '../../machine/statistics.js';
import { DEFAULT_RAM, engineOption, flushPolicyOption, hartsOption, ramSizeOption, type FlushPolicyName } from '../../machine/machine-options.js';
import { DEFAULT_IMAGES, DEFAULT_RELAY, type BrowserOptions } from './options.js';
import type { BoardInfo, PageMessage, WorkerMessage } from './protocol.js';

/** An image: a URL (absolute, or relative to the document) or the bytes themselves (gzip or not). */
export type ImageSource = string | URL | Uint8Array | Blob;

export interface BrowserMachineOptions {
  /** RAM: bytes, or "256M", "1G" (default 256M) */
  memory?: number | string;
  /** harts, 1 to 32 (default 1); from two on, each on a Web Worker of its own */
  smp?: number;
  /** a Web Worker for the hart also at smp 1 (by default one hart runs on the device worker, which is faster) */
  hartThreads?: boolean;
  /** firmware, or "none" (default: the OpenSBI in the bundle's images/) */
  bios?: ImageSource | 'none';
  /** kernel: a raw Image or an ELF (default: the Linux in the bundle's images/, with its initramfs and disk) */
  kernel?: ImageSource;
  initrd?: ImageSource;
  /** the kernel command line (default with the default kernel: "console=ttyS0") */
  append?: string;
  /** virtio-blk disks, held in memory (the first is /dev/vda); with the default kernel and none given, the default disk */
  drives?: (ImageSource | { image: ImageSource; readOnly?: boolean })[];
  /** when the translation stores are invalidated (default "fence") */
  tlbFlush?: FlushPolicyName;
  /** how harts run instructions: "interp" (default) or "jit" (hot code translated to WebAssembly) */
  engine?: EngineName;
  /** reboot when the guest resets (default true) */
  reboot?: boolean;
  /** keep the disks in the browser's storage (OPFS) across page loads; "fresh" starts again from the images */
  persist?: boolean | 'fresh';
  /**
   * a virtio-net card (eth0), its frames relayed over a WebSocket: true for the relay of `hartvm
   * serve` (its /net, beside the bundle), or { relay } for another (http and https URLs mean ws
   * and wss). A page cannot take connections, so there is no hostfwd.
   */
  network?: boolean | { relay?: string | URL };
  /**
   * a snapshot to start from instead of booting (saveSnapshot()'s bytes, or a URL), as QEMU's
   * -loadvm: the other options must make a machine of the shape it was saved from
   */
  loadvm?: ImageSource;
  /** where the bundle's files are (device-worker.js, hart-worker.js, images/); default: next to this module */
  base?: string | URL;
}

/** How a machine ended. */
export interface MachineExit {
  status: number;
  /** poweroff, fail, panic, reset, stopped, trap-loop or internal-error */
  reason: string;
  message?: string;
}

/** Loading progress of one image. */
export interface LoadProgress {
  what: string;
  name: string;
  loaded: number;
  total: number | undefined;
  done: boolean;
  /** once done: its size after decompression */
  unpacked?: number;
  /** the disk came from the browser's storage (persist) */
  saved?: boolean;
}

export interface BrowserMachineEventMap {
  progress: CustomEvent<LoadProgress>;
  /** the images are loaded and the board built: what it runs */
  booting: CustomEvent<{ info: BoardInfo; warnings: string[] }>;
  output: CustomEvent<Uint8Array>;
  /** about once a second while it runs */
  statistics: CustomEvent<MachineStatistics>;
  reset: CustomEvent<string>;
  panic: CustomEvent<string>;
  'virtio-error': CustomEvent<string>;
  /** the network card's relay could not be reached or went away: the card stays, its frames are lost */
  'network-error': CustomEvent<string>;
  poweroff: CustomEvent<MachineExit>;
  exit: CustomEvent<MachineExit>;
  /** the machine could not start or failed (an image that 404s, a corrupt image, images too big for the RAM) */
  error: CustomEvent<Error>;
}

/** A machine that could not start, or failed: the message is one line for a person. */
export class BrowserMachineError extends Error {}

export class BrowserMachine extends EventTarget {
  private readonly worker: Worker;
  private readonly startMessage: PageMessage;
  private readonly blobUrls: string[];
  private started: Promise<void> | undefined;
  private readonly exited: Promise<MachineExit>;
  private settleExit!: (exit: MachineExit) => void;
  private failExit!: (e: Error) => void;
  private latest: MachineStatistics | undefined;
  private ended = false;
  private readonly diskWaiters = new Map<number, (bytes: Uint8Array) => void>();
  /** saveSnapshot() and loadSnapshot() calls waiting for the device worker, by request id */
  private readonly snapshotWaiters = new Map<number, { resolve: (bytes: Uint8Array) => void; reject: (e: Error) => void }>();
  private nextSnapshotRequest = 0;

  /** Use createMachine(). */
  constructor(options: BrowserOptions, base: URL, blobUrls: string[]) {
    super();
    this.startMessage = { type: 'start', options, pageUrl: base.href };
    this.blobUrls = blobUrls;
    this.exited = new Promise((resolve, reject) => { this.settleExit = resolve; this.failExit = reject; });
    this.exited.catch(() => { /* reported through wait() and the error event */ });
    this.worker = new Worker(new URL('device-worker.js', base), { type: 'module', name: 'hartvm devices' });
  }

  override addEventListener<K extends keyof BrowserMachineEventMap>(type: K, listener: (event: BrowserMachineEventMap[K]) => void, options?: boolean | AddEventListenerOptions): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void {
    super.addEventListener(type, listener, options);
  }

  /** Loads the images and starts the guest; resolves once it runs, rejects with a BrowserMachineError if it cannot. */
  start(): Promise<void> {
    this.started ??= new Promise<void>((resolve, reject) => {
      this.worker.onmessage = (event: MessageEvent) => this.received(event.data as WorkerMessage, resolve, reject);
      this.worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        const error = new BrowserMachineError(`the device worker failed: ${event.message || 'it could not start (is device-worker.js served next to hartvm.js?)'}`);
        this.fail(error);
        reject(error);
      };
      this.worker.onmessageerror = () => this.fail(new BrowserMachineError('a message from the device worker could not be read'));
      this.worker.postMessage(this.startMessage);
    });
    return this.started;
  }

  /** Resolves when the guest has ended (starting it if need be); rejects if it failed. */
  async wait(): Promise<MachineExit> {
    await this.start();
    return this.exited;
  }

  /** Ends the machine; resolves once it has. */
  async stop(): Promise<MachineExit> {
    if (!this.started || this.ended) {
      this.worker.terminate();
      return { status: 0, reason: 'stopped' };
    }
    this.send({ type: 'stop' });
    return this.exited;
  }

  /** Bytes (or text) typed on the guest's serial console. */
  input(data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data.slice();
    this.send({ type: 'input', bytes }, [bytes.buffer]);
  }

  /** The serial console as WHATWG streams. */
  consoleStreams(): { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> } {
    let listener: ((event: Event) => void) | undefined;
    const readable = new ReadableStream<Uint8Array>({
      start: (controller) => {
        listener = (event) => controller.enqueue((event as CustomEvent<Uint8Array>).detail);
        this.addEventListener('output', listener);
        const close = (): void => {
          this.removeEventListener('output', listener!);
          try { controller.close(); } catch { /* already closed or cancelled */ }
        };
        this.addEventListener('exit', close, { once: true });
        this.addEventListener('error', close, { once: true });
      },
      cancel: () => { if (listener) this.removeEventListener('output', listener); },
    });
    const writable = new WritableStream<Uint8Array>({ write: (chunk) => this.input(chunk) });
    return { readable, writable };
  }

  /** The latest statistics (about once a second while it runs; final after exit). */
  statistics(): MachineStatistics | undefined {
    return this.latest;
  }

  /** The contents of disk `index` as the guest has written it so far (to save or download). */
  /**
   * The whole machine as a snapshot (harts, devices, RAM, the writable disks' contents): every
   * hart is held meanwhile and runs on after. Rejects with a BrowserMachineError (one line) when
   * the machine cannot be saved (a network card: its connections cannot be restored).
   */
  saveSnapshot(): Promise<Uint8Array> {
    return this.snapshotRequest((id) => this.send({ type: 'save-snapshot', id }));
  }

  /**
   * Puts the machine back as a snapshot (saveSnapshot()) of a machine of the same shape has it:
   * it runs on from there. A file refused (another shape,
   * corrupt) rejects with one line and leaves the machine as it was.
   */
  async loadSnapshot(snapshot: Uint8Array | Blob): Promise<void> {
    const bytes = snapshot instanceof Blob ? new Uint8Array(await snapshot.arrayBuffer()) : snapshot.slice();
    await this.snapshotRequest((id) => this.send({ type: 'load-snapshot', id, bytes }, [bytes.buffer]));
  }

  private snapshotRequest(send: (id: number) => void): Promise<Uint8Array> {
    if (this.ended) return Promise.reject(new BrowserMachineError('the machine has ended'));
    return new Promise((resolve, reject) => {
      const id = this.nextSnapshotRequest++;
      this.snapshotWaiters.set(id, { resolve, reject });
      send(id);
    });
  }

  private snapshotAnswer(id: number, error: string | undefined, bytes: Uint8Array = new Uint8Array(0)): void {
    const waiter = this.snapshotWaiters.get(id);
    this.snapshotWaiters.delete(id);
    if (error !== undefined) waiter?.reject(new BrowserMachineError(error));
    else waiter?.resolve(bytes);
  }

  diskContents(index = 0): Promise<Uint8Array> {
    return new Promise((resolve) => {
      this.diskWaiters.set(index, resolve);
      this.send({ type: 'download-disk', index });
    });
  }

  private send(message: PageMessage, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private emit<K extends keyof BrowserMachineEventMap>(type: K, detail: BrowserMachineEventMap[K]['detail']): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  private received(message: WorkerMessage, started: () => void, failed: (e: Error) => void): void {
    switch (message.type) {
      case 'progress': {
        const { type: _type, ...progress } = message;
        this.emit('progress', progress);
        break;
      }
      case 'phase':
        break;
      case 'booting':
        this.emit('booting', { info: message.info, warnings: message.warnings });
        started();
        break;
      case 'output':
        this.emit('output', message.bytes);
        break;
      case 'statistics':
        this.latest = message.statistics;
        this.emit('statistics', message.statistics);
        break;
      case 'event':
        this.emit(message.kind, message.text);
        break;
      case 'end': {
        this.latest = message.statistics;
        this.ended = true;
        const exit: MachineExit = { status: message.status, reason: message.reason, ...(message.message ? { message: message.message } : {}) };
        this.releaseBlobs();
        if (exit.reason === 'poweroff') this.emit('poweroff', exit);
        this.emit('exit', exit);
        this.settleExit(exit);
        break;
      }
      case 'error': {
        const error = new BrowserMachineError(message.message);
        this.fail(error);
        failed(error);
        break;
      }
      case 'disk':
        this.diskWaiters.get(message.index)?.(message.bytes);
        this.diskWaiters.delete(message.index);
        break;
      case 'snapshot':
        this.snapshotAnswer(message.id, message.error, message.bytes);
        break;
      case 'snapshot-loaded':
        this.snapshotAnswer(message.id, message.error);
        break;
    }
  }

  private fail(error: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.worker.terminate();
    this.releaseBlobs();
    this.emit('error', error);
    this.failExit(error);
  }

  private releaseBlobs(): void {
    for (const url of this.blobUrls.splice(0)) URL.revokeObjectURL(url);
    // (the machine has ended: no snapshot request will be answered)
    for (const id of [...this.snapshotWaiters.keys()]) this.snapshotAnswer(id, 'the machine has ended');
  }
}

/** Where this module (the bundle) is served from: the default images sit there too. */
function bundleBase(): URL {
  return new URL('./', import.meta.url);
}

/**
 * Builds a machine from options with the Node library's names. Throws a HartvmError (with a
 * `code`) for bad options; image problems come from start() as a BrowserMachineError. Needs a
 * cross-origin isolated page (crossOriginIsolated true: COOP same-origin and COEP require-corp).
 */
export function createMachine(options: BrowserMachineOptions = {}): BrowserMachine {
  if (!globalThis.crossOriginIsolated) {
    throw new BrowserMachineError('the page is not cross-origin isolated, so its threads cannot share the guest\'s memory: ' +
      'serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp');
  }
  const base = options.base !== undefined ? new URL(String(options.base), document.baseURI) : bundleBase();
  const blobUrls: string[] = [];
  const url = (source: ImageSource): string => {
    if (typeof source === 'string' || source instanceof URL) return new URL(String(source), document.baseURI).href;
    const blob = source instanceof Blob ? source : new Blob([source.slice()]);
    const href = URL.createObjectURL(blob);
    blobUrls.push(href);
    return href;
  };
  const defaultKernel = options.kernel === undefined;
  const drives = options.drives === undefined
    ? (defaultKernel ? [{ url: new URL(DEFAULT_IMAGES.disk, base).href, readOnly: false }] : [])
    : options.drives.map((d) => (typeof d === 'object' && 'image' in d
      ? { url: url(d.image), readOnly: d.readOnly ?? false }
      : { url: url(d), readOnly: false }));
  flushPolicyOption(options.tlbFlush ?? 'fence');
  const engine = engineOption(options.engine ?? 'interp');
  const browserOptions: BrowserOptions = {
    harts: hartsOption(options.smp ?? 1),
    ramSize: ramSizeOption(options.memory ?? DEFAULT_RAM),
    policy: options.tlbFlush ?? 'fence',
    engine,
    append: options.append ?? (defaultKernel ? DEFAULT_IMAGES.append : ''),
    bios: options.bios === 'none' ? 'none' : options.bios === undefined ? new URL(DEFAULT_IMAGES.bios, base).href : url(options.bios),
    kernel: defaultKernel ? new URL(DEFAULT_IMAGES.kernel, base).href : url(options.kernel!),
    initrd: options.initrd !== undefined ? url(options.initrd) : defaultKernel ? new URL(DEFAULT_IMAGES.initrd, base).href : undefined,
    drives,
    reboot: options.reboot ?? true,
    warmUp: true,
    hartThreads: options.hartThreads ?? false,
    persist: options.persist === 'fresh' ? 'fresh' : options.persist ? 'on' : 'off',
  };
  if (options.loadvm !== undefined) browserOptions.loadvm = url(options.loadvm);
  if (options.network) {
    const relay = typeof options.network === 'object' ? options.network.relay : undefined;
    browserOptions.network = { relay: new URL(relay === undefined ? DEFAULT_RELAY : String(relay), relay === undefined ? base : document.baseURI).href };
  }
  return new BrowserMachine(browserOptions, base, blobUrls);
}

