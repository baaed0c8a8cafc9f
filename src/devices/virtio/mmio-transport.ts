// virtio over MMIO, version 2 ("modern", VIRTIO 1.2 §4.2): the register file of one slot,
// generic over a device back end. The board decides where the slots are and which interrupt
// each drives (machine/virt-layout.ts); a slot without a device reads DeviceID 0, which drivers
// skip silently (§4.2.3.1.1), and is EmptyVirtioMmioSlot here.
//
// Design
//   - VirtioMmioTransport owns what every virtio device has (§2): the status byte, feature
//     negotiation, the virtqueues' registers, InterruptStatus and the interrupt line, the
//     configuration generation. A VirtioDevice supplies only its type: device id, feature
//     bits, configuration space, how many queues of what size, and processQueue(), called when
//     the driver notifies a queue.
//   - processQueue runs inside the guest's QueueNotify store. A device whose back end answers
//     at once (a host file, a memory image, the entropy source) completes requests there, so
//     the used ring is updated and the interrupt raised before that store retires, in
//     submission order: the simplest model, and the guest cannot tell it from a fast device.
//   - The work is bounded whatever the guest queued: the chains a queue hands out are charged
//     to a WorkBudget the board's transports share (work-budget.ts), and once it is spent the
//     rest waits for the host's next turn: the host refills the budget and calls poll(), which
//     asks the device to serve the deferred queues again. Each device bounds one request's
//     work itself (virtio-blk a request's data, virtio-rng the bytes it fills).
//   - A device whose back end answers later (virtio-blk over a disk fetched from the network)
//     keeps the chain and completes it through VirtioDeviceHost.service() when the answer
//     comes, in whatever order answers come (allowed without VIRTIO_F_IN_ORDER). It must bound
//     what it keeps (virtio-blk: at most queue-size requests in flight).
//   - Completions that arrive after a reset must not touch guest memory, which the driver may
//     have reused: writing 0 to Status or to QueueReady moves the queue to a new generation,
//     and a chain taken before is stale: it reads, writes and pushes nothing (virtqueue.ts).
//   - The guest is untrusted: ring corruption (VirtqueueError) or any other error thrown while
//     a device serves a queue never escapes the transport. The device enters
//     DEVICE_NEEDS_RESET (§2.1.2), a configuration change interrupt tells the driver if it
//     is running, and queues are left alone until the driver resets the device.
//   - Offered always: VIRTIO_F_VERSION_1 (no legacy interface) and VIRTIO_F_INDIRECT_DESC
//     (virtqueue.ts walks indirect tables). Not offered: EVENT_IDX (so avail.flags suppresses
//     interrupts, §2.7.7), ACCESS_PLATFORM (buffers hold guest-physical addresses),
//     RING_PACKED, NOTIFICATION_DATA, RING_RESET, shared memory regions.
//
// Adding a device, e.g. virtio-net (id 1) or virtio-console (id 3, console.ts), is one new file
// with a class implementing VirtioDevice:
//   - queueSizes lists its queues (net: [receiveq, transmitq]; console without MULTIPORT:
//     [receiveq, transmitq]); features and readConfig describe its §5.x configuration (the
//     MAC address, the console size), built with readConfigBytes like block.ts.
//   - processQueue(transmitq) pops each chain, reads its readable stream (the 12-byte
//     virtio_net_hdr then the frame, or console bytes), hands it to the host and push()es the
//     chain back with 0 bytes written. processQueue(receiveq) just returns: the driver only
//     posted empty buffers.
//   - Input that arrives from the host later (a frame, a key press) is delivered through the
//     VirtioDeviceHost the device got in attach(): host.service(receiveq, queue => ...) pops
//     a posted buffer, fills it with chain.write(), and push()es it; service() does nothing
//     unless the driver has the queue running and turns errors into DEVICE_NEEDS_RESET. If no
//     buffer is posted the device keeps the input and retries from processQueue(receiveq),
//     which runs when the driver posts more.
//   - The machine creates a VirtioMmioTransport for it in a free slot and adds the node to
//     the device tree; nothing here changes.

import type { MmioDevice } from '../../bus/device.js';
import type { GuestMemory } from '../../bus/guest-memory.js';
import type { InterruptSink } from '../interrupt-line.js';
import { VIRTIO_F_INDIRECT_DESC, Virtqueue, type GuestWriteObserver } from './virtqueue.js';
import { WorkBudget } from './work-budget.js';
import { big, savesState, StateError, StateReader, type DeviceState, type SavesState } from '../device-state.js';

/** "virt" in little-endian ASCII (§4.2.2). */
export const VIRTIO_MMIO_MAGIC = 0x74726976;
export const VIRTIO_MMIO_VERSION = 2;
/** "hart" in little-endian ASCII; drivers do not interpret the vendor id. */
export const VIRTIO_VENDOR_ID = 0x74726168;

/** Transport feature bits (§6). */
export const VIRTIO_F_VERSION_1 = 1n << 32n;

/** Device status bits (§2.1). */
export const enum DeviceStatus {
  ACKNOWLEDGE = 1,
  DRIVER = 2,
  DRIVER_OK = 4,
  FEATURES_OK = 8,
  DEVICE_NEEDS_RESET = 0x40,
  FAILED = 0x80,
}

/** InterruptStatus bits (§4.2.2). */
export const enum InterruptCause {
  USED_BUFFER = 1,
  CONFIG_CHANGE = 2,
}

/** Register offsets of the version 2 layout (§4.2.2). */
export const enum VirtioMmioReg {
  MAGIC_VALUE = 0x000,
  VERSION = 0x004,
  DEVICE_ID = 0x008,
  VENDOR_ID = 0x00c,
  DEVICE_FEATURES = 0x010,
  DEVICE_FEATURES_SEL = 0x014,
  DRIVER_FEATURES = 0x020,
  DRIVER_FEATURES_SEL = 0x024,
  QUEUE_SEL = 0x030,
  QUEUE_NUM_MAX = 0x034,
  QUEUE_NUM = 0x038,
  QUEUE_READY = 0x044,
  QUEUE_NOTIFY = 0x050,
  INTERRUPT_STATUS = 0x060,
  INTERRUPT_ACK = 0x064,
  STATUS = 0x070,
  QUEUE_DESC_LOW = 0x080,
  QUEUE_DESC_HIGH = 0x084,
  QUEUE_DRIVER_LOW = 0x090,
  QUEUE_DRIVER_HIGH = 0x094,
  QUEUE_DEVICE_LOW = 0x0a0,
  QUEUE_DEVICE_HIGH = 0x0a4,
  SHM_SEL = 0x0ac,
  SHM_LEN_LOW = 0x0b0,
  SHM_LEN_HIGH = 0x0b4,
  SHM_BASE_LOW = 0x0b8,
  SHM_BASE_HIGH = 0x0bc,
  QUEUE_RESET = 0x0c0,
  CONFIG_GENERATION = 0x0fc,
  CONFIG = 0x100,
}

/** What a device back end gets from its transport, for work the driver did not just ask for. */
export interface VirtioDeviceHost {
  /**
   * Runs `work` on queue `index` if the driver has the device and that queue running;
   * otherwise does nothing. Errors thrown by `work` put the device in DEVICE_NEEDS_RESET.
   * The way to deliver after processQueue returned: host input, or a request whose back end
   * completed later (a chain taken before a reset is stale, and pushing it does nothing).
   */
  service(index: number, work: (queue: Virtqueue) => void): void;
  /** The configuration space changed: new ConfigGeneration, configuration change interrupt. */
  configChanged(): void;
}

/**
 * A virtio device type (§5) behind the generic transport. Its own state for a machine snapshot
 * (SavesState, optional: a board with a device without it cannot be saved) is what the
 * transport does not keep: negotiated behaviour, host-side buffers; the transport saves the
 * queues and registers around it.
 */
export interface VirtioDevice extends Partial<SavesState> {
  /** short name for the bus and messages ("blk", "rng") */
  readonly name: string;
  /** the virtio device id (§5: 2 = block, 4 = entropy) */
  readonly deviceId: number;
  /** device-type feature bits offered (bits 0..23); the transport adds its own */
  readonly features: bigint;
  /** the maximum size of each virtqueue (powers of 2); the length is the number of queues */
  readonly queueSizes: readonly number[];
  /** `size` bytes (1, 2, 4 or 8) of the configuration space at `offset`, little-endian */
  readConfig(offset: number, size: number): bigint;
  writeConfig(offset: number, size: number, value: bigint): void;
  /** Requests taken whose back end has not completed yet (a device that completes some later). */
  readonly requestsInFlight?: number;
  /** Called once by the transport's constructor. */
  attach?(host: VirtioDeviceHost): void;
  /** The driver set DRIVER_OK with these features negotiated; queues may now be used. */
  activate(features: bigint): void;
  /** The driver notified queue `index` (or set DRIVER_OK with buffers already posted). */
  processQueue(index: number, queue: Virtqueue): void;
  /** The driver reset the device (§2.4): forget all per-driver state. */
  reset(): void;
}

/** Reads `size` bytes at `offset` of a static configuration image; bytes past its end read 0. */
export function readConfigBytes(config: Uint8Array, offset: number, size: number): bigint {
  let value = 0n;
  for (let i = size - 1; i >= 0; i--) {
    const at = offset + i;
    value = (value << 8n) | BigInt(at >= 0 && at < config.length ? config[at] : 0);
  }
  return value;
}

export interface VirtioMmioOptions {
  /** told of every device write into guest memory (e.g. to drop decoded code in those pages) */
  onGuestWrite?: GuestWriteObserver;
  /** told when the device enters DEVICE_NEEDS_RESET, and why */
  onDeviceError?: (message: string) => void;
  /**
   * What the device may do per host turn, shared by a board's transports, whose owner refills
   * it before it calls their poll(). Without it the transport has a budget of its own, which
   * its poll() refills.
   */
  budget?: WorkBudget;
}

const REGISTER_MASK = 0xffffffff;

/** A virtio-mmio slot with a device behind it. */
export class VirtioMmioTransport implements MmioDevice, VirtioDeviceHost, SavesState {
  readonly name: string;
  readonly device: VirtioDevice;
  readonly queues: readonly Virtqueue[];
  /** why the device last entered DEVICE_NEEDS_RESET (kept across resets, for diagnosis) */
  lastError: string | undefined;

  private readonly interrupts: InterruptSink;
  private readonly irq: number;
  private readonly offeredFeatures: bigint;
  private readonly onDeviceError: ((message: string) => void) | undefined;
  /** the budget when no shared one was given */
  private readonly ownBudget: WorkBudget | undefined;

  private status = 0;
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  private driverFeatures = 0n;
  private queueSel = 0;
  private interruptStatus = 0;
  private lineHigh = false;
  private configGeneration = 0;

  constructor(device: VirtioDevice, memory: GuestMemory, interrupts: InterruptSink, irq: number, options: VirtioMmioOptions = {}) {
    this.name = `virtio-${device.name}`;
    this.device = device;
    this.interrupts = interrupts;
    this.irq = irq;
    this.offeredFeatures = device.features | VIRTIO_F_VERSION_1 | VIRTIO_F_INDIRECT_DESC;
    this.onDeviceError = options.onDeviceError;
    this.ownBudget = options.budget ? undefined : new WorkBudget();
    const budget = options.budget ?? this.ownBudget!;
    this.queues = device.queueSizes.map((size, i) =>
      new Virtqueue(memory, i, size, budget, () => this.raise(InterruptCause.USED_BUFFER), options.onGuestWrite));
    device.attach?.(this);
  }

  /** The Status register (for the host's diagnostics and tests). */
  get deviceStatus(): number {
    return this.status;
  }

  read(offset: number, size: number): bigint | undefined {
    if (offset >= VirtioMmioReg.CONFIG) return this.device.readConfig(offset - VirtioMmioReg.CONFIG, size);
    // §4.2.2.2: control registers are accessed 32 bits wide; anything else reads 0.
    if (size !== 4) return 0n;
    return BigInt(this.readRegister(offset) >>> 0);
  }

  write(offset: number, size: number, value: bigint): boolean {
    if (offset >= VirtioMmioReg.CONFIG) {
      this.device.writeConfig(offset - VirtioMmioReg.CONFIG, size, value);
      return true;
    }
    if (size === 4) this.writeRegister(offset, Number(value & BigInt(REGISTER_MASK)));
    return true;
  }

  service(index: number, work: (queue: Virtqueue) => void): void {
    if (!this.running() || index >= this.queues.length) return;
    const queue = this.queues[index];
    if (!queue.isActive) return;
    try {
      work(queue);
    } catch (e) {
      this.needsReset(e instanceof Error ? e.message : String(e));
    }
  }

  /**
   * The host's next turn (a shared budget refilled by its owner first): serves again the
   * queues whose buffers waited because the budget was spent.
   */
  poll(): void {
    this.ownBudget?.refill();
    for (let i = 0; i < this.queues.length; i++) {
      if (this.queues[i].takeDeferred()) this.service(i, (q) => this.device.processQueue(i, q));
    }
  }

  /** Requests of the device whose back end has not completed yet. */
  get requestsInFlight(): number {
    return this.device.requestsInFlight ?? 0;
  }

  /** Whether the device behind it can be saved in a machine snapshot. */
  get canSaveState(): boolean {
    return savesState(this.device);
  }

  saveState(): DeviceState {
    if (!savesState(this.device)) throw new StateError(`${this.name} cannot be saved`);
    return {
      device: this.device.name, status: this.status, deviceFeaturesSel: this.deviceFeaturesSel, driverFeaturesSel: this.driverFeaturesSel,
      driverFeatures: big(this.driverFeatures), queueSel: this.queueSel, interruptStatus: this.interruptStatus, lineHigh: this.lineHigh,
      configGeneration: this.configGeneration, queues: this.queues.map((q) => q.saveState()), state: this.device.saveState(),
    };
  }

  loadState(state: DeviceState): void {
    const r = new StateReader(this.name, state);
    if (!savesState(this.device)) throw new StateError(`${this.name} cannot be restored`);
    if (state.device !== this.device.name) throw new StateError(`${this.name}: the snapshot has a virtio-${String(state.device)} here`);
    const word = 2 ** 32 - 1;
    const status = r.int('status', 0, 0xff);
    const deviceFeaturesSel = r.int('deviceFeaturesSel', 0, word), driverFeaturesSel = r.int('driverFeaturesSel', 0, word);
    const driverFeatures = r.big('driverFeatures'), queueSel = r.int('queueSel', 0, word);
    const interruptStatus = r.int('interruptStatus', 0, InterruptCause.USED_BUFFER | InterruptCause.CONFIG_CHANGE);
    const lineHigh = r.bool('lineHigh'), configGeneration = r.int('configGeneration', -(2 ** 31), 2 ** 31 - 1);
    const queues = r.objects('queues', this.queues.length);
    r.object('state'); // there, before anything changes; the device checks what it holds
    if ((driverFeatures & ~this.offeredFeatures) !== 0n) throw new StateError(`${this.name}: features the device does not offer`);
    this.queues.forEach((q, i) => q.loadState(queues[i]));
    this.status = status;
    this.deviceFeaturesSel = deviceFeaturesSel;
    this.driverFeaturesSel = driverFeaturesSel;
    this.driverFeatures = driverFeatures;
    this.queueSel = queueSel;
    this.interruptStatus = interruptStatus;
    // the line's level is the PLIC's to restore
    this.lineHigh = lineHigh;
    this.configGeneration = configGeneration;
    this.device.reset();
    if (this.running()) this.device.activate(driverFeatures);
    this.device.loadState(state.state as DeviceState);
  }

  /** Buffers wait for poll(): the host should come back soon rather than sleep. */
  get hasDeferredWork(): boolean {
    return this.running() && this.queues.some((q) => q.hasDeferredWork);
  }

  configChanged(): void {
    this.configGeneration = (this.configGeneration + 1) | 0;
    this.raise(InterruptCause.CONFIG_CHANGE);
  }

  private readRegister(offset: number): number {
    switch (offset) {
      case VirtioMmioReg.MAGIC_VALUE: return VIRTIO_MMIO_MAGIC;
      case VirtioMmioReg.VERSION: return VIRTIO_MMIO_VERSION;
      case VirtioMmioReg.DEVICE_ID: return this.device.deviceId;
      case VirtioMmioReg.VENDOR_ID: return VIRTIO_VENDOR_ID;
      case VirtioMmioReg.DEVICE_FEATURES:
        return this.deviceFeaturesSel > 1 ? 0 : Number((this.offeredFeatures >> BigInt(32 * this.deviceFeaturesSel)) & 0xffffffffn);
      case VirtioMmioReg.QUEUE_NUM_MAX: return this.selectedQueue()?.maxSize ?? 0;
      case VirtioMmioReg.QUEUE_READY: return this.selectedQueue()?.ready ? 1 : 0;
      case VirtioMmioReg.INTERRUPT_STATUS: return this.interruptStatus;
      case VirtioMmioReg.STATUS: return this.status;
      // No shared memory regions: a missing region has length and base all ones (§4.2.2).
      case VirtioMmioReg.SHM_LEN_LOW: case VirtioMmioReg.SHM_LEN_HIGH:
      case VirtioMmioReg.SHM_BASE_LOW: case VirtioMmioReg.SHM_BASE_HIGH:
        return REGISTER_MASK;
      case VirtioMmioReg.CONFIG_GENERATION: return this.configGeneration;
      default: return 0; // write-only and reserved registers
    }
  }

  private writeRegister(offset: number, value: number): void {
    switch (offset) {
      case VirtioMmioReg.DEVICE_FEATURES_SEL: this.deviceFeaturesSel = value; return;
      case VirtioMmioReg.DRIVER_FEATURES_SEL: this.driverFeaturesSel = value; return;
      case VirtioMmioReg.DRIVER_FEATURES: return this.writeDriverFeatures(value);
      case VirtioMmioReg.QUEUE_SEL: this.queueSel = value; return;
      case VirtioMmioReg.QUEUE_NUM: return this.configureQueue((q) => { q.size = value; });
      case VirtioMmioReg.QUEUE_DESC_LOW: return this.configureQueue((q) => { q.descAddress = setLow(q.descAddress, value); });
      case VirtioMmioReg.QUEUE_DESC_HIGH: return this.configureQueue((q) => { q.descAddress = setHigh(q.descAddress, value); });
      case VirtioMmioReg.QUEUE_DRIVER_LOW: return this.configureQueue((q) => { q.driverAddress = setLow(q.driverAddress, value); });
      case VirtioMmioReg.QUEUE_DRIVER_HIGH: return this.configureQueue((q) => { q.driverAddress = setHigh(q.driverAddress, value); });
      case VirtioMmioReg.QUEUE_DEVICE_LOW: return this.configureQueue((q) => { q.deviceAddress = setLow(q.deviceAddress, value); });
      case VirtioMmioReg.QUEUE_DEVICE_HIGH: return this.configureQueue((q) => { q.deviceAddress = setHigh(q.deviceAddress, value); });
      case VirtioMmioReg.QUEUE_READY: return this.writeQueueReady(value);
      case VirtioMmioReg.QUEUE_NOTIFY: return this.notify(value & 0xffff);
      case VirtioMmioReg.INTERRUPT_ACK:
        this.interruptStatus &= ~value;
        this.updateLine();
        return;
      case VirtioMmioReg.STATUS: return this.writeStatus(value & 0xff);
      default: return; // read-only and reserved registers
    }
  }

  private selectedQueue(): Virtqueue | undefined {
    return this.queueSel < this.queues.length ? this.queues[this.queueSel] : undefined;
  }

  /** Queue layout registers are only honoured while the queue is not ready (§4.2.2.2). */
  private configureQueue(set: (queue: Virtqueue) => void): void {
    const queue = this.selectedQueue();
    if (queue && !queue.ready) set(queue);
  }

  private writeDriverFeatures(value: number): void {
    // Features are fixed once FEATURES_OK is set (§3.1.1).
    if (this.status & DeviceStatus.FEATURES_OK || this.driverFeaturesSel > 1) return;
    const shift = BigInt(32 * this.driverFeaturesSel);
    this.driverFeatures = (this.driverFeatures & ~(0xffffffffn << shift)) | (BigInt(value >>> 0) << shift);
  }

  private writeQueueReady(value: number): void {
    const queue = this.selectedQueue();
    if (!queue) return;
    if ((value & 1) === 0) {
      queue.disable();
      return;
    }
    if (queue.ready) return;
    const problem = queue.enable();
    if (problem !== undefined) this.needsReset(`virtqueue ${queue.index}: ${problem}`);
  }

  private writeStatus(value: number): void {
    if (value === 0) return this.reset();
    const before = this.status;
    // DEVICE_NEEDS_RESET belongs to the device: the driver can neither set nor clear it.
    let next = (value & ~DeviceStatus.DEVICE_NEEDS_RESET) | (before & DeviceStatus.DEVICE_NEEDS_RESET);
    if (next & ~before & DeviceStatus.FEATURES_OK && !this.acceptFeatures()) {
      // §2.2.2: the device leaves FEATURES_OK clear; the driver reads Status back to see it.
      next &= ~DeviceStatus.FEATURES_OK;
    }
    this.status = next;
    if (next & ~before & DeviceStatus.DRIVER_OK && this.running()) {
      this.device.activate(this.driverFeatures);
      // Buffers posted before DRIVER_OK were not touched (§2.1.2); serve them now.
      for (let i = 0; i < this.queues.length; i++) this.service(i, (q) => this.device.processQueue(i, q));
    }
  }

  /** The driver's features are acceptable: offered ones only, and VERSION_1 (no legacy). */
  private acceptFeatures(): boolean {
    const features = this.driverFeatures;
    if ((features & ~this.offeredFeatures) !== 0n || (features & VIRTIO_F_VERSION_1) === 0n) return false;
    for (const q of this.queues) q.indirectAllowed = (features & VIRTIO_F_INDIRECT_DESC) !== 0n;
    return true;
  }

  private notify(index: number): void {
    // Before DRIVER_OK the notification is only remembered as buffers in the ring.
    this.service(index, (q) => this.device.processQueue(index, q));
  }

  /** Whether the driver has finished initialisation and nothing has gone wrong since. */
  private running(): boolean {
    const s = this.status;
    return (s & (DeviceStatus.DRIVER_OK | DeviceStatus.FEATURES_OK)) === (DeviceStatus.DRIVER_OK | DeviceStatus.FEATURES_OK)
      && (s & (DeviceStatus.DEVICE_NEEDS_RESET | DeviceStatus.FAILED)) === 0;
  }

  /** Writing 0 to Status (§4.2.2.1): everything the driver set up is forgotten. */
  private reset(): void {
    this.status = 0;
    this.deviceFeaturesSel = 0;
    this.driverFeaturesSel = 0;
    this.driverFeatures = 0n;
    this.queueSel = 0;
    for (const q of this.queues) q.reset();
    this.interruptStatus = 0;
    this.updateLine();
    this.device.reset();
  }

  /** §2.1.2: the device hit an error it cannot recover from without a reset. */
  private needsReset(message: string): void {
    const first = (this.status & DeviceStatus.DEVICE_NEEDS_RESET) === 0;
    this.status |= DeviceStatus.DEVICE_NEEDS_RESET;
    this.lastError = message;
    if (!first) return;
    this.onDeviceError?.(`${this.name}: ${message}`);
    if (this.status & DeviceStatus.DRIVER_OK) this.raise(InterruptCause.CONFIG_CHANGE);
  }

  private raise(cause: InterruptCause): void {
    this.interruptStatus |= cause;
    this.updateLine();
  }

  /** §4.2.3.4: one level-triggered line, high while any InterruptStatus bit is set. */
  private updateLine(): void {
    const high = this.interruptStatus !== 0;
    if (high !== this.lineHigh) {
      this.lineHigh = high;
      this.interrupts.setLevel(this.irq, high);
    }
  }
}

/**
 * A slot with no device: MagicValue and Version read correctly and DeviceID reads 0, so a
 * driver ignores it without complaint (§4.2.3.1.1). Every other register reads 0; writes do
 * nothing.
 */
export class EmptyVirtioMmioSlot implements MmioDevice, SavesState {
  readonly name = 'virtio-empty';

  saveState(): DeviceState {
    return {};
  }

  loadState(): void {}

  read(offset: number, size: number): bigint | undefined {
    if (size !== 4) return 0n;
    if (offset === VirtioMmioReg.MAGIC_VALUE) return BigInt(VIRTIO_MMIO_MAGIC);
    if (offset === VirtioMmioReg.VERSION) return BigInt(VIRTIO_MMIO_VERSION);
    return 0n;
  }

  write(_offset: number, _size: number, _value: bigint): boolean {
    return true;
  }
}

function setLow(address: bigint, value: number): bigint {
  return (address & ~0xffffffffn) | BigInt(value >>> 0);
}

function setHigh(address: bigint, value: number): bigint {
  return (address & 0xffffffffn) | (BigInt(value >>> 0) << 32n);
}
