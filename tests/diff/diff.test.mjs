// node:test entry for the differential tester: random programs from fixed seeds, each run on
// QEMU and on hartvm (node bin/hartvm.js run), outputs compared; with the interpreter, and with
// hot code translated to WebAssembly (--engine=jit) under the fence and block policies. The
// programs' hot loops, accesses across a page boundary and self-modifying loops (gen.mjs) are
// there for the JIT.
// Reproduce a failure with: node tests/diff/run.mjs --count 20 --seed <seed> --emulator "node bin/hartvm.js run"
// (with the engine and policy options of the failing run added to the emulator command).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDiff } from './run.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const RUNS = [
  { seed: 1, options: '' },
  { seed: 2, options: '' },
  { seed: 1, options: '--engine=jit' },
  { seed: 2, options: '--engine=jit' },
  { seed: 3, options: '--engine=jit --tlb-flush=block' },
];

for (const { seed, options } of RUNS) {
  test(`differential: 20 random programs, seed ${seed}, hartvm ${options || '(interpreter)'} vs QEMU`, { timeout: 600000 }, async () => {
    const code = await runDiff({
      count: 20, seed, blocks: 20, insns: 50, jobs: 4,
      emulator: `node ${path.join(ROOT, 'bin/hartvm.js')} run ${options}`,
      out: path.join(ROOT, 'build/diff'), qemuOnly: false, keepGoing: false, quiet: false,
    });
    assert.equal(code, 0, 'hartvm output differs from QEMU (see the MISMATCH report above)');
  });
}
