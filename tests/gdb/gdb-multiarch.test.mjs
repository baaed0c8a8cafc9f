// Debian's gdb-multiarch against the stub, in batch mode, on the bare-metal counting program:
// target remote, info registers, break *ADDR, continue, stepi, x/4i $pc, info threads and a
// monitor command, at one hart and at two.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { COUNTING, freePort, gdbBatch, startHartvm, SYMBOLS, WATCHING } from './rsp-client.mjs';

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

// Watchpoints as gdb sets them on guest/gdb/watching.S: rwatch, awatch and watch stop at the
// instruction after the access (gdb steps over it from where the hart stopped, before it), with
// the value; a load that straddles two pages; delete, and the program runs to its end.
for (const engine of ['interp', 'jit']) {
  for (const smp of [1, 2]) {
    test(`gdb-multiarch -batch --engine=${engine} -smp ${smp}: rwatch, awatch, watch, a straddling load, delete`, { timeout: 120000 }, async () => {
      const port = await freePort();
      // not held: under the JIT the loop is translated before gdb stops it
      const { vm, gdb } = await startHartvm(['-bios', 'none', '-kernel', WATCHING, '-nographic', '-monitor', 'none', '-smp', String(smp), `--engine=${engine}`], port);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      gdb.close();
      try {
        await new Promise((resolve) => setTimeout(resolve, 200));
        const out = gdbBatch(port, [
          'thread 1',
          'rwatch *(long *)&slots',
          'continue',
          'info registers pc s0 s1',
          'continue',
          'delete',
          'awatch *(long *)&amo_counters',
          'continue',
          'info registers pc s7',
          'delete',
          'watch *(long *)&lr_words',
          'continue',
          'info registers pc s0 s9',
          'delete',
          'rwatch *(int *)((char *)&straddle + 4)',
          'continue',
          'info registers pc s10',
          'delete',
          'thread 1',
          'set $s11 = $s0 + 1000',
          'continue',
        ], WATCHING);
        const hit = '(?:Thread 1 hit )?';
        const read = new RegExp(`${hit}Hardware read watchpoint 1: \\*\\(long \\*\\)&slots\\n\\nValue = (\\d+)\\n0x000000008000004c in amo \\(\\)`, 'g');
        const reads = [...out.matchAll(read)].map((m) => BigInt(m[1]));
        assert.equal(reads.length, 2, `two stops after the load\n${out}`);
        assert.equal(reads[1], reads[0] + 1n, 'one round apart');
        const registers = /pc\s+0x8000004c\s+0x8000004c <amo>\ns0\s+0x([0-9a-f]+)\s+\S+\ns1\s+0x([0-9a-f]+)\s/.exec(out);
        assert.ok(registers, out);
        assert.equal(BigInt(`0x${registers[1]}`), reads[0]);
        assert.equal(BigInt(`0x${registers[2]}`), reads[0], 'the load loaded the value gdb shows');
        const access = new RegExp(`${hit}Hardware access \\(read/write\\) watchpoint 2: \\*\\(long \\*\\)&amo_counters\\n\\nOld value = (\\d+)\\nNew value = (\\d+)\\n0x0000000080000050 in lr \\(\\)`).exec(out);
        assert.ok(access, out);
        assert.equal(BigInt(access[2]), BigInt(access[1]) + 1n);
        assert.match(out, new RegExp(`pc\\s+0x80000050\\s+0x80000050 <lr>\\ns7\\s+0x${BigInt(access[1]).toString(16)}\\s`), 'the AMO read the old value');
        const write = new RegExp(`${hit}Hardware watchpoint 3: \\*\\(long \\*\\)&lr_words\\n\\nOld value = (\\d+)\\nNew value = (\\d+)\\n0x0000000080000058 in straddle_load \\(\\)`).exec(out);
        assert.ok(write, out);
        assert.match(out, new RegExp(`pc\\s+0x80000058\\s+0x80000058 <straddle_load>\\ns0\\s+0x${BigInt(write[2]).toString(16)}\\s+\\S+\\ns9\\s+0x0\\s`), 'the sc stored s0');
        assert.match(out, /(Thread [12] hit )?Hardware read watchpoint 4: \*\(int \*\)\(\(char \*\)&straddle \+ 4\)\n\nValue = -2005440939\n0x000000008000005c in loop_end \(\)/, out);
        assert.match(out, /pc\s+0x8000005c\s+0x8000005c <loop_end>\ns10\s+0x8877665544332211\s/, out);
        assert.doesNotMatch(out, /Remote communication error|Ignoring packet error|Could not insert|Cannot access memory/, out);
        assert.equal(await vm.exited, 0, `the program ran to its end\n${out}`);
      } finally {
        vm.kill('SIGKILL');
      }
    });
  }
}

test('gdb-multiarch -batch: more watchpoints than the stub takes are refused, and it goes on', { timeout: 120000 }, async () => {
  const port = await freePort();
  const { vm, gdb } = await startHartvm(['-bios', 'none', '-kernel', WATCHING, '-nographic', '-monitor', 'none', '-S'], port);
  gdb.close();
  try {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const out = gdbBatch(port, [
      ...Array.from({ length: 17 }, (_, i) => `rwatch *((char *)&slots + ${i})`),
      'continue',
      'delete',
      'rwatch *(long *)&slots',
      'continue',
      'delete',
      'set $s11 = 5',
      'continue',
    ], WATCHING);
    assert.match(out, /Could not insert hardware watchpoint/, out);
    assert.match(out, /Hardware read watchpoint 18: \*\(long \*\)&slots\n\nValue = 1\n0x000000008000004c in amo \(\)/, out);
    assert.doesNotMatch(out, /Remote communication error|Ignoring packet error/, out);
    assert.equal(await vm.exited, 0, `the program ran to its end\n${out}`);
  } finally {
    vm.kill('SIGKILL');
  }
});
