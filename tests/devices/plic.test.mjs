// The PLIC against the RISC-V PLIC spec 1.0.0: level-triggered gateways, claim/complete,
// priorities and ties, thresholds, per-context enables, and the MEIP/SEIP lines per hart.
import test from 'node:test';
import assert from 'node:assert/strict';
import { Plic, PLIC_SOURCES } from '../../dist/devices/plic.js';

const MEIP = 1 << 11, SEIP = 1 << 9;
const priority = (id) => 4 * id;
const pendingWord = (w) => 0x1000 + 4 * w;
const enableWord = (ctx, w) => 0x2000 + 0x80 * ctx + 4 * w;
const threshold = (ctx) => 0x200000 + 0x1000 * ctx;
const claimComplete = (ctx) => 0x200004 + 0x1000 * ctx;
const M = (hart) => 2 * hart, S = (hart) => 2 * hart + 1;

function setup(harts = 1) {
  const changes = [];
  const plic = new Plic(harts, { onLinesChanged: (hart) => changes.push(hart) });
  const read = (offset) => {
    const v = plic.read(offset, 4);
    assert.notEqual(v, undefined, `read 0x${offset.toString(16)} faulted`);
    return Number(v);
  };
  const write = (offset, value) => assert.equal(plic.write(offset, 4, BigInt(value)), true);
  const enable = (ctx, ...ids) => {
    for (const id of ids) write(enableWord(ctx, id >> 5), read(enableWord(ctx, id >> 5)) | (1 << (id & 31)));
  };
  const claim = (ctx) => read(claimComplete(ctx));
  const complete = (ctx, id) => write(claimComplete(ctx), id);
  return { plic, read, write, enable, claim, complete, changes };
}

test('a raised level becomes pending, notifies the enabled context and is claimed once', () => {
  const { plic, read, write, enable, claim, complete } = setup();
  write(priority(10), 1);
  enable(S(0), 10);
  assert.equal(plic.lines(0), 0);
  plic.setLevel(10, true);
  assert.equal(read(pendingWord(0)), 1 << 10);
  assert.equal(plic.lines(0), SEIP, 'S-mode context drives SEIP only');
  assert.equal(claim(S(0)), 10);
  assert.equal(read(pendingWord(0)), 0, 'a claim clears the pending bit');
  assert.equal(plic.lines(0), 0);
  assert.equal(claim(S(0)), 0, 'nothing left to claim');
  plic.setLevel(10, false);
  complete(S(0), 10);
  assert.equal(plic.lines(0), 0, 'completion with the level low does not re-pend');
  assert.equal(read(pendingWord(0)), 0);
});

test('a level still high at completion is forwarded again', () => {
  const { plic, read, write, enable, claim, complete } = setup();
  write(priority(1), 1);
  enable(S(0), 1);
  plic.setLevel(1, true);
  assert.equal(claim(S(0)), 1);
  // while in service the gateway forwards nothing, however the level moves
  plic.setLevel(1, false);
  plic.setLevel(1, true);
  assert.equal(read(pendingWord(0)), 0);
  assert.equal(plic.lines(0), 0);
  complete(S(0), 1);
  assert.equal(read(pendingWord(0)), 1 << 1);
  assert.equal(plic.lines(0), SEIP);
  assert.equal(claim(S(0)), 1);
});

test('a request stays pending when the level drops before the claim', () => {
  const { plic, write, enable, claim } = setup();
  write(priority(5), 1);
  enable(S(0), 5);
  plic.setLevel(5, true);
  plic.setLevel(5, false);
  assert.equal(plic.lines(0), SEIP);
  assert.equal(claim(S(0)), 5);
});

test('claims come in priority order, ties broken by the lower id', () => {
  const { plic, write, enable, claim } = setup();
  for (const [id, p] of [[3, 2], [7, 5], [5, 5], [40, 6], [1, 1]]) {
    write(priority(id), p);
    enable(M(0), id);
    plic.setLevel(id, true);
  }
  assert.deepEqual([claim(M(0)), claim(M(0)), claim(M(0)), claim(M(0)), claim(M(0)), claim(M(0))], [40, 5, 7, 3, 1, 0]);
});

test('priority 0 never interrupts and is never claimed', () => {
  const { plic, enable, claim } = setup();
  enable(S(0), 4);
  plic.setLevel(4, true);
  assert.equal(plic.lines(0), 0);
  assert.equal(claim(S(0)), 0);
});

test('the threshold masks notification of priorities at or below it, not the claim', () => {
  const { plic, write, enable, claim } = setup();
  write(priority(9), 3);
  enable(S(0), 9);
  write(threshold(S(0)), 3);
  plic.setLevel(9, true);
  assert.equal(plic.lines(0), 0, 'priority 3 is not above threshold 3');
  write(threshold(S(0)), 2);
  assert.equal(plic.lines(0), SEIP);
  write(threshold(S(0)), 7);
  assert.equal(plic.lines(0), 0);
  assert.equal(claim(S(0)), 9, 'spec: the claim is not affected by the threshold');
});

test('enables are per context, and contexts map to harts and modes', () => {
  const { plic, write, read, enable, claim } = setup(2);
  write(priority(2), 1);
  write(priority(33), 1);
  enable(M(1), 2);
  enable(S(0), 33);
  plic.setLevel(2, true);
  assert.equal(plic.lines(0), 0);
  assert.equal(plic.lines(1), MEIP);
  plic.setLevel(33, true);
  assert.equal(plic.lines(0), SEIP);
  assert.equal(read(pendingWord(1)), 1 << 1, 'source 33 is bit 1 of pending word 1');
  assert.equal(claim(S(1)), 0, 'hart 1 S-mode has nothing enabled');
  assert.equal(claim(M(0)), 0);
  assert.equal(claim(S(0)), 33);
  assert.equal(claim(M(1)), 2);
  assert.equal(plic.lines(0) | plic.lines(1), 0);
});

test('every enabled context is notified, and the first claim takes the interrupt from all', () => {
  const { plic, write, enable, claim } = setup(2);
  write(priority(8), 1);
  enable(S(0), 8);
  enable(S(1), 8);
  plic.setLevel(8, true);
  assert.equal(plic.lines(0), SEIP);
  assert.equal(plic.lines(1), SEIP);
  assert.equal(claim(S(1)), 8);
  assert.equal(plic.lines(0), 0);
  assert.equal(claim(S(0)), 0);
});

test('a completion for a source not enabled on that context is ignored', () => {
  const { plic, write, read, enable, claim, complete } = setup();
  write(priority(6), 1);
  enable(S(0), 6);
  plic.setLevel(6, true);
  assert.equal(claim(S(0)), 6);
  complete(M(0), 6); // not enabled for the M context
  assert.equal(read(pendingWord(0)), 0, 'gateway still waits');
  // Linux's trick for a disabled source: enable it, complete, disable it again
  write(enableWord(S(0), 0), 0);
  complete(S(0), 6);
  assert.equal(read(pendingWord(0)), 0);
  enable(S(0), 6);
  complete(S(0), 6);
  assert.equal(read(pendingWord(0)), 1 << 6);
});

test('registers: WARL priorities and thresholds, hardwired bits, read-only pending, faults', () => {
  const { plic, read, write } = setup();
  write(priority(3), 0xffffffff);
  assert.equal(read(priority(3)), 7, 'priorities hold 3 bits');
  write(priority(0), 5);
  assert.equal(read(priority(0)), 0, 'source 0 does not exist');
  write(priority(PLIC_SOURCES), 5);
  assert.equal(read(priority(PLIC_SOURCES)), 0, 'nor do sources past riscv,ndev');
  write(threshold(S(0)), 0x1f);
  assert.equal(read(threshold(S(0))), 7);
  write(enableWord(M(0), 0), 0xffffffff);
  assert.equal(read(enableWord(M(0), 0)) >>> 0, 0xfffffffe, 'enable bit 0 is hardwired to 0');
  write(enableWord(M(0), 2), 0xffffffff);
  assert.equal(read(enableWord(M(0), 2)) >>> 0, 0xffffffff);
  write(enableWord(M(0), 3), 0xffffffff);
  assert.equal(read(enableWord(M(0), 3)), 0, 'sources 96.. are not wired');
  plic.setLevel(1, true);
  write(pendingWord(0), 0);
  assert.equal(read(pendingWord(0)), 1 << 1, 'pending bits are cleared only by claims');
  assert.equal(read(threshold(5)), 0, 'contexts beyond 2 per hart read as zero');
  assert.equal(read(claimComplete(5)), 0);
  assert.equal(read(0x1ffffc), 0);
  assert.equal(plic.read(0x200004, 8), undefined, 'registers are 32-bit only');
  assert.equal(plic.read(0x200002, 4), undefined);
  assert.equal(plic.write(0x1000, 1, 0n), false);
  assert.throws(() => plic.setLevel(0, true), RangeError);
  assert.throws(() => plic.setLevel(PLIC_SOURCES, true), RangeError);
});

test('onLinesChanged reports each change of a hart\'s lines, once', () => {
  const { plic, write, enable, claim, changes } = setup(2);
  write(priority(12), 1);
  plic.setLevel(12, true);
  assert.deepEqual(changes, [], 'not enabled anywhere yet');
  enable(S(1), 12);
  assert.deepEqual(changes, [1]);
  plic.setLevel(12, true); // repeats change nothing
  write(priority(12), 2);
  assert.deepEqual(changes, [1]);
  claim(S(1));
  assert.deepEqual(changes, [1, 1]);
  assert.equal(plic.lines(1), 0);
});
