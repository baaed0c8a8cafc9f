// Debian's gdb-multiarch against the stub, in batch mode, on the bare-metal counting program:
// target remote, info registers, break *ADDR, continue, stepi, x/4i $pc, info threads and a
// monitor command, at one hart and at two.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { COUNTING, freePort, gdbBatch, startHartvm, SYMBOLS } from './rsp-client.mjs';

const hex = (value) => `0x${value.toString(16)}`;

for (const smp of [1, 2]) {
  test(`gdb-multiarch -batch -smp ${smp}: registers, a breakpoint, stepi, x/4i, threads, monitor`, { timeout: 120000 }, async () => {
    const port = await freePort();
    const { vm, gdb } = await startHartvm(['-bios', 'none', '-kernel', COUNTING, '-nographic', '-monitor', 'none', '-smp', String(smp), '-S'], port);
    gdb.close(); // the test's probe; gdb-multiarch is the client
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'hartvm-gdb-'));
    const dump = path.join(tmp, 'ram.bin');
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const out = gdbBatch(port, [
        'info registers pc',
        `break *${hex(SYMBOLS.hotLoop)}`,
        'continue',
        'info registers pc s0',
        'stepi',
        'info registers pc s0',
        'x/4i $pc',
        'info threads',
        'monitor info store',
        'set $s2 = 5',
        'info registers s2',
        `x/gx ${hex(SYMBOLS.scratch)}`,
        // gdb reads this in m packets of half its packet size
        `dump binary memory ${dump} 0x80000000 0x80002000`,
      ], COUNTING);
      assert.match(out, /pc\s+0x1000\s/, `held at the reset vector\n${out}`);
      // at two harts, either may reach the breakpoint first: gdb then switches to its thread
      assert.match(out, /(Thread [12] hit )?Breakpoint 1, 0x000000008000002c in hot_loop \(\)/, out);
      assert.match(out, /pc\s+0x8000002c\s+0x8000002c <hot_loop>\ns0\s+0x0\s/, out);
      assert.match(out, /pc\s+0x80000030\s+0x80000030 <compressed_add>\ns0\s+0x1\s/, out);
      assert.match(out, /=> 0x80000030 <compressed_add>:\s+(c\.)?addi?\s+s1,s1,1\n\s+0x80000032 <compressed_add\+2>:\s+sd\s+s0,0\(s3\)/, out);
      assert.match(out, /\s1\s+Thread 1 \(hart 0 \[halted\]\)/, out);
      if (smp === 2) assert.match(out, /\s2\s+Thread 2 \(hart 1 \[halted\]\)/, out);
      else assert.doesNotMatch(out, /Thread 2/, out);
      // the current thread is the one that stopped, at the instruction after the breakpoint
      assert.match(out, /\* [12]\s+Thread [12] \(hart [01] \[halted\]\) 0x0000000080000030 in compressed_add/, out);
      assert.match(out, /translation store \(--tlb-flush=fence\):/, out);
      assert.match(out, /s2\s+0x5\s/, out);
      assert.match(out, /0x80001040( <scratch>)?:\s+0x1122334455667788/, out);
      assert.doesNotMatch(out, /Remote communication error|Ignoring packet error|Truncated register|Cannot access memory/, out);
      const ram = readFileSync(dump);
      assert.equal(ram.length, 0x2000);
      assert.equal(ram.readUInt32LE(0), 0xf1402573, 'csrr a0, mhartid at _start');
      assert.equal(ram.readBigUInt64LE(Number(SYMBOLS.scratch - 0x80000000n)), 0x1122334455667788n);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
      vm.kill('SIGKILL');
    }
  });
}
