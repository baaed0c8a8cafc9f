// The translator's output for small programs (guest/tests/jit), compared with the checked-in
// text under tests/jit/expect/<program>.<policy>/: a change to what the JIT emits shows up here
// as a diff to review. After a deliberate change, regenerate them with
//   node tests/jit/golden.test.mjs --update
// Each dump is also read back: the text, assembled by wabt, must give the module byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import wabtInit from 'wabt';
import { runHartvm, ROOT } from '../guest/harness.mjs';

const UPDATE = process.argv.includes('--update');
const PROGRAMS = ['alu-loop', 'memory-loop', 'fp-moves'];
const POLICIES = ['fence', 'block'];
const wabt = await wabtInit();

for (const program of PROGRAMS) {
  for (const policy of POLICIES) {
    test(`the translation of ${program} under --tlb-flush=${policy} is the checked-in one`, { timeout: 60000 }, async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'hartvm-jit-dump-'));
      try {
        const elf = path.join(ROOT, 'build/guest/tests/jit', `${program}.elf`);
        const r = await runHartvm(['run', '--engine=jit', `--tlb-flush=${policy}`, '--jit-dump', dir, elf]);
        assert.equal(r.status, 0, `${program} failed under --engine=jit\n${r.stdout}${r.stderr}`);
        const texts = readdirSync(dir).filter((f) => f.endsWith('.wat')).sort();
        assert.ok(texts.length > 0, `${program}: nothing was translated`);
        for (const name of texts) {
          const text = readFileSync(path.join(dir, name), 'utf8');
          const module = wabt.parseWat(name, text, { threads: true, multi_value: true });
          const assembled = Buffer.from(module.toBinary({}).buffer);
          module.destroy();
          assert.ok(assembled.equals(readFileSync(path.join(dir, name.replace(/\.wat$/, '.wasm')))),
            `${name}: the text does not assemble to the module it prints`);
        }
        const expectDir = path.join(ROOT, 'tests/jit/expect', `${program}.${policy}`);
        if (UPDATE) {
          rmSync(expectDir, { recursive: true, force: true });
          mkdirSync(expectDir, { recursive: true });
          for (const name of texts) writeFileSync(path.join(expectDir, name), readFileSync(path.join(dir, name)));
          return;
        }
        const regenerate = 'if the change is meant, regenerate with: node tests/jit/golden.test.mjs --update';
        assert.deepEqual(texts, readdirSync(expectDir).sort(), `${program}: other translations were made than checked in; ${regenerate}`);
        for (const name of texts) {
          const got = readFileSync(path.join(dir, name), 'utf8').split('\n');
          const want = readFileSync(path.join(expectDir, name), 'utf8').split('\n');
          const at = got.findIndex((line, i) => line !== want[i]);
          if (at < 0 && got.length === want.length) continue;
          const line = at < 0 ? Math.min(got.length, want.length) : at;
          assert.fail(`${program}: ${name} differs from tests/jit/expect/${program}.${policy}/${name} at line ${line + 1}:\n`
            + `  expected: ${want[line]?.slice(0, 200)}\n  got:      ${got[line]?.slice(0, 200)}\n${regenerate}`);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
}
