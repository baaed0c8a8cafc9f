// The device worker: loads the images, then runs the machine session (machine/session.ts) with
// the devices here and the harts beside them. One hart runs here, in slices between which the
// worker's events run, as `hartvm boot` runs it on its main thread: every device access is a
// call. From two harts on (or with hart-threads) every hart has a Web Worker of its own
// (hart-worker.ts) and reaches the devices through shared memory. The page's main thread only
// draws and never waits for this worker. Console output goes to the page in batches;
// statistics once a second.

import { MemoryBlockBackend, type BlockBackend } from '../../devices/virtio/block.js';
import { warmUpPasses } from '../../cpu/warm-up.js';
import { translatedCodeTiersUp } from '../../jit/jit-engine.js';
import { bootImagesFrom, isLinuxImage, type BootFiles } from '../../machine/boot-images.js';
import { HartvmError } from '../../machine/errors.js';
import { hartsOnThreads, MachineSession, type SessionHost } from '../../machine/session.js';
import type { HartThreadData, HartThreadResult } from '../../smp/hart-thread-main.js';
import { FLUSH_POLICY_NAMES, type FlushPolicy } from '../../arch/flush-policy.js';
import { browserBoardClock, browserClockOrigin, type BrowserClockOrigin } from './board-clock.js';
import { ArrivingDisk } from './arriving-disk.js';
import { BackgroundUnpacker } from './background-unpacker.js';
import { downloadImage, ImageFetchError, imageName, isPacked, unpackedSize, unpackImage, type Progress } from './images.js';
import { OpfsDisk, OpfsDiskError } from './opfs-disk.js';
import { RelayNetwork } from './relay-network.js';
import type { BrowserOptions } from './options.js';
import type { BoardInfo, PageMessage, WorkerMessage } from './protocol.js';
import { scope } from './worker-scope.js';

// At smp 1 the hart runs here; a page cannot keep WebAssembly at V8's baseline tier as Node does.
translatedCodeTiersUp();

/** Console bytes wait at most this long before going to the page (a frame). */
const OUTPUT_DELAY_MS = 16;
const STATISTICS_INTERVAL_MS = 1000;

function post(message: WorkerMessage, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

/** The browser's side of a session: Web Workers, the shared board clock, crypto. */
class BrowserSessionHost implements SessionHost {
  private readonly workers = new Set<Worker>();
  private readonly scratch = new Uint8Array(65536);
  /** A message to oneself: a task that runs after pending events, without setTimeout's clamping. */
  private readonly yieldChannel = new MessageChannel();
  private readonly yielded: (() => void)[] = [];

  constructor() {
    this.yieldChannel.port1.onmessage = () => this.yielded.shift()?.();
  }

  spawnHart(data: HartThreadData): Promise<HartThreadResult> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./hart-worker.js', import.meta.url), { type: 'module', name: `hart ${data.config.hartId}` });
      this.workers.add(worker);
      const done = (): void => { this.workers.delete(worker); worker.terminate(); };
      worker.onmessage = (event: MessageEvent) => { done(); resolve(event.data as HartThreadResult); };
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        done();
        reject(new Error(event.message || 'the hart worker could not start (is hart-worker.js served?)'));
      };
      worker.onmessageerror = () => { done(); reject(new Error('a message from the hart worker could not be read')); };
      worker.postMessage(data);
    });
  }

  clockOrigin(): BrowserClockOrigin {
    return browserClockOrigin();
  }

  clock(origin: unknown, hz: number): () => number {
    return browserBoardClock(origin as BrowserClockOrigin, hz);
  }

  now(): number {
    return performance.now();
  }

  wallClockNs(): bigint {
    return BigInt(Date.now()) * 1_000_000n;
  }

  random(into: Uint8Array): void {
    // getRandomValues refuses views of shared memory (guest RAM): fill a private buffer and copy.
    for (let at = 0; at < into.length; at += this.scratch.length) {
      const part = this.scratch.subarray(0, Math.min(this.scratch.length, into.length - at));
      crypto.getRandomValues(part);
      into.set(part, at);
    }
  }

  yieldToEvents(): Promise<void> {
    return new Promise((resolve) => {
      this.yielded.push(resolve);
      this.yieldChannel.port2.postMessage(0);
    });
  }

  /** Ends every hart worker still running (after an internal error). */
  terminateAll(): void {
    for (const worker of this.workers) worker.terminate();
    this.workers.clear();
  }
}

let session: MachineSession | undefined;
/** A disk: in this worker's memory, or in the browser's storage (persist). */
interface Disk {
  name: string;
  backend: BlockBackend;
  contents(): Uint8Array | Promise<Uint8Array>;
  close(): void;
}
let disks: Disk[] = [];
let network: RelayNetwork | undefined;

/** The relay's WebSocket URL: `relay` resolved against the page, http and https as ws and wss. */
function relayUrl(relay: string, pageUrl: string): string {
  let url: URL;
  try {
    url = new URL(relay, pageUrl);
  } catch {
    throw new ImageFetchError(`nic=user,relay=${relay}: not a URL`);
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new ImageFetchError(`nic=user,relay=${relay}: the relay must be a ws:, wss:, http: or https: URL`);
  return url.href;
}
let pendingOutput: Uint8Array[] = [];
let outputTimer: ReturnType<typeof setTimeout> | undefined;

function flushOutput(): void {
  outputTimer = undefined;
  if (pendingOutput.length === 0) return;
  let bytes: Uint8Array;
  if (pendingOutput.length === 1) bytes = pendingOutput[0];
  else {
    bytes = new Uint8Array(pendingOutput.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of pendingOutput) { bytes.set(b, at); at += b.length; }
  }
  pendingOutput = [];
  post({ type: 'output', bytes }, [bytes.buffer]);
}

function output(bytes: Uint8Array): void {
  pendingOutput.push(bytes);
  outputTimer ??= setTimeout(flushOutput, OUTPUT_DELAY_MS);
}

/**
 * Loads every image (in parallel, each with its progress); resolves to the board's files once
 * the firmware, kernel and initrd are in and every disk's size is known. A gzip disk's size is
 * in its trailer: it unpacks in the image worker while the guest boots (ArrivingDisk).
 */
async function loadImages(options: BrowserOptions, pageUrl: string, unpacker: BackgroundUnpacker): Promise<{ files: BootFiles; info: BoardInfo; loadvm?: Uint8Array }> {
  const resolve = (url: string): string => {
    try {
      return new URL(url, pageUrl).href;
    } catch {
      throw new ImageFetchError(`not a URL: ${url}`);
    }
  };
  const progressOf = (what: string, name: string): Progress => {
    post({ type: 'progress', what, name, loaded: 0, total: undefined, done: false });
    return (loaded, total, done, unpacked) => post({ type: 'progress', what, name, loaded, total, done, unpacked });
  };
  /** A boot image, unpacked here unless `keepGzip` (an initramfs, which the kernel unpacks itself). */
  const image = async (what: string, url: string, keepGzip = false): Promise<{ name: string; bytes: Uint8Array }> => {
    const href = resolve(url), name = imageName(href);
    const progress = progressOf(what, name);
    const download = await downloadImage(what, href, progress);
    if (keepGzip || !isPacked(download)) {
      progress(download.bytes.length, download.total, true);
      return { name, bytes: download.bytes };
    }
    // unpacked on the image worker, while this one warms up or fetches the rest
    progress(download.bytes.length, download.total, false);
    const bytes = await unpacker.unpack(download);
    progress(download.bytes.length, download.total, true, bytes.length);
    return { name, bytes };
  };
  /** A disk: its saved copy in the browser's storage if persist has one, else fetched (and saved with persist). */
  const disk = async (index: number): Promise<Disk> => {
    const { url, readOnly } = options.drives[index];
    const what = `disk ${index}`, href = resolve(url), name = imageName(href).replace(/\.gz$/, '');
    if (options.persist === 'on' && await OpfsDisk.saved(href)) {
      const saved = await OpfsDisk.open(href, readOnly);
      post({ type: 'progress', what, name, loaded: saved.size, total: saved.size, done: true, saved: true });
      return { name, backend: saved, contents: () => saved.contents(), close: () => saved.close() };
    }
    const progress = progressOf(what, imageName(href));
    const download = await downloadImage(what, href, progress);
    const size = unpackedSize(download);
    if (size < 512) throw new ImageFetchError(`the disk ${name} is too small for a disk (${size} bytes)`);
    if (options.persist !== 'off') {
      const saved = await OpfsDisk.open(href, readOnly, await unpackImage(download, progress));
      return { name, backend: saved, contents: () => saved.contents(), close: () => saved.close() };
    }
    if (!isPacked(download)) {
      const memory = new MemoryBlockBackend(await unpackImage(download, progress), readOnly);
      return { name, backend: memory, contents: () => memory.data.slice(), close: () => {} };
    }
    progress(download.bytes.length, download.total, false);
    // (after the boot images, which the guest needs first)
    const bytes = bootImages.then(() => unpacker.unpack(download));
    bytes.then((b) => progress(download.bytes.length, download.total, true, b.length), () => {});
    const arriving = new ArrivingDisk(name, size, bytes, readOnly);
    return { name, backend: arriving, contents: () => arriving.contents(), close: () => {} };
  };
  const snapshot = async (url: string): Promise<Uint8Array> => {
    const href = resolve(url);
    const progress = progressOf('snapshot', imageName(href));
    const download = await downloadImage('snapshot', href, progress);
    progress(download.bytes.length, download.total, true);
    return download.bytes;
  };
  const boot = [
    options.bios === 'none' ? undefined : image('firmware', options.bios),
    image('kernel', options.kernel),
    options.initrd === undefined ? undefined : image('initrd', options.initrd, true),
  ] as const;
  const bootImages: Promise<unknown> = Promise.allSettled(boot);
  const [loadvm, firmware, kernel, initrd, ...drives] = await Promise.all([
    options.loadvm === undefined ? undefined : snapshot(options.loadvm),
    ...boot,
    ...options.drives.map((_, i) => disk(i)),
  ]);
  disks = drives;
  // The CLI boots such a kernel as a raw binary, with a warning; a page says so instead of running
  // whatever the bytes do (a corrupt download, an HTML error page served as 200).
  const elf = kernel.bytes.length >= 4 && kernel.bytes[0] === 0x7f && kernel.bytes[1] === 0x45 && kernel.bytes[2] === 0x4c && kernel.bytes[3] === 0x46;
  if (firmware && !elf && !isLinuxImage(kernel.bytes)) {
    throw new ImageFetchError(`the kernel ${kernel.name} is neither a RISC-V Linux Image nor an ELF file (a corrupt or wrong file?): ${resolve(options.kernel)}`);
  }
  const images = [firmware && { what: 'firmware', ...firmware }, { what: 'kernel', ...kernel }, initrd && { what: 'initrd', ...initrd }]
    .filter((x): x is { what: string; name: string; bytes: Uint8Array } => x !== undefined);
  return {
    ...loadvm ? { loadvm } : {},
    files: { firmware, kernel, initrd, bootargs: options.append },
    info: {
      harts: options.harts, ramSize: options.ramSize, policy: options.policy, bootargs: options.append,
      images: images.map((i) => ({ what: i.what, name: i.name, bytes: i.bytes.length })),
      disks: disks.map((d) => ({ name: d.name, bytes: d.backend.size, readOnly: d.backend.readOnly, persisted: d.backend instanceof OpfsDisk })),
    },
  };
}

async function start(options: BrowserOptions, pageUrl: string): Promise<void> {
  const host = new BrowserSessionHost();
  const unpacker = new BackgroundUnpacker();
  unpacker.start();
  let statisticsTimer: ReturnType<typeof setInterval> | undefined;
  try {
    post({ type: 'phase', text: 'loading the images' });
    const hartHere = !hartsOnThreads(options);
    const loading = loadImages(options, pageUrl, unpacker);
    loading.catch(() => {}); // (awaited below, after the warm-up)
    // The hart that runs here warms up while the images are in flight, a pass at a time: the
    // downloads' events run in between.
    if (hartHere && options.warmUp) {
      const passes = warmUpPasses(FLUSH_POLICY_NAMES.indexOf(options.policy) as FlushPolicy);
      for (let pass = passes.next(); !pass.done; pass = passes.next(false)) await host.yieldToEvents();
    }
    const { files, info, loadvm } = await loading;
    const { images, warnings } = bootImagesFrom(files);
    network = options.network && new RelayNetwork(relayUrl(options.network.relay, pageUrl),
      (message) => post({ type: 'event', kind: 'network-error', text: message }));
    session = new MachineSession(host, {
      ramSize: options.ramSize,
      harts: options.harts,
      policy: FLUSH_POLICY_NAMES.indexOf(options.policy) as FlushPolicy,
      hartThreads: options.hartThreads,
      engine: options.engine,
      reboot: options.reboot,
      warmUp: options.warmUp && !hartHere,
      // (started from a snapshot: held until it is loaded)
      startHeld: loadvm !== undefined,
      images,
      disks: disks.map((d) => d.backend),
      network,
      output,
      event: (e) => {
        if (e.type === 'reset') post({ type: 'event', kind: e.type, text: 'The guest reset the board: rebooting.' });
        else if (e.type === 'panic') post({ type: 'event', kind: e.type, text: 'The guest kernel panicked (see the console).' });
        else post({ type: 'event', kind: e.type, text: `virtio: ${e.message}` });
      },
    });
    // A disk that fails to arrive is an image problem like any other: the machine ends with it.
    const running = session;
    let diskFailure: string | undefined;
    for (const disk of disks) {
      if (!(disk.backend instanceof ArrivingDisk)) continue;
      void disk.backend.failure.then((message) => {
        diskFailure ??= message;
        running.stop(1, message);
      });
    }
    // Places the images now, so that one that does not fit is said before anything runs (a
    // snapshot to start from fills guest memory itself: they are only checked then).
    session.boot({ placeImages: loadvm === undefined });
    // read and checked before anything runs: a snapshot refused is the page's one error
    const snapshot = loadvm && await session.readSnapshot(loadvm);
    post({ type: 'booting', info, warnings });
    statisticsTimer = setInterval(() => {
      if (session) post({ type: 'statistics', statistics: session.statistics() });
    }, STATISTICS_INTERVAL_MS);
    const runs = session.run();
    if (snapshot) {
      try {
        await session.restoreSnapshot(snapshot);
      } catch (e) {
        session.stop(1, (e as Error).message);
        await runs;
        throw e;
      }
      session.resume();
    }
    const ending = await runs;
    clearInterval(statisticsTimer);
    unpacker.close();
    network?.close();
    flushOutput();
    for (const disk of disks) disk.close();
    if (diskFailure !== undefined) post({ type: 'error', message: diskFailure });
    else post({ type: 'end', status: ending.status, reason: ending.reason, message: ending.message, statistics: session.statistics() });
  } catch (e) {
    clearInterval(statisticsTimer);
    host.terminateAll();
    unpacker.close();
    network?.close();
    for (const disk of disks) disk.close();
    flushOutput();
    const known = e instanceof ImageFetchError || e instanceof HartvmError || e instanceof OpfsDiskError;
    // The core words its advice for the command line (-m); the page's option is m=.
    const message = ((e as Error)?.message ?? String(e)).replace(/use -m for more/, 'give more RAM with m= in the URL (e.g. m=512M)');
    post({ type: 'error', message: known ? message : `internal error: ${message}` });
    if (!known) console.error(e);
  }
}

scope.onmessage = (event: MessageEvent) => {
  const message = event.data as PageMessage;
  switch (message.type) {
    case 'start':
      void start(message.options, message.pageUrl);
      break;
    case 'input':
      session?.input(message.bytes);
      break;
    case 'stop':
      session?.stop(0, 'stopped from the page');
      break;
    case 'save-snapshot': {
      const { id } = message;
      if (!session) { post({ type: 'snapshot', id, error: 'the machine is not running' }); break; }
      session.saveSnapshot().then((pieces) => {
        const bytes = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
        let at = 0;
        for (const p of pieces) { bytes.set(p, at); at += p.length; }
        post({ type: 'snapshot', id, bytes }, [bytes.buffer]);
      }, (e: Error) => post({ type: 'snapshot', id, error: e.message }));
      break;
    }
    case 'load-snapshot': {
      const { id, bytes } = message;
      if (!session) { post({ type: 'snapshot-loaded', id, error: 'the machine is not running' }); break; }
      session.loadSnapshot(bytes).then(() => post({ type: 'snapshot-loaded', id }), (e: Error) => post({ type: 'snapshot-loaded', id, error: e.message }));
      break;
    }
    case 'download-disk': {
      const disk = disks[message.index];
      if (!disk) break;
      void Promise.resolve(disk.contents()).then(
        (bytes) => post({ type: 'disk', index: message.index, name: disk.name, bytes }, [bytes.buffer]),
        () => {});
      break;
    }
  }
};
