// The mapping an AMO uses stays fixed while another hart rewrites its PTE: two hart threads over
// one guest RAM (the same worker and HartRunner as `hartvm boot -smp N`), running
// guest/smp-bare/amo-pin.S. Hart 0 does 200000 amoadd.d through virtual page X, re-translating X
// before each; hart 1 flips X's PTE between two physical pages all the while. The totals of the
// two pages must add up exactly, and both pages must have been hit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ROOT } from '../guest/harness.mjs';

const dist = (p) => path.join(ROOT, 'dist', p);
const { GuestMemory } = await import(dist('bus/guest-memory.js'));
const { BoardSignals } = await import(dist('smp/board-signals.js'));
const { Clint, CLINT_BASE, CLINT_SIZE } = await import(dist('devices/clint.js'));
const { parseElf } = await import(dist('loader/elf.js'));

const ELF = path.join(ROOT, 'build/guest/smp-bare/amo-pin.elf');
const RAM_BASE = 0x80000000n;
const RAM_SIZE = 16 << 20;
const POLICIES = { instruction: 0, block: 1, fence: 2 };

async function runAmoPin(policy) {
  const elf = parseElf(readFileSync(ELF));
  const layout = [{ name: 'ram', base: RAM_BASE, size: RAM_SIZE, writable: true }];
  const memory = new GuestMemory(layout);
  for (const s of elf.segments) memory.load(s.paddr, s.data);
  const word = (name) => {
    const at = elf.symbols.get(name);
    assert.ok(at !== undefined, `symbol ${name}`);
    return memory.i64[Number(at - RAM_BASE) / 8];
  };
  const harts = 2;
  const signals = new BoardSignals(harts);
  const clockZeroNs = process.hrtime.bigint();
  const clint = new Clint(harts, () => 0);
  const workers = [];
  const exits = [];
  for (let hartId = 0; hartId < harts; hartId++) {
    const config = {
      hartId, harts, memoryLayout: layout, memory: memory.buffer, signals: signals.buffer, clint: clint.buffer,
      devices: [{ base: CLINT_BASE, size: CLINT_SIZE, name: 'clint', index: -1 }],
      policy: POLICIES[policy], sstc: false, resetPc: elf.entry, timebaseHz: 10_000_000,
    };
    const worker = new Worker(dist('host/node/hart-thread.js'), { workerData: { config, clockZeroNs, warmUp: false } });
    workers.push(worker);
    exits.push(new Promise((resolve, reject) => {
      worker.on('message', (m) => (m.kind === 'exit' ? resolve(m.exit) : reject(new Error(m.message))));
      worker.on('error', reject);
    }));
  }
  const deadline = Date.now() + 600_000;
  while (word('result') === 0n && word('trapped') === 0n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  // Hart 1 stores its count once it sees `done`; give it a moment.
  for (let i = 0; i < 100 && word('flips') === 0n; i++) await new Promise((r) => setTimeout(r, 10));
  signals.stopAll();
  const ended = await Promise.all(exits);
  return {
    result: word('result'), trapped: word('trapped'), flips: word('flips'),
    page1: word('page1'), page2: word('page2'), exits: ended,
  };
}

for (const policy of ['fence', 'instruction']) {
  test(`an AMO keeps the mapping it translated while another hart rewrites the PTE (--tlb-flush=${policy})`, { timeout: 900000 }, async () => {
    const r = await runAmoPin(policy);
    if (process.env.HARTVM_TEST_VERBOSE) console.log(policy, r.page1, r.page2, r.flips);
    assert.equal(r.trapped, 0n, `a hart trapped (mcause ${r.trapped})`);
    assert.equal(r.result, 1n, `result ${r.result} (3: page totals ${r.page1} + ${r.page2} != 200000; 5: one page never hit)`);
    assert.equal(r.page1 + r.page2, 200000n);
    assert.ok(r.page1 > 0n && r.page2 > 0n, `both mappings were used: ${r.page1} / ${r.page2}`);
    assert.ok(r.flips >= 100n, `hart 1 rewrote the PTE ${r.flips} times while the AMOs ran`);
    for (const e of r.exits) assert.ok(e.statistics.instructions > 0, `hart ${e.hartId} ran`);
  });
}
