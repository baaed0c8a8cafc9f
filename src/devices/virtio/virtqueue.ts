// A split virtqueue (VIRTIO 1.2 §2.7) seen from the device side: the driver's descriptor
// table, available ring and used ring live in guest memory; this module walks descriptor
// chains into device-readable and device-writable segments and returns used buffers.
//
// Trust: everything in the rings is written by the guest and may be garbage. Every index and
// address is checked; anything that makes a chain impossible to follow (an index past the
// table, a loop, an address outside guest memory, a writable buffer in ROM, a readable buffer
// after a writable one, a bad indirect table, the available index running ahead by more than
// the queue size) throws VirtqueueError. The transport catches it and puts the device in
// DEVICE_NEEDS_RESET (§2.1.2); the request is never completed.
//
// Chains kept past the notify: a device whose back end completes later holds chains after
// pop() returned them. Each chain remembers the queue's generation, which moves on whenever the
// queue is disabled or enabled (and so on every device reset): a chain from an earlier
// generation is stale, and reading, writing or pushing it does nothing, so a completion that
// arrives after a reset never touches guest memory the driver has since reused. pop(true) also
// pins the pages of the chain's buffers, which it holds by host offset, until release().
//
// Work per turn: every chain pop() hands out is charged to a WorkBudget shared by the board's
// devices (work-budget.ts). Once it is spent, pop() hands out nothing more and marks the queue
// deferred; the transport serves it again at the host's next turn.
//
// Memory ordering: guest memory is one SharedArrayBuffer that a hart may write from another
// thread. The two publication points use Atomics: the available index is read with
// Atomics.load before the ring entry and descriptors it publishes (§2.7.13.3: the driver
// fences before raising it), and used ring elements are written before Atomics.store
// publishes the new used index (§2.7.8: len is set before idx). Everything else is plain
// little-endian DataView access (the host is little-endian, as everywhere in hartvm).

import type { GuestMemory, MemoryRegion } from '../../bus/guest-memory.js';
import type { WorkBudget } from './work-budget.js';
import { big, StateError, type DeviceState, type StateReader } from '../device-state.js';

/** Feature bits of the ring layer (§6). */
export const VIRTIO_F_INDIRECT_DESC = 1n << 28n;
export const VIRTIO_F_EVENT_IDX = 1n << 29n;

/** Descriptor flags (§2.7.5). */
export const VIRTQ_DESC_F_NEXT = 1;
export const VIRTQ_DESC_F_WRITE = 2;
export const VIRTQ_DESC_F_INDIRECT = 4;
/** Available ring flag: the driver does not want used-buffer notifications (§2.7.7). */
export const VIRTQ_AVAIL_F_NO_INTERRUPT = 1;

/** The largest split queue size (§2.7: the highest power of 2 in 16 bits). */
export const VIRTQ_MAX_SIZE = 32768;

const DESC_SIZE = 16;
/** A chain may not describe more than 2^32 bytes (§2.7.5, driver requirements). */
const MAX_CHAIN_BYTES = 2 ** 32;
const TWO_POW_32 = 2 ** 32;

/** The guest broke the virtqueue protocol: the device must stop and ask for a reset. */
export class VirtqueueError extends Error {
  constructor(queueIndex: number, message: string) {
    super(`virtqueue ${queueIndex}: ${message}`);
    this.name = 'VirtqueueError';
  }
}

/** Called after the device wrote guest memory [hostOffset, hostOffset + length) (DMA). */
export type GuestWriteObserver = (hostOffset: number, length: number) => void;

/** One contiguous piece of a buffer, as a byte range of the guest-memory buffer. */
export interface Segment {
  readonly hostOffset: number;
  readonly length: number;
}

/** A buffer's guest-physical range, pinned while a held chain uses it. */
interface HeldRange {
  readonly region: MemoryRegion;
  readonly address: number;
  readonly length: number;
}

/**
 * One descriptor chain taken from the available ring. The device sees two byte streams: the
 * device-readable segments in chain order, then the device-writable ones (§2.7.4: readable
 * descriptors come first). Offsets below are offsets into one of those streams, so a device
 * never cares how the driver split its buffers (§2.7.4, "MUST NOT make assumptions about the
 * particular arrangement of descriptors").
 */
export class DescriptorChain {
  /** the descriptor index that heads the chain, returned in the used ring */
  readonly head: number;
  readonly readable: readonly Segment[];
  readonly writable: readonly Segment[];
  readonly readableLength: number;
  readonly writableLength: number;
  private readonly queue: Virtqueue;
  /** the queue's generation when the chain was taken */
  private readonly generation: number;
  private readonly memory: GuestMemory;
  private readonly onGuestWrite: GuestWriteObserver | undefined;
  /** the pinned buffer ranges of a chain taken with pop(true), until release() */
  private held: HeldRange[] | undefined;

  constructor(
    queue: Virtqueue, head: number, readable: Segment[], writable: Segment[], readableLength: number, writableLength: number,
    memory: GuestMemory, onGuestWrite: GuestWriteObserver | undefined, held: HeldRange[] | undefined,
  ) {
    this.queue = queue;
    this.generation = queue.generation;
    this.head = head;
    this.readable = readable;
    this.writable = writable;
    this.readableLength = readableLength;
    this.writableLength = writableLength;
    this.memory = memory;
    this.onGuestWrite = onGuestWrite;
    this.held = held;
    if (held) for (const h of held) memory.pin(h.region, h.address, h.length, 1);
  }

  /**
   * The queue was disabled or reset since the chain was taken: the driver has forgotten it, and
   * its buffers may hold anything now. A stale chain reads and writes nothing and is not pushed.
   */
  get stale(): boolean {
    return this.queue.generation !== this.generation;
  }

  /** Unpins the buffers of a chain taken with pop(true); the device is done with them. */
  release(): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    for (const h of held) this.memory.pin(h.region, h.address, h.length, -1);
  }

  /** Copies readable bytes from stream offset `at` into `into`; returns how many were copied. */
  read(at: number, into: Uint8Array): number {
    let copied = 0;
    this.visitReadable(at, into.length, (view, streamOffset) => {
      into.set(view, streamOffset - at);
      copied += view.length;
    });
    return copied;
  }

  /** Copies `from` into the writable stream at offset `at`; returns how many bytes fit. */
  write(at: number, from: Uint8Array): number {
    let copied = 0;
    this.fillWritable(at, from.length, (view, streamOffset) => {
      view.set(from.subarray(streamOffset - at, streamOffset - at + view.length));
      copied += view.length;
    });
    return copied;
  }

  /**
   * Calls `visit` with a view of guest memory for each piece of readable bytes
   * [at, at + length) (clipped to the stream), with the piece's stream offset. Zero-copy: the
   * views alias guest RAM, so `visit` must not keep them.
   */
  visitReadable(at: number, length: number, visit: (view: Uint8Array, streamOffset: number) => void): void {
    this.visit(this.readable, at, length, visit, false);
  }

  /**
   * Like visitReadable, over the writable stream: `fill` writes into each view (e.g. a backend
   * reading a disk straight into guest RAM). The write observer hears of every piece.
   */
  fillWritable(at: number, length: number, fill: (view: Uint8Array, streamOffset: number) => void): void {
    this.visit(this.writable, at, length, fill, true);
  }

  private visit(
    segments: readonly Segment[], at: number, length: number,
    fn: (view: Uint8Array, streamOffset: number) => void, writes: boolean,
  ): void {
    if (this.stale) return;
    const end = at + length;
    let segmentStart = 0;
    for (const s of segments) {
      const segmentEnd = segmentStart + s.length;
      if (segmentEnd > at && segmentStart < end) {
        const from = Math.max(at, segmentStart);
        const to = Math.min(end, segmentEnd);
        const host = s.hostOffset + (from - segmentStart);
        fn(this.memory.bytes.subarray(host, host + (to - from)), from);
        if (writes) this.onGuestWrite?.(host, to - from);
      }
      if (segmentEnd >= end) break;
      segmentStart = segmentEnd;
    }
  }
}

/**
 * One virtqueue: the driver-programmed layout (latched by the transport's registers while the
 * queue is not ready) and the device's position in the rings.
 */
export class Virtqueue {
  readonly index: number;
  readonly maxSize: number;

  // Registers the driver programs before setting QueueReady (§4.2.3.2).
  size: number;
  descAddress = 0n;
  driverAddress = 0n;
  deviceAddress = 0n;
  /** the QueueReady register as last written */
  ready = false;
  /** VIRTIO_F_INDIRECT_DESC was negotiated */
  indirectAllowed = false;

  private readonly memory: GuestMemory;
  private readonly u16: Uint16Array;
  private readonly onUsedBuffer: () => void;
  private readonly onGuestWrite: GuestWriteObserver | undefined;
  private readonly budget: WorkBudget;

  /** the rings are mapped and validated: the device may use them */
  private active = false;
  /** pop() found the budget spent with buffers still available */
  private deferred = false;
  /** moves on at every enable() and disable(): chains of an older generation are stale */
  private gen = 0;
  private descHost = 0;
  private availHost = 0;
  private usedHost = 0;
  /** next available ring entry the device will take (free-running, mod 2^16) */
  private nextAvail = 0;
  /** next used ring entry the device will fill (free-running, mod 2^16) */
  private nextUsed = 0;
  /** the ring areas mapped by enable(), pinned in guest memory until disable() */
  private readonly pinned: { region: MemoryRegion; address: number; length: number }[] = [];

  /**
   * `onUsedBuffer` is called when a used buffer was returned and the driver did not suppress
   * notifications (the transport raises its interrupt); `onGuestWrite` hears of device writes.
   * Every chain taken is charged to `budget`.
   */
  constructor(
    memory: GuestMemory, index: number, maxSize: number, budget: WorkBudget, onUsedBuffer: () => void, onGuestWrite?: GuestWriteObserver,
  ) {
    if (!Number.isInteger(maxSize) || maxSize < 1 || maxSize > VIRTQ_MAX_SIZE || (maxSize & (maxSize - 1)) !== 0) {
      throw new RangeError(`virtqueue size ${maxSize} is not a power of 2 in 1..${VIRTQ_MAX_SIZE}`);
    }
    this.memory = memory;
    this.u16 = new Uint16Array(memory.buffer, 0, memory.buffer.byteLength >>> 1);
    this.index = index;
    this.maxSize = maxSize;
    this.size = maxSize;
    this.budget = budget;
    this.onUsedBuffer = onUsedBuffer;
    this.onGuestWrite = onGuestWrite;
  }

  /** Whether the device may use the rings (ready and validated). */
  get isActive(): boolean {
    return this.active;
  }

  /**
   * Clears and returns the mark pop() leaves when the budget ran out with buffers available:
   * true means the device should be asked to serve this queue again at the host's next turn.
   */
  takeDeferred(): boolean {
    const deferred = this.deferred && this.active;
    this.deferred = false;
    return deferred;
  }

  /** Buffers are waiting that pop() held back because the budget was spent. */
  get hasDeferredWork(): boolean {
    return this.deferred && this.active;
  }

  /** Changes whenever the queue is enabled or disabled (a reset disables it). */
  get generation(): number {
    return this.gen;
  }

  /** Back to the state after a device reset (§2.4): not ready, default size, indices at 0. */
  reset(): void {
    this.disable();
    this.size = this.maxSize;
    this.descAddress = 0n;
    this.driverAddress = 0n;
    this.deviceAddress = 0n;
    this.indirectAllowed = false;
  }

  /**
   * The driver wrote 1 to QueueReady: checks the layout (§2.7: sizes and alignments) and maps
   * the three areas, which must each lie inside one guest memory region (the used ring in a
   * writable one). Returns an error message instead of enabling a bad layout.
   */
  enable(): string | undefined {
    this.unpinAll();
    this.ready = true;
    this.active = false;
    this.deferred = false;
    this.gen = (this.gen + 1) | 0;
    const n = this.size;
    if (n < 1 || n > this.maxSize || (n & (n - 1)) !== 0) return `queue size ${n} is not a power of 2 in 1..${this.maxSize}`;
    const desc = this.map(this.descAddress, DESC_SIZE * n, 16, false, 'descriptor table');
    if (typeof desc === 'string') return desc;
    const avail = this.map(this.driverAddress, 6 + 2 * n, 2, false, 'available ring');
    if (typeof avail === 'string') return avail;
    const used = this.map(this.deviceAddress, 6 + 8 * n, 4, true, 'used ring');
    if (typeof used === 'string') return used;
    this.descHost = desc;
    this.availHost = avail;
    this.usedHost = used;
    this.nextAvail = 0;
    this.nextUsed = 0;
    this.active = true;
    return undefined;
  }

  /** The driver wrote 0 to QueueReady, or the device was reset. */
  disable(): void {
    this.unpinAll();
    this.ready = false;
    this.active = false;
    this.deferred = false;
    this.gen = (this.gen + 1) | 0;
    this.nextAvail = 0;
    this.nextUsed = 0;
  }

  /** The layout the driver programmed and the device's place in the rings (a machine snapshot). */
  saveState(): DeviceState {
    return {
      size: this.size, descAddress: big(this.descAddress), driverAddress: big(this.driverAddress), deviceAddress: big(this.deviceAddress),
      ready: this.ready, indirectAllowed: this.indirectAllowed, active: this.active,
      nextAvail: this.nextAvail, nextUsed: this.nextUsed,
    };
  }

  /** Takes a saved state: a queue that was in use is mapped again over the restored guest memory. */
  loadState(r: StateReader): void {
    const size = r.int('size', 0, 0xffff);
    const descAddress = r.big('descAddress'), driverAddress = r.big('driverAddress'), deviceAddress = r.big('deviceAddress');
    const ready = r.bool('ready'), indirectAllowed = r.bool('indirectAllowed'), active = r.bool('active');
    const nextAvail = r.int('nextAvail', 0, 0xffff), nextUsed = r.int('nextUsed', 0, 0xffff);
    this.reset();
    this.size = size;
    this.descAddress = descAddress;
    this.driverAddress = driverAddress;
    this.deviceAddress = deviceAddress;
    this.indirectAllowed = indirectAllowed;
    if (!ready) return;
    const problem = this.enable();
    if (active && problem !== undefined) throw new StateError(`virtqueue ${this.index}: ${problem}`);
    if (!active) {
      // it was ready with a layout the device refused (the device waits for a reset)
      this.disable();
      this.ready = true;
      return;
    }
    this.nextAvail = nextAvail;
    this.nextUsed = nextUsed;
    // served again at the host's next turn: whatever waited in the rings when they were saved goes on
    this.deferred = true;
  }

  /** Whether the driver has made buffers available that the device has not taken. */
  hasAvailable(): boolean {
    return this.active && this.availIdx() !== this.nextAvail;
  }

  /**
   * Takes the next available descriptor chain, or undefined if there is none or the budget is
   * spent (the queue is then deferred). With `hold`, the device keeps the chain past this call
   * (its back end completes later): the pages of its buffers stay pinned until chain.release(),
   * so the VMM does not move them meanwhile.
   */
  pop(hold = false): DescriptorChain | undefined {
    if (!this.active) return undefined;
    const availIdx = this.availIdx();
    if (availIdx === this.nextAvail) return undefined;
    // The ring holds at most `size` entries; a larger lead means the driver corrupted idx.
    if (((availIdx - this.nextAvail) & 0xffff) > this.size) {
      throw new VirtqueueError(this.index, `available index ${availIdx} is more than ${this.size} ahead of ${this.nextAvail}`);
    }
    if (this.budget.spent) {
      this.deferred = true;
      return undefined;
    }
    const head = this.memory.view.getUint16(this.availHost + 4 + 2 * (this.nextAvail & (this.size - 1)), true);
    this.nextAvail = (this.nextAvail + 1) & 0xffff;
    return this.walk(head, hold ? [] : undefined);
  }

  /**
   * Returns a chain to the driver through the used ring with `written` bytes written to the
   * start of its writable stream, then notifies unless the driver asked not to (§2.7.7,
   * VIRTIO_F_EVENT_IDX not negotiated: avail.flags bit 0).
   */
  push(chain: DescriptorChain, written: number): void {
    if (!this.active || chain.stale) return;
    const length = Math.max(0, Math.min(written, chain.writableLength));
    const element = this.usedHost + 4 + 8 * (this.nextUsed & (this.size - 1));
    const view = this.memory.view;
    view.setUint32(element, chain.head, true);
    view.setUint32(element + 4, length, true);
    this.nextUsed = (this.nextUsed + 1) & 0xffff;
    Atomics.store(this.u16, (this.usedHost + 2) >>> 1, this.nextUsed);
    if ((Atomics.load(this.u16, this.availHost >>> 1) & VIRTQ_AVAIL_F_NO_INTERRUPT) === 0) this.onUsedBuffer();
  }

  private availIdx(): number {
    return Atomics.load(this.u16, (this.availHost + 2) >>> 1);
  }

  /**
   * Follows the chain at `head` (§2.7.5, §2.7.5.3 for indirect tables). With `held`, the
   * buffers' guest ranges are collected there for the chain to pin.
   */
  private walk(head: number, held: HeldRange[] | undefined): DescriptorChain {
    const view = this.memory.view;
    const readable: Segment[] = [];
    const writable: Segment[] = [];
    let readableLength = 0;
    let writableLength = 0;
    let table = this.descHost;
    let tableSize = this.size;
    let index = head;
    // Descriptors visited in the current table: a chain longer than its table has a loop.
    let steps = 0;
    let visited = 0;
    let inIndirect = false;
    for (;;) {
      if (index >= tableSize) throw new VirtqueueError(this.index, `descriptor index ${index} outside a table of ${tableSize}`);
      if (++steps > tableSize) throw new VirtqueueError(this.index, `descriptor chain from ${head} loops`);
      visited++;
      const d = table + DESC_SIZE * index;
      const addrLo = view.getUint32(d, true);
      const addrHi = view.getUint32(d + 4, true);
      const len = view.getUint32(d + 8, true);
      const flags = view.getUint16(d + 12, true);
      const next = view.getUint16(d + 14, true);

      if (flags & VIRTQ_DESC_F_INDIRECT) {
        if (!this.indirectAllowed) throw new VirtqueueError(this.index, 'indirect descriptor without VIRTIO_F_INDIRECT_DESC');
        if (inIndirect) throw new VirtqueueError(this.index, 'indirect descriptor inside an indirect table');
        if (flags & VIRTQ_DESC_F_NEXT) throw new VirtqueueError(this.index, 'indirect descriptor with NEXT set');
        if (len === 0 || len % DESC_SIZE !== 0 || len / DESC_SIZE > VIRTQ_MAX_SIZE) {
          throw new VirtqueueError(this.index, `indirect table of ${len} bytes`);
        }
        // The table is read in place: a misaligned one would still be read correctly by
        // DataView, so alignment is not required of it.
        table = this.translateContiguous(addrLo, addrHi, len, false, 'indirect table');
        tableSize = len / DESC_SIZE;
        index = 0;
        steps = 0;
        inIndirect = true;
        continue;
      }

      if (flags & VIRTQ_DESC_F_WRITE) {
        if (len > 0) {
          this.translate(addrLo, addrHi, len, true, 'writable buffer', writable, held);
          writableLength += len;
        }
      } else {
        if (writable.length > 0) throw new VirtqueueError(this.index, 'device-readable buffer after a device-writable one');
        if (len > 0) {
          this.translate(addrLo, addrHi, len, false, 'readable buffer', readable, held);
          readableLength += len;
        }
      }
      if (readableLength + writableLength > MAX_CHAIN_BYTES) throw new VirtqueueError(this.index, 'descriptor chain longer than 2^32 bytes');
      if ((flags & VIRTQ_DESC_F_NEXT) === 0) break;
      index = next;
    }
    this.budget.charge(visited, readableLength + writableLength);
    return new DescriptorChain(this, head, readable, writable, readableLength, writableLength, this.memory, this.onGuestWrite, held);
  }

  /**
   * Appends the host runs of guest-physical [addr, addr + length), which must sit in one region
   * (writable if `write`), to `into`: one run unless the VMM moved some of its pages. The range
   * goes to `held` too, if given.
   */
  private translate(
    addrLo: number, addrHi: number, length: number, write: boolean, what: string, into: Segment[], held: HeldRange[] | undefined,
  ): void {
    const address = addrHi * TWO_POW_32 + addrLo;
    const region = this.regionOf(address, addrHi, length);
    if (region && (region.writable || !write)) {
      this.memory.forEachRun(region, address, length, (hostOffset, runLength) => into.push({ hostOffset, length: runLength }));
      held?.push({ region, address, length });
      return;
    }
    const shown = `0x${(BigInt(addrHi) << 32n | BigInt(addrLo)).toString(16)}`;
    throw new VirtqueueError(this.index, region
      ? `${what} at ${shown} is in read-only memory`
      : `${what} at ${shown} (+${length}) is outside guest memory`);
  }

  /** Host offset of an area the device reads in place (a table or ring), which must be one run. */
  private translateContiguous(addrLo: number, addrHi: number, length: number, write: boolean, what: string): number {
    const host = this.mapArea(addrHi * TWO_POW_32 + addrLo, addrHi, length, write, what);
    if (typeof host === 'string') throw new VirtqueueError(this.index, host);
    return host;
  }

  /**
   * The host offset of an area the device keeps reading in place: it must lie in one region
   * (writable if `write`) and in one run of the buffer. Returns an error message otherwise.
   */
  private mapArea(address: number, addrHi: number, length: number, write: boolean, what: string): number | string {
    const shown = `0x${address.toString(16)}`;
    const region = this.regionOf(address, addrHi, length);
    if (!region) return `${what} at ${shown} (+${length}) is outside guest memory`;
    if (write && !region.writable) return `${what} at ${shown} is in read-only memory`;
    const host = this.memory.contiguousHostOffset(region, address, length);
    return host < 0 ? `${what} at ${shown} spans pages the VMM moved apart` : host;
  }

  /** Maps one ring area for enable(): its host offset, or an error message. The area is pinned. */
  private map(address: bigint, length: number, alignment: number, write: boolean, what: string): number | string {
    if (address % BigInt(alignment) !== 0n) return `${what} at 0x${address.toString(16)} is not ${alignment}-byte aligned`;
    const hi = Number(address >> 32n);
    const at = hi * TWO_POW_32 + Number(address & 0xffffffffn);
    const host = this.mapArea(at, hi, length, write, what);
    if (typeof host === 'string') return host;
    // The index words are accessed with Atomics on 16-bit elements: the host offset must be
    // aligned too (it is whenever the region's base is, which GuestMemory does not promise).
    if (host % alignment !== 0) return `${what} at 0x${address.toString(16)} is misaligned in host memory`;
    // The device keeps this host offset while the queue is enabled: the pages must not move.
    const region = this.regionOf(at, hi, length)!;
    this.memory.pin(region, at, length, 1);
    this.pinned.push({ region, address: at, length });
    return host;
  }

  private unpinAll(): void {
    for (const p of this.pinned) this.memory.pin(p.region, p.address, p.length, -1);
    this.pinned.length = 0;
  }

  private regionOf(address: number, addrHi: number, length: number): MemoryRegion | undefined {
    // Above 2^53 a Number is inexact; no region lives there anyway.
    if (addrHi >= 0x200000) return undefined;
    return this.memory.regionSpanning(address, length);
  }
}
