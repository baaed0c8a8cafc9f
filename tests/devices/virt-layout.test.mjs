// The virt board's layout table against QEMU's virt memory map (hw/riscv/virt.c, written out
// here independently), and the machines that read it: every device is on the bus where the
// table says, with the interrupt it says.
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  VIRT_MEMMAP, VIRT_RAM_BASE, TIMEBASE_HZ, virtioMmioSlotBase, virtioMmioSlotIrq,
} from '../../dist/machine/virt-layout.js';
import * as virtMachine from '../../dist/machine/virt-machine.js';
import { BareMachine } from '../../dist/machine/bare-machine.js';
import { PLIC_SOURCES } from '../../dist/devices/plic.js';
import { VirtioBlock, MemoryBlockBackend } from '../../dist/devices/virtio/block.js';

const { VirtMachine } = virtMachine;

test('the table is QEMU virt: bases, sizes, interrupts, timebase', () => {
  assert.deepEqual(VIRT_MEMMAP, {
    bootRom: { base: 0x1000, size: 0xf000 },
    sifiveTest: { base: 0x100000, size: 0x1000 },
    goldfishRtc: { base: 0x101000, size: 0x1000, irq: 11 },
    clint: { base: 0x2000000, size: 0x10000 },
    plic: { base: 0xc000000, size: 0x600000 },
    uart0: { base: 0x10000000, size: 0x100, irq: 10 },
    virtio: { base: 0x10001000, stride: 0x1000, slots: 8, firstIrq: 1 },
    dram: { base: 0x80000000 },
  });
  assert.equal(TIMEBASE_HZ, 10_000_000);
  assert.equal(VIRT_RAM_BASE, 0x80000000n);
  assert.ok(Object.isFrozen(VIRT_MEMMAP) && Object.isFrozen(VIRT_MEMMAP.uart0), 'read-only');
  assert.equal(virtioMmioSlotBase(0), 0x10001000);
  assert.equal(virtioMmioSlotBase(7), 0x10008000);
  assert.equal(virtioMmioSlotIrq(0), 1);
  assert.equal(virtioMmioSlotIrq(7), 8);
});

test('no two windows overlap, none reaches RAM, and every interrupt is its own PLIC source', () => {
  const { virtio, dram, ...devices } = VIRT_MEMMAP;
  const windows = Object.entries(devices).map(([name, w]) => ({ name, base: w.base, end: w.base + w.size, irq: w.irq }));
  for (let slot = 0; slot < virtio.slots; slot++) {
    windows.push({ name: `virtio${slot}`, base: virtioMmioSlotBase(slot), end: virtioMmioSlotBase(slot) + virtio.stride, irq: virtioMmioSlotIrq(slot) });
  }
  for (const a of windows) {
    assert.ok(a.end <= dram.base, `${a.name} below RAM`);
    for (const b of windows) {
      if (a !== b) assert.ok(a.end <= b.base || b.end <= a.base, `${a.name} and ${b.name} overlap`);
    }
  }
  const irqs = windows.filter((w) => w.irq !== undefined).map((w) => w.irq);
  assert.equal(new Set(irqs).size, irqs.length);
  for (const irq of irqs) assert.ok(irq >= 1 && irq < PLIC_SOURCES);
});

test('the public names of virt-machine.js are still there', () => {
  assert.equal(virtMachine.TIMEBASE_HZ, TIMEBASE_HZ);
  assert.equal(virtMachine.VIRT_RAM_BASE, VIRT_RAM_BASE);
  assert.equal(typeof virtMachine.BoardError, 'function');
  assert.equal(typeof virtMachine.VirtMachine, 'function');
});

function makeVirt(virtioDevices = []) {
  return new VirtMachine({
    ramSize: 16 << 20, harts: 2, policy: 2, clock: () => 0, nowNs: () => 0n,
    consoleOutput: () => {}, onFinisher: () => {}, virtioDevices,
  });
}

test('the virt machine puts each device where the table says, with the table\'s interrupt', () => {
  const disk = new VirtioBlock(new MemoryBlockBackend(new Uint8Array(4096)));
  const machine = makeVirt([disk]);
  const at = (name) => machine.bus.devices.filter((d) => d.device.name === name).map(({ base, size }) => ({ base, size }));
  const { sifiveTest, goldfishRtc, clint, plic, uart0, virtio, bootRom, dram } = VIRT_MEMMAP;
  assert.deepEqual(at('sifive-test'), [{ base: sifiveTest.base, size: sifiveTest.size }]);
  assert.deepEqual(at('goldfish-rtc'), [{ base: goldfishRtc.base, size: goldfishRtc.size }]);
  assert.deepEqual(at('clint'), [{ base: clint.base, size: clint.size }]);
  assert.deepEqual(at('plic'), [{ base: plic.base, size: plic.size }]);
  assert.deepEqual(at('uart'), [{ base: uart0.base, size: uart0.size }]);
  // the first device goes in the last slot (the first in the device tree: /dev/vda)
  assert.deepEqual(at('virtio-blk'), [{ base: virtioMmioSlotBase(virtio.slots - 1), size: virtio.stride }]);
  assert.equal(at('virtio-empty').length, virtio.slots - 1);
  assert.deepEqual(machine.memory.regions.map((r) => [r.name, r.base]),
    [['ram', BigInt(dram.base)], ['boot-rom', BigInt(bootRom.base)]]);
  assert.equal(machine.memory.regions[1].size, bootRom.size);

  // Interrupts: each device raises its PLIC source (pending bit at PLIC offset 0x1000).
  const pending = () => Number(machine.plic.read(0x1000, 4));
  machine.uart.write(1, 1, 2n); // IER.ETBEI: THR empty raises the line at once
  assert.equal(pending(), 1 << uart0.irq);
  const blk = machine.bus.devices.find((d) => d.device.name === 'virtio-blk').device;
  blk.configChanged();
  assert.equal(pending(), (1 << uart0.irq) | (1 << virtioMmioSlotIrq(virtio.slots - 1)));
});

test('a ninth virtio device does not fit the board', () => {
  const devices = Array.from({ length: VIRT_MEMMAP.virtio.slots + 1 }, () => new VirtioBlock(new MemoryBlockBackend(new Uint8Array(512))));
  assert.throws(() => makeVirt(devices), (e) => e instanceof virtMachine.BoardError && /at most 8 virtio devices/.test(e.message));
});

test('the machine of hartvm run has its CLINT and RAM where the virt board has them', () => {
  const machine = new BareMachine({ ramSize: 1 << 20, policy: 2, clock: () => 0, output: () => {} });
  assert.deepEqual(machine.bus.devices.map(({ base, size, device }) => [device.name, base, size]),
    [['clint', VIRT_MEMMAP.clint.base, VIRT_MEMMAP.clint.size]]);
  assert.equal(machine.memory.regions[0].base, VIRT_RAM_BASE);
});
