// The VMM's epoch remap (src/smp/frame-remapper.ts) of a page holding code that running harts
// execute: two hart threads loop on one code page (guest/smp-bare/remap-code.S) while the page
// is moved onto other host frames again and again, each time holding the same code with the
// next generation number in its first instruction; retired frames are poisoned and reused.
// Under --engine=jit the loop runs translated: a hart must drop the translation of a frame the
// page has left (its code is stale: the DMA ring entry the remap publishes), or it would run an
// older generation from a reused frame. Every hart must come to run the newest code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT } from '../guest/harness.mjs';
import { sleep, smpBareElf, startBareBoard } from './bare-board.mjs';

const { FrameRemapper } = await import(path.join(ROOT, 'dist/smp/frame-remapper.js'));

const READERS = 2;
const ROUNDS = 40;

for (const [policy, engine] of [['fence', 'interp'], ['fence', 'jit'], ['block', 'jit']]) {
  test(`a code page moves to other host frames under harts running it, which then run the new code (--tlb-flush=${policy} --engine=${engine})`, { timeout: 300000 }, async () => {
    // Fewer spare frames than remaps: each frame comes back for a later generation of the page.
    const board = startBareBoard(smpBareElf('remap-code'), { harts: READERS + 1, policy, engine, spareFrames: 3 });
    const { word, memory } = board;
    const passes = () => Array.from({ length: READERS }, (_, h) => word('passes', h));
    const seen = () => Array.from({ length: READERS }, (_, h) => word('seen', h));
    const failure = () => {
      if (word('failed') !== 0n) return `a hart went back to generation ${word('failed_value')}`;
      if (word('trapped') !== 0n) return `a hart trapped (mcause ${word('trapped')})`;
      return undefined;
    };
    const pagePa = Number(board.address('code_page'));
    const siteOffset = Number(board.address('site')) - pagePa;
    const original = memory.bytes.slice(memory.hostOffset(memory.regions[0], pagePa), memory.hostOffset(memory.regions[0], pagePa) + 4096);
    const site = new DataView(original.buffer).getUint32(siteOffset, true); // addi a0, x0, 0
    const code = (generation) => (bytes) => {
      bytes.set(original);
      new DataView(bytes.buffer, bytes.byteOffset, 4096).setUint32(siteOffset, (site | (generation << 20)) >>> 0, true);
    };
    let exits;
    try {
      // hot: thousands of passes (the loop is translated after a few slices)
      const hot = async (n) => {
        const target = passes().map((p) => p + BigInt(n));
        for (let i = 0; i < 2000 && passes().some((p, h) => p < target[h]) && !failure(); i++) await sleep(5);
        assert.equal(failure(), undefined);
        assert.ok(passes().every((p, h) => p >= target[h]), `the harts keep running: ${passes()}`);
      };
      // (long enough for much of it to run translated under --tlb-flush=block, where slices are short)
      await hot(200_000);
      const remapper = new FrameRemapper(memory, board.signals, { poison: 0xab, timeoutMs: 120_000 });
      for (let generation = 1; generation <= ROUNDS; generation++) {
        await remapper.remap(pagePa, code(generation));
        // once the remap is done, no hart can run older code: let them loop on the new code
        await hot(20_000);
        assert.deepEqual(seen(), new Array(READERS).fill(BigInt(generation)), `every hart runs generation ${generation}`);
      }
      assert.equal(remapper.freeFrames, 3, 'every retired frame is back in the pool');
    } finally {
      exits = await board.stop();
    }
    if (engine === 'jit') {
      // The first rounds move translated code (a frame whose translations keep going stale is
      // then left to the interpreter).
      for (let h = 0; h < READERS; h++) {
        const jit = exits[h].statistics.jit;
        assert.ok(jit && jit.translatedInstructions > 1_000_000, `hart ${h} ran translated code: ${jit?.translatedInstructions} instructions`);
        assert.ok(jit.dropped >= 3, `hart ${h} dropped translations of the moved page: ${jit.dropped}`);
      }
    }
  });
}
