// Each device's state for a machine snapshot (savevm/loadvm) round-trips: a device driven into a
// state of its own, saved, taken through JSON as a snapshot file keeps it, loaded into a new
// device of the same kind, behaves as the first did and saves the same state again. A state
// that is not what the device saves is refused, naming the field.
import test from 'node:test';
import assert from 'node:assert/strict';
import { Clint } from '../../dist/devices/clint.js';
import { Plic } from '../../dist/devices/plic.js';
import { Uart16550 } from '../../dist/devices/uart16550.js';
import { GoldfishRtc } from '../../dist/devices/goldfish-rtc.js';
import { SifiveTest } from '../../dist/devices/sifive-test.js';
import { StateError } from '../../dist/devices/device-state.js';
import { VirtioMmioTransport, EmptyVirtioMmioSlot } from '../../dist/devices/virtio/mmio-transport.js';
import { VirtioBlock, MemoryBlockBackend } from '../../dist/devices/virtio/block.js';
import { VirtioRng } from '../../dist/devices/virtio/rng.js';
import { VirtioConsole } from '../../dist/devices/virtio/console.js';
import { VirtioNet } from '../../dist/devices/virtio/net.js';
import { FakeDriver, RecordingSink, makeMemory, RAM_BASE, RAM_SIZE } from './virtio/fake-driver.mjs';

/** The state as it comes back from a snapshot file. */
const throughFile = (state) => JSON.parse(JSON.stringify(state));
const MTIP = 1 << 7, MSIP = 1 << 3, SEIP = 1 << 9, MEIP = 1 << 11;

test('CLINT: msip and mtimecmp come back, and mtime goes on from where it was saved, whatever the new clock reads', () => {
  let now = 5000;
  const clint = new Clint(2, () => now);
  clint.write(0x4, 4, 1n); // msip of hart 1
  clint.write(0x4000, 8, 6000n); // mtimecmp of hart 0
  clint.write(0x4008, 8, 0x1_0000_0000_0000n);
  const state = throughFile(clint.saveState());

  let later = 123456789;
  const told = [];
  const restored = new Clint(2, () => later, undefined, (hart) => told.push(hart));
  restored.loadState(state);
  assert.deepEqual(told, [0, 1], 'every hart is told to look at its timer and msip again');
  assert.equal(restored.mtime(), 5000);
  assert.equal(restored.lines(1), MSIP);
  assert.equal(restored.lines(0), 0);
  later += 1000;
  assert.equal(restored.mtime(), 6000);
  assert.equal(restored.lines(0), MTIP, 'the timer fires at the saved mtimecmp on the restored clock');
  later -= 1000;
  assert.deepEqual(restored.saveState(), state);
  now = 0;
});

test('PLIC: priorities, enables, thresholds, pending and in-service sources come back, and every hart is told its lines', () => {
  const plic = new Plic(2);
  plic.write(4 * 5, 4, 3n); // priority of source 5
  plic.write(4 * 9, 4, 1n);
  plic.write(0x2000 + 0x80 * 1, 4, BigInt((1 << 5) | (1 << 9))); // S context of hart 0
  plic.write(0x2000 + 0x80 * 2, 4, BigInt(1 << 9)); // M context of hart 1
  plic.write(0x200000 + 0x1000 * 1, 4, 0n);
  plic.setLevel(5, true);
  plic.setLevel(9, true);
  assert.equal(Number(plic.read(0x200004 + 0x1000 * 1, 4)), 5, 'source 5 claimed: in service');
  const state = throughFile(plic.saveState());

  const told = [];
  const restored = new Plic(2, { onLinesChanged: (hart) => told.push(hart) });
  restored.loadState(state);
  assert.deepEqual(told, [0, 1]);
  assert.equal(restored.lines(0), SEIP);
  assert.equal(restored.lines(1), MEIP);
  assert.deepEqual(restored.saveState(), state);
  restored.write(0x200004 + 0x1000 * 1, 4, 5n); // complete 5: its level is still high, so it is pending again
  assert.equal(Number(restored.read(0x1000, 4)) & (1 << 5), 1 << 5);

  assert.throws(() => new Plic(2).loadState({ ...state, threshold: [9, 0, 0, 0] }), (e) => e instanceof StateError && /plic: threshold\[0\]/.test(e.message));
  assert.throws(() => new Plic(1).loadState(state), /plic: enable is not a list of 6/);
});

test('UART: registers and input not yet read come back; the restored UART reads them in order', () => {
  const out = [];
  const uart = new Uart16550((b) => out.push(b), new RecordingSink(), 10);
  uart.write(3, 1, 0x80n); // DLAB
  uart.write(0, 1, 0x12n);
  uart.write(3, 1, 0x03n);
  uart.write(1, 1, 0x01n); // ERBFI
  uart.write(7, 1, 0x5an);
  uart.pushInput(new TextEncoder().encode('hi!'));
  uart.sendBreak();
  const state = throughFile(uart.saveState());

  const sink = new RecordingSink();
  const restored = new Uart16550((b) => out.push(b), sink, 10);
  restored.loadState(state);
  assert.deepEqual(restored.saveState(), state);
  assert.equal(Number(restored.read(7, 1)), 0x5a);
  assert.equal(Number(restored.read(5, 1)) & 1, 1, 'data ready');
  assert.equal(String.fromCharCode(...[0, 1, 2].map(() => Number(restored.read(0, 1)))), 'hi!');
  assert.equal(Number(restored.read(5, 1)) & 0x10, 0x10, 'the break comes after the bytes before it');

  // typed on the host while a state is loaded (-loadvm with input waiting): taken out, put back after the loaded bytes
  const early = new Uart16550(() => {}, new RecordingSink(), 10);
  early.pushInput(new TextEncoder().encode('ls\n'));
  const typed = early.takeUnread();
  early.loadState(state);
  early.requeue(typed);
  assert.equal(String.fromCharCode(...Array.from({ length: 7 }, () => Number(early.read(0, 1)))), 'hi!\0ls\n');
  restored.write(3, 1, 0x80n);
  assert.equal(Number(restored.read(0, 1)), 0x12, 'the divisor latch');
  assert.throws(() => restored.loadState({ ...state, lcr: 'x' }), /uart: lcr is not an integer/);
});

test('goldfish RTC: the guest\'s offset from the host clock and an armed alarm come back', () => {
  let hostNs = 1_000_000_000_000n;
  const rtc = new GoldfishRtc(() => hostNs, new RecordingSink(), 11);
  const set = 5_000_000_000_000n;
  rtc.write(0x04, 4, set >> 32n);
  rtc.write(0x00, 4, set & 0xffffffffn);
  rtc.write(0x10, 4, 1n); // IRQ_ENABLED
  rtc.write(0x0c, 4, (set + 10n) >> 32n);
  rtc.write(0x08, 4, (set + 10n) & 0xffffffffn); // an alarm 10 ns ahead
  const state = throughFile(rtc.saveState());

  hostNs += 3n; // the host's clock went on while the machine was saved
  const sink = new RecordingSink();
  const restored = new GoldfishRtc(() => hostNs, sink, 11);
  restored.loadState(state);
  assert.equal(restored.guestTimeNs(), set + 3n);
  assert.equal(Number(restored.read(0x18, 4)), 1, 'the alarm is armed');
  hostNs += 10n;
  restored.poll();
  assert.equal(sink.level(11), true, 'and fires');
});

test('the test finisher and an empty virtio slot hold nothing', () => {
  for (const device of [new SifiveTest(() => {}), new EmptyVirtioMmioSlot()]) {
    assert.deepEqual(throughFile(device.saveState()), {});
    device.loadState({});
  }
});

/** A driver's guest RAM copied into new memory, as a snapshot's RAM comes back. */
function copiedMemory(memory) {
  const copy = makeMemory();
  const [from, to] = [memory.regions[0], copy.regions[0]];
  copy.bytes.set(memory.bytes.subarray(memory.hostOffset(from, RAM_BASE), memory.hostOffset(from, RAM_BASE) + RAM_SIZE), copy.hostOffset(to, RAM_BASE));
  return copy;
}

test('virtio-blk behind its transport: a restored device serves the driver\'s next request where the first left off', () => {
  const disk = new Uint8Array(64 * 512).map((_, i) => (i * 13) & 0xff);
  const backend = new MemoryBlockBackend(disk);
  const memory = makeMemory();
  const sink = new RecordingSink();
  const transport = new VirtioMmioTransport(new VirtioBlock(backend), memory, sink, 3);
  const driver = new FakeDriver(transport, memory);
  driver.init();
  const readSector = (sector) => {
    const header = driver.buffer(16);
    driver.setU32(header, 0);
    driver.setU64(header + 8, sector);
    const data = driver.buffer(512);
    const status = driver.buffer(1);
    driver.submit(0, [{ addr: header, len: 16, write: false }, { addr: data, len: 512, write: true }, { addr: status, len: 1, write: true }]);
    return { data: () => driver.read(data, 512), status: () => driver.bytes(status, 1)[0] };
  };
  const first = readSector(1n);
  assert.equal(first.status(), 0);
  assert.equal(driver.takeUsed(0).length, 1);
  const state = throughFile(transport.saveState());

  // the restored board: its RAM as saved, a new transport and device over the same disk
  const memory2 = copiedMemory(memory);
  const sink2 = new RecordingSink();
  const transport2 = new VirtioMmioTransport(new VirtioBlock(backend), memory2, sink2, 3);
  transport2.loadState(state);
  assert.deepEqual(transport2.saveState(), state);
  assert.equal(transport2.deviceStatus, transport.deviceStatus);
  driver.t = transport2;
  driver.memory = memory2;
  const second = readSector(2n);
  assert.equal(second.status(), 0);
  assert.deepEqual(second.data(), disk.subarray(1024, 1536));
  assert.deepEqual(driver.takeUsed(0).map((u) => u.len), [513], 'the used ring goes on from the saved index');

  assert.throws(() => new VirtioMmioTransport(new VirtioRng(() => {}), makeMemory(), new RecordingSink(), 3).loadState(state),
    /virtio-rng: the snapshot has a virtio-blk here/);
});

test('virtio-rng and virtio-console round-trip behind their transports; virtio-net cannot be saved', () => {
  for (const device of [new VirtioRng((into) => into.fill(1)), new VirtioConsole({ output: () => true })]) {
    const memory = makeMemory();
    const transport = new VirtioMmioTransport(device, memory, new RecordingSink(), 4);
    new FakeDriver(transport, memory).init();
    const state = throughFile(transport.saveState());
    const again = new VirtioMmioTransport(device.name === 'rng' ? new VirtioRng(() => {}) : new VirtioConsole({ output: () => true }), copiedMemory(memory), new RecordingSink(), 4);
    again.loadState(state);
    assert.deepEqual(again.saveState(), state);
  }
  const net = new VirtioMmioTransport(new VirtioNet({ connect: () => {}, send: () => true }), makeMemory(), new RecordingSink(), 5);
  assert.equal(net.canSaveState, false);
  assert.throws(() => net.saveState(), /virtio-net cannot be saved/);
});

test('a board with a device that keeps no state cannot be saved: the snapshot names it rather than forget it', async () => {
  const { unsavableDevices } = await import('../../dist/machine/snapshot/board-snapshot.js');
  const mystery = { name: 'mystery', read: () => 0n, write: () => true };
  const net = new VirtioMmioTransport(new VirtioNet({ connect: () => {}, send: () => true }), makeMemory(), new RecordingSink(), 5);
  const devices = [new SifiveTest(() => {}), new Plic(1), mystery, net, new EmptyVirtioMmioSlot()];
  assert.deepEqual(unsavableDevices({ machine: { deviceList: () => devices } }), ['mystery', 'virtio-net']);
});
