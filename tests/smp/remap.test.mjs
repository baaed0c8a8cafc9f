// The VMM's epoch remap (src/smp/frame-remapper.ts) under running harts: guest pages are moved
// to other host frames again and again while two hart threads read them
// (guest/smp-bare/remap-reader.S) and a third sleeps in wfi. Retired frames are poisoned and
// reused for other pages, so a hart still using a stale mapping reads a wrong tag or an older
// generation and stops with `failed` set. Every remap must complete (no hart stopped, the idle
// one included), each reading hart must acknowledge every epoch while still making progress,
// and in the end every hart must read the newest generation of every page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT } from '../guest/harness.mjs';
import { sleep, smpBareElf, startBareBoard } from './bare-board.mjs';

const { FrameRemapper } = await import(path.join(ROOT, 'dist/smp/frame-remapper.js'));

const PAGES = 8;
const READERS = 2;
const ROUNDS = 40;
const POISON = 0xab;

function fillGeneration(page, generation) {
  return (bytes) => {
    const words = new BigUint64Array(bytes.buffer, bytes.byteOffset, 512);
    words.fill((BigInt(page) << 32n) | BigInt(generation));
  };
}

async function runRemaps(policy, engine) {
  // Fewer spare frames than pages: every frame is retired and reused for other pages many times.
  const board = startBareBoard(smpBareElf('remap-reader'), { harts: READERS + 1, policy, engine, spareFrames: 3 });
  const { word } = board;
  const passes = () => Array.from({ length: READERS }, (_, h) => word('passes', h));
  const failure = () => {
    const failed = word('failed'), trapped = word('trapped');
    if (failed !== 0n) return `hart ${word('failed_hart')} read a stale value 0x${BigInt.asUintN(64, word('failed_value')).toString(16)} (failure ${failed})`;
    if (trapped !== 0n) return `a hart trapped (mcause ${trapped})`;
    return undefined;
  };
  try {
    for (let i = 0; i < 1000 && passes().some((p) => p < 100n); i++) await sleep(10);
    assert.ok(passes().every((p) => p >= 100n), `the readers started: ${passes()}`);
    const remapper = new FrameRemapper(board.memory, board.signals, { poison: POISON, timeoutMs: 120_000 });
    const areaPa = Number(board.address('area'));
    const latencies = [];
    const seenFrames = new Set();
    for (let generation = 1; generation <= ROUNDS; generation++) {
      const before = passes();
      for (let page = 0; page < PAGES; page++) {
        const r = await remapper.remap(areaPa + page * 4096, fillGeneration(page, generation));
        latencies.push(r.acknowledgedMs);
        seenFrames.add(r.to);
      }
      assert.equal(failure(), undefined);
      const after = passes();
      for (let h = 0; h < READERS; h++) assert.ok(after[h] > before[h], `hart ${h} kept running during round ${generation}`);
    }
    // Every hart must come to read the newest generation of every page, through the new frames.
    const newest = () => Array.from({ length: READERS * PAGES }, (_, i) => word('seen', i));
    for (let i = 0; i < 500 && newest().some((g) => g !== BigInt(ROUNDS)); i++) await sleep(10);
    assert.equal(failure(), undefined);
    assert.deepEqual(newest(), new Array(READERS * PAGES).fill(BigInt(ROUNDS)), 'every hart reads the newest generation');
    const exits = await board.stop();
    return { latencies, exits, frames: seenFrames.size, free: remapper.freeFrames };
  } catch (e) {
    await board.stop();
    throw e;
  }
}

for (const [policy, engine] of [['fence', 'interp'], ['instruction', 'interp'], ['fence', 'jit']]) {
  test(`guest pages move to other host frames under running harts with no stale use (--tlb-flush=${policy} --engine=${engine})`, { timeout: 600000 }, async () => {
    const r = await runRemaps(policy, engine);
    const epochs = 2 * ROUNDS * PAGES; // one to switch, one to retire, per remap
    const sorted = [...r.latencies].sort((a, b) => a - b);
    if (process.env.HARTVM_TEST_VERBOSE) {
      console.log(policy, `median ack ${sorted[sorted.length >> 1].toFixed(2)} ms, max ${sorted.at(-1).toFixed(2)} ms`,
        r.exits.map((e) => `hart ${e.hartId}: ${e.epochAcks} acks, ${e.statistics.instructions} insns`).join('; '));
    }
    assert.equal(r.free, 3, 'every retired frame is back in the pool');
    assert.ok(r.frames >= 3, 'the page moved through several frames');
    for (let h = 0; h < READERS; h++) assert.equal(r.exits[h].epochAcks, epochs, `hart ${h} acknowledged every epoch`);
    assert.ok(r.exits[READERS].epochAcks < epochs, 'the idle hart did not have to acknowledge every epoch');
  });
}
