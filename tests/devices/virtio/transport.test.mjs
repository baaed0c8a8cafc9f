// The virtio-mmio transport on its own: the empty slot, register semantics, feature
// negotiation, interrupts, reset, and what a hostile or broken driver can do to it (it must
// never throw into the VMM; the device enters DEVICE_NEEDS_RESET instead).
import test from 'node:test';
import assert from 'node:assert/strict';
import { VirtioMmioTransport, EmptyVirtioMmioSlot } from '../../../dist/devices/virtio/mmio-transport.js';
import { VirtioRng } from '../../../dist/devices/virtio/rng.js';
import { FakeDriver, RecordingSink, makeMemory, REG, STATUS, F, DESC, RAM_BASE, RAM_SIZE, ROM_BASE } from './fake-driver.mjs';

const IRQ = 5;

function counterRandom() {
  let n = 0;
  return (into) => { for (let i = 0; i < into.length; i++) into[i] = (n++ % 251) + 1; };
}

function setup({ device, init = {} } = {}) {
  const memory = makeMemory();
  const sink = new RecordingSink();
  const errors = [];
  const transport = new VirtioMmioTransport(device ?? new VirtioRng(counterRandom()), memory, sink, IRQ, {
    onDeviceError: (message) => errors.push(message),
  });
  const driver = new FakeDriver(transport, memory);
  if (init !== null) driver.init(init);
  return { memory, sink, transport, driver, errors };
}

/** Asserts that the device gave up on the rings without completing anything or throwing. */
function assertNeedsReset(ctx, usedBefore) {
  const { driver, sink, transport, errors } = ctx;
  assert.ok(driver.status() & STATUS.NEEDS_RESET, 'DEVICE_NEEDS_RESET set');
  assert.equal(driver.usedIdx(0), usedBefore, 'the request was not completed');
  assert.ok(driver.r32(REG.INTERRUPT_STATUS) & 2, 'configuration change interrupt');
  assert.equal(sink.level(IRQ), true);
  assert.ok(transport.lastError);
  assert.equal(errors.length, 1);
}

test('an empty slot reads magic, version 2 and device id 0, and ignores writes', () => {
  const slot = new EmptyVirtioMmioSlot();
  assert.equal(slot.read(0x000, 4), 0x74726976n);
  assert.equal(slot.read(0x004, 4), 2n);
  assert.equal(slot.read(0x008, 4), 0n);
  for (let offset = 0x00c; offset < 0x200; offset += 4) assert.equal(slot.read(offset, 4), 0n, `offset 0x${offset.toString(16)}`);
  assert.equal(slot.write(0x070, 4, 0xffn), true);
  assert.equal(slot.read(0x070, 4), 0n);
});

test('a device slot: identity, write-only registers read 0, odd widths are harmless', () => {
  const { driver, transport } = setup({ init: null });
  assert.equal(driver.r32(REG.MAGIC), 0x74726976);
  assert.equal(driver.r32(REG.VERSION), 2);
  assert.equal(driver.r32(REG.DEVICE_ID), 4);
  assert.notEqual(driver.r32(REG.VENDOR_ID), 0);
  for (const reg of [REG.DRIVER_FEATURES, REG.QUEUE_NOTIFY, REG.INTERRUPT_ACK, REG.QUEUE_DESC_LOW, REG.QUEUE_NUM]) {
    assert.equal(driver.r32(reg), 0);
  }
  assert.equal(transport.read(REG.MAGIC, 1), 0n, 'control registers are 32-bit only');
  assert.equal(transport.write(REG.STATUS, 1, 1n), true);
  assert.equal(driver.status(), 0, 'a byte write to Status is ignored');
  // no shared memory regions: length all ones (§4.2.2)
  driver.w32(REG.SHM_SEL, 0);
  assert.equal(driver.r32(REG.SHM_LEN_LOW), 0xffffffff);
  assert.equal(driver.r32(REG.SHM_LEN_HIGH), 0xffffffff);
  // the entropy device has no configuration space
  assert.equal(driver.r32(REG.CONFIG), 0);
});

test('features: VERSION_1 and INDIRECT_DESC offered; feature words past 1 read 0', () => {
  const { driver } = setup({ init: null });
  const offered = driver.deviceFeatures();
  assert.equal(offered, F.VERSION_1 | F.INDIRECT_DESC);
  driver.w32(REG.DEVICE_FEATURES_SEL, 2);
  assert.equal(driver.r32(REG.DEVICE_FEATURES), 0);
});

test('FEATURES_OK is refused without VERSION_1 or with features not offered', () => {
  const { driver } = setup({ init: null });
  for (const bad of [0n, F.INDIRECT_DESC, F.VERSION_1 | F.EVENT_IDX, F.VERSION_1 | (1n << 40n)]) {
    driver.w32(REG.STATUS, 0);
    driver.w32(REG.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER);
    driver.writeDriverFeatures(bad);
    driver.w32(REG.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER | STATUS.FEATURES_OK);
    assert.equal(driver.status(), STATUS.ACKNOWLEDGE | STATUS.DRIVER, `features 0x${bad.toString(16)}`);
  }
  driver.w32(REG.STATUS, 0);
  driver.w32(REG.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER);
  driver.writeDriverFeatures(F.VERSION_1);
  driver.w32(REG.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER | STATUS.FEATURES_OK);
  assert.equal(driver.status(), STATUS.ACKNOWLEDGE | STATUS.DRIVER | STATUS.FEATURES_OK);
  // features are frozen after FEATURES_OK: a late write does not enable indirect descriptors
  driver.writeDriverFeatures(F.VERSION_1 | F.INDIRECT_DESC);
  driver.setupQueue(0, 8, RAM_BASE + 0x1000);
  driver.w32(REG.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER | STATUS.FEATURES_OK | STATUS.DRIVER_OK);
  const buf = driver.buffer(16);
  driver.submit(0, [{ addr: buf, len: 16, write: true }], { indirect: true });
  assert.ok(driver.status() & STATUS.NEEDS_RESET, 'indirect descriptor without the feature');
});

test('queue registers: QueueNumMax, QueueReady read back, layout ignored while ready', () => {
  const { driver, transport } = setup({ init: null });
  driver.w32(REG.QUEUE_SEL, 0);
  assert.equal(driver.r32(REG.QUEUE_NUM_MAX), 64);
  assert.equal(driver.r32(REG.QUEUE_READY), 0);
  driver.w32(REG.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER);
  driver.writeDriverFeatures(F.VERSION_1);
  driver.w32(REG.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER | STATUS.FEATURES_OK);
  driver.setupQueue(0, 16, RAM_BASE + 0x1000);
  assert.equal(driver.r32(REG.QUEUE_READY), 1);
  driver.w32(REG.QUEUE_NUM, 2);
  driver.w32(REG.QUEUE_DESC_LOW, 0x1234);
  assert.equal(transport.queues[0].size, 16);
  assert.equal(transport.queues[0].descAddress, BigInt(RAM_BASE + 0x1000));
  driver.w32(REG.QUEUE_READY, 0);
  assert.equal(driver.r32(REG.QUEUE_READY), 0);
  assert.equal(driver.status() & STATUS.NEEDS_RESET, 0);
});

test('interrupts: used buffer sets bit 0, ACK clears only what it names, line follows', () => {
  const { driver, sink, transport } = setup();
  const buf = driver.buffer(8);
  driver.submit(0, [{ addr: buf, len: 8, write: true }]);
  assert.equal(driver.r32(REG.INTERRUPT_STATUS), 1);
  assert.equal(sink.level(IRQ), true);
  transport.configChanged();
  assert.equal(driver.r32(REG.INTERRUPT_STATUS), 3);
  assert.equal(driver.r32(REG.CONFIG_GENERATION), 1);
  driver.w32(REG.INTERRUPT_ACK, 1);
  assert.equal(driver.r32(REG.INTERRUPT_STATUS), 2);
  assert.equal(sink.level(IRQ), true);
  driver.w32(REG.INTERRUPT_ACK, 2);
  assert.equal(driver.r32(REG.INTERRUPT_STATUS), 0);
  assert.equal(sink.level(IRQ), false);
  // the sink only hears changes
  assert.deepEqual(sink.changes, [[IRQ, true], [IRQ, false]]);
});

test('reset lowers the line, clears the queues and keeps the device usable', () => {
  const ctx = setup();
  const { driver, sink } = ctx;
  driver.submit(0, [{ addr: driver.buffer(4), len: 4, write: true }]);
  assert.equal(sink.level(IRQ), true);
  driver.w32(REG.STATUS, 0);
  assert.equal(sink.level(IRQ), false);
  assert.equal(driver.status(), 0);
  driver.w32(REG.QUEUE_SEL, 0);
  assert.equal(driver.r32(REG.QUEUE_READY), 0);
  driver.init();
  const buf = driver.buffer(4);
  driver.submit(0, [{ addr: buf, len: 4, write: true }]);
  assert.equal(driver.takeUsed(0).length, 1);
});

test('malformed chain: a descriptor loop', () => {
  const ctx = setup();
  const { driver } = ctx;
  const q = driver.queues[0];
  const buf = driver.buffer(8);
  driver.setDesc(q, 0, buf, 8, DESC.WRITE | DESC.NEXT, 1);
  driver.setDesc(q, 1, buf, 8, DESC.WRITE | DESC.NEXT, 0);
  assert.doesNotThrow(() => driver.publish(0, 0));
  assertNeedsReset(ctx, 0);
  assert.match(ctx.transport.lastError, /loop/);
});

test('malformed chain: a self-loop in an indirect table', () => {
  const ctx = setup();
  const { driver } = ctx;
  const table = driver.alloc(32);
  const buf = driver.buffer(8);
  driver.setU64(table, buf); driver.setU32(table + 8, 8); driver.setU16(table + 12, DESC.WRITE | DESC.NEXT); driver.setU16(table + 14, 1);
  driver.setU64(table + 16, buf); driver.setU32(table + 24, 8); driver.setU16(table + 28, DESC.WRITE | DESC.NEXT); driver.setU16(table + 30, 1);
  driver.setDesc(driver.queues[0], 0, table, 32, DESC.INDIRECT);
  assert.doesNotThrow(() => driver.publish(0, 0));
  assertNeedsReset(ctx, 0);
});

const malformed = [
  ['buffer outside RAM', (d, q) => d.setDesc(q, 0, RAM_BASE + RAM_SIZE - 4, 8, DESC.WRITE)],
  ['buffer at an unmapped address', (d, q) => d.setDesc(q, 0, 0x40000000, 8, DESC.WRITE)],
  ['buffer above 2^53', (d, q) => d.setDesc(q, 0, 2n ** 60n + BigInt(RAM_BASE), 8, DESC.WRITE)],
  ['writable buffer in ROM', (d, q) => d.setDesc(q, 0, ROM_BASE, 8, DESC.WRITE)],
  ['next index past the table', (d, q) => d.setDesc(q, 0, d.buffer(8), 8, DESC.WRITE | DESC.NEXT, 9999)],
  ['readable after writable', (d, q) => {
    d.setDesc(q, 0, d.buffer(8), 8, DESC.WRITE | DESC.NEXT, 1);
    d.setDesc(q, 1, d.buffer(8), 8, 0);
  }],
  ['indirect table outside RAM', (d, q) => d.setDesc(q, 0, 0x20000000, 64, DESC.INDIRECT)],
  ['indirect table of odd length', (d, q) => d.setDesc(q, 0, d.buffer(24), 24, DESC.INDIRECT)],
  ['indirect with NEXT', (d, q) => {
    const t = d.buffer(16);
    d.setU64(t, d.buffer(8)); d.setU32(t + 8, 8); d.setU16(t + 12, DESC.WRITE);
    d.setDesc(q, 0, t, 16, DESC.INDIRECT | DESC.NEXT, 1);
  }],
  ['nested indirect', (d, q) => {
    const inner = d.buffer(16);
    d.setU64(inner, d.buffer(8)); d.setU32(inner + 8, 8); d.setU16(inner + 12, DESC.WRITE);
    const outer = d.buffer(16);
    d.setU64(outer, inner); d.setU32(outer + 8, 16); d.setU16(outer + 12, DESC.INDIRECT);
    d.setDesc(q, 0, outer, 16, DESC.INDIRECT);
  }],
  ['chain over 2^32 bytes', (d, q) => {
    // two huge readable descriptors over the same RAM would fail the bounds check first, so
    // lengths are legal individually only within RAM: use many RAM-sized ones via indirect
    const n = 4097;
    const t = d.alloc(16 * n);
    for (let i = 0; i < n; i++) {
      d.setU64(t + 16 * i, RAM_BASE); d.setU32(t + 16 * i + 8, RAM_SIZE);
      d.setU16(t + 16 * i + 12, DESC.WRITE | (i + 1 < n ? DESC.NEXT : 0)); d.setU16(t + 16 * i + 14, i + 1);
    }
    d.setDesc(q, 0, t, 16 * n, DESC.INDIRECT);
  }],
];

for (const [name, corrupt] of malformed) {
  test(`malformed chain: ${name}`, () => {
    const ctx = setup();
    const { driver } = ctx;
    corrupt(driver, driver.queues[0]);
    assert.doesNotThrow(() => driver.publish(0, 0));
    assertNeedsReset(ctx, 0);
  });
}

test('malformed ring: head index past the table', () => {
  const ctx = setup({ init: { queueSizes: [8] } });
  assert.doesNotThrow(() => ctx.driver.publish(0, 8));
  assertNeedsReset(ctx, 0);
});

test('malformed ring: available index jumps by more than the queue size', () => {
  const ctx = setup({ init: { queueSizes: [8] } });
  const { driver } = ctx;
  const q = driver.queues[0];
  driver.setDesc(q, 0, driver.buffer(8), 8, DESC.WRITE);
  driver.setU16(q.avail + 2, 9);
  assert.doesNotThrow(() => driver.notify(0));
  assertNeedsReset(ctx, 0);
});

test('after DEVICE_NEEDS_RESET the device ignores the rings until reset, then recovers', () => {
  const ctx = setup();
  const { driver, sink } = ctx;
  driver.setDesc(driver.queues[0], 0, 0x40000000, 8, DESC.WRITE);
  driver.publish(0, 0);
  assert.ok(driver.status() & STATUS.NEEDS_RESET);
  // the driver cannot clear the bit by writing Status
  driver.w32(REG.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER | STATUS.FEATURES_OK | STATUS.DRIVER_OK);
  assert.ok(driver.status() & STATUS.NEEDS_RESET);
  // a good request is not served now
  const buf = driver.buffer(8);
  driver.submit(0, [{ addr: buf, len: 8, write: true }]);
  assert.equal(driver.usedIdx(0), 0);
  // reset, start over
  driver.w32(REG.STATUS, 0);
  assert.equal(driver.status(), 0);
  assert.equal(sink.level(IRQ), false);
  driver.init();
  driver.submit(0, [{ addr: buf, len: 8, write: true }]);
  assert.equal(driver.takeUsed(0).length, 1);
  assert.equal(ctx.errors.length, 1, 'one report per failure');
});

test('a queue layout outside guest memory fails at QueueReady, before DRIVER_OK without an interrupt', () => {
  const { driver, sink, transport } = setup({ init: null });
  driver.w32(REG.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER);
  driver.writeDriverFeatures(F.VERSION_1);
  driver.w32(REG.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER | STATUS.FEATURES_OK);
  driver.w32(REG.QUEUE_SEL, 0);
  driver.w32(REG.QUEUE_NUM, 8);
  driver.w32(REG.QUEUE_DESC_LOW, RAM_BASE + RAM_SIZE - 64);
  driver.w32(REG.QUEUE_DRIVER_LOW, RAM_BASE);
  driver.w32(REG.QUEUE_DEVICE_LOW, RAM_BASE + 0x100);
  driver.w32(REG.QUEUE_READY, 1);
  assert.ok(driver.status() & STATUS.NEEDS_RESET);
  assert.match(transport.lastError, /descriptor table/);
  assert.equal(sink.level(IRQ), false);
});

test('queue layouts that break the rules are refused', () => {
  const cases = [
    ['size not a power of 2', { num: 6 }],
    ['size over the maximum', { num: 128 }],
    ['misaligned descriptor table', { desc: RAM_BASE + 8 }],
    ['misaligned used ring', { used: RAM_BASE + 0x2002 }],
    ['used ring in ROM', { used: ROM_BASE }],
    ['address above 4 GiB', { descHigh: 1 }],
  ];
  for (const [name, layout] of cases) {
    const { driver } = setup({ init: null });
    driver.w32(REG.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER);
    driver.writeDriverFeatures(F.VERSION_1);
    driver.w32(REG.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER | STATUS.FEATURES_OK);
    driver.w32(REG.QUEUE_SEL, 0);
    driver.w32(REG.QUEUE_NUM, layout.num ?? 8);
    driver.w32(REG.QUEUE_DESC_LOW, layout.desc ?? RAM_BASE);
    driver.w32(REG.QUEUE_DESC_HIGH, layout.descHigh ?? 0);
    driver.w32(REG.QUEUE_DRIVER_LOW, RAM_BASE + 0x1000);
    driver.w32(REG.QUEUE_DEVICE_LOW, layout.used ?? RAM_BASE + 0x2000);
    driver.w32(REG.QUEUE_READY, 1);
    assert.ok(driver.status() & STATUS.NEEDS_RESET, name);
  }
});

test('an exception inside a device becomes DEVICE_NEEDS_RESET, not a crash', () => {
  const device = {
    name: 'broken', deviceId: 42, features: 0n, queueSizes: [8],
    readConfig: () => 0n, writeConfig() {}, activate() {}, reset() {},
    processQueue() { throw new TypeError('bug in the device'); },
  };
  const ctx = setup({ device });
  assert.doesNotThrow(() => ctx.driver.submit(0, [{ addr: ctx.driver.buffer(8), len: 8, write: true }]));
  assertNeedsReset(ctx, 0);
  assert.match(ctx.errors[0], /bug in the device/);
});

test('asynchronous completion through the device host (the net/console receive path)', () => {
  let host;
  const pending = [new Uint8Array([1, 2, 3])];
  const device = {
    name: 'echo', deviceId: 3, features: 0n, queueSizes: [8],
    readConfig: () => 0n, writeConfig() {}, activate() {}, reset() {},
    attach(h) { host = h; },
    processQueue() { this.deliver(); },
    deliver() {
      host.service(0, (queue) => {
        while (pending.length > 0) {
          const chain = queue.pop();
          if (!chain) return;
          const data = pending.shift();
          queue.push(chain, chain.write(0, data));
        }
      });
    },
  };
  const { driver, sink } = setup({ device, init: null });
  device.deliver(); // before the driver is up: nothing happens, nothing throws
  driver.init();
  // the driver posts a receive buffer; the pending input is delivered at once
  const buf = driver.buffer(8);
  driver.submit(0, [{ addr: buf, len: 8, write: true }]);
  assert.deepEqual(driver.takeUsed(0), [{ id: 0, len: 3 }]);
  assert.deepEqual([...driver.bytes(buf, 3)], [1, 2, 3]);
  driver.acknowledge();
  // input arriving later with a buffer already posted
  const buf2 = driver.buffer(8);
  driver.submit(0, [{ addr: buf2, len: 8, write: true }]);
  assert.equal(driver.takeUsed(0).length, 0);
  pending.push(new Uint8Array([9, 9]));
  device.deliver();
  assert.deepEqual(driver.takeUsed(0), [{ id: 1, len: 2 }]);
  assert.equal(sink.level(IRQ), true);
});

test('a chain a device kept past a reset is stale: it reads, writes and pushes nothing', () => {
  let host;
  const kept = [];
  const device = {
    name: 'keeper', deviceId: 3, features: 0n, queueSizes: [8],
    readConfig: () => 0n, writeConfig() {}, activate() {}, reset() {},
    attach(h) { host = h; },
    processQueue(index, queue) { for (let c = queue.pop(); c; c = queue.pop()) kept.push(c); },
  };
  const { driver, sink } = setup({ device });
  const buf = driver.buffer(8);
  driver.submit(0, [{ addr: buf, len: 8, write: true }]);
  assert.equal(kept.length, 1);
  const chain = kept[0];
  assert.equal(chain.stale, false);
  driver.w32(REG.STATUS, 0);
  assert.equal(chain.stale, true, 'a device reset makes it stale');
  driver.init({ ringBase: RAM_BASE + 0x10000 });
  host.service(0, (queue) => {
    assert.equal(chain.write(0, new Uint8Array([1, 2, 3])), 0);
    assert.equal(chain.read(0, new Uint8Array(4)), 0);
    queue.push(chain, 3);
  });
  assert.deepEqual([...driver.bytes(buf, 3)], [0, 0, 0]);
  assert.equal(driver.usedIdx(0), 0);
  assert.equal(sink.level(IRQ), false);

  // a chain of the new driver completes; disabling the queue (QueueReady 0) also makes it stale
  driver.submit(0, [{ addr: buf, len: 8, write: true }]);
  const fresh = kept[1];
  host.service(0, (queue) => queue.push(fresh, fresh.write(0, new Uint8Array([4]))));
  assert.deepEqual(driver.takeUsed(0), [{ id: 0, len: 1 }]);
  driver.submit(0, [{ addr: buf, len: 8, write: true }]);
  driver.w32(REG.QUEUE_SEL, 0);
  driver.w32(REG.QUEUE_READY, 0);
  assert.equal(kept[2].stale, true);
});
