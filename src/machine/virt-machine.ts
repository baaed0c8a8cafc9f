// The board of `hartvm boot`: QEMU's `virt` memory map (virt-layout.ts), so that unmodified
// OpenSBI and Linux run. Boot ROM, SiFive test device, goldfish RTC, CLINT, PLIC, an ns16550a
// UART, eight virtio-mmio slots and RAM. The machine builds and places the device tree, loads
// firmware, kernel and initrd the way QEMU does, and resets the harts into the ROM.

import type { EngineName } from '../arch/engine.js';
import type { TranslationListener } from '../jit/jit-engine.js';
import { Bus } from '../bus/bus.js';
import { GuestMemory } from '../bus/guest-memory.js';
import { Hart } from '../cpu/hart.js';
import type { HartHost } from '../cpu/hart-host.js';
import { Clint } from '../devices/clint.js';
import { GoldfishRtc } from '../devices/goldfish-rtc.js';
import { Plic } from '../devices/plic.js';
import { SifiveTest, type FinisherEvent } from '../devices/sifive-test.js';
import { Uart16550 } from '../devices/uart16550.js';
import type { MmioDevice } from '../bus/device.js';
import { EmptyVirtioMmioSlot, VirtioMmioTransport, type VirtioDevice } from '../devices/virtio/mmio-transport.js';
import { WorkBudget } from '../devices/virtio/work-budget.js';
import { PageFlag } from '../bus/guest-memory.js';
import type { FlushPolicy } from '../arch/flush-policy.js';
import { buildBootRom, NextMode } from './boot-rom.js';
import { BoardError } from './errors.js';
import { buildVirtDeviceTree, givenVirtDeviceTree } from './virt-devicetree.js';
import type { DeviceTree } from './fdt.js';
import { TIMEBASE_HZ, VIRT_MEMMAP, VIRT_RAM_BASE, virtioMmioSlotBase, virtioMmioSlotIrq } from './virt-layout.js';
import type { BoardSignals } from '../smp/board-signals.js';
import type { HartThreadConfig } from '../smp/hart-runner.js';
import { UartChannel } from '../smp/uart-channel.js';

export { TIMEBASE_HZ, VIRT_RAM_BASE };

const { bootRom, sifiveTest, goldfishRtc, clint, plic, uart0, virtio } = VIRT_MEMMAP;
const BOOT_ROM_BASE = BigInt(bootRom.base);
/** Where a kernel goes when firmware sits at the start of RAM (2 MiB in, as on QEMU). */
const KERNEL_OFFSET_AFTER_FIRMWARE = 0x200000n;
const MIB = 1n << 20n;
/** What every hart implements, as the device tree's riscv,isa says it. */
export const ISA_STRING = 'rv64imafdc_zicntr_zicsr_zifencei_zba_zbb_zbs_sstc';
/** The paging modes satp takes besides Bare, smallest first; the device tree's mmu-type names the largest. */
export const PAGING_MODES = ['sv39', 'sv48', 'sv57'] as const;
const MMU_TYPE = `riscv,${PAGING_MODES[PAGING_MODES.length - 1]}`;

export interface VirtMachineOptions {
  ramSize: number;
  harts: number;
  policy: FlushPolicy;
  /** how harts run instructions (default: the interpreter) */
  engine?: EngineName;
  /** told each translation the JIT of a hart on this thread makes */
  onTranslate?: TranslationListener;
  /** the platform clock in timebase ticks (10 MHz) */
  clock: () => number;
  /** wall-clock time for the RTC, nanoseconds since the Unix epoch */
  nowNs: () => bigint;
  /** bytes the guest writes to the UART */
  consoleOutput: (byte: number) => void;
  /** the guest asked for poweroff, reset or failure through the test device */
  onFinisher: (event: FinisherEvent, code: number) => void;
  /**
   * virtio devices, in order: the first goes in the last slot, which comes first in the device
   * tree, so that the first disk is /dev/vda as on QEMU
   */
  virtioDevices?: VirtioDevice[];
  /** a virtio device found the guest's queues corrupt (it waits for a reset) */
  onVirtioError?: (message: string) => void;
  /**
   * Harts on threads of their own (SMP): the machine then holds only the devices; interrupts,
   * wake-ups and DMA reach the harts through these signal words, and each hart thread builds
   * its hart from hartThreadConfig().
   */
  signals?: BoardSignals;
  /**
   * A device raised or lowered an external interrupt line (harts on the calling thread only):
   * a host that sleeps while its hart waits in wfi wakes up for it, e.g. when a disk completes.
   */
  onInterrupt?: () => void;
}

/** A loadable piece: bytes at a physical address, or an ELF's segments. */
export interface LoadedImage {
  segments: { paddr: bigint; data: Uint8Array; memSize: bigint }[];
  entry: bigint;
}

export interface BootImages {
  /** firmware (OpenSBI); undefined for `-bios none` */
  firmware?: LoadedImage;
  /** kernel: raw images are given with paddr 0 and placed by the machine */
  kernel?: { image: LoadedImage; raw: boolean };
  initrd?: Uint8Array;
  bootargs: string;
  /** the device tree to give the firmware instead of the board's (QEMU's -dtb); /chosen is updated */
  deviceTree?: DeviceTree;
}

export { BoardError };

export class VirtMachine {
  readonly memory: GuestMemory;
  readonly bus: Bus;
  readonly clint: Clint;
  readonly plic: Plic;
  readonly uart: Uart16550;
  readonly rtc: GoldfishRtc;
  /** how hart threads reach the UART's status and transmitter (SMP) */
  readonly uartChannel: UartChannel | undefined;
  readonly harts: Hart[] = [];
  readonly ramSize: number;
  /** the device tree the guest was given (for --dump-dtb) */
  deviceTree: Uint8Array = new Uint8Array(0);
  /** where the harts start (the boot ROM), once boot() has run */
  resetPc = BOOT_ROM_BASE;
  private readonly hartCount: number;
  private readonly policy: FlushPolicy;
  private readonly engine: EngineName;
  private readonly signals?: BoardSignals;
  /** the virtio devices' work per host turn (see pollDevices) */
  private readonly virtioBudget = new WorkBudget();
  private readonly virtioTransports: VirtioMmioTransport[] = [];

  constructor(options: VirtMachineOptions) {
    this.ramSize = options.ramSize;
    this.hartCount = options.harts;
    this.policy = options.policy;
    this.engine = options.engine ?? 'interp';
    this.signals = options.signals;
    const signals = options.signals;
    this.memory = new GuestMemory([
      { name: 'ram', base: VIRT_RAM_BASE, size: options.ramSize, writable: true },
      { name: 'boot-rom', base: BOOT_ROM_BASE, size: bootRom.size, writable: false },
    ], 0, options.harts);
    this.bus = new Bus(this.memory);
    this.clint = new Clint(options.harts, options.clock, undefined, signals ? (hartId) => signals.wake(hartId) : undefined);
    this.plic = new Plic(options.harts, {
      onLinesChanged: signals
        ? (hartId) => signals.setLines(hartId, this.plic.lines(hartId))
        : (hartId) => {
          this.harts[hartId]?.interruptsChanged();
          options.onInterrupt?.();
        },
    });
    this.uart = new Uart16550(options.consoleOutput, this.plic, uart0.irq);
    this.uartChannel = signals ? new UartChannel(this.uart) : undefined;
    this.rtc = new GoldfishRtc(options.nowNs, this.plic, goldfishRtc.irq);
    this.bus.addDevice(sifiveTest.base, sifiveTest.size, new SifiveTest(options.onFinisher));
    this.bus.addDevice(goldfishRtc.base, goldfishRtc.size, this.rtc);
    this.bus.addDevice(clint.base, clint.size, this.clint);
    this.bus.addDevice(plic.base, plic.size, this.plic);
    this.bus.addDevice(uart0.base, uart0.size, this.uart);
    const host: HartHost = {
      mtime: () => this.clint.mtime(),
      interruptLines: (hartId) => this.clint.lines(hartId) | this.plic.lines(hartId),
      // no device watches stores here (a debugger's watchpoints are the hart's own: Hart.watchedAccess)
      watchedWrite: () => false,
    };
    for (let id = 0; id < options.harts && !signals; id++) {
      this.harts.push(new Hart(this.bus, host, { hartId: id, policy: options.policy, engine: this.engine, sstc: true, onTranslate: options.onTranslate }));
    }
    const devices = options.virtioDevices ?? [];
    if (devices.length > virtio.slots) throw new BoardError(`at most ${virtio.slots} virtio devices fit the board`);
    for (let slot = 0; slot < virtio.slots; slot++) {
      const device = devices[virtio.slots - 1 - slot];
      let mmio: MmioDevice = new EmptyVirtioMmioSlot();
      if (device) {
        const transport = new VirtioMmioTransport(device, this.memory, this.plic, virtioMmioSlotIrq(slot), {
          onGuestWrite: (hostOffset, length) => this.memoryWritten(hostOffset, length),
          onDeviceError: options.onVirtioError,
          budget: this.virtioBudget,
        });
        this.virtioTransports.push(transport);
        mmio = transport;
      }
      this.bus.addDevice(virtioMmioSlotBase(slot), virtio.stride, mmio);
    }
  }

  /**
   * The host's turn for the devices, once its event loop has run: the virtio devices get a
   * fresh budget and serve what the last one left waiting. Call it at least once per slice.
   */
  pollDevices(): void {
    this.virtioBudget.refill();
    for (const transport of this.virtioTransports) transport.poll();
  }

  /** Requests of the virtio devices whose back ends have not completed (a snapshot waits for none). */
  requestsInFlight(): number {
    return this.virtioTransports.reduce((sum, t) => sum + t.requestsInFlight, 0);
  }

  /** Devices have work waiting for pollDevices(): the host should not sleep. */
  get devicesHaveWork(): boolean {
    return this.virtioTransports.some((t) => t.hasDeferredWork);
  }

  /** A device (or a debugger) wrote guest RAM behind the harts' backs: drop code decoded from those pages. */
  memoryWritten(hostOffset: number, length: number): void {
    const flags = this.memory.pageFlags;
    const first = Math.floor(hostOffset / 4096);
    const last = Math.floor((hostOffset + length - 1) / 4096);
    // Hart threads keep their own decoded code: they drop it at their next boundary.
    if (this.signals) return this.signals.publishDma(first, last - first + 1);
    for (let page = first; page <= last; page++) {
      if (flags[page] & (PageFlag.CODE | PageFlag.TRANSLATED)) for (const hart of this.harts) hart.code.invalidatePage(page);
    }
  }

  /**
   * Loads everything, writes the device tree and the boot ROM, and resets every hart to the ROM.
   * `placeInMemory` false checks where everything goes but writes nothing into guest memory: a
   * snapshot is about to be loaded over it.
   */
  boot(images: BootImages, placeInMemory = true): void {
    const ramEnd = VIRT_RAM_BASE + BigInt(this.ramSize);
    const used: { name: string; start: bigint; end: bigint }[] = [];
    const place = (name: string, start: bigint, data: Uint8Array, memSize = BigInt(data.length)): void => {
      const end = start + memSize;
      if (start < VIRT_RAM_BASE) {
        throw new BoardError(`${name} is linked at 0x${start.toString(16)}, below RAM (0x${VIRT_RAM_BASE.toString(16)})`);
      }
      if (end > ramEnd) {
        throw new BoardError(`${name} (${formatMiB(memSize)} at 0x${start.toString(16)}) does not fit in RAM ` +
          `0x${VIRT_RAM_BASE.toString(16)}-0x${(ramEnd - 1n).toString(16)}; use -m for more`);
      }
      for (const u of used) {
        if (start < u.end && u.start < end) {
          // The device tree goes at the top of RAM: meeting anything there means RAM is too small.
          const hint = name === 'device tree' ? `; ${formatMiB(BigInt(this.ramSize))} of RAM is too little, use -m for more` : '';
          throw new BoardError(`${name} at 0x${start.toString(16)} overlaps ${u.name}${hint}`);
        }
      }
      used.push({ name, start, end });
      if (placeInMemory) this.memory.load(start, data);
    };

    let firmwareEnd = VIRT_RAM_BASE;
    if (images.firmware) {
      for (const s of images.firmware.segments) {
        place('firmware', s.paddr, s.data, s.memSize);
        if (s.paddr + s.memSize > firmwareEnd) firmwareEnd = s.paddr + s.memSize;
      }
    }

    let kernelEntry: bigint | undefined;
    let kernelEnd = firmwareEnd;
    if (images.kernel) {
      const { image, raw } = images.kernel;
      // A raw Image goes 2 MiB-aligned after the firmware (0x80200000 with OpenSBI), or at the
      // start of RAM when there is no firmware; an ELF kernel goes where its headers say.
      const rawBase = images.firmware ? alignUp(firmwareEnd, 2n * MIB) : VIRT_RAM_BASE;
      const base = raw ? (images.firmware ? maxBig(rawBase, VIRT_RAM_BASE + KERNEL_OFFSET_AFTER_FIRMWARE) : rawBase) : 0n;
      for (const s of image.segments) {
        place('kernel', base + s.paddr, s.data, s.memSize);
        if (base + s.paddr + s.memSize > kernelEnd) kernelEnd = base + s.paddr + s.memSize;
      }
      kernelEntry = base + image.entry;
    }

    // The device tree goes at the top of RAM (2 MiB aligned), the initrd below it, far enough
    // above the kernel that the kernel's own early allocations do not reach it.
    let initrdRange: { start: bigint; end: bigint } | undefined;
    const dtbReserve = 2n * MIB;
    if (images.initrd) {
      const size = BigInt(images.initrd.length);
      const preferred = alignUp((kernelEntry ?? VIRT_RAM_BASE) + minBig(BigInt(this.ramSize) / 2n, 128n * MIB), 4096n);
      const highest = alignDown(alignDown(ramEnd - dtbReserve, 2n * MIB) - size, 4096n);
      const start = minBig(preferred, highest);
      if (start < alignUp(kernelEnd, 4096n)) {
        throw new BoardError(`the initrd (${formatMiB(size)}) does not fit in ${formatMiB(BigInt(this.ramSize))} of RAM next to the kernel; use -m for more`);
      }
      place('initrd', start, images.initrd);
      initrdRange = { start, end: start + size };
    }

    this.deviceTree = images.deviceTree ? givenVirtDeviceTree(images.deviceTree, { bootargs: images.bootargs, initrd: initrdRange }) : buildVirtDeviceTree({
      harts: this.hartCount,
      ramBase: VIRT_RAM_BASE,
      ramSize: BigInt(this.ramSize),
      isa: ISA_STRING,
      mmuType: MMU_TYPE,
      bootargs: images.bootargs,
      initrd: initrdRange,
      timebaseHz: TIMEBASE_HZ,
      virtioSlots: virtio.slots,
    });
    const fdtAddress = alignDown(ramEnd - BigInt(this.deviceTree.length), 2n * MIB);
    place('device tree', fdtAddress, this.deviceTree);

    const firmwareEntry = images.firmware?.entry ?? kernelEntry;
    if (firmwareEntry === undefined) throw new BoardError('nothing to boot: give -kernel, or firmware with -bios');
    const rom = buildBootRom({
      base: BOOT_ROM_BASE,
      firmwareEntry,
      fdtAddress,
      nextAddress: images.firmware ? kernelEntry ?? 0n : 0n,
      nextMode: NextMode.S,
      bootHart: 0,
    });
    if (placeInMemory) this.memory.load(BOOT_ROM_BASE, rom);
    this.resetPc = BOOT_ROM_BASE;
    for (const hart of this.harts) hart.reset(BOOT_ROM_BASE);
  }

  /** What the thread of hart `hartId` needs to build its hart over this board (SMP). */
  hartThreadConfig(hartId: number): HartThreadConfig {
    if (!this.signals) throw new Error('hartThreadConfig: the machine was made without signals');
    return {
      hartId,
      harts: this.hartCount,
      memory: this.memory.share(),
      signals: this.signals.buffer,
      clint: this.clint.buffer,
      uartChannel: this.uartChannel?.buffer,
      devices: this.bus.devices.map((d, index) => ({
        base: d.base, size: d.size, name: d.device.name, index,
        reach: d.device === this.clint ? 'shared' : d.device === this.uart ? 'uart-channel' : 'mmio-channel',
      })),
      policy: this.policy,
      engine: this.engine,
      sstc: true,
      resetPc: this.resetPc,
      timebaseHz: TIMEBASE_HZ,
    };
  }

  /** The devices in bus order, as the device thread serves them to the harts (MmioServer). */
  deviceList(): MmioDevice[] {
    return this.bus.devices.map((d) => d.device);
  }

  /** What sits where on the bus, memory and devices, in address order (the monitor's info mtree). */
  memoryMap(): BusWindow[] {
    return [
      ...this.memory.regions.map((r) => ({ name: r.name, base: BigInt(r.base), size: r.size, kind: r.writable ? 'ram' as const : 'rom' as const })),
      ...this.bus.devices.map((d) => ({ name: d.device.name, base: BigInt(d.base), size: d.size, kind: 'i/o' as const })),
    ].sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  }
}

/** One window of the board's bus. */
export interface BusWindow {
  name: string;
  base: bigint;
  size: number;
  kind: 'ram' | 'rom' | 'i/o';
}

function alignUp(v: bigint, a: bigint): bigint { return (v + a - 1n) / a * a; }
function alignDown(v: bigint, a: bigint): bigint { return v / a * a; }
function minBig(a: bigint, b: bigint): bigint { return a < b ? a : b; }
function maxBig(a: bigint, b: bigint): bigint { return a > b ? a : b; }
function formatMiB(bytes: bigint): string {
  const mib = Number(bytes) / 2 ** 20;
  return mib >= 1 ? `${mib.toFixed(mib < 10 ? 1 : 0)} MiB` : `${Number(bytes)} bytes`;
}
