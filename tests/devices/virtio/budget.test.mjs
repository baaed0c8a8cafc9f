// The bound on what virtio devices do for the guest per host turn (work-budget.ts): a guest
// that queues chains claiming gigabytes, or notifies in a loop, gets a turn's worth of work
// and the rest at the host's next turns, so the device thread always gets back to its event
// loop. Driven by the fake driver against virtio-rng and an asynchronous virtio-blk.
import test from 'node:test';
import assert from 'node:assert/strict';
import { VirtioMmioTransport } from '../../../dist/devices/virtio/mmio-transport.js';
import { VirtioRng } from '../../../dist/devices/virtio/rng.js';
import { VirtioBlock, AsyncMemoryBlockBackend } from '../../../dist/devices/virtio/block.js';
import { WorkBudget, TURN_BUDGET_BYTES, DESCRIPTOR_COST_BYTES } from '../../../dist/devices/virtio/work-budget.js';
import { FakeDriver, RecordingSink, makeMemory, REG, RAM_BASE } from './fake-driver.mjs';

const PIECE = 65536;
/** Pieces of one 64 KiB buffer that make a chain claim more than a whole turn's budget. */
const PIECES_OVER_A_TURN = Math.ceil(TURN_BUDGET_BYTES / PIECE) + 1;

/** An entropy device; two on one memory need their rings and buffers apart (`ringBase`, `heap`). */
function rng(budget, { memory = makeMemory(), ringBase, heap } = {}) {
  const transport = new VirtioMmioTransport(new VirtioRng((into) => into.fill(7)), memory, new RecordingSink(), 1, { budget });
  const driver = new FakeDriver(transport, memory);
  driver.init(ringBase === undefined ? {} : { ringBase });
  if (heap !== undefined) driver.heap = heap;
  return { transport, driver, memory };
}

/** A request whose one writable buffer is named `pieces` times through an indirect table. */
function hugeRequest(driver, { pieces = PIECES_OVER_A_TURN, notify = true } = {}) {
  const pa = driver.buffer(PIECE);
  driver.submit(0, Array.from({ length: pieces }, () => ({ addr: pa, len: PIECE, write: true })), { indirect: true, notify });
}

test('a notify serves one turn of work; the rest waits for the next turns, however often the guest notifies', () => {
  const budget = new WorkBudget();
  const { transport, driver } = rng(budget);
  const REQUESTS = 8;
  for (let i = 0; i < REQUESTS; i++) hugeRequest(driver, { notify: false });
  driver.notify(0);
  assert.equal(driver.usedIdx(0), 1, 'one chain per turn when each claims more than the turn');
  assert.equal(transport.hasDeferredWork, true);
  for (let i = 0; i < 100; i++) driver.notify(0);
  assert.equal(driver.usedIdx(0), 1, 'notifying again gives no more work in the same turn');
  for (let turn = 2; turn <= REQUESTS; turn++) {
    budget.refill();
    transport.poll();
    assert.equal(driver.usedIdx(0), turn);
  }
  assert.equal(transport.hasDeferredWork, false);
  budget.refill();
  transport.poll();
  assert.equal(driver.usedIdx(0), REQUESTS);
  assert.equal(transport.lastError, undefined);
});

test('small chains: a turn serves as many as its budget covers', () => {
  const budget = new WorkBudget(16 * (DESCRIPTOR_COST_BYTES + 4));
  const { transport, driver } = rng(budget);
  for (let i = 0; i < 40; i++) driver.submit(0, [{ addr: driver.buffer(4), len: 4, write: true }], { notify: false });
  driver.notify(0);
  assert.equal(driver.usedIdx(0), 16);
  budget.refill();
  transport.poll();
  assert.equal(driver.usedIdx(0), 32);
  budget.refill();
  transport.poll();
  assert.equal(driver.usedIdx(0), 40);
});

test('the budget is the board\'s: a device that spent it holds back the others until the next turn', () => {
  const budget = new WorkBudget();
  const memory = makeMemory();
  const a = rng(budget, { memory });
  const b = rng(budget, { memory, ringBase: RAM_BASE + 0x20000, heap: RAM_BASE + 0xc0000 });
  hugeRequest(a.driver);
  assert.equal(a.driver.usedIdx(0), 1);
  b.driver.submit(0, [{ addr: b.driver.buffer(8), len: 8, write: true }]);
  assert.equal(b.driver.usedIdx(0), 0, 'nothing left this turn');
  assert.equal(b.transport.hasDeferredWork, true);
  budget.refill();
  b.transport.poll();
  assert.equal(b.driver.usedIdx(0), 1);
});

test('a reset forgets the held-back buffers', () => {
  const budget = new WorkBudget();
  const { transport, driver } = rng(budget);
  hugeRequest(driver, { notify: false });
  hugeRequest(driver);
  assert.equal(driver.usedIdx(0), 1);
  assert.equal(transport.hasDeferredWork, true);
  driver.w32(REG.STATUS, 0);
  assert.equal(transport.hasDeferredWork, false);
  budget.refill();
  transport.poll();
  assert.equal(driver.usedIdx(0), 1, 'nothing more served on rings the driver gave up');
});

test('an asynchronous back end: requests are taken a turn\'s worth at a time too', async () => {
  const budget = new WorkBudget();
  const memory = makeMemory();
  const backend = new AsyncMemoryBlockBackend(new Uint8Array(64 * 512), { manual: true });
  const transport = new VirtioMmioTransport(new VirtioBlock(backend), memory, new RecordingSink(), 1, { budget });
  const driver = new FakeDriver(transport, memory);
  driver.init();
  // GET_ID requests that claim more than a turn each: no back-end call, so each completes
  // when it is taken.
  const header = driver.buffer(16);
  driver.setU32(header, 8);
  const data = driver.buffer(PIECE);
  const status = driver.buffer(1);
  const chain = [{ addr: header, len: 16, write: false }];
  for (let i = 0; i < PIECES_OVER_A_TURN; i++) chain.push({ addr: data, len: PIECE, write: true });
  chain.push({ addr: status, len: 1, write: true });
  for (let i = 0; i < 3; i++) driver.submit(0, chain, { indirect: true, notify: false });
  driver.notify(0);
  assert.equal(driver.usedIdx(0), 1);
  budget.refill();
  transport.poll();
  assert.equal(driver.usedIdx(0), 2);
  budget.refill();
  transport.poll();
  assert.equal(driver.usedIdx(0), 3);
  assert.equal(backend.calls, 0);
});
