// virtio-console through the virtio-mmio transport: device id 3, one port (no MULTIPORT), the
// transmit queue's bytes to the host (held while the host is behind), the host's input into
// the buffers the driver posted on the receive queue, kept until there are some.
import test from 'node:test';
import assert from 'node:assert/strict';
import { VirtioMmioTransport } from '../../../dist/devices/virtio/mmio-transport.js';
import { VirtioConsole, VIRTIO_CONSOLE_MAX_WRITE } from '../../../dist/devices/virtio/console.js';
import { FakeDriver, RecordingSink, makeMemory, REG, F } from './fake-driver.mjs';

const IRQ = 3;
const RECEIVEQ = 0, TRANSMITQ = 1;
const text = (s) => new TextEncoder().encode(s);

function setup() {
  const memory = makeMemory();
  const sink = new RecordingSink();
  const host = { written: [], behind: false, output(bytes) { this.written.push(Buffer.from(bytes).toString('latin1')); return !this.behind; } };
  const device = new VirtioConsole(host);
  const transport = new VirtioMmioTransport(device, memory, sink, IRQ);
  const driver = new FakeDriver(transport, memory);
  return { device, host, driver, sink };
}

test('identity: device id 3, only transport features, two queues', () => {
  const { driver } = setup();
  assert.equal(driver.r32(REG.DEVICE_ID), 3);
  assert.equal(driver.deviceFeatures(), F.VERSION_1 | F.INDIRECT_DESC);
  assert.equal(driver.countQueues(), 2);
});

test('output: each transmit buffer reaches the host in order and is returned with nothing written', () => {
  const { driver, host, sink } = setup();
  driver.init();
  const a = driver.buffer(text('hello, '));
  const b = driver.buffer(text('world\n'));
  const first = driver.submit(TRANSMITQ, [{ addr: a, len: 7 }]);
  const second = driver.submit(TRANSMITQ, [{ addr: b, len: 6 }]);
  assert.deepEqual(host.written, ['hello, ', 'world\n']);
  assert.deepEqual(driver.takeUsed(TRANSMITQ), [{ id: first, len: 0 }, { id: second, len: 0 }]);
  assert.equal(sink.level(IRQ), true);
});

test('output: a host that is behind holds the buffers after the one it said so for, until resume()', () => {
  const { device, driver, host } = setup();
  driver.init();
  host.behind = true;
  driver.submit(TRANSMITQ, [{ addr: driver.buffer(text('one')), len: 3 }]);
  driver.submit(TRANSMITQ, [{ addr: driver.buffer(text('two')), len: 3 }]);
  assert.deepEqual(host.written, ['one']);
  assert.equal(driver.takeUsed(TRANSMITQ).length, 1);
  host.behind = false;
  device.resume();
  assert.deepEqual(host.written, ['one', 'two']);
  assert.equal(driver.takeUsed(TRANSMITQ).length, 1);
});

test('output: a buffer claiming more than 64 KiB hands the host 64 KiB of it', () => {
  const { driver, host } = setup();
  driver.init();
  const big = driver.buffer(VIRTIO_CONSOLE_MAX_WRITE + 4096);
  driver.submit(TRANSMITQ, [{ addr: big, len: VIRTIO_CONSOLE_MAX_WRITE + 4096 }]);
  assert.equal(host.written.length, 1);
  assert.equal(host.written[0].length, VIRTIO_CONSOLE_MAX_WRITE);
});

test('input: fills the posted receive buffers, as much as fits; nothing is taken before the driver posts any', () => {
  const { device, driver } = setup();
  assert.equal(device.pushInput(text('early')), 0, 'no driver yet');
  driver.init();
  assert.equal(device.pushInput(text('early')), 0, 'no buffers posted');
  const small = driver.buffer(4);
  const large = driver.buffer(16);
  const h1 = driver.submit(RECEIVEQ, [{ addr: small, len: 4, write: true }]);
  const h2 = driver.submit(RECEIVEQ, [{ addr: large, len: 16, write: true }]);
  assert.equal(device.pushInput(text('ls -l /mnt\n')), 11);
  assert.deepEqual(driver.takeUsed(RECEIVEQ), [{ id: h1, len: 4 }, { id: h2, len: 7 }]);
  assert.equal(Buffer.from(driver.bytes(small, 4)).toString(), 'ls -');
  assert.equal(Buffer.from(driver.bytes(large, 7)).toString(), 'l /mnt\n');
  assert.equal(device.pushInput(text('more')), 0, 'every posted buffer is used');
});
