// The device worker: loads the images, then runs the machine session (machine/session.ts) with
// every hart on a Web Worker of its own (hart-worker.ts) and the devices here. The page's main
// thread only draws; this worker may wait on Atomics (asynchronously) and never blocks the UI.
// Console output goes to the page in batches; statistics once a second.

import { MemoryBlockBackend, type BlockBackend } from '../../devices/virtio/block.js';
import { bootImagesFrom, isLinuxImage, type BootFiles } from '../../machine/boot-images.js';
import { HartvmError } from '../../machine/errors.js';
import { MachineSession, type SessionHost } from '../../machine/session.js';
import type { HartThreadData, HartThreadResult } from '../../smp/hart-thread-main.js';
import { FLUSH_POLICY_NAMES, type FlushPolicy } from '../../mmu/translation-store.js';
import { browserBoardClock, browserClockOrigin, type BrowserClockOrigin } from './board-clock.js';
import { fetchImage, ImageFetchError, imageName } from './images.js';
import { OpfsDisk, OpfsDiskError } from './opfs-disk.js';
import type { BrowserOptions } from './options.js';
import type { BoardInfo, PageMessage, WorkerMessage } from './protocol.js';
import { scope } from './worker-scope.js';

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
    return new Promise((resolve) => setTimeout(resolve, 0));
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
  contents(): Uint8Array;
  close(): void;
}
let disks: Disk[] = [];
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

/** Loads every image (in parallel, each with its progress); resolves to the board's files. */
async function loadImages(options: BrowserOptions, pageUrl: string): Promise<{ files: BootFiles; info: BoardInfo }> {
  const resolve = (url: string): string => {
    try {
      return new URL(url, pageUrl).href;
    } catch {
      throw new ImageFetchError(`not a URL: ${url}`);
    }
  };
  const load = (what: string, url: string, keepGzip = false): Promise<{ name: string; bytes: Uint8Array }> => {
    const href = resolve(url);
    const name = imageName(href);
    post({ type: 'progress', what, name, loaded: 0, total: undefined, done: false });
    return fetchImage(what, href, (loaded, total, done, unpacked) => post({ type: 'progress', what, name, loaded, total, done, unpacked }), keepGzip)
      .then((bytes) => ({ name, bytes }));
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
    const { bytes } = await load(what, url);
    if (bytes.length < 512) throw new ImageFetchError(`the disk ${name} is too small for a disk (${bytes.length} bytes)`);
    if (options.persist !== 'off') {
      const saved = await OpfsDisk.open(href, readOnly, bytes);
      return { name, backend: saved, contents: () => saved.contents(), close: () => saved.close() };
    }
    const memory = new MemoryBlockBackend(bytes, readOnly);
    return { name, backend: memory, contents: () => memory.data.slice(), close: () => {} };
  };
  const [firmware, kernel, initrd, ...drives] = await Promise.all([
    options.bios === 'none' ? undefined : load('firmware', options.bios),
    load('kernel', options.kernel),
    // The kernel unpacks a gzip-compressed initramfs itself.
    options.initrd === undefined ? undefined : load('initrd', options.initrd, true),
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
  let statisticsTimer: ReturnType<typeof setInterval> | undefined;
  try {
    post({ type: 'phase', text: 'loading the images' });
    const { files, info } = await loadImages(options, pageUrl);
    const { images, warnings } = bootImagesFrom(files);
    session = new MachineSession(host, {
      ramSize: options.ramSize,
      harts: options.harts,
      policy: FLUSH_POLICY_NAMES.indexOf(options.policy) as FlushPolicy,
      // Always: the page's threads cannot block, and a hart runs best on a thread of its own.
      hartThreads: true,
      reboot: options.reboot,
      warmUp: options.warmUp,
      images,
      disks: disks.map((d) => d.backend),
      output,
      event: (e) => {
        if (e.type === 'reset') post({ type: 'event', kind: e.type, text: 'The guest reset the board: rebooting.' });
        else if (e.type === 'panic') post({ type: 'event', kind: e.type, text: 'The guest kernel panicked (see the console).' });
        else post({ type: 'event', kind: e.type, text: `virtio: ${e.message}` });
      },
    });
    // Places the images now, so that one that does not fit is said before anything runs.
    session.boot();
    post({ type: 'booting', info, warnings });
    statisticsTimer = setInterval(() => {
      if (session) post({ type: 'statistics', statistics: session.statistics() });
    }, STATISTICS_INTERVAL_MS);
    const ending = await session.run();
    clearInterval(statisticsTimer);
    flushOutput();
    for (const disk of disks) disk.close();
    post({ type: 'end', status: ending.status, reason: ending.reason, message: ending.message, statistics: session.statistics() });
  } catch (e) {
    clearInterval(statisticsTimer);
    host.terminateAll();
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
    case 'download-disk': {
      const disk = disks[message.index];
      if (!disk) break;
      const bytes = disk.contents();
      post({ type: 'disk', index: message.index, name: disk.name, bytes }, [bytes.buffer]);
      break;
    }
  }
};
