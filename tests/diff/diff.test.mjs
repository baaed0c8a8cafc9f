// node:test entry for the differential tester: 40 random programs from fixed
// seeds, each run on QEMU and on hartvm (node bin/hartvm.js run), outputs compared.
// Reproduce a failure with: node tests/diff/run.mjs --count 40 --seed <seed> --emulator "node bin/hartvm.js run"
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDiff } from './run.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

for (const seed of [1, 2]) {
  test(`differential: 20 random programs, seed ${seed}, hartvm vs QEMU`, { timeout: 600000 }, async () => {
    const code = await runDiff({
      count: 20, seed, blocks: 20, insns: 50, jobs: 4,
      emulator: `node ${path.join(ROOT, 'bin/hartvm.js')} run`,
      out: path.join(ROOT, 'build/diff'), qemuOnly: false, keepGoing: false, quiet: false,
    });
    assert.equal(code, 0, 'hartvm output differs from QEMU (see the MISMATCH report above)');
  });
}
