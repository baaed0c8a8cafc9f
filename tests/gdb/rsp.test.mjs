// The GDB stub spoken to in raw RSP over TCP, on a bare-metal program (guest/gdb/counting.S),
// under both engines, at one hart (on the calling thread) and two (each on a thread of its own):
// registers and memory read and written, breakpoints hit at their pc, single steps over a
// 32-bit and a compressed instruction and into a trap handler, continue, Ctrl-C, threads, and
// garbage answered without harm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COUNTING, freePort, REG, RspClient, startHartvm, SYMBOLS } from './rsp-client.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const hex = (value) => value.toString(16);

for (const engine of ['interp', 'jit']) {
  for (const smp of [1, 2]) {
    test(`--engine=${engine} -smp ${smp}: registers, memory, breakpoints, steps, Ctrl-C and threads over raw RSP`, { timeout: 120000 }, async () => {
      const port = await freePort();
      const { vm, gdb } = await startHartvm(['-bios', 'none', '-kernel', COUNTING, '-nographic', '-monitor', 'none', '-smp', String(smp), `--engine=${engine}`, '-S'], port);
      try {
        const supported = await gdb.request('qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386');
        for (const feature of ['PacketSize=', 'qXfer:features:read+', 'vContSupported+', 'QStartNoAckMode+']) assert.ok(supported.includes(feature), supported);
        assert.equal(await gdb.request('?'), 'T05thread:1;');
        let xml = '';
        for (let part = ''; !part.startsWith('l');) {
          part = await gdb.request(`qXfer:features:read:target.xml:${xml.length.toString(16)},400`);
          assert.match(part, /^[ml]/);
          xml += part.slice(1);
        }
        assert.equal(await gdb.request('qXfer:features:read:other.xml:0,400'), 'E00');
        for (const feature of ['cpu', 'fpu', 'csr', 'virtual']) assert.ok(xml.includes(`org.gnu.gdb.riscv.${feature}`), feature);
        assert.ok(xml.includes('<architecture>riscv:rv64</architecture>'));
        assert.ok(xml.includes('name="mstatus"') && xml.includes('name="priv"') && xml.includes('name="fcsr"'));
        assert.equal(await gdb.request('qfThreadInfo'), smp === 1 ? 'm1' : 'm1,2');
        assert.equal(await gdb.request('qsThreadInfo'), 'l');
        assert.equal(await gdb.request('qAttached'), '1');
        // held at reset, in the boot ROM, in M-mode
        assert.equal(await gdb.register(REG.pc), 0x1000n);
        assert.equal(await gdb.register(REG.priv), 3n);
        const g = await gdb.request('g');
        assert.equal(g.length, 33 * 16, 'x0-x31 and pc');
        assert.equal(g.slice(32 * 16), '0010000000000000');

        // a breakpoint stops the hart that reaches it, at its pc
        assert.equal(await gdb.request(`Z0,${hex(SYMBOLS.hotLoop)},4`), 'OK');
        gdb.raw('$vCont;c#a8');
        const stop = await gdb.next();
        assert.match(stop, /^T05thread:[12];$/);
        const stopped = Number.parseInt(stop.slice('T05thread:'.length), 16);
        assert.equal(await gdb.request(`Hg${stopped}`), 'OK');
        assert.equal(await gdb.register(REG.pc), SYMBOLS.hotLoop);
        assert.equal(await gdb.register(REG.s0), 0n, 'stopped before the first addi');
        assert.equal(await gdb.request(`z0,${hex(SYMBOLS.hotLoop)},4`), 'OK');

        // single steps: a 32-bit addi, then a compressed c.addi
        assert.equal(await gdb.request(`vCont;s:${stopped}`), `T05thread:${stopped};`);
        assert.equal(await gdb.register(REG.pc), SYMBOLS.compressedAdd);
        assert.equal(await gdb.register(REG.s0), 1n);
        assert.equal(await gdb.request(`vCont;s:${stopped}`), `T05thread:${stopped};`);
        assert.equal(await gdb.register(REG.pc), SYMBOLS.store, 'two bytes on');
        assert.equal(await gdb.register(REG.s1), 1n);
        // a register written goes back into the hart: s2 set makes it take the ecall
        assert.equal(await gdb.setRegister(REG.s2, 1), 'OK');
        assert.equal(await gdb.register(REG.s2), 1n);
        assert.equal(await gdb.request(`vCont;s:${stopped}`), `T05thread:${stopped};`); // sd
        assert.equal(await gdb.request(`vCont;s:${stopped}`), `T05thread:${stopped};`); // bnez, taken
        assert.equal(await gdb.register(REG.pc), SYMBOLS.doEcall);
        // the step into the trap stops at the handler's first instruction
        assert.equal(await gdb.request(`vCont;s:${stopped}`), `T05thread:${stopped};`);
        assert.equal(await gdb.register(REG.pc), SYMBOLS.trapHandler);
        assert.equal(await gdb.register(REG.mcause), 11n, 'ecall from M-mode');
        assert.equal(await gdb.register(REG.mepc), SYMBOLS.doEcall);
        // G writes x0-x31 and pc back: s1 (x9) changed, x0 stays zero
        const general = await gdb.request('g');
        const s1 = await gdb.register(REG.s1);
        const changed = `${'ff'.repeat(8)}${general.slice(16, 9 * 16)}${'2a'.padEnd(16, '0')}${general.slice(10 * 16)}`;
        assert.equal(await gdb.request(`G${changed}`), 'OK');
        assert.equal(await gdb.register(0), 0n, 'x0 is zero');
        assert.equal(await gdb.register(REG.s1), 42n);
        assert.equal(await gdb.register(REG.pc), SYMBOLS.trapHandler, 'pc as it was');
        assert.equal(await gdb.setRegister(REG.s1, s1), 'OK');
        assert.equal(await gdb.request('G00'), 'E22', 'a G of the wrong size');
        // fflags/frm are fields of fcsr
        assert.equal(await gdb.setRegister(REG.fcsr, 0xe3, 4), 'OK');
        assert.equal(await gdb.register(REG.frm), 7n);
        assert.equal(await gdb.register(REG.fflags), 3n);

        // memory: the hart's counter, the scratch word, written in hex and in binary
        const counter = await gdb.request(`m${hex(SYMBOLS.counters + BigInt(8 * (stopped - 1)))},8`);
        assert.equal(counter, '0100000000000000', 'the sd stored s0 = 1');
        assert.equal(await gdb.request(`m${hex(SYMBOLS.scratch)},8`), '8877665544332211');
        assert.equal(await gdb.request(`M${hex(SYMBOLS.scratch)},4:01020304`), 'OK');
        assert.equal(await gdb.request(`m${hex(SYMBOLS.scratch)},8`), '0102030444332211');
        // X: binary, with the escapes of # $ } (0x23 0x24 0x7d)
        assert.equal(await gdb.request(`X${hex(SYMBOLS.scratch)},3:}\x03}\x04}\x5d`), 'OK');
        assert.equal(await gdb.request(`m${hex(SYMBOLS.scratch)},4`), '23247d04');
        assert.equal(await gdb.request('m0,4'), 'E14', 'nothing there');
        assert.equal(await gdb.request(`m${hex(SYMBOLS.scratch)},100000`), 'E22', 'too long to answer');

        // s: the hart Hc chose takes one step (mret's first: the handler's csrr)
        assert.equal(await gdb.request(`Hc${stopped}`), 'OK');
        assert.equal(await gdb.request('s'), `T05thread:${stopped};`);
        assert.equal(await gdb.register(REG.pc), SYMBOLS.trapHandler + 4n);
        // continue and Ctrl-C: every hart stops, SIGINT
        assert.equal(await gdb.request(`Hg${stopped}`), 'OK');
        const before = await gdb.register(REG.s0);
        gdb.raw('$c#63');
        await sleep(300);
        gdb.raw('\x03');
        assert.match(await gdb.next(), /^T02thread:[12];$/);
        assert.equal(await gdb.request(`Hg${stopped}`), 'OK');
        const after = await gdb.register(REG.s0);
        assert.ok(after > before + 1000n, `the hart ran on: s0 ${before} -> ${after}`);
        const counted = await gdb.request(`m${hex(SYMBOLS.counters + BigInt(8 * (stopped - 1)))},8`);
        const stored = BigInt(`0x${counted.match(/../g).reverse().join('')}`);
        assert.ok(stored === after || stored === after - 1n, `memory follows s0 (${stored} vs ${after})`);
        await sleep(200);
        assert.equal(await gdb.register(REG.s0), after, 'held harts count nothing');

        if (smp === 2) {
          // threads: Hg selects, the stop names the hart that stopped
          assert.equal(await gdb.request('T2'), 'OK');
          assert.equal(await gdb.request('T3'), 'E01');
          assert.ok(Buffer.from(await gdb.request('qThreadExtraInfo,2'), 'hex').toString().includes('hart 1'));
          assert.equal(await gdb.request('Hg2'), 'OK');
          assert.equal(await gdb.setRegister(REG.s2, 1), 'OK');
          assert.equal(await gdb.request('Hg1'), 'OK');
          assert.equal(await gdb.setRegister(REG.s2, 0), 'OK');
          assert.equal(await gdb.request(`Z0,${hex(SYMBOLS.doEcall)},4`), 'OK');
          gdb.raw('$vCont;c#a8');
          assert.equal(await gdb.next(), 'T05thread:2;', 'hart 1 (thread 2) reached do_ecall');
          assert.equal(await gdb.request('qC'), 'QC2');
          assert.equal(await gdb.request('Hg2'), 'OK');
          assert.equal(await gdb.register(REG.pc), SYMBOLS.doEcall);
          assert.equal(await gdb.request('Hg1'), 'OK');
          const other = await gdb.register(REG.pc);
          assert.ok(other >= SYMBOLS.hotLoop && other < SYMBOLS.doEcall, `hart 0 is held in its loop (pc ${hex(other)})`);
          const held = await gdb.register(REG.s0);
          await sleep(200);
          assert.equal(await gdb.register(REG.s0), held, 'all-stop: hart 0 is held too');
          assert.equal(await gdb.request(`z0,${hex(SYMBOLS.doEcall)},4`), 'OK');
        }

        // garbage: bytes outside packets, a bad checksum, an overlong packet, an unknown packet
        gdb.raw('garbage+++');
        gdb.raw('$g#00');
        gdb.raw(`$${'a'.repeat(10000)}#00`);
        assert.equal(await gdb.request('qNoSuchThing'), '');
        assert.equal(await gdb.request('Zq'), 'E22');
        assert.equal(await gdb.request('p99999'), 'E22');
        assert.equal(await gdb.request('?').then((r) => r.slice(0, 3)), 'T05');
        assert.ok(gdb.acks.includes('-'), 'the damaged packets were refused');
        // no acks from here on
        assert.equal(await gdb.request('QStartNoAckMode'), 'OK');
        gdb.ackMode = false;
        assert.equal(await gdb.request('qAttached'), '1');
        // monitor commands (qRcmd), output in hex
        const info = Buffer.from(await gdb.request(`qRcmd,${Buffer.from('info status').toString('hex')}`), 'hex').toString();
        assert.equal(info, 'VM status: paused\n');

        // k: the VMM exits
        gdb.raw('$k#6b');
        assert.equal(await vm.exited, 0);
      } finally {
        gdb.close();
        vm.kill('SIGKILL');
      }
    });
  }
}

test('--engine=jit: a breakpoint in a hot loop that is already translated is hit', { timeout: 120000 }, async () => {
  const port = await freePort();
  const { vm, gdb } = await startHartvm(['-bios', 'none', '-kernel', COUNTING, '-nographic', '-monitor', 'none', '--engine=jit'], port);
  try {
    // connecting stops the machine; let it run until the loop is translated
    assert.equal(await gdb.request('?'), 'T05thread:1;');
    gdb.raw('$c#63');
    await sleep(1500);
    gdb.raw('\x03');
    assert.equal(await gdb.next(), 'T02thread:1;');
    const store = Buffer.from(await gdb.request(`qRcmd,${Buffer.from('info store').toString('hex')}`), 'hex').toString();
    const row = store.split('\n')[store.split('\n').findIndex((l) => l.startsWith('translated code')) + 2];
    const translations = Number(row.trim().split(/\s+/)[1]);
    assert.ok(translations >= 1, `the loop was translated: ${row}`);
    const pcBefore = await gdb.register(REG.pc);
    assert.ok(pcBefore >= SYMBOLS.hotLoop && pcBefore < SYMBOLS.doEcall, `in the loop (pc ${hex(pcBefore)})`);
    // a breakpoint on an instruction in the middle of the translated loop
    assert.equal(await gdb.request(`Z0,${hex(SYMBOLS.branch)},4`), 'OK');
    const s0 = await gdb.register(REG.s0);
    gdb.raw('$c#63');
    assert.equal(await gdb.next(), 'T05thread:1;');
    assert.equal(await gdb.register(REG.pc), SYMBOLS.branch);
    const next = await gdb.register(REG.s0);
    assert.ok(next - s0 <= 1n, `stopped within one round of the loop (s0 ${s0} -> ${next})`);
    // and again: the breakpoint at the pc is stepped off, the next round stops there
    gdb.raw('$c#63');
    assert.equal(await gdb.next(), 'T05thread:1;');
    assert.equal(await gdb.register(REG.pc), SYMBOLS.branch);
    assert.equal(await gdb.register(REG.s0), next + 1n, 'one more round');
    // without breakpoints the hart translates again and runs on
    assert.equal(await gdb.request(`z0,${hex(SYMBOLS.branch)},4`), 'OK');
    gdb.raw('$c#63');
    await sleep(500);
    gdb.raw('\x03');
    assert.equal(await gdb.next(), 'T02thread:1;');
    assert.ok(await gdb.register(REG.s0) > next + 1000n);
  } finally {
    gdb.close();
    vm.kill('SIGKILL');
  }
});

for (const policy of ['fence', 'block', 'instruction']) {
  for (const smp of [1, 2]) {
    test(`--tlb-flush=${policy} -smp ${smp}: breakpoints and steps`, { timeout: 120000 }, async () => {
      const port = await freePort();
      const { vm, gdb } = await startHartvm(['-bios', 'none', '-kernel', COUNTING, '-nographic', '-monitor', 'none', '-smp', String(smp), `--tlb-flush=${policy}`, '-S'], port);
      try {
        assert.equal(await gdb.request('?'), 'T05thread:1;');
        assert.equal(await gdb.request(`Z1,${hex(SYMBOLS.compressedAdd)},2`), 'OK');
        for (let round = 1n; round <= 3n; round++) {
          gdb.raw('$vCont;c#a8');
          const stop = await gdb.next();
          assert.match(stop, /^T05thread:[12];$/);
          assert.equal(await gdb.request(`Hg${stop.slice(10, 11)}`), 'OK');
          assert.equal(await gdb.register(REG.pc), SYMBOLS.compressedAdd);
          if (smp === 1) assert.equal(await gdb.register(REG.s0), round);
        }
        const s1 = await gdb.register(REG.s1);
        const thread = (await gdb.request('qC')).slice(2);
        assert.equal(await gdb.request(`vCont;s:${thread}`), `T05thread:${thread};`);
        assert.equal(await gdb.register(REG.pc), SYMBOLS.store);
        assert.equal(await gdb.register(REG.s1), s1 + 1n);
      } finally {
        gdb.close();
        vm.kill('SIGKILL');
      }
    });
  }
}

for (const engine of ['interp', 'jit']) {
  for (const smp of [1, 2]) {
    test(`--engine=${engine} -smp ${smp}: a write watchpoint (Z2) stops the hart at the store that writes, before it stores`, { timeout: 120000 }, async () => {
      const port = await freePort();
      const { vm, gdb } = await startHartvm(['-bios', 'none', '-kernel', COUNTING, '-nographic', '-monitor', 'none', '-smp', String(smp), `--engine=${engine}`], port);
      try {
        assert.equal(await gdb.request('?'), 'T05thread:1;');
        // let the loop run (and, under the JIT, be translated) first
        gdb.raw('$c#63');
        await sleep(1000);
        gdb.raw('\x03');
        assert.match(await gdb.next(), /^T02/);
        const thread = smp; // the last hart's slot
        const slot = SYMBOLS.counters + BigInt(8 * (thread - 1));
        assert.equal(await gdb.request(`Z2,${hex(slot)},8`), 'OK');
        let s0 = 0n;
        for (let round = 0; round < 2; round++) {
          gdb.raw('$vCont;c#a8');
          assert.equal(await gdb.next(), `T05watch:${hex(slot)};thread:${thread};`);
          assert.equal(await gdb.request(`Hg${thread}`), 'OK');
          // as QEMU's RISC-V harts (and gdb, which then steps over it): stopped at the sd, before it stores
          assert.equal(await gdb.register(REG.pc), SYMBOLS.store, 'stopped at the sd');
          const now = await gdb.register(REG.s0);
          if (round > 0) assert.equal(now, s0 + 1n, 'the next round: the sd it stopped at ran, and stopped nothing');
          s0 = now;
          const stored = await gdb.request(`m${hex(slot)},8`);
          assert.equal(BigInt(`0x${stored.match(/../g).reverse().join('')}`), s0 - 1n, 'the store has not happened yet');
        }
        // a step stores
        assert.equal(await gdb.request(`vCont;s:${thread}`), `T05thread:${thread};`);
        assert.equal(await gdb.register(REG.pc), SYMBOLS.branch);
        const stored = await gdb.request(`m${hex(slot)},8`);
        assert.equal(BigInt(`0x${stored.match(/../g).reverse().join('')}`), s0, 'the store has happened');
        assert.equal(await gdb.request(`z2,${hex(slot)},8`), 'OK');
        assert.equal(await gdb.request(`Hg${thread}`), 'OK');
        const before = await gdb.register(REG.s0);
        gdb.raw('$c#63');
        await sleep(300);
        gdb.raw('\x03');
        assert.match(await gdb.next(), /^T02/);
        assert.equal(await gdb.request(`Hg${thread}`), 'OK');
        assert.ok(await gdb.register(REG.s0) > before + 1000n, 'without the watchpoint the loop runs on');
      } finally {
        gdb.close();
        vm.kill('SIGKILL');
      }
    });
  }
}

for (const smp of [1, 2]) {
  test(`-smp ${smp}: no interrupt is taken during a step; a continue takes it`, { timeout: 120000 }, async () => {
    const port = await freePort();
    const { vm, gdb } = await startHartvm(['-bios', 'none', '-kernel', COUNTING, '-nographic', '-monitor', 'none', '-smp', String(smp), '-S'], port);
    try {
      assert.equal(await gdb.request('?'), 'T05thread:1;');
      assert.equal(await gdb.request(`Z0,${hex(SYMBOLS.hotLoop)},4`), 'OK');
      assert.equal(await gdb.request('vCont;c:1'), 'T05thread:1;', 'hart 0 alone runs to its loop');
      assert.equal(await gdb.request(`z0,${hex(SYMBOLS.hotLoop)},4`), 'OK');
      assert.equal(await gdb.request('Hg1'), 'OK');
      // a supervisor software interrupt pending and enabled, taken in M-mode (not delegated) with MIE set
      assert.equal(await gdb.setRegister(REG.mip, 2), 'OK');
      assert.equal(await gdb.setRegister(REG.mie, 2), 'OK');
      assert.equal(await gdb.setRegister(REG.mstatus, (await gdb.register(REG.mstatus)) | 8n), 'OK');
      assert.equal(await gdb.register(REG.mip) & 2n, 2n, 'pending');
      const path = [];
      for (let i = 0; i < 6; i++) {
        assert.equal(await gdb.request('vCont;s:1'), 'T05thread:1;');
        path.push(await gdb.register(REG.pc));
      }
      assert.deepEqual(path, [SYMBOLS.compressedAdd, SYMBOLS.store, SYMBOLS.branch, SYMBOLS.branch + 4n, SYMBOLS.hotLoop, SYMBOLS.compressedAdd],
        'the steps follow the loop, the interrupt not taken');
      assert.equal(await gdb.request(`Z0,${hex(SYMBOLS.trapHandler)},4`), 'OK');
      assert.equal(await gdb.request('vCont;c:1'), 'T05thread:1;');
      assert.equal(await gdb.register(REG.pc), SYMBOLS.trapHandler);
      assert.equal(await gdb.register(REG.mcause), (1n << 63n) | 1n, 'the supervisor software interrupt, taken at once');
      assert.equal(await gdb.register(REG.mepc), SYMBOLS.compressedAdd);
    } finally {
      gdb.close();
      vm.kill('SIGKILL');
    }
  });
}

test('a client that goes away without D: its breakpoints go, the held harts stay held, the next client finds them', { timeout: 120000 }, async () => {
  const port = await freePort();
  const { vm, gdb } = await startHartvm(['-bios', 'none', '-kernel', COUNTING, '-nographic', '-monitor', 'none', '-S'], port);
  let second;
  try {
    assert.equal(await gdb.request(`Z0,${hex(SYMBOLS.compressedAdd)},2`), 'OK');
    assert.equal(await gdb.request('vCont;c'), 'T05thread:1;');
    gdb.close();
    await sleep(500);
    second = await RspClient.connect(port);
    assert.equal(await second.request('?'), 'T05thread:1;');
    assert.equal(await second.register(REG.pc), SYMBOLS.compressedAdd, 'held where it stopped');
    second.raw('$c#63');
    await sleep(300);
    second.raw('\x03');
    assert.equal(await second.next(), 'T02thread:1;', 'no breakpoint stopped it: the first client\'s are gone');
    assert.ok(await second.register(REG.s0) > 1000n);
  } finally {
    second?.close();
    gdb.close();
    vm.kill('SIGKILL');
  }
});
