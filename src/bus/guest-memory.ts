// Guest memory: every RAM and ROM region lives in one shared WebAssembly.Memory, so that a
// "host offset" (a byte index into its buffer) names any guest-physical byte that is memory,
// worker threads can share it, and translated code can load and store it directly. After the
// frames come the harts' slots of hot state (hart-slots.ts).
//
// Guest-physical pages reach the buffer through a frame table (one Int32 per 4 KiB guest page:
// the host frame that backs it), itself shared, so that the VMM can move a page to another
// frame while harts run (smp/frame-remapper.ts). The buffer holds the regions' frames, RAM
// first and ROMs after it, identity-mapped at start, then an optional pool of spare frames.

import { HART_SLOT_BYTES, hartSlotOffset, WASM_PAGE } from './hart-slots.js';

export interface MemoryRegion {
  readonly name: string;
  /** guest-physical base address */
  readonly base: bigint;
  /** the same base as a Number (exact: every region sits below 2^53), for the slow paths */
  readonly baseNumber: number;
  readonly size: number;
  /** index of the region's first page in the frame table */
  readonly firstPage: number;
  readonly writable: boolean;
}

export interface RegionLayout {
  name: string;
  base: bigint;
  size: number;
  writable: boolean;
}

/** Everything another thread needs to see the same guest memory; structured-clonable. */
export interface SharedGuestMemory {
  layout: RegionLayout[];
  spareFrames: number;
  hartSlots: number;
  memory: WebAssembly.Memory;
  frames: SharedArrayBuffer;
}

/** A 32-bit WebAssembly memory holds at most 4 GiB. */
const WASM_MAX_PAGES = 65536;

export const PAGE_SIZE = 4096;

/**
 * Per host frame (GuestMemory.pageFlags): CODE, a hart's code cache holds decoded instructions
 * of it; TRANSLATED, a hart holds translated code of it; WATCHED, a device (HTIF tohost) or a
 * debugger's write or access watchpoint watches stores to it; READ_WATCHED, a debugger's read or
 * access watchpoint watches loads from it. Stores to a frame with any flag take the slow path,
 * which tells the owners; loads take it only from a READ_WATCHED frame.
 */
export const enum PageFlag { CODE = 1, WATCHED = 2, TRANSLATED = 4, READ_WATCHED = 8 }

/**
 * The interpreter's fast path adds host offsets in int32 arithmetic, so it reaches only the
 * first 2 GiB of the buffer. The boards lay RAM out first, and it is at most this large, so all
 * of it is in reach; frames past it (the boot ROM behind the largest RAM, spare frames) are
 * served by the MMU's slow paths, which compute offsets as Numbers.
 */
export const FAST_HOST_LIMIT = 2 ** 31;

export class GuestMemory {
  /** the memory translated code imports; `buffer` is its bytes */
  readonly memory: WebAssembly.Memory;
  readonly buffer: SharedArrayBuffer;
  /** bytes the frames take: the harts' slots begin here */
  readonly frameBytes: number;
  /** how many harts have a slot of hot state */
  readonly hartSlots: number;
  readonly view: DataView;
  readonly bytes: Uint8Array;
  readonly i32: Int32Array;
  readonly i64: BigInt64Array;
  readonly regions: readonly MemoryRegion[];
  /** guest page (regions in order, RAM first) -> host frame number; shared by every thread */
  readonly frames: Int32Array;
  /** host frames after the regions' own, for the VMM to move pages onto */
  readonly spareFrames: number;
  /** frame number of the first spare frame */
  readonly firstSpareFrame: number;
  /** PageFlag bits per 4 KiB host frame; each thread has its own. */
  readonly pageFlags: Uint8Array;
  /**
   * Per guest page, how many device mappings hold its host offset for longer than one access
   * (virtqueue rings, buffers of requests a back end completes later): such a page must not
   * move. 32 bits: a driver may make every held buffer of a full queue the same page. Private to
   * the device thread.
   */
  readonly pins: Uint32Array;
  private readonly layout: RegionLayout[];

  /**
   * Lays the regions out in a new memory with `spareFrames` spare frames and `hartSlots` slots
   * of hot state. `GuestMemory.attach` builds another thread's view of an existing one.
   */
  constructor(layout: readonly RegionLayout[], spareFrames = 0, hartSlots = 1,
    shared?: { memory: WebAssembly.Memory; frames: SharedArrayBuffer }) {
    let pages = 0;
    const regions: MemoryRegion[] = [];
    for (const r of layout) {
      if (r.size % PAGE_SIZE !== 0) throw new Error(`memory region ${r.name} is not a whole number of pages`);
      regions.push({ ...r, baseNumber: Number(r.base), firstPage: pages });
      pages += r.size / PAGE_SIZE;
    }
    const frameBytes = (pages + spareFrames) * PAGE_SIZE;
    const wasmPages = Math.ceil((frameBytes + hartSlots * HART_SLOT_BYTES) / WASM_PAGE);
    if (wasmPages > WASM_MAX_PAGES) throw new Error(`guest memory of ${frameBytes} bytes does not fit a 4 GiB WebAssembly memory`);
    this.memory = shared?.memory ?? new WebAssembly.Memory({ initial: wasmPages, maximum: wasmPages, shared: true });
    if (this.memory.buffer.byteLength !== wasmPages * WASM_PAGE) {
      throw new Error(`guest memory holds ${this.memory.buffer.byteLength} bytes, the layout ${wasmPages * WASM_PAGE}`);
    }
    this.layout = layout.map((r) => ({ ...r }));
    // a shared memory's buffer is a SharedArrayBuffer
    this.buffer = this.memory.buffer as unknown as SharedArrayBuffer;
    this.frameBytes = frameBytes;
    this.hartSlots = hartSlots;
    this.frames = new Int32Array(shared?.frames ?? new SharedArrayBuffer(4 * pages));
    if (!shared) for (let p = 0; p < pages; p++) this.frames[p] = p;
    this.spareFrames = spareFrames;
    this.firstSpareFrame = pages;
    this.view = new DataView(this.buffer);
    this.bytes = new Uint8Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
    this.i64 = new BigInt64Array(this.buffer);
    this.regions = regions;
    this.pageFlags = new Uint8Array(pages + spareFrames);
    this.pins = new Uint32Array(pages);
  }

  /** The same guest memory, seen from another thread (its page flags and pins are its own). */
  static attach(shared: SharedGuestMemory): GuestMemory {
    return new GuestMemory(shared.layout, shared.spareFrames, shared.hartSlots, shared);
  }

  share(): SharedGuestMemory {
    return {
      layout: this.layout.map((r) => ({ ...r })), spareFrames: this.spareFrames, hartSlots: this.hartSlots,
      memory: this.memory, frames: this.frames.buffer as SharedArrayBuffer,
    };
  }

  /** Byte offset of hart `hartId`'s slot of hot state (hart-slots.ts). */
  hartSlot(hartId: number): number {
    if (hartId < 0 || hartId >= this.hartSlots) throw new Error(`hart ${hartId} has no slot of hot state (${this.hartSlots} slots)`);
    return hartSlotOffset(this.frameBytes, hartId);
  }

  /** The region holding guest-physical address `pa`, or undefined. */
  regionAt(pa: bigint): MemoryRegion | undefined {
    for (const r of this.regions) if (pa >= r.base && pa < r.base + BigInt(r.size)) return r;
    return undefined;
  }

  /** The region holding guest-physical [pa, pa + length) whole (pa a Number), or undefined. */
  regionSpanning(pa: number, length: number): MemoryRegion | undefined {
    for (const r of this.regions) if (pa >= r.baseNumber && pa + length <= r.baseNumber + r.size) return r;
    return undefined;
  }

  /** Frame-table index of the page holding `pa`, which must lie in `region`. */
  pageIndex(region: MemoryRegion, pa: number): number {
    return region.firstPage + Math.floor((pa - region.baseNumber) / PAGE_SIZE);
  }

  /** Host offset of guest-physical `pa`, which must lie in `region`. */
  hostOffset(region: MemoryRegion, pa: number): number {
    return Atomics.load(this.frames, this.pageIndex(region, pa)) * PAGE_SIZE + (pa & (PAGE_SIZE - 1));
  }

  /**
   * Splits guest-physical [pa, pa + length), which must lie in `region`, into the runs that are
   * contiguous in the buffer (one run unless the VMM moved pages). Calls `run` for each.
   */
  forEachRun(region: MemoryRegion, pa: number, length: number, run: (hostOffset: number, length: number) => void): void {
    let at = pa;
    const end = pa + length;
    while (at < end) {
      const host = this.hostOffset(region, at);
      let runEnd = Math.min(end, (Math.floor(at / PAGE_SIZE) + 1) * PAGE_SIZE);
      while (runEnd < end && this.hostOffset(region, runEnd) === host + (runEnd - at)) {
        runEnd = Math.min(end, runEnd + PAGE_SIZE);
      }
      run(host, runEnd - at);
      at = runEnd;
    }
  }

  /** The host offset of [pa, pa + length) in `region` if it is one run in the buffer, else -1. */
  contiguousHostOffset(region: MemoryRegion, pa: number, length: number): number {
    const host = this.hostOffset(region, pa);
    const last = pa + Math.max(length, 1) - 1;
    for (let page = Math.floor(pa / PAGE_SIZE) + 1; page * PAGE_SIZE <= last; page++) {
      if (this.hostOffset(region, page * PAGE_SIZE) !== host + (page * PAGE_SIZE - pa)) return -1;
    }
    return host;
  }

  /** A copy of guest-physical [pa, pa + length) in `region`, gathered run by run. */
  read(region: MemoryRegion, pa: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let at = 0;
    this.forEachRun(region, pa, length, (host, n) => {
      out.set(this.bytes.subarray(host, host + n), at);
      at += n;
    });
    return out;
  }

  /** Copies bytes into guest memory at a physical address (loader, boot ROM). */
  load(pa: bigint, data: Uint8Array): void {
    const r = this.regionAt(pa);
    if (!r || pa + BigInt(data.length) > r.base + BigInt(r.size)) {
      throw new Error(`cannot load ${data.length} bytes at 0x${pa.toString(16)}: not inside guest memory`);
    }
    let from = 0;
    this.forEachRun(r, Number(pa), data.length, (host, length) => {
      this.bytes.set(data.subarray(from, from + length), host);
      from += length;
    });
  }

  /** Pins (or, with -1, unpins) the guest pages of [pa, pa + length) in `region`. */
  pin(region: MemoryRegion, pa: number, length: number, delta: 1 | -1): void {
    const first = this.pageIndex(region, pa);
    const last = this.pageIndex(region, pa + Math.max(length, 1) - 1);
    for (let p = first; p <= last; p++) this.pins[p] += delta;
  }
}
