// virtio-rng through the virtio-mmio transport: device id 4, no features or configuration,
// writable buffers filled from the supplied source.
import test from 'node:test';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { VirtioMmioTransport } from '../../../dist/devices/virtio/mmio-transport.js';
import { VirtioRng, VIRTIO_RNG_MAX_REQUEST } from '../../../dist/devices/virtio/rng.js';
import { FakeDriver, RecordingSink, makeMemory, REG, F } from './fake-driver.mjs';

const IRQ = 2;

function setup(randomBytes) {
  const memory = makeMemory();
  const sink = new RecordingSink();
  const transport = new VirtioMmioTransport(new VirtioRng(randomBytes), memory, sink, IRQ);
  const driver = new FakeDriver(transport, memory);
  return { memory, sink, transport, driver };
}

test('identity: device id 4, only transport features, one queue', () => {
  const { driver } = setup(() => {});
  assert.equal(driver.r32(REG.DEVICE_ID), 4);
  assert.equal(driver.deviceFeatures(), F.VERSION_1 | F.INDIRECT_DESC);
  assert.equal(driver.countQueues(), 1);
});

test('fills every writable byte of a multi-descriptor request from the source', () => {
  const calls = [];
  const { driver, sink } = setup((into) => {
    calls.push(into.length);
    into.fill(0xa5);
  });
  driver.init();
  const a = driver.buffer(10);
  const b = driver.buffer(30);
  const c = driver.buffer(1);
  const head = driver.submit(0, [{ addr: a, len: 10, write: true }, { addr: b, len: 30, write: true }, { addr: c, len: 1, write: true }]);
  assert.deepEqual(driver.takeUsed(0), [{ id: head, len: 41 }]);
  for (const [pa, n] of [[a, 10], [b, 30], [c, 1]]) assert.ok(driver.bytes(pa, n).every((x) => x === 0xa5));
  assert.deepEqual(calls, [10, 30, 1]);
  assert.equal(driver.r32(REG.INTERRUPT_STATUS), 1);
  assert.equal(sink.level(IRQ), true);
  driver.acknowledge();
  assert.equal(sink.level(IRQ), false);
});

test('works with Web Crypto as the source', () => {
  const { driver } = setup((into) => webcrypto.getRandomValues(into));
  driver.init();
  const buf = driver.buffer(256);
  driver.submit(0, [{ addr: buf, len: 256, write: true }]);
  assert.equal(driver.takeUsed(0)[0].len, 256);
  assert.ok(driver.bytes(buf, 256).some((x) => x !== 0));
});

test('large requests are served in chunks of at most 64 KiB and capped', () => {
  const calls = [];
  const { driver } = setup((into) => {
    assert.ok(into.length <= 65536);
    calls.push(into.length);
    into.fill(1);
  });
  driver.init();
  const size = VIRTIO_RNG_MAX_REQUEST + 4096;
  const buf = driver.buffer(size);
  driver.submit(0, [{ addr: buf, len: size, write: true }]);
  assert.deepEqual(driver.takeUsed(0), [{ id: 0, len: VIRTIO_RNG_MAX_REQUEST }]);
  assert.equal(calls.reduce((s, n) => s + n, 0), VIRTIO_RNG_MAX_REQUEST);
  assert.equal(driver.bytes(buf + VIRTIO_RNG_MAX_REQUEST, 1)[0], 0, 'bytes past the used length untouched');
});

test('a request with no writable buffer completes with length 0', () => {
  const { driver } = setup(() => assert.fail('source called'));
  driver.init();
  const buf = driver.buffer(8);
  driver.submit(0, [{ addr: buf, len: 8, write: false }]);
  assert.deepEqual(driver.takeUsed(0), [{ id: 0, len: 0 }]);
});

test('indirect requests', () => {
  const { driver } = setup((into) => into.fill(7));
  driver.init();
  const a = driver.buffer(16);
  const b = driver.buffer(16);
  const head = driver.submit(0, [{ addr: a, len: 16, write: true }, { addr: b, len: 16, write: true }], { indirect: true });
  assert.deepEqual(driver.takeUsed(0), [{ id: head, len: 32 }]);
  assert.ok(driver.bytes(a, 16).every((x) => x === 7) && driver.bytes(b, 16).every((x) => x === 7));
});
