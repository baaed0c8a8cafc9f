// virtio-blk (VIRTIO 1.2 §5.2): one request queue over a host-supplied BlockBackend.
//
// A request is a chain whose readable stream is the 16-byte header (le32 type, le32 reserved,
// le64 sector) followed, for writes, by the data, and whose writable stream is the data for
// reads followed by the one-byte status (§5.2.6). Handled: IN, OUT, FLUSH, GET_ID; any other
// type completes with VIRTIO_BLK_S_UNSUPP. Transfers must be whole 512-byte sectors inside
// the capacity, else VIRTIO_BLK_S_IOERR; so does a write to a read-only disk (§5.2.6.2) and
// any exception from the back end (the host's I/O error).
//
// One request's work is bounded whatever its chain claims (up to 4 GiB): data transfers of
// more than the negotiated limits allow (seg_max segments of size_max bytes) fail with IOERR
// before anything moves, and GET_ID writes its 20 bytes, never the rest of a larger buffer.
//
// Two kinds of back end (BlockBackend.asynchronous):
//   - Synchronous (a host file, a memory image): data moves straight between the back end and
//     guest RAM, and every request completes before the guest's notify store retires, in
//     submission order.
//   - Asynchronous (a disk fetched over the network, a browser's file system): a call may
//     return a Promise, and the request completes when it settles, through the transport's
//     VirtioDeviceHost.service(); requests may complete out of order (a device may, without
//     VIRTIO_F_IN_ORDER). The back end gets buffers of the device's own (at most
//     ASYNC_CHUNK_BYTES), never guest RAM, because it may still fill them after the driver
//     reset the device: read data is copied into guest RAM, and reported to the write observer,
//     when it arrives and only if the request is not stale (virtqueue.ts). At most queue-size
//     requests are in flight, stale ones included, so a driver that resets and resubmits
//     cannot make the device hold more.
//
// Features offered: SEG_MAX (without it Linux sends one segment per request), SIZE_MAX (with
// SEG_MAX, the bound on a request's data that a driver keeps to), FLUSH, and RO for a
// read-only back end. FLUSH is always offered; if the driver does not accept it, writes
// must be stable when they complete (§5.2.6.2, "write becomes stable" case 1), so every
// write is followed by a back-end flush.

import { StateError, StateReader, type DeviceState } from '../device-state.js';
import type { VirtioDevice, VirtioDeviceHost } from './mmio-transport.js';
import { readConfigBytes } from './mmio-transport.js';
import type { DescriptorChain, Virtqueue } from './virtqueue.js';

/** The virtio device id of a block device (§5.2.1). */
export const VIRTIO_ID_BLOCK = 2;

/** Feature bits (§5.2.3). */
export const VIRTIO_BLK_F_SIZE_MAX = 1n << 1n;
export const VIRTIO_BLK_F_SEG_MAX = 1n << 2n;
export const VIRTIO_BLK_F_RO = 1n << 5n;
export const VIRTIO_BLK_F_BLK_SIZE = 1n << 6n;
export const VIRTIO_BLK_F_FLUSH = 1n << 9n;

/** Request types (§5.2.6). */
export const VIRTIO_BLK_T_IN = 0;
export const VIRTIO_BLK_T_OUT = 1;
export const VIRTIO_BLK_T_FLUSH = 4;
export const VIRTIO_BLK_T_GET_ID = 8;

/** Request status (§5.2.6). */
export const VIRTIO_BLK_S_OK = 0;
export const VIRTIO_BLK_S_IOERR = 1;
export const VIRTIO_BLK_S_UNSUPP = 2;

/** The protocol's sector, whatever the disk's real block size (§5.2.5). */
export const SECTOR_SIZE = 512;
/** Length of the device ID string returned by GET_ID (§5.2.6). */
export const VIRTIO_BLK_ID_BYTES = 20;

const HEADER_SIZE = 16;
const DEFAULT_QUEUE_SIZE = 256;
/** size_max: the largest segment (descriptor) of a request's data; Linux's own default. */
export const VIRTIO_BLK_SEGMENT_BYTES = 64 * 1024;
/** Size of struct virtio_blk_config up to and including the fields we describe. */
const CONFIG_SIZE = 24;
const TWO_POW_32 = 2 ** 32;

/**
 * The disk behind a virtio-blk device, supplied by the host (a file, a memory image, a disk
 * fetched over the network). A call either completes before it returns (returns undefined) or,
 * for an asynchronous back end only, returns a Promise that settles when it has completed. A
 * call that fails throws or rejects (the host's I/O error): the guest sees VIRTIO_BLK_S_IOERR.
 * `into` and `from` are only the back end's until the call has completed.
 */
export interface BlockBackend {
  /** size in bytes; the guest sees floor(size / 512) sectors */
  readonly size: number;
  readonly readOnly: boolean;
  /**
   * Calls may return a Promise. Such a back end gets buffers of the device's own, never views
   * of guest RAM. Without it, every call must complete before returning: one that returns a
   * Promise fails the request (IOERR), as it holds views of guest RAM it must not touch later.
   */
  readonly asynchronous?: boolean;
  /** Fills `into` with the bytes at byte `offset` (`into` may be a view of guest RAM). */
  read(offset: number, into: Uint8Array): void | Promise<void>;
  /** Stores `from` at byte `offset`. */
  write(offset: number, from: Uint8Array): void | Promise<void>;
  /** Makes completed writes durable. */
  flush(): void | Promise<void>;
}

/**
 * The largest piece of a request an asynchronous back end is given at once: a request's host
 * memory is at most this, whatever length the guest's chain claims (up to 4 GiB).
 */
export const ASYNC_CHUNK_BYTES = 256 * 1024;

/** A disk held in memory: for tests, and for images the host loaded whole. */
export class MemoryBlockBackend implements BlockBackend {
  readonly data: Uint8Array;
  readonly readOnly: boolean;
  flushes = 0;

  constructor(data: Uint8Array, readOnly = false) {
    this.data = data;
    this.readOnly = readOnly;
  }

  get size(): number {
    return this.data.length;
  }

  read(offset: number, into: Uint8Array): void {
    into.set(this.data.subarray(offset, offset + into.length));
  }

  write(offset: number, from: Uint8Array): void {
    if (this.readOnly) throw new Error('read-only disk');
    this.data.set(from, offset);
  }

  flush(): void {
    this.flushes++;
  }
}

/**
 * A disk held in memory whose calls complete later, as a network or browser disk's do: for
 * tests. Each call returns a Promise and is carried out (bytes copied, counted) only when it
 * completes: on a later task by default, or when the host calls complete() if `manual`.
 * Calls complete in the order they were made.
 */
export class AsyncMemoryBlockBackend implements BlockBackend {
  readonly asynchronous = true;
  readonly data: Uint8Array;
  readonly readOnly: boolean;
  /** calls complete only through complete() */
  readonly manual: boolean;
  flushes = 0;
  /** calls made so far, completed or not */
  calls = 0;
  private readonly waiting: { run: () => void; resolve: () => void; reject: (e: Error) => void }[] = [];

  constructor(data: Uint8Array, options: { readOnly?: boolean; manual?: boolean } = {}) {
    this.data = data;
    this.readOnly = options.readOnly ?? false;
    this.manual = options.manual ?? false;
  }

  get size(): number {
    return this.data.length;
  }

  /** Calls made and not completed yet. */
  get pending(): number {
    return this.waiting.length;
  }

  read(offset: number, into: Uint8Array): Promise<void> {
    return this.later(() => into.set(this.data.subarray(offset, offset + into.length)));
  }

  write(offset: number, from: Uint8Array): Promise<void> {
    return this.later(() => {
      if (this.readOnly) throw new Error('read-only disk');
      this.data.set(from, offset);
    });
  }

  flush(): Promise<void> {
    return this.later(() => { this.flushes++; });
  }

  /**
   * Completes the `count` oldest waiting calls; with `error`, they fail with it instead (and
   * do nothing). Returns how many completed.
   */
  complete(count = Infinity, error?: Error): number {
    let done = 0;
    while (done < count && this.waiting.length > 0) {
      const call = this.waiting.shift()!;
      done++;
      if (error) {
        call.reject(error);
        continue;
      }
      try {
        call.run();
      } catch (e) {
        call.reject(e instanceof Error ? e : new Error(String(e)));
        continue;
      }
      call.resolve();
    }
    return done;
  }

  private later(run: () => void): Promise<void> {
    this.calls++;
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ run, resolve, reject });
      if (!this.manual) setTimeout(() => this.complete(1), 0);
    });
  }
}

export interface VirtioBlockOptions {
  /** the device ID string (GET_ID), ASCII, at most 20 bytes used; default "hartvm" */
  serial?: string;
  /** maximum size of the request queue (power of 2, default 256) */
  queueSize?: number;
}

export class VirtioBlock implements VirtioDevice {
  readonly name = 'blk';
  readonly deviceId = VIRTIO_ID_BLOCK;
  readonly features: bigint;
  readonly queueSizes: readonly number[];
  /** disk size in 512-byte sectors */
  readonly capacity: number;
  /** the most data one request may move: seg_max segments of size_max bytes */
  readonly maxRequestBytes: number;

  private readonly backend: BlockBackend;
  private readonly config: Uint8Array;
  private readonly id: Uint8Array;
  private readonly header = new Uint8Array(HEADER_SIZE);
  private readonly headerView = new DataView(this.header.buffer);
  private readonly status = new Uint8Array(1);
  /** the driver accepted FLUSH; otherwise every write is flushed before it completes */
  private flushNegotiated = false;
  /** the back end may complete later: requests take the asynchronous path */
  private readonly asynchronous: boolean;
  private host: VirtioDeviceHost | undefined;
  /** asynchronous requests taken and not yet finished, stale ones included */
  private inFlight = 0;
  /** the queue was left with buffers untaken because inFlight reached the bound */
  private starved = false;

  constructor(backend: BlockBackend, options: VirtioBlockOptions = {}) {
    const queueSize = options.queueSize ?? DEFAULT_QUEUE_SIZE;
    this.backend = backend;
    this.asynchronous = backend.asynchronous === true;
    this.capacity = Math.floor(backend.size / SECTOR_SIZE);
    this.queueSizes = [queueSize];
    this.features = VIRTIO_BLK_F_SIZE_MAX | VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_FLUSH | (backend.readOnly ? VIRTIO_BLK_F_RO : 0n);

    // struct virtio_blk_config (§5.2.4): capacity at 0, size_max at 8, seg_max at 12. A
    // request needs two descriptors besides its data (header, status).
    const segments = Math.max(1, queueSize - 2);
    this.maxRequestBytes = segments * VIRTIO_BLK_SEGMENT_BYTES;
    this.config = new Uint8Array(CONFIG_SIZE);
    const view = new DataView(this.config.buffer);
    view.setBigUint64(0, BigInt(this.capacity), true);
    view.setUint32(8, VIRTIO_BLK_SEGMENT_BYTES, true);
    view.setUint32(12, segments, true);

    // GET_ID: NUL-padded ASCII, no terminator when all 20 bytes are used (§5.2.6).
    this.id = new Uint8Array(VIRTIO_BLK_ID_BYTES);
    const serial = options.serial ?? 'hartvm';
    for (let i = 0; i < serial.length && i < VIRTIO_BLK_ID_BYTES; i++) this.id[i] = serial.charCodeAt(i) & 0x7f;
  }

  readConfig(offset: number, size: number): bigint {
    return readConfigBytes(this.config, offset, size);
  }

  writeConfig(): void {
    // Nothing is writable without VIRTIO_BLK_F_CONFIG_WCE.
  }

  attach(host: VirtioDeviceHost): void {
    this.host = host;
  }

  /** Requests taken from the queue whose back-end calls have not completed (a snapshot waits for none). */
  get requestsInFlight(): number {
    return this.inFlight;
  }

  /** What the driver negotiated; the disk's contents are the host's to save (they outlive the device). */
  saveState(): DeviceState {
    if (this.inFlight > 0) throw new StateError(`virtio-blk: ${this.inFlight} requests in flight`);
    return { flushNegotiated: this.flushNegotiated };
  }

  loadState(state: DeviceState): void {
    this.flushNegotiated = new StateReader('virtio-blk', state).bool('flushNegotiated');
  }

  activate(features: bigint): void {
    this.flushNegotiated = (features & VIRTIO_BLK_F_FLUSH) !== 0n;
  }

  reset(): void {
    // Requests in flight are stale now (their queue was reset): they end without a trace.
    this.flushNegotiated = false;
  }

  processQueue(index: number, queue: Virtqueue): void {
    if (this.asynchronous) return this.processQueueAsync(index, queue);
    for (let chain = queue.pop(); chain; chain = queue.pop()) queue.push(chain, this.handle(chain));
  }

  /**
   * Takes requests while fewer than the queue's size are in flight (a driver that plays by the
   * rules never has more); each completes when its back-end calls have.
   */
  private processQueueAsync(index: number, queue: Virtqueue): void {
    this.starved = false;
    while (this.inFlight < queue.size) {
      const chain = queue.pop(true);
      if (!chain) return;
      this.inFlight++;
      void this.serve(index, chain);
    }
    this.starved = true;
  }

  /** Serves one request; returns the used length (bytes written from the writable start). */
  private handle(chain: DescriptorChain): number {
    // No room for a status byte: nothing can be reported, so hand the buffer back untouched.
    if (chain.writableLength < 1) return 0;
    const dataIn = chain.writableLength - 1;
    let status: number;
    let dataWritten = 0;
    if (chain.read(0, this.header) < HEADER_SIZE) {
      status = VIRTIO_BLK_S_IOERR;
    } else {
      const type = this.headerView.getUint32(0, true);
      const sectorLo = this.headerView.getUint32(8, true);
      const sectorHi = this.headerView.getUint32(12, true);
      switch (type) {
        case VIRTIO_BLK_T_IN:
          status = this.readSectors(chain, sectorLo, sectorHi, dataIn);
          if (status === VIRTIO_BLK_S_OK) dataWritten = dataIn;
          break;
        case VIRTIO_BLK_T_OUT:
          status = this.writeSectors(chain, sectorLo, sectorHi);
          break;
        case VIRTIO_BLK_T_FLUSH:
          status = this.attempt(() => completedNow(this.backend.flush()));
          break;
        case VIRTIO_BLK_T_GET_ID:
          dataWritten = this.writeId(chain, dataIn);
          status = VIRTIO_BLK_S_OK;
          break;
        default:
          status = VIRTIO_BLK_S_UNSUPP;
      }
    }
    this.status[0] = status;
    chain.write(dataIn, this.status);
    return usedLength(dataIn, dataWritten);
  }

  private readSectors(chain: DescriptorChain, sectorLo: number, sectorHi: number, length: number): number {
    const offset = this.byteOffset(sectorLo, sectorHi, length);
    if (offset < 0) return VIRTIO_BLK_S_IOERR;
    return this.attempt(() => chain.fillWritable(0, length, (view, at) => completedNow(this.backend.read(offset + at, view))));
  }

  private writeSectors(chain: DescriptorChain, sectorLo: number, sectorHi: number): number {
    // §5.2.6.2: with RO offered, every write fails and writes nothing.
    if (this.backend.readOnly) return VIRTIO_BLK_S_IOERR;
    const length = chain.readableLength - HEADER_SIZE;
    const offset = this.byteOffset(sectorLo, sectorHi, length);
    if (offset < 0) return VIRTIO_BLK_S_IOERR;
    return this.attempt(() => {
      chain.visitReadable(HEADER_SIZE, length, (view, at) => completedNow(this.backend.write(offset + at - HEADER_SIZE, view)));
      if (!this.flushNegotiated) completedNow(this.backend.flush());
    });
  }

  /**
   * Serves one request of an asynchronous back end, then completes it. The header is read at
   * once; data moves through a buffer of at most ASYNC_CHUNK_BYTES, one back-end call at a
   * time. Awaits only what a call returned, so a request whose calls all complete at once
   * completes before this returns. Stops touching the chain as soon as it is stale. Never
   * rejects: back-end failures become IOERR, anything else the transport's DEVICE_NEEDS_RESET.
   */
  private async serve(index: number, chain: DescriptorChain): Promise<void> {
    const dataIn = chain.writableLength - 1;
    let status = VIRTIO_BLK_S_IOERR;
    let dataWritten = 0;
    try {
      if (dataIn >= 0 && chain.read(0, this.header) === HEADER_SIZE) {
        const type = this.headerView.getUint32(0, true);
        const sectorLo = this.headerView.getUint32(8, true);
        const sectorHi = this.headerView.getUint32(12, true);
        switch (type) {
          case VIRTIO_BLK_T_IN: {
            const offset = this.byteOffset(sectorLo, sectorHi, dataIn);
            if (offset < 0) break;
            const buffer = new Uint8Array(Math.min(dataIn, ASYNC_CHUNK_BYTES));
            for (let at = 0; at < dataIn && !chain.stale; at += buffer.length) {
              const piece = buffer.subarray(0, Math.min(buffer.length, dataIn - at));
              const pending = this.backend.read(offset + at, piece);
              if (pending !== undefined) await pending;
              // The bytes land now, and the write observer hears of them now.
              chain.write(at, piece);
            }
            status = VIRTIO_BLK_S_OK;
            dataWritten = dataIn;
            break;
          }
          case VIRTIO_BLK_T_OUT: {
            if (this.backend.readOnly) break;
            const length = chain.readableLength - HEADER_SIZE;
            const offset = this.byteOffset(sectorLo, sectorHi, length);
            if (offset < 0) break;
            const buffer = new Uint8Array(Math.min(length, ASYNC_CHUNK_BYTES));
            for (let at = 0; at < length && !chain.stale; at += buffer.length) {
              const piece = buffer.subarray(0, Math.min(buffer.length, length - at));
              chain.read(HEADER_SIZE + at, piece);
              const pending = this.backend.write(offset + at, piece);
              if (pending !== undefined) await pending;
            }
            if (!this.flushNegotiated && !chain.stale) {
              const pending = this.backend.flush();
              if (pending !== undefined) await pending;
            }
            status = VIRTIO_BLK_S_OK;
            break;
          }
          case VIRTIO_BLK_T_FLUSH: {
            const pending = this.backend.flush();
            if (pending !== undefined) await pending;
            status = VIRTIO_BLK_S_OK;
            break;
          }
          case VIRTIO_BLK_T_GET_ID:
            dataWritten = this.writeId(chain, dataIn);
            status = VIRTIO_BLK_S_OK;
            break;
          default:
            status = VIRTIO_BLK_S_UNSUPP;
        }
      }
    } catch {
      status = VIRTIO_BLK_S_IOERR;
      dataWritten = 0;
    }
    chain.release();
    this.inFlight--;
    this.host?.service(index, (queue) => {
      // A stale chain belongs to a driver that reset the device: it is dropped.
      if (chain.stale) return;
      if (dataIn < 0) return queue.push(chain, 0);
      this.status[0] = status;
      chain.write(dataIn, this.status);
      queue.push(chain, usedLength(dataIn, dataWritten));
    });
    if (this.starved) {
      this.starved = false;
      this.host?.service(index, (queue) => this.processQueueAsync(index, queue));
    }
  }

  /**
   * Byte offset of a transfer of `length` bytes at `sector`, or -1 if it is not whole sectors
   * on the disk or more than one request may move.
   */
  private byteOffset(sectorLo: number, sectorHi: number, length: number): number {
    if (length % SECTOR_SIZE !== 0 || length > this.maxRequestBytes || sectorHi >= 0x200000) return -1;
    const sector = sectorHi * TWO_POW_32 + sectorLo;
    if (sector > this.capacity || length / SECTOR_SIZE > this.capacity - sector) return -1;
    return sector * SECTOR_SIZE;
  }

  /**
   * Writes the ID string, NUL-padded, into the first 20 bytes of the data area (the driver
   * gives exactly 20; the rest of a larger one is left alone). Returns the bytes written.
   */
  private writeId(chain: DescriptorChain, dataLength: number): number {
    const length = Math.min(dataLength, VIRTIO_BLK_ID_BYTES);
    return chain.write(0, this.id.subarray(0, length));
  }

  /** Runs a synchronous back-end operation; an exception is the host's I/O error. */
  private attempt(operation: () => void): number {
    try {
      operation();
      return VIRTIO_BLK_S_OK;
    } catch {
      return VIRTIO_BLK_S_IOERR;
    }
  }
}

/**
 * The used length (§2.7.8): the bytes written from the start of the writable stream. The
 * status byte ends the stream, so it counts only when the whole data area before it was
 * written; otherwise just the data written from the start does (none after a failure).
 */
function usedLength(dataLength: number, dataWritten: number): number {
  return dataWritten === dataLength ? dataLength + 1 : dataWritten;
}

/**
 * A synchronous back end's call has returned: it must have completed. A Promise means it was
 * going to fill or read guest RAM later, which only an asynchronous back end may (and it is
 * given buffers of its own): the request fails instead.
 */
function completedNow(result: void | Promise<void>): void {
  if (result === undefined) return;
  Promise.resolve(result).catch(() => {});
  throw new Error('a synchronous block back end returned a Promise');
}
