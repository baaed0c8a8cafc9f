// The translation store's contexts and fences, on the store itself: what each invalidation
// drops and, what no guest program can check against QEMU, what it keeps (the spec permits
// keeping it; the store keeps it so that context switches cost no refills).
import test from 'node:test';
import assert from 'node:assert/strict';
import { TranslationStore } from '../../dist/mmu/translation-store.js';
import { regimeOf } from '../../dist/mmu/regime.js';
import { bucketOf, NO_ASID } from '../../dist/mmu/context-keys.js';

// The core's const enums, as numbers.
const READ = 0, WRITE = 1, FETCH = 2;
const RAM = 1, NEGATIVE = 4;
const FENCE_POLICY = 2;
const U = 0, S = 1, M = 3;
const BARE = 0, SV39 = 8;
const LEAF_R = 1, LEAF_W = 2, LEAF_X = 4, LEAF_U = 8, LEAF_G = 16;
const RW = LEAF_R | LEAF_W;
const STAT = { resumed: 7, retags: 8, globalRetags: 9, superpageScans: 12, keyRecycles: 13 };

const SUPERVISOR = regimeOf(S, S, SV39, false, false);
const SUPERVISOR_SUM = regimeOf(S, S, SV39, true, false);
const SUPERVISOR_MXR = regimeOf(S, S, SV39, false, true);
const USER = regimeOf(U, U, SV39, false, false);
const MACHINE = regimeOf(M, M, BARE, false, false);

const A = { asid: 1, root: 0x80100 }, B = { asid: 2, root: 0x80200 };
const page = (n) => 0x40000000 + n * 4096;

function storeIn(space, regime = SUPERVISOR) {
  const store = new TranslationStore(FENCE_POLICY);
  store.switchContext(space.asid, space.root, regime);
  return store;
}
const enter = (store, space, regime = SUPERVISOR) => store.switchContext(space.asid, space.root, regime);
/** An entry for page n mapping host page n (leaf bits, leaf level). */
const fill = (store, access, n, leaf = RW, level = 0) => store.fill(access, page(n), 0, RAM, n * 4096, 0, leaf, level);
const has = (store, access, n) => store.find(access, page(n), 0) >= 0;
const serves = (store, access, n) => store.lookup(access, page(n), 0) >= 0;

test('entries of an address space survive a switch to another and back', () => {
  const store = storeIn(A);
  fill(store, READ, 1);
  fill(store, WRITE, 2);
  enter(store, B);
  assert.equal(has(store, READ, 1), false, 'an entry of A never hits in B');
  assert.equal(serves(store, READ, 1), false, 'nor is it re-tagged for B (not global)');
  fill(store, READ, 3);
  enter(store, A);
  assert.ok(has(store, READ, 1) && has(store, WRITE, 2), 'A finds its entries again');
  assert.equal(has(store, READ, 3), false);
  assert.equal(store.stats[STAT.resumed], 1);
});

test('a global entry serves every address space, re-tagged without a walk', () => {
  const store = storeIn(A);
  fill(store, READ, 1, RW | LEAF_G);
  enter(store, B);
  assert.equal(has(store, READ, 1), false);
  assert.ok(serves(store, READ, 1));
  assert.ok(has(store, READ, 1), 'now tagged for B');
  assert.equal(store.stats[STAT.globalRetags], 1);
});

test('sfence.vma x0, asid drops that address space\'s entries only, and not its global ones', () => {
  const store = storeIn(A);
  fill(store, READ, 1);
  fill(store, READ, 2, RW | LEAF_G);
  enter(store, B);
  fill(store, READ, 3);
  store.fenceAsid(A.asid);
  assert.ok(has(store, READ, 3), 'B keeps its entries');
  enter(store, A);
  assert.equal(serves(store, READ, 1), false, 'A\'s entry is gone');
  assert.ok(serves(store, READ, 2), 'A\'s global entry stays');
  enter(store, B);
  assert.ok(has(store, READ, 3));
});

test('an ASID fence of the current address space re-keys it at once', () => {
  const store = storeIn(A);
  fill(store, READ, 1);
  const key = store.genKey;
  store.fenceAsid(A.asid);
  assert.notEqual(store.genKey, key);
  assert.equal(serves(store, READ, 1), false);
});

test('sfence.vma va, asid drops that page of that address space, nothing else', () => {
  const store = storeIn(A);
  fill(store, READ, 1);
  fill(store, READ, 2);
  fill(store, FETCH, 1, LEAF_X | LEAF_G);
  enter(store, B);
  fill(store, WRITE, 1);
  store.fencePage(page(1) + 0x7f8, 0, A.asid);
  assert.ok(has(store, WRITE, 1), 'B\'s entry of the same page stays');
  enter(store, A);
  assert.equal(has(store, READ, 1), false, 'A\'s entry of the page is gone');
  assert.ok(has(store, READ, 2), 'A\'s other page stays');
  assert.ok(has(store, FETCH, 1), 'a global entry of the page stays');
});

test('sfence.vma va, x0 drops that page in every address space, global entries too', () => {
  const store = storeIn(A);
  fill(store, READ, 1);
  fill(store, READ, 2);
  fill(store, FETCH, 1, LEAF_X | LEAF_G);
  enter(store, B);
  fill(store, WRITE, 1);
  store.fencePage(page(1), 0, NO_ASID);
  assert.equal(serves(store, WRITE, 1), false);
  assert.equal(serves(store, FETCH, 1), false);
  enter(store, A);
  assert.equal(has(store, READ, 1), false);
  assert.ok(has(store, READ, 2));
});

test('a fence of one page of a superpage drops the superpage\'s entries, and only those', () => {
  const store = storeIn(A);
  // pages 512.. are the second 2 MiB superpage of the range, 1024.. the third
  fill(store, READ, 512, RW, 1);
  fill(store, WRITE, 700, RW, 1);
  fill(store, READ, 1024 + 5, RW, 1);
  fill(store, READ, 3);
  store.fencePage(page(3), 0, A.asid);
  assert.equal(store.stats[STAT.superpageScans], 0, 'a fence outside every superpage looks at one record per table');
  store.fencePage(page(600), 0, A.asid);
  assert.equal(store.stats[STAT.superpageScans], 1);
  assert.equal(has(store, READ, 512), false);
  assert.equal(has(store, WRITE, 700), false);
  assert.ok(has(store, READ, 1024 + 5), 'another superpage stays');
});

test('a superpage fence with an ASID spares global superpages and other address spaces', () => {
  const store = storeIn(A);
  fill(store, READ, 512, RW | LEAF_G, 1);
  enter(store, B);
  fill(store, WRITE, 513, RW, 1);
  store.fencePage(page(600), 0, A.asid);
  assert.ok(has(store, WRITE, 513));
  assert.ok(serves(store, READ, 512));
});

test('sfence.vma x0, x0 drops every entry of every context', () => {
  const store = storeIn(A);
  fill(store, READ, 1, RW | LEAF_G);
  fill(store, READ, 2);
  enter(store, B);
  fill(store, READ, 3);
  store.invalidateAll();
  assert.equal(serves(store, READ, 1), false);
  assert.equal(serves(store, READ, 3), false);
  enter(store, A);
  assert.equal(serves(store, READ, 2), false);
});

test('SUM, MXR and the privilege are checked again when an entry crosses contexts', () => {
  const store = storeIn(A, SUPERVISOR_SUM);
  fill(store, READ, 1, RW | LEAF_U);
  enter(store, A, SUPERVISOR);
  assert.equal(serves(store, READ, 1), false, 'a user page without SUM');
  enter(store, A, USER);
  assert.ok(serves(store, READ, 1), 'a user page in U-mode');
  assert.equal(store.stats[STAT.retags], 1);
  enter(store, A, SUPERVISOR_MXR);
  fill(store, READ, 2, LEAF_X);
  enter(store, A, SUPERVISOR);
  assert.equal(serves(store, READ, 2), false, 'the read of an execute-only page without MXR');
  enter(store, A, SUPERVISOR_MXR);
  assert.ok(serves(store, READ, 2), 'and with MXR');
  enter(store, A, USER);
  fill(store, READ, 4, RW);
  enter(store, A, SUPERVISOR);
  assert.ok(serves(store, READ, 4), 'a supervisor page in S-mode');
  enter(store, A, USER);
  assert.equal(serves(store, READ, 4), false, 'a supervisor page never serves U-mode');
});

test('a negative entry serves only until the hart leaves its context', () => {
  const store = storeIn(A);
  store.fill(READ, page(1), 0, NEGATIVE, 0, 13);
  assert.ok(serves(store, READ, 1), 'a repeated access faults at once');
  enter(store, A, USER);
  enter(store, A);
  assert.equal(serves(store, READ, 1), false, 'after a trap and its return, it walks again');
});

test('an ASID fence spares contexts that translate nothing', () => {
  const store = new TranslationStore(FENCE_POLICY);
  store.switchContext(NO_ASID, 0, MACHINE);
  fill(store, READ, 1, 0);
  store.fenceAsid(0);
  assert.ok(has(store, READ, 1));
});

test('contexts whose hashes collide keep their keys while the hart switches among them', () => {
  const root = 0x80100, first = bucketOf(1, root, SUPERVISOR);
  const asids = [1];
  for (let asid = 2; asids.length < 4; asid++) if (bucketOf(asid, root, SUPERVISOR) === first) asids.push(asid);
  const store = new TranslationStore(FENCE_POLICY);
  for (let round = 0; round < 5; round++) for (const asid of asids) store.switchContext(asid, root, SUPERVISOR);
  assert.equal(store.stats[STAT.resumed], 4 * asids.length, 'every visit after the first finds its key');
});

test('when the context keys run out the tables are emptied, and no old entry comes back', () => {
  const store = storeIn(A);
  fill(store, READ, 1);
  for (let asid = 10; asid < 10 + 300; asid++) {
    store.switchContext(asid, 0x1000, SUPERVISOR);
    fill(store, READ, 2);
  }
  assert.ok(store.stats[STAT.keyRecycles] >= 1);
  enter(store, A);
  assert.equal(serves(store, READ, 1), false);
  store.switchContext(10, 0x1000, SUPERVISOR);
  assert.equal(serves(store, READ, 2), false, 'a context re-keyed after the recycle finds none of its old entries');
});
