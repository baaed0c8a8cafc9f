// virtio-net through the virtio-mmio transport: device id 1, MAC and STATUS in the
// configuration, the transmit queue's frames (header removed) to the backend, held while it is
// behind, and the network's frames into the posted receive buffers, each after a 12-byte
// header with num_buffers 1; frames kept while no buffer is posted, up to a bound.
import test from 'node:test';
import assert from 'node:assert/strict';
import { VirtioMmioTransport } from '../../../dist/devices/virtio/mmio-transport.js';
import { VirtioNet, VIRTIO_NET_HDR_BYTES, VIRTIO_NET_MAX_FRAME } from '../../../dist/devices/virtio/net.js';
import { FakeDriver, RecordingSink, makeMemory, REG, F } from './fake-driver.mjs';

const IRQ = 5;
const RECEIVEQ = 0, TRANSMITQ = 1;
const MAC = 1n << 5n, STATUS = 1n << 16n;

function setup(mac) {
  const memory = makeMemory();
  const sink = new RecordingSink();
  const backend = {
    sent: [], behind: false, port: undefined,
    connect(port) { this.port = port; },
    send(frame) { this.sent.push(Buffer.from(frame)); return !this.behind; },
  };
  const device = mac ? new VirtioNet(backend, mac) : new VirtioNet(backend);
  const transport = new VirtioMmioTransport(device, memory, sink, IRQ);
  const driver = new FakeDriver(transport, memory);
  return { device, backend, driver, sink };
}

/** A frame of `n` bytes, each its index mod 251. */
const frame = (n, seed = 0) => Uint8Array.from({ length: n }, (_, i) => (i + seed) % 251);
/** The 12-byte header and the frame, as the driver queues them for sending. */
const packet = (f) => { const p = new Uint8Array(VIRTIO_NET_HDR_BYTES + f.length); p.set(f, VIRTIO_NET_HDR_BYTES); return p; };

test('identity: device id 1, MAC and STATUS besides the transport features, two queues, the card plugged in', () => {
  const { driver, backend, device } = setup();
  assert.equal(driver.r32(REG.DEVICE_ID), 1);
  assert.equal(driver.deviceFeatures(), F.VERSION_1 | F.INDIRECT_DESC | MAC | STATUS);
  assert.equal(driver.countQueues(), 2);
  assert.equal(backend.port, device);
});

test('configuration: QEMU\'s first MAC address by default, or the one given; the link is up', () => {
  const config = (driver) => [0, 1, 2, 3, 4, 5, 6].map((i) => Number(driver.t.read(REG.CONFIG + i, 1)));
  assert.deepEqual(config(setup().driver), [0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 1]);
  assert.deepEqual(config(setup(Uint8Array.of(2, 0, 0, 0, 0, 9)).driver), [2, 0, 0, 0, 0, 9, 1]);
  assert.throws(() => setup(Uint8Array.of(1, 2, 3)), /six bytes/);
});

test('transmit: each frame reaches the backend without its header, in order, split across descriptors or not', () => {
  const { driver, backend, sink } = setup();
  driver.init();
  const a = frame(60), b = frame(1514, 7);
  const first = driver.submit(TRANSMITQ, [{ addr: driver.buffer(packet(a)), len: VIRTIO_NET_HDR_BYTES + a.length }]);
  // header in one descriptor, the frame in two
  const pb = packet(b);
  const second = driver.submit(TRANSMITQ, [
    { addr: driver.buffer(pb.subarray(0, VIRTIO_NET_HDR_BYTES)), len: VIRTIO_NET_HDR_BYTES },
    { addr: driver.buffer(pb.subarray(VIRTIO_NET_HDR_BYTES, 700)), len: 700 - VIRTIO_NET_HDR_BYTES },
    { addr: driver.buffer(pb.subarray(700)), len: pb.length - 700 },
  ]);
  assert.deepEqual(backend.sent, [Buffer.from(a), Buffer.from(b)]);
  assert.deepEqual(driver.takeUsed(TRANSMITQ), [{ id: first, len: 0 }, { id: second, len: 0 }]);
  assert.equal(sink.level(IRQ), true);
});

test('transmit: buffers with no frame, or a frame over 1518 bytes, are returned and not sent', () => {
  const { driver, backend } = setup();
  driver.init();
  driver.submit(TRANSMITQ, [{ addr: driver.buffer(8), len: 8 }]);
  const big = packet(frame(VIRTIO_NET_MAX_FRAME + 1));
  driver.submit(TRANSMITQ, [{ addr: driver.buffer(big), len: big.length }]);
  assert.equal(backend.sent.length, 0);
  assert.equal(driver.takeUsed(TRANSMITQ).length, 2);
});

test('transmit: a backend that is behind holds the buffers after the frame it said so for, until resume()', () => {
  const { device, driver, backend } = setup();
  driver.init();
  backend.behind = true;
  for (const seed of [1, 2]) driver.submit(TRANSMITQ, [{ addr: driver.buffer(packet(frame(64, seed))), len: 76 }]);
  assert.equal(backend.sent.length, 1);
  assert.equal(driver.takeUsed(TRANSMITQ).length, 1);
  backend.behind = false;
  device.resume();
  assert.deepEqual(backend.sent.map((f) => f[0]), [1, 2]);
  assert.equal(driver.takeUsed(TRANSMITQ).length, 1);
});

test('receive: a frame fills one posted buffer after a header with num_buffers 1; frames wait for buffers', () => {
  const { device, driver } = setup();
  driver.init();
  const f1 = frame(98, 3), f2 = frame(1514, 5);
  device.receive(f1);
  device.receive(f2);
  assert.deepEqual(driver.takeUsed(RECEIVEQ), [], 'no buffer posted yet');
  const size = VIRTIO_NET_HDR_BYTES + VIRTIO_NET_MAX_FRAME;
  const b1 = driver.buffer(size), b2 = driver.buffer(size);
  const h1 = driver.submit(RECEIVEQ, [{ addr: b1, len: size, write: true }]);
  const h2 = driver.submit(RECEIVEQ, [{ addr: b2, len: size, write: true }]);
  assert.deepEqual(driver.takeUsed(RECEIVEQ), [{ id: h1, len: 12 + 98 }, { id: h2, len: 12 + 1514 }]);
  const header = Array.from(driver.bytes(b1, VIRTIO_NET_HDR_BYTES));
  assert.deepEqual(header, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
  assert.deepEqual(Buffer.from(driver.bytes(b1 + 12, 98)), Buffer.from(f1));
  assert.deepEqual(Buffer.from(driver.bytes(b2 + 12, 1514)), Buffer.from(f2));
});

test('receive: a frame too large for the card, or for the buffer, is dropped; the backlog is bounded', () => {
  const { device, driver } = setup();
  driver.init();
  device.receive(frame(VIRTIO_NET_MAX_FRAME + 1));
  assert.equal(device.dropped, 1);
  const small = driver.buffer(64);
  const h = driver.submit(RECEIVEQ, [{ addr: small, len: 64, write: true }]);
  device.receive(frame(100));
  assert.deepEqual(driver.takeUsed(RECEIVEQ), [{ id: h, len: 0 }]);
  assert.equal(device.dropped, 2);
  for (let i = 0; i < 300; i++) device.receive(frame(60, i));
  assert.equal(device.dropped, 2 + 300 - 256);
  // a reset forgets the backlog
  driver.w32(REG.STATUS, 0);
  driver.init();
  const size = VIRTIO_NET_HDR_BYTES + VIRTIO_NET_MAX_FRAME;
  driver.submit(RECEIVEQ, [{ addr: driver.buffer(size), len: size, write: true }]);
  assert.deepEqual(driver.takeUsed(RECEIVEQ), []);
});
