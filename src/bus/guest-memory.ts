// Guest memory: every RAM and ROM region lives in one SharedArrayBuffer, so that a "host
// offset" (a byte index into that buffer) names any guest-physical byte that is memory, and
// worker threads can share it. RAM comes first, ROMs follow.

export interface MemoryRegion {
  readonly name: string;
  /** guest-physical base address */
  readonly base: bigint;
  /** the same base as a Number (exact: every region sits below 2^53), for the slow paths */
  readonly baseNumber: number;
  readonly size: number;
  /** byte offset of the region in the shared buffer */
  readonly hostOffset: number;
  readonly writable: boolean;
}

export class GuestMemory {
  readonly buffer: SharedArrayBuffer;
  readonly view: DataView;
  readonly bytes: Uint8Array;
  readonly i32: Int32Array;
  readonly i64: BigInt64Array;
  readonly regions: readonly MemoryRegion[];
  /** Per 4 KiB host page: bit 0 = holds pre-decoded code, bit 1 = watched (e.g. HTIF tohost). */
  readonly pageFlags: Uint8Array;

  /**
   * Lays the regions out in a new buffer, or over `shared`, the buffer of another thread's
   * GuestMemory with the same layout (a hart worker sees the same bytes; its page flags stay its own).
   */
  constructor(layout: ReadonlyArray<{ name: string; base: bigint; size: number; writable: boolean }>, shared?: SharedArrayBuffer) {
    let total = 0;
    const regions: MemoryRegion[] = [];
    for (const r of layout) {
      if (r.size % 4096 !== 0) throw new Error(`memory region ${r.name} is not a whole number of pages`);
      regions.push({ ...r, baseNumber: Number(r.base), hostOffset: total });
      total += r.size;
    }
    if (shared && shared.byteLength !== total) throw new Error(`guest memory buffer holds ${shared.byteLength} bytes, the layout ${total}`);
    this.buffer = shared ?? new SharedArrayBuffer(total);
    this.view = new DataView(this.buffer);
    this.bytes = new Uint8Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
    this.i64 = new BigInt64Array(this.buffer);
    this.regions = regions;
    this.pageFlags = new Uint8Array(total / 4096);
  }

  /** The region holding guest-physical address `pa`, or undefined. */
  regionAt(pa: bigint): MemoryRegion | undefined {
    for (const r of this.regions) if (pa >= r.base && pa < r.base + BigInt(r.size)) return r;
    return undefined;
  }

  /** Copies bytes into guest memory at a physical address (loader, boot ROM). */
  load(pa: bigint, data: Uint8Array): void {
    const r = this.regionAt(pa);
    if (!r || pa + BigInt(data.length) > r.base + BigInt(r.size)) {
      throw new Error(`cannot load ${data.length} bytes at 0x${pa.toString(16)}: not inside guest memory`);
    }
    this.bytes.set(data, r.hostOffset + Number(pa - r.base));
  }
}
