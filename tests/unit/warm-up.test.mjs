// The interpreter warm-up must run every instruction kind it generates, without a single trap
// (a trap would mean a sample instruction is malformed and its kind never reached the switch).
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { warmUpInterpreter } from '../../dist/cpu/warm-up.js';
import { ENCODINGS } from '../../dist/cpu/isa/encodings.js';

test('warm-up runs a sample of every instruction kind without trapping', () => {
  const r = warmUpInterpreter();
  assert.ok(r.kinds >= ENCODINGS.length - 5, `${r.kinds} kinds sampled of ${ENCODINGS.length}`);
  assert.equal(r.traps, 0);
  assert.ok(r.retired >= r.kinds * 20, `the sample ran repeatedly (${r.retired} instructions)`);
});

test('warm-up translates through page tables: walks, and faults cached as negative entries', () => {
  const r = warmUpInterpreter();
  // code, data and device pages, each walked at least once in the paging passes
  assert.ok(r.walks >= 3, `${r.walks} walks`);
  assert.ok(r.negativeFills >= 1, `${r.negativeFills} negative entries`);
});

test('warm-up gives up when asked to (a machine told to stop while its hart threads start)', () => {
  let asked = 0;
  const r = warmUpInterpreter(undefined, () => ++asked > 2);
  assert.equal(asked, 3, 'asked before each pass, until it said yes');
  assert.ok(r.retired > 0, 'the passes before it ran');
  const none = warmUpInterpreter(undefined, () => true);
  assert.equal(none.retired, 0, 'nothing ran');
});

// A hart thread compiles on its own thread (V8 without concurrent recompilation): the interpreter
// is optimized as soon as it is hot, from the feedback of the passes run by then. The warm-up
// must leave it optimized, not thrown away by a path a later pass took first.
test('on a hart thread, the warm-up leaves the interpreter optimized by TurboFan', () => {
  const script = `
    const { warmUpInterpreter } = await import('../../dist/cpu/warm-up.js');
    const { interpret } = await import('../../dist/cpu/interpreter.js');
    warmUpInterpreter();
    console.log(%GetOptimizationStatus(interpret));`;
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--no-concurrent-recompilation', '--input-type=module', '-e', script],
    { cwd: new URL('.', import.meta.url), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const TURBOFANNED = 1 << 6; // V8's OptimizationStatus bits
  const status = Number(r.stdout.trim());
  assert.ok(status & TURBOFANNED, `interpret's optimization status: ${status.toString(2)}`);
});

// A field whose number changes kind (a Smi field given a double) changes the shape of every
// hart, and optimized code made for the old shape is thrown away: the warm-up must leave a hart
// shaped as one made before it ran.
test('the warm-up changes the shape of no hart (its number fields keep their kinds)', () => {
  const script = `
    const { warmUpInterpreter } = await import('../../dist/cpu/warm-up.js');
    const { GuestMemory } = await import('../../dist/bus/guest-memory.js');
    const { Bus } = await import('../../dist/bus/bus.js');
    const { Hart } = await import('../../dist/cpu/hart.js');
    const host = { mtime: () => 0, interruptLines: () => 0, watchedWrite: () => false };
    const hart = () => new Hart(new Bus(new GuestMemory([{ name: 'ram', base: 0x80000000n, size: 65536, writable: true }])), host, { hartId: 0, policy: 2, sstc: true });
    const before = hart();
    warmUpInterpreter();
    console.log(%HaveSameMap(before, hart()));`;
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script],
    { cwd: new URL('.', import.meta.url), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'true', 'a hart made after the warm-up has the shape of one made before it');
});
