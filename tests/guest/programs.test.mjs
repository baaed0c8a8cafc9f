// Every test program built from guest/tests (make -C guest) runs on hartvm under each
// translation-store policy and must pass (HTIF exit 1, so exit status 0) with the same console
// output under all three. Programs that QEMU 7.2 runs correctly (no HARTVM_ONLY marker in
// their source) also run on `qemu-system-riscv64 -M spike`, and the outputs must agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runHartvm, runQemu, listPrograms } from './harness.mjs';

const POLICIES = ['fence', 'block', 'instruction'];
const programs = listPrograms();

test('the guest test programs were built', () => {
  assert.ok(programs.length >= 50, `expected the test programs under build/guest/tests (run make -C guest); found ${programs.length}`);
});

for (const program of programs) {
  test(`guest ${program.name}`, { timeout: 300000 }, async () => {
    const outputs = [];
    for (const policy of POLICIES) {
      const r = await runHartvm(['run', `--tlb-flush=${policy}`, '--max-insns', '2000000000', program.elf]);
      assert.equal(r.status, 0, `${program.name} under --tlb-flush=${policy} exited ${r.status}\n${r.stdout}${r.stderr}`);
      outputs.push(r.stdout);
    }
    assert.equal(outputs[1], outputs[0], `${program.name}: console output differs between fence and block policies`);
    assert.equal(outputs[2], outputs[0], `${program.name}: console output differs between fence and instruction policies`);
    if (!program.hartvmOnly) {
      const q = await runQemu(program.elf);
      assert.equal(q.status, 0, `${program.name} fails on QEMU too (exit ${q.status}): the test itself is wrong\n${q.stdout}`);
      assert.equal(outputs[0], q.stdout, `${program.name}: hartvm and QEMU print different console output`);
    }
  });
}
