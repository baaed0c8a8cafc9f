// A fake virtio driver for the tests: it lays out split virtqueues in guest RAM exactly as
// VIRTIO 1.2 §2.7 describes (descriptor table 16-byte entries, available ring
// flags/idx/ring[], used ring flags/idx/{id,len}[]) and talks to a transport only through its
// MMIO registers (§4.2.2), as a guest would. Register offsets and constants are written out
// from the spec here rather than imported, so the tests check the device against the spec.
import { GuestMemory } from '../../../dist/bus/guest-memory.js';

export const RAM_BASE = 0x80000000;
export const RAM_SIZE = 1 << 20;
export const ROM_BASE = 0x1000;

export const REG = {
  MAGIC: 0x000, VERSION: 0x004, DEVICE_ID: 0x008, VENDOR_ID: 0x00c,
  DEVICE_FEATURES: 0x010, DEVICE_FEATURES_SEL: 0x014, DRIVER_FEATURES: 0x020, DRIVER_FEATURES_SEL: 0x024,
  QUEUE_SEL: 0x030, QUEUE_NUM_MAX: 0x034, QUEUE_NUM: 0x038, QUEUE_READY: 0x044, QUEUE_NOTIFY: 0x050,
  INTERRUPT_STATUS: 0x060, INTERRUPT_ACK: 0x064, STATUS: 0x070,
  QUEUE_DESC_LOW: 0x080, QUEUE_DESC_HIGH: 0x084, QUEUE_DRIVER_LOW: 0x090, QUEUE_DRIVER_HIGH: 0x094,
  QUEUE_DEVICE_LOW: 0x0a0, QUEUE_DEVICE_HIGH: 0x0a4, SHM_SEL: 0x0ac, SHM_LEN_LOW: 0x0b0, SHM_LEN_HIGH: 0x0b4,
  CONFIG_GENERATION: 0x0fc, CONFIG: 0x100,
};
export const STATUS = { ACKNOWLEDGE: 1, DRIVER: 2, DRIVER_OK: 4, FEATURES_OK: 8, NEEDS_RESET: 0x40, FAILED: 0x80 };
export const F = { VERSION_1: 1n << 32n, INDIRECT_DESC: 1n << 28n, EVENT_IDX: 1n << 29n };
export const DESC = { NEXT: 1, WRITE: 2, INDIRECT: 4 };

/** RAM at 0x80000000 and a one-page ROM at 0x1000 (and `spareFrames` frames to move pages onto). */
export function makeMemory(spareFrames = 0) {
  return new GuestMemory([
    { name: 'ram', base: BigInt(RAM_BASE), size: RAM_SIZE, writable: true },
    { name: 'rom', base: BigInt(ROM_BASE), size: 4096, writable: false },
  ], spareFrames);
}

/** An InterruptSink that remembers every level change. */
export class RecordingSink {
  constructor() {
    this.levels = new Map();
    this.changes = [];
  }
  setLevel(irq, high) {
    this.levels.set(irq, high);
    this.changes.push([irq, high]);
  }
  level(irq) {
    return this.levels.get(irq) ?? false;
  }
}

export class FakeDriver {
  constructor(transport, memory) {
    this.t = transport;
    this.memory = memory;
    this.queues = [];
    /** bump allocator for data buffers, above the rings */
    this.heap = RAM_BASE + 0x40000;
  }

  // ---- MMIO -------------------------------------------------------------------------------
  r32(offset) {
    return Number(this.t.read(offset, 4));
  }
  w32(offset, value) {
    return this.t.write(offset, 4, BigInt(value >>> 0));
  }
  status() {
    return this.r32(REG.STATUS);
  }

  // ---- guest RAM --------------------------------------------------------------------------
  region(pa) {
    const r = this.memory.regionAt(BigInt(pa));
    if (!r) throw new Error(`test bug: 0x${pa.toString(16)} is not memory`);
    return r;
  }
  host(pa) {
    return this.memory.hostOffset(this.region(pa), pa);
  }
  /** A view of guest-physical [pa, pa + length), which must not span pages the VMM moved apart. */
  bytes(pa, length) {
    const h = this.host(pa);
    if (length > 0 && this.host(pa + length - 1) !== h + length - 1) throw new Error('test bug: bytes() over moved pages; use read()');
    return this.memory.bytes.subarray(h, h + length);
  }
  /** A copy of guest-physical [pa, pa + length), through the frame table page by page. */
  read(pa, length) {
    return this.memory.read(this.region(pa), pa, length);
  }
  put(pa, data) {
    this.memory.load(BigInt(pa), data);
  }
  u16(pa) { return this.memory.view.getUint16(this.host(pa), true); }
  u32(pa) { return this.memory.view.getUint32(this.host(pa), true); }
  setU16(pa, v) { this.memory.view.setUint16(this.host(pa), v, true); }
  setU32(pa, v) { this.memory.view.setUint32(this.host(pa), v, true); }
  setU64(pa, v) { this.memory.view.setBigUint64(this.host(pa), BigInt(v), true); }
  alloc(length, align = 16) {
    this.heap = Math.ceil(this.heap / align) * align;
    const pa = this.heap;
    this.heap += length;
    if (this.heap > RAM_BASE + RAM_SIZE) throw new Error('test bug: heap exhausted');
    return pa;
  }
  /** A buffer holding `data` (or `length` zero bytes). */
  buffer(dataOrLength) {
    const length = typeof dataOrLength === 'number' ? dataOrLength : dataOrLength.length;
    const pa = this.alloc(length);
    this.put(pa, new Uint8Array(length));
    if (typeof dataOrLength !== 'number') this.put(pa, dataOrLength);
    return pa;
  }

  // ---- initialisation (§3.1.1) --------------------------------------------------------------
  deviceFeatures() {
    this.w32(REG.DEVICE_FEATURES_SEL, 1);
    const hi = this.r32(REG.DEVICE_FEATURES);
    this.w32(REG.DEVICE_FEATURES_SEL, 0);
    const lo = this.r32(REG.DEVICE_FEATURES);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  writeDriverFeatures(features) {
    this.w32(REG.DRIVER_FEATURES_SEL, 1);
    this.w32(REG.DRIVER_FEATURES, Number(features >> 32n));
    this.w32(REG.DRIVER_FEATURES_SEL, 0);
    this.w32(REG.DRIVER_FEATURES, Number(features & 0xffffffffn));
  }

  /**
   * The whole §3.1.1 sequence. `features`: a function from the offered features to the ones
   * to accept (default: all). `queueSizes`: size of each queue to set up (default: the max).
   * Returns the negotiated features; throws if FEATURES_OK does not stick.
   */
  init({ features = (offered) => offered, queueSizes, ringBase = RAM_BASE + 0x1000 } = {}) {
    this.w32(REG.STATUS, 0);
    this.queues = [];
    let s = STATUS.ACKNOWLEDGE;
    this.w32(REG.STATUS, s);
    s |= STATUS.DRIVER;
    this.w32(REG.STATUS, s);
    const accepted = features(this.deviceFeatures());
    this.writeDriverFeatures(accepted);
    s |= STATUS.FEATURES_OK;
    this.w32(REG.STATUS, s);
    if ((this.status() & STATUS.FEATURES_OK) === 0) throw new Error('FEATURES_OK refused');
    const count = queueSizes?.length ?? this.countQueues();
    let base = ringBase;
    for (let i = 0; i < count; i++) {
      const q = this.setupQueue(i, queueSizes?.[i], base);
      base = Math.ceil((q.used + 6 + 8 * q.size) / 4096) * 4096;
    }
    this.w32(REG.STATUS, s | STATUS.DRIVER_OK);
    return accepted;
  }

  countQueues() {
    let n = 0;
    for (;;) {
      this.w32(REG.QUEUE_SEL, n);
      if (this.r32(REG.QUEUE_NUM_MAX) === 0) return n;
      n++;
    }
  }

  /** §4.2.3.2: select, check not ready, read max, write size and the three areas, ready. */
  setupQueue(index, size, base) {
    this.w32(REG.QUEUE_SEL, index);
    if (this.r32(REG.QUEUE_READY) !== 0) throw new Error(`queue ${index} already ready`);
    const max = this.r32(REG.QUEUE_NUM_MAX);
    if (max === 0) throw new Error(`queue ${index} not available`);
    size ??= max;
    // §2.7 alignments: descriptors 16, available ring 2, used ring 4.
    const desc = base;
    const avail = desc + 16 * size;
    const used = Math.ceil((avail + 6 + 2 * size) / 4) * 4;
    this.bytes(desc, used + 6 + 8 * size - desc).fill(0);
    this.w32(REG.QUEUE_NUM, size);
    this.w32(REG.QUEUE_DESC_LOW, desc); this.w32(REG.QUEUE_DESC_HIGH, 0);
    this.w32(REG.QUEUE_DRIVER_LOW, avail); this.w32(REG.QUEUE_DRIVER_HIGH, 0);
    this.w32(REG.QUEUE_DEVICE_LOW, used); this.w32(REG.QUEUE_DEVICE_HIGH, 0);
    this.w32(REG.QUEUE_READY, 1);
    const q = { index, size, desc, avail, used, nextDesc: 0, availIdx: 0, seenUsed: 0 };
    this.queues[index] = q;
    return q;
  }

  // ---- descriptors and rings ----------------------------------------------------------------
  setDesc(q, i, addr, len, flags, next = 0) {
    const d = q.desc + 16 * i;
    this.setU64(d, addr);
    this.setU32(d + 8, len);
    this.setU16(d + 12, flags);
    this.setU16(d + 14, next);
  }

  /**
   * Chains `buffers` ([{ addr, len, write }]) into free descriptors (or into one indirect table
   * with `indirect`), publishes the head and notifies. Returns the head index.
   */
  submit(queueIndex, buffers, { indirect = false, notify = true } = {}) {
    const q = this.queues[queueIndex];
    let head;
    if (indirect) {
      const table = this.alloc(16 * buffers.length);
      buffers.forEach((b, i) => {
        const d = table + 16 * i;
        this.setU64(d, b.addr);
        this.setU32(d + 8, b.len);
        this.setU16(d + 12, (b.write ? DESC.WRITE : 0) | (i + 1 < buffers.length ? DESC.NEXT : 0));
        this.setU16(d + 14, i + 1);
      });
      head = this.takeDesc(q);
      this.setDesc(q, head, table, 16 * buffers.length, DESC.INDIRECT);
    } else {
      const indices = buffers.map(() => this.takeDesc(q));
      buffers.forEach((b, i) => {
        const more = i + 1 < buffers.length;
        this.setDesc(q, indices[i], b.addr, b.len, (b.write ? DESC.WRITE : 0) | (more ? DESC.NEXT : 0), more ? indices[i + 1] : 0);
      });
      head = indices[0];
    }
    this.publish(queueIndex, head, { notify });
    return head;
  }

  takeDesc(q) {
    const i = q.nextDesc;
    q.nextDesc = (q.nextDesc + 1) % q.size;
    return i;
  }

  /** Puts `head` in the next available ring entry, then raises avail.idx (§2.7.13). */
  publish(queueIndex, head, { notify = true } = {}) {
    const q = this.queues[queueIndex];
    this.setU16(q.avail + 4 + 2 * (q.availIdx % q.size), head);
    q.availIdx = (q.availIdx + 1) & 0xffff;
    this.setU16(q.avail + 2, q.availIdx);
    if (notify) this.notify(queueIndex);
  }

  notify(queueIndex) {
    this.w32(REG.QUEUE_NOTIFY, queueIndex);
  }

  setAvailFlags(queueIndex, flags) {
    this.setU16(this.queues[queueIndex].avail, flags);
  }

  usedIdx(queueIndex) {
    return this.u16(this.queues[queueIndex].used + 2);
  }

  /** Used ring entries added since the last call: [{ id, len }]. */
  takeUsed(queueIndex) {
    const q = this.queues[queueIndex];
    const out = [];
    const idx = this.usedIdx(queueIndex);
    while (q.seenUsed !== idx) {
      const e = q.used + 4 + 8 * (q.seenUsed % q.size);
      out.push({ id: this.u32(e), len: this.u32(e + 4) });
      q.seenUsed = (q.seenUsed + 1) & 0xffff;
    }
    return out;
  }

  /** Reads InterruptStatus and acknowledges all of it, as a driver's handler does (§4.2.3.4). */
  acknowledge() {
    const s = this.r32(REG.INTERRUPT_STATUS);
    this.w32(REG.INTERRUPT_ACK, s);
    return s;
  }
}
