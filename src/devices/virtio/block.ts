// virtio-blk (VIRTIO 1.2 §5.2): one request queue over a host-supplied BlockBackend.
//
// A request is a chain whose readable stream is the 16-byte header (le32 type, le32 reserved,
// le64 sector) followed, for writes, by the data, and whose writable stream is the data for
// reads followed by the one-byte status (§5.2.6). Handled: IN, OUT, FLUSH, GET_ID; any other
// type completes with VIRTIO_BLK_S_UNSUPP. Transfers must be whole 512-byte sectors inside
// the capacity, else VIRTIO_BLK_S_IOERR; so does a write to a read-only disk (§5.2.6.2) and
// any exception from the back end (the host's I/O error).
//
// Data moves straight between the back end and guest RAM (the back end gets views of guest
// memory), and requests complete before the guest's notify store retires: see the design
// notes in mmio-transport.ts.
//
// Features offered: SEG_MAX (without it Linux sends one segment per request), FLUSH, and RO
// for a read-only back end. FLUSH is always offered; if the driver does not accept it, writes
// must be stable when they complete (§5.2.6.2, "write becomes stable" case 1), so every
// write is followed by a back-end flush.

import type { VirtioDevice } from './mmio-transport.js';
import { readConfigBytes } from './mmio-transport.js';
import type { DescriptorChain, Virtqueue } from './virtqueue.js';

/** The virtio device id of a block device (§5.2.1). */
export const VIRTIO_ID_BLOCK = 2;

/** Feature bits (§5.2.3). */
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
/** Size of struct virtio_blk_config up to and including the fields we describe. */
const CONFIG_SIZE = 24;
const TWO_POW_32 = 2 ** 32;

/**
 * The disk behind a virtio-blk device, supplied by the host (a file, a memory image). Calls
 * are synchronous; a call that fails throws, and the guest sees VIRTIO_BLK_S_IOERR.
 */
export interface BlockBackend {
  /** size in bytes; the guest sees floor(size / 512) sectors */
  readonly size: number;
  readonly readOnly: boolean;
  /** Fills `into` with the bytes at byte `offset` (`into` may be a view of guest RAM). */
  read(offset: number, into: Uint8Array): void;
  /** Stores `from` at byte `offset`. */
  write(offset: number, from: Uint8Array): void;
  /** Makes completed writes durable. */
  flush(): void;
}

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

  private readonly backend: BlockBackend;
  private readonly config: Uint8Array;
  private readonly id: Uint8Array;
  private readonly header = new Uint8Array(HEADER_SIZE);
  private readonly headerView = new DataView(this.header.buffer);
  private readonly status = new Uint8Array(1);
  /** the driver accepted FLUSH; otherwise every write is flushed before it completes */
  private flushNegotiated = false;

  constructor(backend: BlockBackend, options: VirtioBlockOptions = {}) {
    const queueSize = options.queueSize ?? DEFAULT_QUEUE_SIZE;
    this.backend = backend;
    this.capacity = Math.floor(backend.size / SECTOR_SIZE);
    this.queueSizes = [queueSize];
    this.features = VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_FLUSH | (backend.readOnly ? VIRTIO_BLK_F_RO : 0n);

    // struct virtio_blk_config (§5.2.4): capacity at 0, size_max at 8 (not offered),
    // seg_max at 12. A request needs two descriptors besides its data (header, status).
    this.config = new Uint8Array(CONFIG_SIZE);
    const view = new DataView(this.config.buffer);
    view.setBigUint64(0, BigInt(this.capacity), true);
    view.setUint32(12, Math.max(1, queueSize - 2), true);

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

  activate(features: bigint): void {
    this.flushNegotiated = (features & VIRTIO_BLK_F_FLUSH) !== 0n;
  }

  reset(): void {
    this.flushNegotiated = false;
  }

  processQueue(_index: number, queue: Virtqueue): void {
    for (let chain = queue.pop(); chain; chain = queue.pop()) queue.push(chain, this.handle(chain));
  }

  /** Serves one request; returns the used length (bytes written from the writable start). */
  private handle(chain: DescriptorChain): number {
    // No room for a status byte: nothing can be reported, so hand the buffer back untouched.
    if (chain.writableLength < 1) return 0;
    const dataIn = chain.writableLength - 1;
    let status: number;
    let dataWritten = false;
    if (chain.read(0, this.header) < HEADER_SIZE) {
      status = VIRTIO_BLK_S_IOERR;
    } else {
      const type = this.headerView.getUint32(0, true);
      const sectorLo = this.headerView.getUint32(8, true);
      const sectorHi = this.headerView.getUint32(12, true);
      switch (type) {
        case VIRTIO_BLK_T_IN:
          status = this.readSectors(chain, sectorLo, sectorHi, dataIn);
          dataWritten = status === VIRTIO_BLK_S_OK;
          break;
        case VIRTIO_BLK_T_OUT:
          status = this.writeSectors(chain, sectorLo, sectorHi);
          break;
        case VIRTIO_BLK_T_FLUSH:
          status = this.attempt(() => this.backend.flush());
          break;
        case VIRTIO_BLK_T_GET_ID:
          this.writeId(chain, dataIn);
          status = VIRTIO_BLK_S_OK;
          dataWritten = true;
          break;
        default:
          status = VIRTIO_BLK_S_UNSUPP;
      }
    }
    this.status[0] = status;
    chain.write(dataIn, this.status);
    // The used length counts bytes written from the start of the writable stream (§2.7.8):
    // all of it when the data area was filled, else none (the status byte is at the end).
    return dataWritten || dataIn === 0 ? dataIn + 1 : 0;
  }

  private readSectors(chain: DescriptorChain, sectorLo: number, sectorHi: number, length: number): number {
    const offset = this.byteOffset(sectorLo, sectorHi, length);
    if (offset < 0) return VIRTIO_BLK_S_IOERR;
    return this.attempt(() => chain.fillWritable(0, length, (view, at) => this.backend.read(offset + at, view)));
  }

  private writeSectors(chain: DescriptorChain, sectorLo: number, sectorHi: number): number {
    // §5.2.6.2: with RO offered, every write fails and writes nothing.
    if (this.backend.readOnly) return VIRTIO_BLK_S_IOERR;
    const length = chain.readableLength - HEADER_SIZE;
    const offset = this.byteOffset(sectorLo, sectorHi, length);
    if (offset < 0) return VIRTIO_BLK_S_IOERR;
    return this.attempt(() => {
      chain.visitReadable(HEADER_SIZE, length, (view, at) => this.backend.write(offset + at - HEADER_SIZE, view));
      if (!this.flushNegotiated) this.backend.flush();
    });
  }

  /** Byte offset of a transfer of `length` bytes at `sector`, or -1 if it is not whole sectors on the disk. */
  private byteOffset(sectorLo: number, sectorHi: number, length: number): number {
    if (length % SECTOR_SIZE !== 0 || sectorHi >= 0x200000) return -1;
    const sector = sectorHi * TWO_POW_32 + sectorLo;
    if (sector > this.capacity || length / SECTOR_SIZE > this.capacity - sector) return -1;
    return sector * SECTOR_SIZE;
  }

  /** Fills the data area with the ID string, NUL-padded (the driver gives exactly 20 bytes). */
  private writeId(chain: DescriptorChain, length: number): void {
    chain.fillWritable(0, length, (view, at) => {
      view.fill(0);
      if (at < VIRTIO_BLK_ID_BYTES) view.set(this.id.subarray(at, Math.min(VIRTIO_BLK_ID_BYTES, at + view.length)));
    });
  }

  /** Runs a back-end operation; an exception is the host's I/O error. */
  private attempt(operation: () => void): number {
    try {
      operation();
      return VIRTIO_BLK_S_OK;
    } catch {
      return VIRTIO_BLK_S_IOERR;
    }
  }
}
