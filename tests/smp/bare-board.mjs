// A bare SMP board for the tests: guest RAM with one bare-metal ELF loaded, a CLINT, and one
// hart thread per hart (the same worker and HartRunner as `hartvm boot -smp N`). The test
// reads and writes guest memory by ELF symbol while the harts run.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ROOT } from '../guest/harness.mjs';

const dist = (p) => path.join(ROOT, 'dist', p);
const { GuestMemory } = await import(dist('bus/guest-memory.js'));
const { BoardSignals } = await import(dist('smp/board-signals.js'));
const { Clint } = await import(dist('devices/clint.js'));
const { VIRT_MEMMAP, VIRT_RAM_BASE, TIMEBASE_HZ } = await import(dist('machine/virt-layout.js'));
const { parseElf } = await import(dist('loader/elf.js'));
const { clockZeroNow } = await import(dist('host/node/board-clock.js'));

export const RAM_BASE = VIRT_RAM_BASE;
const RAM_SIZE = 16 << 20;
const POLICIES = { instruction: 0, block: 1, fence: 2 };

export const smpBareElf = (name) => path.join(ROOT, 'build/guest/smp-bare', `${name}.elf`);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Loads `elfPath` and starts `harts` hart threads on it under flush policy `policy` and engine
 * `engine` ('interp' or 'jit'; the instruction policy always interprets).
 */
export function startBareBoard(elfPath, { harts, policy, engine = 'interp', spareFrames = 0 }) {
  const elf = parseElf(readFileSync(elfPath));
  const layout = [{ name: 'ram', base: RAM_BASE, size: RAM_SIZE, writable: true }];
  const memory = new GuestMemory(layout, spareFrames, harts);
  for (const s of elf.segments) memory.load(s.paddr, s.data);
  const address = (name) => {
    const at = elf.symbols.get(name);
    assert.ok(at !== undefined, `symbol ${name}`);
    return at;
  };
  /** The doubleword `index` at symbol `name`, read through the frame table as a hart would. */
  const word = (name, index = 0) => {
    const pa = Number(address(name)) + 8 * index;
    return memory.i64[memory.hostOffset(memory.regions[0], pa) / 8];
  };
  const signals = new BoardSignals(harts);
  const clint = new Clint(harts, () => 0);
  const exits = [];
  const clockZero = clockZeroNow();
  for (let hartId = 0; hartId < harts; hartId++) {
    const config = {
      hartId, harts, memory: memory.share(), signals: signals.buffer, clint: clint.buffer,
      devices: [{ base: VIRT_MEMMAP.clint.base, size: VIRT_MEMMAP.clint.size, name: 'clint', index: 0, reach: 'shared' }],
      policy: POLICIES[policy], engine, sstc: false, resetPc: elf.entry, timebaseHz: TIMEBASE_HZ,
    };
    const worker = new Worker(dist('host/node/hart-thread.js'), { workerData: { config, clockOrigin: clockZero, warmUp: false } });
    exits.push(new Promise((resolve, reject) => {
      worker.on('message', (m) => (m.kind === 'exit' ? resolve(m.exit) : reject(new Error(m.message))));
      worker.on('error', reject);
    }));
  }
  /** Ends every hart thread; resolves to their exits (with statistics). */
  const stop = () => {
    signals.stopAll();
    return Promise.all(exits);
  };
  return { memory, signals, address, word, stop };
}
