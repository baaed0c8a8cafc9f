// The device tree of hartvm's virt board, which copies QEMU's `virt` machine (as of QEMU 7.2)
// so that unmodified OpenSBI and Linux boot on it: the memory map and interrupt numbers of
// virt-layout.ts, QEMU's node names, property names and node order (Linux probes devices in tree order, so virtio
// slots enumerate as they do under QEMU: from the highest address down). Left out, because
// hartvm has no such devices: pmu, fw-cfg, flash, platform-bus and pci.

import { PLIC_SOURCES } from '../devices/plic.js';
import { FinisherCommand } from '../devices/sifive-test.js';
import { UART_CLOCK_HZ } from '../devices/uart16550.js';
import { DeviceTree, type FdtNode } from './fdt.js';
import { Irq } from '../arch/traps.js';
import { VIRT_MEMMAP, virtioMmioSlotBase, virtioMmioSlotIrq } from './virt-layout.js';

const { clint, goldfishRtc, plic, sifiveTest, uart0, virtio } = VIRT_MEMMAP;

export interface VirtDeviceTreeOptions {
  harts: number;
  ramBase: bigint;
  ramSize: bigint;
  /** riscv,isa of every hart, e.g. "rv64imafdc_zicsr_zifencei_zba_zbb_zbs_sstc" */
  isa: string;
  /** e.g. "riscv,sv57" */
  mmuType: string;
  /** the kernel command line; left out of /chosen when empty, as QEMU does */
  bootargs: string;
  /** the initial ramdisk's physical address range, end exclusive */
  initrd?: { start: bigint; end: bigint };
  /** mtime ticks per second (10000000 on QEMU virt) */
  timebaseHz: number;
  /** virtio-mmio transports to describe, 0..VIRT_MEMMAP.virtio.slots */
  virtioSlots: number;
  /** entropy for the kernel's random pool (/chosen/rng-seed), 32 bytes on QEMU */
  rngSeed?: Uint8Array;
}

export function buildVirtDeviceTree(options: VirtDeviceTreeOptions): Uint8Array {
  const { harts, virtioSlots } = options;
  if (!Number.isInteger(harts) || harts < 1) throw new RangeError(`harts ${harts} must be a positive integer`);
  if (!Number.isInteger(virtioSlots) || virtioSlots < 0 || virtioSlots > virtio.slots) {
    throw new RangeError(`virtioSlots ${virtioSlots} not in 0..${virtio.slots}`);
  }

  const tree = new DeviceTree();
  const cpuPhandles: number[] = [], intcPhandles: number[] = [];
  for (let hart = 0; hart < harts; hart++) {
    cpuPhandles.push(tree.allocatePhandle());
    intcPhandles.push(tree.allocatePhandle());
  }
  const plicPhandle = tree.allocatePhandle();
  const testPhandle = tree.allocatePhandle();

  const root = tree.root
    .u32('#address-cells', 2)
    .u32('#size-cells', 2)
    .string('compatible', 'riscv-virtio')
    .string('model', 'riscv-virtio,qemu');

  addChosen(root, options);
  root.addNode('poweroff')
    .u32('value', FinisherCommand.PASS).u32('offset', 0).u32('regmap', testPhandle).string('compatible', 'syscon-poweroff');
  root.addNode('reboot')
    .u32('value', FinisherCommand.RESET).u32('offset', 0).u32('regmap', testPhandle).string('compatible', 'syscon-reboot');
  root.addNode(`memory@${options.ramBase.toString(16)}`)
    .string('device_type', 'memory')
    .u64('reg', options.ramBase, options.ramSize);
  addCpus(root, options, cpuPhandles, intcPhandles);

  const soc = root.addNode('soc')
    .u32('#address-cells', 2)
    .u32('#size-cells', 2)
    .string('compatible', 'simple-bus')
    .empty('ranges');
  soc.addNode(`rtc@${hex(goldfishRtc.base)}`)
    .u32('interrupts', goldfishRtc.irq)
    .u32('interrupt-parent', plicPhandle)
    .u64('reg', BigInt(goldfishRtc.base), BigInt(goldfishRtc.size))
    .string('compatible', 'google,goldfish-rtc');
  soc.addNode(`serial@${hex(uart0.base)}`)
    .u32('interrupts', uart0.irq)
    .u32('interrupt-parent', plicPhandle)
    .u32('clock-frequency', UART_CLOCK_HZ)
    .u64('reg', BigInt(uart0.base), BigInt(uart0.size))
    .string('compatible', 'ns16550a');
  soc.addNode(`test@${hex(sifiveTest.base)}`)
    .phandle(testPhandle)
    .u64('reg', BigInt(sifiveTest.base), BigInt(sifiveTest.size))
    .strings('compatible', ['sifive,test1', 'sifive,test0', 'syscon']);
  for (let slot = virtioSlots - 1; slot >= 0; slot--) {
    const base = virtioMmioSlotBase(slot);
    soc.addNode(`virtio_mmio@${hex(base)}`)
      .u32('interrupts', virtioMmioSlotIrq(slot))
      .u32('interrupt-parent', plicPhandle)
      .u64('reg', BigInt(base), BigInt(virtio.stride))
      .string('compatible', 'virtio,mmio');
  }
  // PLIC contexts 2h and 2h+1 are hart h's M and S modes, in the order of interrupts-extended.
  soc.addNode(`plic@${hex(plic.base)}`)
    .phandle(plicPhandle)
    .u32('riscv,ndev', PLIC_SOURCES - 1)
    .u64('reg', BigInt(plic.base), BigInt(plic.size))
    .cells('interrupts-extended', intcPhandles.flatMap((intc) => [intc, Irq.MEI, intc, Irq.SEI]))
    .empty('interrupt-controller')
    .strings('compatible', ['sifive,plic-1.0.0', 'riscv,plic0'])
    .u32('#address-cells', 0)
    .u32('#interrupt-cells', 1);
  soc.addNode(`clint@${hex(clint.base)}`)
    .cells('interrupts-extended', intcPhandles.flatMap((intc) => [intc, Irq.MSI, intc, Irq.MTI]))
    .u64('reg', BigInt(clint.base), BigInt(clint.size))
    .strings('compatible', ['sifive,clint0', 'riscv,clint0']);

  return tree.toBlob();
}

/**
 * A device tree the user gave (-dtb), with /chosen told what this boot loads, as QEMU does: the
 * kernel command line when there is one, and where the initrd lies; the rest is theirs.
 */
export function givenVirtDeviceTree(tree: DeviceTree, boot: { bootargs: string; initrd?: { start: bigint; end: bigint } }): Uint8Array {
  const chosen = tree.root.child('chosen') ?? tree.root.addNode('chosen');
  if (boot.initrd) describeInitrd(chosen, boot.initrd);
  if (boot.bootargs !== '') chosen.string('bootargs', boot.bootargs);
  return tree.toBlob();
}

/** Where the initrd lies, in /chosen. */
function describeInitrd(chosen: FdtNode, initrd: { start: bigint; end: bigint }): void {
  // 64-bit values, so that a ramdisk above 4 GiB can be described; Linux reads either width
  chosen.u64('linux,initrd-end', initrd.end).u64('linux,initrd-start', initrd.start);
}

function addChosen(root: FdtNode, options: VirtDeviceTreeOptions): void {
  const chosen = root.addNode('chosen');
  if (options.initrd) describeInitrd(chosen, options.initrd);
  if (options.rngSeed) chosen.bytes('rng-seed', options.rngSeed);
  if (options.bootargs !== '') chosen.string('bootargs', options.bootargs);
  chosen.string('stdout-path', `/soc/serial@${hex(uart0.base)}`);
}

function addCpus(root: FdtNode, options: VirtDeviceTreeOptions, cpuPhandles: number[], intcPhandles: number[]): void {
  const cpus = root.addNode('cpus')
    .u32('#address-cells', 1)
    .u32('#size-cells', 0)
    .u32('timebase-frequency', options.timebaseHz);
  for (let hart = 0; hart < options.harts; hart++) {
    const cpu = cpus.addNode(`cpu@${hart}`)
      .phandle(cpuPhandles[hart])
      .string('device_type', 'cpu')
      .u32('reg', hart)
      .string('status', 'okay')
      .string('compatible', 'riscv')
      .string('riscv,isa', options.isa)
      .string('mmu-type', options.mmuType);
    cpu.addNode('interrupt-controller')
      // not in QEMU's tree: dtc 1.6 warns about an interrupt provider without #address-cells
      .u32('#address-cells', 0)
      .u32('#interrupt-cells', 1)
      .empty('interrupt-controller')
      .string('compatible', 'riscv,cpu-intc')
      .phandle(intcPhandles[hart]);
  }
  const cluster = cpus.addNode('cpu-map').addNode('cluster0');
  for (let hart = 0; hart < options.harts; hart++) cluster.addNode(`core${hart}`).u32('cpu', cpuPhandles[hart]);
}

function hex(n: number): string {
  return n.toString(16);
}
