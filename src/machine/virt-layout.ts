// Where everything sits on the virt board: QEMU's `virt` memory map (hw/riscv/virt.c,
// virt_memmap[] and the *_IRQ numbers), in one table. Unmodified OpenSBI and Linux find the
// devices through the device tree built from it, and bare-metal test programs assume the CLINT
// and RAM addresses directly. The board (virt-machine.ts), its device tree (virt-devicetree.ts)
// and the machine of `hartvm run` (bare-machine.ts) read this table; the device models do not
// know where they are mapped or which PLIC source they drive, they are told.

/** A device's window on the bus: `size` bytes from `base`. */
export interface BoardWindow {
  readonly base: number;
  readonly size: number;
}

/** A window whose device drives one PLIC source. */
export interface BoardIrqWindow extends BoardWindow {
  /** the PLIC source (interrupt id) */
  readonly irq: number;
}

/** The virtio-mmio transports: `slots` windows of `stride` bytes from `base`. */
export interface VirtioSlots {
  readonly base: number;
  readonly stride: number;
  readonly slots: number;
  /** slot i drives PLIC source firstIrq + i */
  readonly firstIrq: number;
}

export interface VirtMemoryMap {
  /** the reset vector's ROM (boot-rom.ts) */
  readonly bootRom: BoardWindow;
  /** SiFive test finisher: poweroff, reboot, test exit codes */
  readonly sifiveTest: BoardWindow;
  readonly goldfishRtc: BoardIrqWindow;
  readonly clint: BoardWindow;
  /** room for 1024 contexts (512 harts, M and S mode each), as QEMU sizes it */
  readonly plic: BoardWindow;
  /** the ns16550a console */
  readonly uart0: BoardIrqWindow;
  /** QEMU's eight transports, PLIC sources 1..8 (the UART's 10 and the RTC's 11 follow) */
  readonly virtio: VirtioSlots;
  /** RAM starts here; its size is the machine's -m */
  readonly dram: { readonly base: number };
}

export const VIRT_MEMMAP: VirtMemoryMap = Object.freeze({
  bootRom: Object.freeze({ base: 0x1000, size: 0xf000 }),
  sifiveTest: Object.freeze({ base: 0x100000, size: 0x1000 }),
  goldfishRtc: Object.freeze({ base: 0x101000, size: 0x1000, irq: 11 }),
  clint: Object.freeze({ base: 0x2000000, size: 0x10000 }),
  plic: Object.freeze({ base: 0xc000000, size: 0x600000 }),
  uart0: Object.freeze({ base: 0x10000000, size: 0x100, irq: 10 }),
  virtio: Object.freeze({ base: 0x10001000, stride: 0x1000, slots: 8, firstIrq: 1 }),
  dram: Object.freeze({ base: 0x80000000 }),
});

/** mtime ticks per second: the CLINT's clock and the `time` CSR (QEMU virt's 10 MHz). */
export const TIMEBASE_HZ = 10_000_000;

/** VIRT_MEMMAP.dram.base as the BigInt physical addresses are computed in. */
export const VIRT_RAM_BASE = BigInt(VIRT_MEMMAP.dram.base);

/** The bus address of virtio-mmio slot `slot`. */
export function virtioMmioSlotBase(slot: number): number {
  return VIRT_MEMMAP.virtio.base + VIRT_MEMMAP.virtio.stride * slot;
}

/** The PLIC source virtio-mmio slot `slot` drives. */
export function virtioMmioSlotIrq(slot: number): number {
  return VIRT_MEMMAP.virtio.firstIrq + slot;
}
