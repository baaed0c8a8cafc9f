// Every test program built from guest/tests (make -C guest) runs on hartvm under each
// translation-store policy with the interpreter, and under the fence and block policies with
// hot code translated to WebAssembly (--engine=jit; the instruction policy always interprets),
// and must pass (HTIF exit 1, so exit status 0) with the same console output in all five runs.
// Programs that QEMU 7.2 runs correctly (no HARTVM_ONLY marker in their source) also run on
// `qemu-system-riscv64 -M spike`, and the outputs must agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runHartvm, runQemu, listPrograms, ROOT } from './harness.mjs';

const RUNS = [
  { policy: 'fence', engine: 'interp' },
  { policy: 'block', engine: 'interp' },
  { policy: 'instruction', engine: 'interp' },
  { policy: 'fence', engine: 'jit' },
  { policy: 'block', engine: 'jit' },
];
const programs = listPrograms();

test('the guest test programs were built', () => {
  assert.ok(programs.length >= 50, `expected the test programs under build/guest/tests (run make -C guest); found ${programs.length}`);
});

for (const program of programs) {
  test(`guest ${program.name}`, { timeout: 300000 }, async () => {
    const outputs = [];
    for (const { policy, engine } of RUNS) {
      const r = await runHartvm(['run', `--tlb-flush=${policy}`, `--engine=${engine}`, '--max-insns', '2000000000', program.elf]);
      assert.equal(r.status, 0, `${program.name} under --tlb-flush=${policy} --engine=${engine} exited ${r.status}\n${r.stdout}${r.stderr}`);
      outputs.push(r.stdout);
    }
    for (let i = 1; i < RUNS.length; i++) {
      assert.equal(outputs[i], outputs[0], `${program.name}: console output differs between fence/interp and ${RUNS[i].policy}/${RUNS[i].engine}`);
    }
    if (!program.hartvmOnly) {
      const q = await runQemu(program.elf);
      assert.equal(q.status, 0, `${program.name} fails on QEMU too (exit ${q.status}): the test itself is wrong\n${q.stdout}`);
      assert.equal(outputs[0], q.stdout, `${program.name}: hartvm and QEMU print different console output`);
    }
  });
}

/** The JIT row of `--stats` (translated code): translations, translated insns, share, dropped. */
function jitStats(stderr) {
  const lines = stderr.split('\n');
  const at = lines.findIndex((l) => l.startsWith('translated code (--engine=jit)'));
  assert.ok(at >= 0, `no translated-code statistics in\n${stderr}`);
  const f = lines[at + 2].trim().split(/\s+/);
  return { translations: Number(f[1]), translatedInsns: Number(f[4]), share: parseFloat(f[5]), dropped: Number(f[7]) };
}

// The runs above only prove something about the JIT if it translates these programs' code.
const elf = (name) => path.join(ROOT, 'build/guest/tests', `${name}.elf`);
for (const policy of ['fence', 'block']) {
  test(`--engine=jit --tlb-flush=${policy} runs loop-heavy programs mostly translated, and drops translations of patched code`, { timeout: 120000 }, async () => {
    // (straddle-hot: its loops' page-straddling instructions run translated, or under half of it would)
    for (const name of ['c/sieve', 'isa/smc-hot', 'isa/minstret-hot', 'isa/trap-hot', 'isa/straddle-hot']) {
      const r = await runHartvm(['run', `--tlb-flush=${policy}`, '--engine=jit', '--stats', elf(name)]);
      assert.equal(r.status, 0, `${name}: ${r.stderr}`);
      const s = jitStats(r.stderr);
      assert.ok(s.translations > 0 && s.share > 50, `${name}: ${s.share}% of the instructions ran translated`);
      // smc-hot patches instructions of translated loops four times
      if (name === 'isa/smc-hot') assert.ok(s.dropped >= 4, `${name}: ${s.dropped} translations dropped`);
    }
  });
}
