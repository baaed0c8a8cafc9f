// virtio-blk through the virtio-mmio transport, driven by the fake driver over a memory disk:
// reads, writes, flush, GET_ID, unsupported requests, sector bounds, read-only disks,
// indirect descriptors, interrupts, reset; then over disks that complete later (async back
// ends): completion, failures, resets with requests in flight, the bound on requests held.
import test from 'node:test';
import assert from 'node:assert/strict';
import { VirtioMmioTransport } from '../../../dist/devices/virtio/mmio-transport.js';
import {
  VirtioBlock, MemoryBlockBackend, AsyncMemoryBlockBackend, ASYNC_CHUNK_BYTES,
} from '../../../dist/devices/virtio/block.js';
import { BoardSignals } from '../../../dist/smp/board-signals.js';
import { FrameRemapper } from '../../../dist/smp/frame-remapper.js';
import { FakeDriver, RecordingSink, makeMemory, REG, STATUS, F, RAM_BASE } from './fake-driver.mjs';

const IRQ = 3;
const SECTORS = 64;
// Spec values (§5.2), written out independently of the implementation.
const T_IN = 0, T_OUT = 1, T_FLUSH = 4, T_GET_ID = 8, T_DISCARD = 11;
const S_OK = 0, S_IOERR = 1, S_UNSUPP = 2;
const BLK_F_SIZE_MAX = 1n << 1n, BLK_F_SEG_MAX = 1n << 2n, BLK_F_RO = 1n << 5n, BLK_F_FLUSH = 1n << 9n;

function patterned(length, seed) {
  const b = new Uint8Array(length);
  for (let i = 0; i < length; i++) b[i] = (i * 7 + seed) & 0xff;
  return b;
}

/**
 * `backend`: 'sync' (MemoryBlockBackend), 'async' (AsyncMemoryBlockBackend completing on later
 * tasks), 'manual' (completing when the test calls backend.complete()), or a back end object.
 */
function setup({ readOnly = false, serial, disk, init = {}, spareFrames = 0, backend: kind = 'sync' } = {}) {
  const memory = makeMemory(spareFrames);
  const sink = new RecordingSink();
  const data = disk ?? patterned(SECTORS * 512, 1);
  const backend = kind === 'sync' ? new MemoryBlockBackend(data, readOnly)
    : kind === 'async' || kind === 'manual' ? new AsyncMemoryBlockBackend(data, { readOnly, manual: kind === 'manual' })
    : kind;
  const writes = [];
  const errors = [];
  const device = new VirtioBlock(backend, serial === undefined ? {} : { serial });
  const transport = new VirtioMmioTransport(device, memory, sink, IRQ, {
    onGuestWrite: (hostOffset, length) => writes.push([hostOffset, length]),
    onDeviceError: (message) => errors.push(message),
  });
  const driver = new FakeDriver(transport, memory);
  const features = init === null ? undefined : driver.init(init);
  return { memory, sink, backend, device, transport, driver, features, writes, errors };
}

function header(driver, type, sector) {
  const pa = driver.buffer(16);
  driver.setU32(pa, type);
  driver.setU32(pa + 4, 0);
  driver.setU64(pa + 8, sector);
  return pa;
}

/**
 * One request: header, then `out` data (readable) or `inLength` bytes (writable), then the
 * status byte. `split` cuts the data into that many descriptors.
 */
function request(driver, { type, sector = 0n, out, inLength = 0, split = 1, indirect = false, notify = true }) {
  const buffers = [{ addr: header(driver, type, sector), len: 16, write: false }];
  let dataPa;
  const dataLength = out ? out.length : inLength;
  if (dataLength > 0) {
    dataPa = out ? driver.buffer(out) : driver.buffer(inLength);
    const piece = Math.ceil(dataLength / split);
    for (let at = 0; at < dataLength; at += piece) {
      buffers.push({ addr: dataPa + at, len: Math.min(piece, dataLength - at), write: !out });
    }
  }
  const statusPa = driver.buffer(1);
  driver.bytes(statusPa, 1)[0] = 0xff;
  buffers.push({ addr: statusPa, len: 1, write: true });
  const head = driver.submit(0, buffers, { indirect, notify });
  return { head, dataPa, statusPa, status: () => driver.bytes(statusPa, 1)[0] };
}

test('identity, features and configuration space', () => {
  const { driver, transport } = setup({ init: null });
  assert.equal(driver.r32(REG.MAGIC), 0x74726976);
  assert.equal(driver.r32(REG.VERSION), 2);
  assert.equal(driver.r32(REG.DEVICE_ID), 2);
  const offered = driver.deviceFeatures();
  assert.ok(offered & F.VERSION_1, 'VERSION_1 offered');
  assert.ok(offered & BLK_F_FLUSH, 'FLUSH offered');
  assert.ok(offered & BLK_F_SEG_MAX, 'SEG_MAX offered');
  assert.equal(offered & BLK_F_RO, 0n, 'RO not offered for a writable disk');
  assert.equal(offered & F.EVENT_IDX, 0n, 'EVENT_IDX not offered');
  // capacity: le64 at config offset 0, read as two 32-bit halves (as Linux does) and whole.
  assert.equal(driver.r32(REG.CONFIG), SECTORS);
  assert.equal(driver.r32(REG.CONFIG + 4), 0);
  assert.equal(transport.read(REG.CONFIG, 8), BigInt(SECTORS));
  assert.equal(transport.read(REG.CONFIG, 1), BigInt(SECTORS));
  assert.equal(transport.read(REG.CONFIG, 2), BigInt(SECTORS));
  // seg_max at 12 leaves room for the header and status descriptors
  driver.w32(REG.QUEUE_SEL, 0);
  assert.equal(driver.r32(REG.CONFIG + 12), driver.r32(REG.QUEUE_NUM_MAX) - 2);
  // one queue only
  driver.w32(REG.QUEUE_SEL, 1);
  assert.equal(driver.r32(REG.QUEUE_NUM_MAX), 0);
});

test('a disk whose size is not a whole number of sectors rounds capacity down', () => {
  const { driver } = setup({ disk: new Uint8Array(3 * 512 + 100), init: null });
  assert.equal(driver.r32(REG.CONFIG), 3);
});

test('write then read back, data split over several descriptors', () => {
  const { driver, backend, sink, transport } = setup();
  assert.equal(driver.status(), STATUS.ACKNOWLEDGE | STATUS.DRIVER | STATUS.FEATURES_OK | STATUS.DRIVER_OK);
  assert.equal(sink.level(IRQ), false);

  const data = patterned(3 * 512, 99);
  const w = request(driver, { type: T_OUT, sector: 5n, out: data, split: 3 });
  assert.equal(w.status(), S_OK);
  assert.deepEqual(backend.data.subarray(5 * 512, 8 * 512), data);
  assert.deepEqual(backend.data.subarray(4 * 512, 5 * 512), patterned(SECTORS * 512, 1).subarray(4 * 512, 5 * 512), 'neighbours untouched');
  assert.deepEqual(driver.takeUsed(0), [{ id: w.head, len: 1 }]);

  // used-buffer notification: InterruptStatus bit 0 and the line
  assert.equal(driver.r32(REG.INTERRUPT_STATUS), 1);
  assert.equal(sink.level(IRQ), true);
  driver.w32(REG.INTERRUPT_ACK, 1);
  assert.equal(driver.r32(REG.INTERRUPT_STATUS), 0);
  assert.equal(sink.level(IRQ), false);

  const r = request(driver, { type: T_IN, sector: 4n, inLength: 4 * 512, split: 4 });
  assert.equal(r.status(), S_OK);
  const expected = patterned(SECTORS * 512, 1).subarray(4 * 512, 8 * 512).slice();
  expected.set(data, 512);
  assert.deepEqual(driver.bytes(r.dataPa, 4 * 512), expected);
  assert.deepEqual(driver.takeUsed(0), [{ id: r.head, len: 4 * 512 + 1 }], 'len counts data and status');
  assert.equal(sink.level(IRQ), true);
  assert.equal(transport.lastError, undefined);
});

test('the last sector is reachable; beyond capacity is an I/O error that touches nothing', () => {
  const { driver, backend } = setup();
  const before = backend.data.slice();
  const last = request(driver, { type: T_IN, sector: BigInt(SECTORS - 1), inLength: 512 });
  assert.equal(last.status(), S_OK);
  assert.deepEqual(driver.bytes(last.dataPa, 512), before.subarray((SECTORS - 1) * 512));

  for (const [sector, length] of [[SECTORS, 512], [SECTORS - 1, 1024], [2 ** 40, 512], [2n ** 64n - 1n, 512]]) {
    const r = request(driver, { type: T_IN, sector: BigInt(sector), inLength: length });
    assert.equal(r.status(), S_IOERR, `read at ${sector}`);
    assert.ok(driver.bytes(r.dataPa, length).every((b) => b === 0), 'no data written');
    const w = request(driver, { type: T_OUT, sector: BigInt(sector), out: patterned(length, 3) });
    assert.equal(w.status(), S_IOERR, `write at ${sector}`);
  }
  assert.deepEqual(backend.data, before);
  // every request was still completed
  assert.equal(driver.takeUsed(0).length, 9);
});

test('transfers that are not whole sectors fail with IOERR', () => {
  const { driver, backend } = setup();
  const before = backend.data.slice();
  assert.equal(request(driver, { type: T_IN, sector: 0n, inLength: 100 }).status(), S_IOERR);
  assert.equal(request(driver, { type: T_OUT, sector: 0n, out: patterned(700, 5) }).status(), S_IOERR);
  assert.deepEqual(backend.data, before);
});

test('a zero-length read succeeds', () => {
  const { driver } = setup();
  const r = request(driver, { type: T_IN, sector: 3n });
  assert.equal(r.status(), S_OK);
  assert.deepEqual(driver.takeUsed(0), [{ id: r.head, len: 1 }]);
});

test('FLUSH calls the back end; GET_ID returns the NUL-padded serial', () => {
  const { driver, backend } = setup({ serial: 'disk-0' });
  const flushesBefore = backend.flushes;
  const f = request(driver, { type: T_FLUSH });
  assert.equal(f.status(), S_OK);
  assert.equal(backend.flushes, flushesBefore + 1);

  // the data buffer holds garbage: the padding must be written, not assumed
  const id = request(driver, { type: T_GET_ID, inLength: 20, notify: false });
  driver.bytes(id.dataPa, 20).fill(0xff);
  driver.notify(0);
  assert.equal(id.status(), S_OK);
  const expected = new Uint8Array(20);
  expected.set(new TextEncoder().encode('disk-0'));
  assert.deepEqual(driver.bytes(id.dataPa, 20), expected);
  assert.deepEqual(driver.takeUsed(0).at(-1), { id: id.head, len: 21 });
});

test('GET_ID into a larger buffer writes the 20-byte ID and nothing past it; the used length says 20', () => {
  const { driver } = setup({ serial: 'x' });
  const id = request(driver, { type: T_GET_ID, inLength: 32, notify: false });
  driver.bytes(id.dataPa, 32).fill(0xff);
  driver.notify(0);
  const expected = new Uint8Array(32).fill(0xff);
  expected.fill(0, 0, 20);
  expected[0] = 0x78;
  assert.deepEqual(driver.bytes(id.dataPa, 32), expected);
  assert.equal(id.status(), S_OK);
  assert.deepEqual(driver.takeUsed(0), [{ id: id.head, len: 20 }]);
});

/**
 * A request whose data is one buffer of `pieceLength` bytes named `pieces` times through an
 * indirect table: a chain that claims far more than the guest's RAM.
 */
function repeatedRequest(driver, { type, sector = 0n, pieceLength, pieces, write, notify = true }) {
  const dataPa = driver.buffer(pieceLength);
  const statusPa = driver.buffer(1);
  driver.bytes(statusPa, 1)[0] = 0xff;
  const buffers = [{ addr: header(driver, type, sector), len: 16, write: false }];
  for (let i = 0; i < pieces; i++) buffers.push({ addr: dataPa, len: pieceLength, write });
  buffers.push({ addr: statusPa, len: 1, write: true });
  const head = driver.submit(0, buffers, { indirect: true, notify });
  return { head, dataPa, status: () => driver.bytes(statusPa, 1)[0] };
}

test('GET_ID whose chain claims 2 GiB writes 20 bytes, not the whole claim', () => {
  const { driver, writes } = setup({ serial: 'big' });
  const id = repeatedRequest(driver, { type: T_GET_ID, pieceLength: 65536, pieces: 32768 - 2, write: true, notify: false });
  driver.bytes(id.dataPa, 65536).fill(0xff);
  driver.notify(0);
  assert.equal(id.status(), S_OK);
  assert.equal(new TextDecoder().decode(driver.bytes(id.dataPa, 3)), 'big');
  assert.ok(driver.bytes(id.dataPa, 20).subarray(3).every((b) => b === 0), 'NUL padding');
  assert.ok(driver.bytes(id.dataPa + 20, 65536 - 20).every((b) => b === 0xff), 'nothing past the ID written');
  assert.deepEqual(driver.takeUsed(0), [{ id: id.head, len: 20 }]);
  assert.equal(writes.reduce((sum, [, n]) => sum + n, 0), 21, 'the ID and the status byte, nothing else');
});

test('a 20-character serial fills GET_ID with no terminator; longer ones are cut', () => {
  const { driver } = setup({ serial: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' });
  const id = request(driver, { type: T_GET_ID, inLength: 20 });
  assert.equal(new TextDecoder().decode(driver.bytes(id.dataPa, 20)), 'ABCDEFGHIJKLMNOPQRST');
});

test('SIZE_MAX and SEG_MAX bound a request: more data than seg_max x size_max fails with IOERR and moves nothing', async () => {
  const SEGMENT = 65536;
  for (const kind of ['sync', 'async']) {
    const calls = [];
    const disk = patterned(300 * SEGMENT, 3); // larger than any request may be
    const inner = kind === 'sync' ? new MemoryBlockBackend(disk) : new AsyncMemoryBlockBackend(disk);
    const backend = {
      size: inner.size, readOnly: false, asynchronous: kind === 'async',
      read(offset, into) { calls.push(['read', into.length]); return inner.read(offset, into); },
      write(offset, from) { calls.push(['write', from.length]); return inner.write(offset, from); },
      flush: () => inner.flush(),
    };
    const { driver, transport } = setup({ backend, disk, init: { features: (offered) => offered & ~BLK_F_FLUSH | BLK_F_FLUSH } });
    const offered = driver.deviceFeatures();
    assert.ok(offered & BLK_F_SIZE_MAX, 'SIZE_MAX offered');
    assert.equal(driver.r32(REG.CONFIG + 8), SEGMENT, 'size_max');
    const segMax = driver.r32(REG.CONFIG + 12);
    // The host's turn: a chain this large spends the device's budget for the turn.
    const settle = async (r) => {
      transport.poll();
      for (let i = 0; i < 1000 && r.status() === 0xff; i++) await new Promise((resolve) => setTimeout(resolve, 1));
    };

    for (const write of [false, true]) {
      const type = write ? T_OUT : T_IN;
      calls.length = 0;
      const over = repeatedRequest(driver, { type, pieceLength: SEGMENT, pieces: segMax + 1, write: !write });
      await settle(over);
      assert.equal(over.status(), S_IOERR, `${kind}: ${write ? 'write' : 'read'} of seg_max + 1 segments`);
      assert.deepEqual(calls, [], `${kind}: the back end never saw it`);
      assert.deepEqual(driver.takeUsed(0), [{ id: over.head, len: write ? 1 : 0 }], "only the status byte of a write");

      const most = repeatedRequest(driver, { type, pieceLength: SEGMENT, pieces: segMax, write: !write });
      await settle(most);
      assert.equal(most.status(), S_OK, `${kind}: ${write ? 'write' : 'read'} of seg_max segments`);
      assert.equal(calls.reduce((sum, [, n]) => sum + n, 0), segMax * SEGMENT);
      driver.takeUsed(0);
    }
    assert.equal(transport.lastError, undefined);
  }
});

test('unsupported request types complete with UNSUPP', () => {
  const { driver, backend } = setup();
  const before = backend.data.slice();
  for (const type of [T_DISCARD, 2, 0x80000000]) {
    assert.equal(request(driver, { type, inLength: 0 }).status(), S_UNSUPP, `type ${type}`);
  }
  assert.deepEqual(backend.data, before);
});

test('writes are flushed one by one when the driver does not accept FLUSH', () => {
  const { driver, backend } = setup({ init: { features: (offered) => offered & ~BLK_F_FLUSH } });
  const before = backend.flushes;
  request(driver, { type: T_OUT, sector: 1n, out: patterned(512, 8) });
  request(driver, { type: T_OUT, sector: 2n, out: patterned(512, 9) });
  assert.equal(backend.flushes, before + 2);
});

test('with FLUSH negotiated, writes are not flushed until asked', () => {
  const { driver, backend } = setup();
  const before = backend.flushes;
  request(driver, { type: T_OUT, sector: 1n, out: patterned(512, 8) });
  assert.equal(backend.flushes, before);
});

test('read-only disk: RO offered, writes fail and change nothing, reads work', () => {
  const { driver, backend, features } = setup({ readOnly: true });
  assert.ok(features & BLK_F_RO);
  const before = backend.data.slice();
  const w = request(driver, { type: T_OUT, sector: 0n, out: patterned(1024, 42) });
  assert.equal(w.status(), S_IOERR);
  assert.deepEqual(backend.data, before);
  const r = request(driver, { type: T_IN, sector: 2n, inLength: 512 });
  assert.equal(r.status(), S_OK);
  assert.deepEqual(driver.bytes(r.dataPa, 512), before.subarray(1024, 1536));
  assert.equal(request(driver, { type: T_FLUSH }).status(), S_OK);
});

test('read-only is enforced by the device, not left to the back end', () => {
  const writes = [];
  const backend = {
    size: 8 * 512, readOnly: true,
    read(offset, into) { into.fill(0x11); }, write(offset, from) { writes.push(offset); }, flush() {},
  };
  const memory = makeMemory();
  const transport = new VirtioMmioTransport(new VirtioBlock(backend), memory, new RecordingSink(), IRQ);
  const driver = new FakeDriver(transport, memory);
  driver.init();
  assert.equal(request(driver, { type: T_OUT, sector: 0n, out: patterned(512, 1) }).status(), S_IOERR);
  assert.deepEqual(writes, []);
});

test('back-end exceptions become IOERR', () => {
  const backend = {
    size: 8 * 512, readOnly: false,
    read() { throw new Error('EIO'); }, write() { throw new Error('EIO'); }, flush() { throw new Error('EIO'); },
  };
  const memory = makeMemory();
  const transport = new VirtioMmioTransport(new VirtioBlock(backend), memory, new RecordingSink(), IRQ);
  const driver = new FakeDriver(transport, memory);
  driver.init();
  assert.equal(request(driver, { type: T_IN, sector: 0n, inLength: 512 }).status(), S_IOERR);
  assert.equal(request(driver, { type: T_OUT, sector: 0n, out: patterned(512, 1) }).status(), S_IOERR);
  assert.equal(request(driver, { type: T_FLUSH }).status(), S_IOERR);
  assert.equal(driver.takeUsed(0).length, 3);
  assert.equal(driver.status() & STATUS.NEEDS_RESET, 0, 'an I/O error is not a device failure');
});

test('a synchronous back end that returns a Promise fails the request instead of filling RAM later', async () => {
  let late;
  const backend = {
    size: 8 * 512, readOnly: false,
    read(offset, into) { return new Promise((resolve) => { late = () => { into.fill(0x55); resolve(); }; }); },
    write() { return Promise.reject(new Error('EIO')); }, flush() {},
  };
  const { driver } = setup({ backend });
  const r = request(driver, { type: T_IN, sector: 0n, inLength: 512 });
  assert.equal(r.status(), S_IOERR);
  assert.equal(request(driver, { type: T_OUT, sector: 0n, out: patterned(512, 1) }).status(), S_IOERR);
  assert.equal(driver.takeUsed(0).length, 2);
  await new Promise((resolve) => setTimeout(resolve, 0)); // the rejected Promise was handled: no unhandled rejection
  assert.equal(driver.status() & STATUS.NEEDS_RESET, 0);
  late();
});

test('a header shorter than 16 bytes is an I/O error', () => {
  const { driver } = setup();
  const hdr = driver.buffer(8);
  const statusPa = driver.buffer(1);
  driver.submit(0, [{ addr: hdr, len: 8, write: false }, { addr: statusPa, len: 1, write: true }]);
  assert.equal(driver.bytes(statusPa, 1)[0], S_IOERR);
});

test('requests through indirect descriptor tables, alone and after direct descriptors', () => {
  const { driver, backend, features } = setup();
  assert.ok(features & F.INDIRECT_DESC, 'INDIRECT_DESC negotiated');
  const data = patterned(2048, 17);
  const w = request(driver, { type: T_OUT, sector: 10n, out: data, split: 4, indirect: true });
  assert.equal(w.status(), S_OK);
  assert.deepEqual(backend.data.subarray(10 * 512, 14 * 512), data);

  const r = request(driver, { type: T_IN, sector: 10n, inLength: 2048, split: 2, indirect: true });
  assert.equal(r.status(), S_OK);
  assert.deepEqual(driver.bytes(r.dataPa, 2048), data);
  assert.deepEqual(driver.takeUsed(0).map((e) => e.id), [w.head, r.head]);

  // §2.7.5.3.2: zero or more direct descriptors followed by one indirect descriptor.
  const q = driver.queues[0];
  const hdr = header(driver, T_IN, 11n);
  const dataPa = driver.buffer(512);
  const statusPa = driver.buffer(1);
  const table = driver.alloc(32);
  driver.setU64(table, dataPa); driver.setU32(table + 8, 512); driver.setU16(table + 12, 2 | 1); driver.setU16(table + 14, 1);
  driver.setU64(table + 16, statusPa); driver.setU32(table + 24, 1); driver.setU16(table + 28, 2); driver.setU16(table + 30, 0);
  const head = driver.takeDesc(q);
  const second = driver.takeDesc(q);
  driver.setDesc(q, head, hdr, 16, 1, second);
  driver.setDesc(q, second, table, 32, 4);
  driver.publish(0, head);
  assert.equal(driver.bytes(statusPa, 1)[0], S_OK);
  assert.deepEqual(driver.bytes(dataPa, 512), data.subarray(512, 1024));
  assert.deepEqual(driver.takeUsed(0), [{ id: head, len: 513 }]);
});

test('many requests in one notification, wrapping around the rings', () => {
  const { driver, backend } = setup({ init: { queueSizes: [4] } });
  let sector = 0;
  for (let round = 0; round < 5; round++) {
    // three descriptors per request in a 4-entry table: one request at a time
    const r = request(driver, { type: T_OUT, sector: BigInt(sector), out: patterned(512, round) });
    assert.equal(r.status(), S_OK);
    assert.deepEqual(backend.data.subarray(sector * 512, sector * 512 + 512), patterned(512, round));
    sector++;
  }
  // batch: publish several indirect requests, notify once
  const batch = [];
  for (let i = 0; i < 4; i++) batch.push(request(driver, { type: T_IN, sector: BigInt(i), inLength: 512, indirect: true, notify: false }));
  assert.ok(batch.every((r) => r.status() === 0xff), 'nothing happens before the notify');
  driver.notify(0);
  assert.ok(batch.every((r) => r.status() === S_OK));
  const used = driver.takeUsed(0);
  assert.equal(used.length, 9);
  assert.deepEqual(used.slice(5).map((e) => e.id), batch.map((r) => r.head));
  assert.equal(driver.usedIdx(0), 9);
});

test('VIRTQ_AVAIL_F_NO_INTERRUPT suppresses the used-buffer interrupt but not the completion', () => {
  const { driver, sink } = setup();
  driver.setAvailFlags(0, 1);
  const r = request(driver, { type: T_FLUSH });
  assert.equal(r.status(), S_OK);
  assert.equal(driver.takeUsed(0).length, 1);
  assert.equal(driver.r32(REG.INTERRUPT_STATUS), 0);
  assert.equal(sink.level(IRQ), false);
  driver.setAvailFlags(0, 0);
  request(driver, { type: T_FLUSH });
  assert.equal(sink.level(IRQ), true);
});

test('the guest-write observer hears of every byte the device writes', () => {
  const { driver, writes, memory } = setup();
  writes.length = 0;
  const r = request(driver, { type: T_IN, sector: 0n, inLength: 1024, split: 2 });
  const covered = new Set();
  for (const [h, n] of writes) for (let i = 0; i < n; i++) covered.add(h + i);
  const dataHost = driver.host(r.dataPa);
  for (let i = 0; i < 1024; i++) assert.ok(covered.has(dataHost + i));
  assert.ok(covered.has(driver.host(r.statusPa)));
});

test('buffers over pages the VMM moved to other frames are served piece by piece; ring pages stay pinned', async () => {
  const { driver, backend, memory, transport } = setup({ spareFrames: 4 });
  // No harts: every epoch counts as acknowledged at once.
  const remapper = new FrameRemapper(memory, new BoardSignals(0));
  // Move the two pages after the next buffer's first one: its 3 pages are no longer contiguous.
  const next = Math.ceil(driver.heap / 4096) * 4096;
  for (const pa of [next + 4096, next + 8192]) await remapper.remap(pa, (page) => page.fill(0));
  assert.notEqual(driver.host(next + 4096), driver.host(next) + 4096, 'the pages were moved apart');

  const data = patterned(3 * 4096, 13);
  const w = request(driver, { type: T_OUT, sector: 2n, out: data });
  assert.ok(w.dataPa >= next && w.dataPa < next + 4096, "the data buffer spans the moved pages");
  assert.equal(w.status(), S_OK);
  assert.deepEqual(backend.data.subarray(2 * 512, 2 * 512 + data.length), data);
  const r = request(driver, { type: T_IN, sector: 2n, inLength: 3 * 4096 });
  assert.equal(r.status(), S_OK);
  assert.deepEqual(driver.read(r.dataPa, 3 * 4096), data);
  assert.equal(transport.lastError, undefined);

  // The rings (at RAM_BASE + 0x1000) are held by host offset while the queue runs.
  await assert.rejects(remapper.remap(RAM_BASE + 0x1000, () => {}), /a device holds the page/);
  driver.w32(REG.STATUS, 0);
  await remapper.remap(RAM_BASE + 0x1000, () => {});
});

test('reset clears status, interrupts and queues; the driver can start over', () => {
  const { driver, sink, backend } = setup();
  request(driver, { type: T_OUT, sector: 0n, out: patterned(512, 77) });
  assert.equal(sink.level(IRQ), true);
  driver.w32(REG.STATUS, 0);
  assert.equal(driver.status(), 0);
  assert.equal(driver.r32(REG.INTERRUPT_STATUS), 0);
  assert.equal(sink.level(IRQ), false);
  driver.w32(REG.QUEUE_SEL, 0);
  assert.equal(driver.r32(REG.QUEUE_READY), 0);

  // a notify after reset does nothing
  const before = driver.usedIdx(0);
  driver.publish(0, 0);
  assert.equal(driver.usedIdx(0), before);

  // start over with fresh rings elsewhere: indices begin at 0 again
  driver.init({ ringBase: 0x80000000 + 0x20000 });
  const r = request(driver, { type: T_IN, sector: 0n, inLength: 512 });
  assert.equal(r.status(), S_OK);
  assert.deepEqual(driver.bytes(r.dataPa, 512), backend.data.subarray(0, 512));
  assert.deepEqual(driver.takeUsed(0), [{ id: r.head, len: 513 }]);
});

test('buffers posted before DRIVER_OK are served when DRIVER_OK is set, not before', () => {
  const { driver, backend } = setup({ init: null });
  driver.w32(REG.STATUS, 0);
  driver.w32(REG.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER);
  driver.writeDriverFeatures(driver.deviceFeatures());
  driver.w32(REG.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER | STATUS.FEATURES_OK);
  driver.setupQueue(0, 8, 0x80001000);
  const r = request(driver, { type: T_OUT, sector: 3n, out: patterned(512, 123) });
  assert.equal(r.status(), 0xff, 'not served before DRIVER_OK');
  driver.w32(REG.STATUS, STATUS.ACKNOWLEDGE | STATUS.DRIVER | STATUS.FEATURES_OK | STATUS.DRIVER_OK);
  assert.equal(r.status(), S_OK);
  assert.deepEqual(backend.data.subarray(3 * 512, 4 * 512), patterned(512, 123));
});

// ---- asynchronous back ends ------------------------------------------------------------------

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Lets an AsyncMemoryBlockBackend's timers and the device's continuations run until no call waits. */
async function drain(backend) {
  do await tick(); while (backend.pending > 0);
}

/** Whether the observer heard of every byte of host range [host, host + length). */
function observed(writes, host, length) {
  const covered = new Set();
  for (const [h, n] of writes) for (let i = 0; i < n; i++) covered.add(h + i);
  for (let i = 0; i < length; i++) if (!covered.has(host + i)) return false;
  return true;
}

test('async back end: writes and reads complete later with the right data, status and interrupt', async () => {
  const { driver, backend, sink, writes, transport } = setup({ backend: 'async' });
  const original = backend.data.slice();
  const data = patterned(3 * 512, 99);
  const w = request(driver, { type: T_OUT, sector: 5n, out: data, split: 3 });
  // the notify returned with the request in flight: nothing completed, no interrupt
  assert.equal(w.status(), 0xff);
  assert.equal(driver.usedIdx(0), 0);
  assert.equal(sink.level(IRQ), false);
  assert.equal(backend.pending, 1);
  await drain(backend);
  assert.equal(w.status(), S_OK);
  assert.deepEqual(backend.data.subarray(5 * 512, 8 * 512), data);
  assert.deepEqual(driver.takeUsed(0), [{ id: w.head, len: 1 }]);
  assert.equal(driver.r32(REG.INTERRUPT_STATUS), 1);
  assert.equal(sink.level(IRQ), true, 'the completion raised the interrupt');
  driver.acknowledge();
  assert.equal(sink.level(IRQ), false);

  writes.length = 0;
  const r = request(driver, { type: T_IN, sector: 4n, inLength: 4 * 512, split: 4 });
  assert.equal(r.status(), 0xff);
  assert.ok(driver.bytes(r.dataPa, 4 * 512).every((b) => b === 0), 'no data before the back end answered');
  assert.equal(writes.length, 0, 'nothing reported to the write observer before the bytes land');
  await drain(backend);
  const expected = original.subarray(4 * 512, 8 * 512).slice();
  expected.set(data, 512);
  assert.equal(r.status(), S_OK);
  assert.deepEqual(driver.bytes(r.dataPa, 4 * 512), expected);
  assert.ok(observed(writes, driver.host(r.dataPa), 4 * 512) && observed(writes, driver.host(r.statusPa), 1));
  assert.deepEqual(driver.takeUsed(0), [{ id: r.head, len: 4 * 512 + 1 }]);
  assert.equal(sink.level(IRQ), true);

  // flush, GET_ID (no back-end call: completes at once) and an unsupported type
  const f = request(driver, { type: T_FLUSH });
  const id = request(driver, { type: T_GET_ID, inLength: 20 });
  const u = request(driver, { type: T_DISCARD });
  assert.equal(id.status(), S_OK);
  assert.equal(u.status(), S_UNSUPP);
  assert.equal(f.status(), 0xff);
  await drain(backend);
  assert.equal(f.status(), S_OK);
  assert.equal(backend.flushes, 1);
  // completions in the order answers came: GET_ID and DISCARD before the earlier FLUSH
  assert.deepEqual(driver.takeUsed(0).map((e) => e.id), [id.head, u.head, f.head]);
  assert.equal(transport.lastError, undefined);
});

test('async back end: many requests in flight at once, each completed once, bytes landing as each completes', async () => {
  const { driver, backend, memory } = setup({ backend: 'manual' });
  const reads = [];
  for (let i = 0; i < 6; i++) reads.push(request(driver, { type: T_IN, sector: BigInt(i), inLength: 512, indirect: i % 2 === 1 }));
  assert.equal(backend.pending, 6, 'all six handed to the back end');
  // buffers held by in-flight requests are pinned: the VMM may not move them
  const page = (pa) => memory.pageIndex(memory.regions[0], pa);
  assert.ok(reads.every((r) => memory.pins[page(r.dataPa)] > 0));
  backend.complete(2);
  await tick();
  assert.deepEqual(driver.takeUsed(0).map((e) => e.id), reads.slice(0, 2).map((r) => r.head));
  assert.equal(reads[2].status(), 0xff);
  backend.complete();
  await tick();
  assert.deepEqual(driver.takeUsed(0).map((e) => e.id), reads.slice(2).map((r) => r.head));
  reads.forEach((r, i) => {
    assert.equal(r.status(), S_OK);
    assert.deepEqual(driver.bytes(r.dataPa, 512), backend.data.subarray(i * 512, (i + 1) * 512));
  });
  assert.ok(reads.every((r) => memory.pins[page(r.dataPa)] === 0), 'unpinned once completed');
});

test('async back end: a rejected call is an I/O error, not a device failure', async () => {
  const { driver, backend, sink } = setup({ backend: 'manual' });
  const before = backend.data.slice();
  const r = request(driver, { type: T_IN, sector: 0n, inLength: 512 });
  const w = request(driver, { type: T_OUT, sector: 0n, out: patterned(512, 3) });
  const f = request(driver, { type: T_FLUSH });
  backend.complete(Infinity, new Error('EIO'));
  await tick();
  for (const x of [r, w, f]) assert.equal(x.status(), S_IOERR);
  // used length: no data (the read's data area was not filled), only the status byte otherwise
  assert.deepEqual(driver.takeUsed(0), [{ id: r.head, len: 0 }, { id: w.head, len: 1 }, { id: f.head, len: 1 }]);
  assert.ok(driver.bytes(r.dataPa, 512).every((b) => b === 0));
  assert.deepEqual(backend.data, before);
  assert.equal(sink.level(IRQ), true);
  assert.equal(driver.status() & STATUS.NEEDS_RESET, 0);

  // a back end that throws at once instead of rejecting
  const throwing = {
    size: 8 * 512, readOnly: false, asynchronous: true,
    read() { throw new Error('EIO'); }, write() { return Promise.resolve(); }, flush() { return Promise.resolve(); },
  };
  const t = setup({ backend: throwing });
  assert.equal(request(t.driver, { type: T_IN, sector: 0n, inLength: 512 }).status(), S_IOERR);
});

test('async back end: calls that return at once complete inside the notify', () => {
  const backend = {
    size: 8 * 512, readOnly: false, asynchronous: true, flushes: 0,
    read(offset, into) { into.fill(0x3c); }, write() {}, flush() { this.flushes++; },
  };
  const { driver } = setup({ backend, init: { features: (offered) => offered & ~BLK_F_FLUSH } });
  const r = request(driver, { type: T_IN, sector: 1n, inLength: 1024, split: 2 });
  assert.equal(r.status(), S_OK);
  assert.ok(driver.bytes(r.dataPa, 1024).every((b) => b === 0x3c));
  const w = request(driver, { type: T_OUT, sector: 1n, out: patterned(512, 1) });
  assert.equal(w.status(), S_OK);
  assert.equal(backend.flushes, 1, 'without FLUSH negotiated each write is flushed');
  assert.deepEqual(driver.takeUsed(0), [{ id: r.head, len: 1025 }, { id: w.head, len: 1 }]);
});

test('async back end: a reset with requests in flight leaves guest memory untouched afterwards', async () => {
  const disk = patterned(4 * ASYNC_CHUNK_BYTES, 1);
  const { driver, backend, sink, writes, memory } = setup({ backend: 'manual', disk, spareFrames: 4 });
  const r = request(driver, { type: T_IN, sector: 8n, inLength: 2048, split: 2 });
  // a write of two pieces: the second must never be read from guest memory after the reset
  const big = patterned(ASYNC_CHUNK_BYTES + 512, 7);
  const w = request(driver, { type: T_OUT, sector: 0n, out: big });
  const f = request(driver, { type: T_FLUSH });
  assert.equal(backend.pending, 3);
  const oldRings = driver.queues[0];
  const ringBytes = driver.bytes(oldRings.desc, oldRings.used + 6 + 8 * oldRings.size - oldRings.desc).slice();
  const statusBefore = [r, w, f].map((x) => x.status());

  driver.w32(REG.STATUS, 0);
  writes.length = 0;
  // the driver starts over at once, with new rings, while the old requests are still pending
  driver.init({ ringBase: RAM_BASE + 0x20000 });
  backend.complete();
  await tick();
  assert.equal(backend.calls, 3, 'the rest of the write was not read from guest memory, nor the flush after it issued');
  assert.equal(backend.pending, 0);

  assert.ok(driver.bytes(r.dataPa, 2048).every((b) => b === 0), 'no read data landed');
  assert.deepEqual([r, w, f].map((x) => x.status()), statusBefore, 'no status byte written');
  assert.deepEqual(driver.bytes(oldRings.desc, ringBytes.length), ringBytes, 'old rings untouched');
  assert.equal(driver.usedIdx(0), 0, 'nothing pushed to the new used ring');
  assert.equal(driver.r32(REG.INTERRUPT_STATUS), 0);
  assert.equal(sink.level(IRQ), false);
  assert.deepEqual(writes, [], 'the write observer heard of nothing');
  // the held buffers were released: the VMM may move their pages again
  const page = (pa) => memory.pageIndex(memory.regions[0], pa);
  assert.equal(memory.pins[page(r.dataPa)], 0);
  const remapper = new FrameRemapper(memory, new BoardSignals(0));
  await remapper.remap(r.dataPa, () => {});

  // the new driver's requests work
  const again = request(driver, { type: T_IN, sector: 8n, inLength: 512 });
  backend.complete();
  await tick();
  assert.equal(again.status(), S_OK);
  assert.deepEqual(driver.bytes(again.dataPa, 512), backend.data.subarray(8 * 512, 9 * 512));
  assert.deepEqual(driver.takeUsed(0), [{ id: again.head, len: 513 }]);
});

test('async back end: a buffer in flight cannot be moved by the VMM until its request completes', async () => {
  const { driver, backend, memory } = setup({ backend: 'manual', spareFrames: 2 });
  const remapper = new FrameRemapper(memory, new BoardSignals(0));
  const r = request(driver, { type: T_IN, sector: 0n, inLength: 512 });
  await assert.rejects(remapper.remap(r.dataPa, () => {}), /a device holds the page/);
  backend.complete();
  await tick();
  assert.equal(r.status(), S_OK);
  await remapper.remap(r.dataPa, () => {});
});

test('async back end: a large request is served in pieces of at most ASYNC_CHUNK_BYTES', async () => {
  const disk = patterned(4 * ASYNC_CHUNK_BYTES, 5);
  const sizes = [];
  const inner = new AsyncMemoryBlockBackend(disk);
  const backend = {
    size: inner.size, readOnly: false, asynchronous: true,
    read(offset, into) { sizes.push(into.length); return inner.read(offset, into); },
    write(offset, from) { sizes.push(from.length); return inner.write(offset, from); },
    flush: () => inner.flush(),
  };
  const { driver } = setup({ backend, disk });
  const length = ASYNC_CHUNK_BYTES + 4096;
  const r = request(driver, { type: T_IN, sector: 16n, inLength: length, split: 3 });
  await drain(inner);
  assert.equal(r.status(), S_OK);
  assert.deepEqual(sizes, [ASYNC_CHUNK_BYTES, 4096]);
  assert.deepEqual(driver.read(r.dataPa, length), disk.subarray(16 * 512, 16 * 512 + length));
});

test('async back end: requests in flight are bounded by the queue size, stale ones included', async () => {
  const SIZE = 4;
  const { driver, backend } = setup({ backend: 'manual', init: { queueSizes: [SIZE] } });
  // A driver that keeps publishing without waiting for completions (reusing descriptors the
  // device still holds): the device takes no more than the queue size at a time.
  const first = [];
  for (let i = 0; i < SIZE; i++) first.push(request(driver, { type: T_IN, sector: BigInt(i), inLength: 512, indirect: true }));
  const second = [];
  for (let i = 0; i < SIZE; i++) second.push(request(driver, { type: T_IN, sector: BigInt(SIZE + i), inLength: 512, indirect: true }));
  assert.equal(backend.calls, SIZE, 'only a queue-size of requests taken');
  backend.complete(1);
  await tick();
  assert.equal(driver.usedIdx(0), 1);
  assert.equal(backend.calls, SIZE + 1, 'one finished, one more taken');
  backend.complete();
  await tick();
  backend.complete();
  await tick();
  assert.equal(backend.calls, 2 * SIZE);
  assert.equal(driver.usedIdx(0), 2 * SIZE);
  second.forEach((r, i) => assert.deepEqual(driver.bytes(r.dataPa, 512), backend.data.subarray((SIZE + i) * 512, (SIZE + i + 1) * 512)));

  // Resetting does not make room: requests of the old driver count until the back end answers.
  for (let i = 0; i < SIZE; i++) request(driver, { type: T_IN, sector: 0n, inLength: 512, indirect: true });
  assert.equal(backend.calls, 3 * SIZE);
  driver.w32(REG.STATUS, 0);
  driver.init({ queueSizes: [SIZE], ringBase: RAM_BASE + 0x20000 });
  const fresh = [];
  for (let i = 0; i < SIZE; i++) fresh.push(request(driver, { type: T_IN, sector: BigInt(i), inLength: 512, indirect: true }));
  assert.equal(backend.calls, 3 * SIZE, 'nothing taken while the stale requests are pending');
  backend.complete();
  await tick();
  assert.equal(backend.calls, 4 * SIZE, 'the new requests are taken once the stale ones ended');
  assert.equal(driver.usedIdx(0), 0, 'the stale completions were dropped');
  backend.complete();
  await tick();
  assert.deepEqual(driver.takeUsed(0).map((e) => e.id), fresh.map((r) => r.head));
  assert.ok(fresh.every((r) => r.status() === S_OK));
});

test('async back end: a driver that disables the queue (QueueReady 0) drops what was in flight on it', async () => {
  const { driver, backend } = setup({ backend: 'manual' });
  const r = request(driver, { type: T_IN, sector: 0n, inLength: 512 });
  driver.w32(REG.QUEUE_SEL, 0);
  driver.w32(REG.QUEUE_READY, 0);
  driver.w32(REG.QUEUE_READY, 1); // same rings again, indices from 0
  backend.complete();
  await tick();
  assert.equal(r.status(), 0xff);
  assert.equal(driver.usedIdx(0), 0);
});
