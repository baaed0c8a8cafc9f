// Watchpoints over raw RSP on guest/gdb/watching.S: read (Z3), access (Z4) and write (Z2) ones
// stop the hart that makes the access before the instruction, as QEMU's RISC-V harts do (gdb
// steps over it itself), with rwatch:/awatch:/watch: and the address in the stop reply; loads,
// stores, an AMO, LR and SC, and a load that straddles two pages with a watch on either side;
// accesses to other words of watched pages, and fetches of watched code, run on; the hart
// resumed at the instruction that stopped it is not stopped there again; too many watchpoints
// are an error reply; deleted, the program runs to its end. Under both engines (translated code
// runs while there are watchpoints, and meets them: its counters grow), under each --tlb-flush
// policy, at one hart and two.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, REG, startHartvm, WATCHING, WATCH_SYMBOLS as W } from './rsp-client.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const hex = (value) => value.toString(16);

/** The little-endian doubleword at `address`. */
async function doubleword(gdb, address) {
  const text = await gdb.request(`m${hex(address)},8`);
  return BigInt(`0x${text.match(/../g).reverse().join('')}`);
}

/** Column `column` of each hart's row of the table under the header that `header` matches (monitor info store). */
async function storeColumn(gdb, header, column) {
  const lines = Buffer.from(await gdb.request(`qRcmd,${Buffer.from('info store').toString('hex')}`), 'hex').toString().split('\n');
  const at = lines.findIndex((l) => header.test(l));
  assert.ok(at > 0, lines.join('\n'));
  const values = [];
  for (let i = at + 1; i < lines.length && /^\s*\d/.test(lines[i]); i++) values.push(Number(lines[i].trim().split(/\s+/)[column]));
  return values;
}

/** Instructions translated code retired so far, hart `hart`'s or every hart's together. */
async function translatedInstructions(gdb, hart) {
  const each = await storeColumn(gdb, /^hart\s+translations/, 4);
  return hart === undefined ? each.reduce((a, b) => a + b, 0) : each[hart];
}

/** Instructions hart `hart` retired so far. */
async function retired(gdb, hart) {
  return (await storeColumn(gdb, /^hart\s+instructions/, 1))[hart];
}

/** Lets the harts run for `ms`, then Ctrl-C: nothing must have stopped them meanwhile. */
async function runFor(gdb, ms) {
  gdb.raw('$vCont;c#a8');
  await sleep(ms);
  gdb.raw('\x03');
  assert.match(await gdb.next(), /^T02thread:[12];$/, 'only the Ctrl-C stopped the harts');
}

const CONFIGS = [
  { engine: 'interp', policy: 'fence' }, { engine: 'jit', policy: 'fence' },
  { engine: 'interp', policy: 'block' }, { engine: 'jit', policy: 'block' },
  { engine: 'interp', policy: 'instruction' },
];

for (const { engine, policy } of CONFIGS) {
  for (const smp of [1, 2]) {
    test(`--engine=${engine} --tlb-flush=${policy} -smp ${smp}: read, access and write watchpoints over raw RSP`, { timeout: 180000 }, async () => {
      const port = await freePort();
      const { vm, gdb } = await startHartvm(['-bios', 'none', '-kernel', WATCHING, '-nographic', '-monitor', 'none', '-smp', String(smp),
        `--engine=${engine}`, `--tlb-flush=${policy}`], port);
      // (the JIT runs nothing under the instruction policy; under the block policy it gives this
      // loop up, watchpoints or not: the store is emptied at every taken branch, so its AMO, LR
      // and SC miss and are interpreted every round, more than a translation may hand over)
      const translates = engine === 'jit' && policy === 'fence';
      try {
        assert.equal(await gdb.request('?'), 'T05thread:1;');
        // the loop runs (and, under the JIT, is translated) first
        await runFor(gdb, 1000);
        const translatedBefore = translates ? await translatedInstructions(gdb) : 0;
        if (translates) assert.ok(translatedBefore > 0, 'the loop was translated');

        // watchpoints on the pages the loop's loads and stores use, on words no hart touches, and
        // on the loop's own code (fetches are no data accesses): it runs on, and translated code
        // with it (whose loads and stores there take the slow path; the AMO, LR and SC, which it
        // leaves to the interpreter there, use other pages)
        const unused = [`Z3,${hex(W.slots + 56n)},8`, `Z2,${hex(W.slots + 48n)},8`, `Z4,${hex(W.straddle - 8n)},4`, `Z3,${hex(W.straddle + 8n)},8`,
          `Z4,${hex(W.loop)},32`];
        for (const packet of unused) assert.equal(await gdb.request(packet), 'OK');
        assert.equal(await gdb.request('Hg1'), 'OK');
        const s0Before = await gdb.register(REG.s0);
        await runFor(gdb, 700);
        assert.equal(await gdb.request('Hg1'), 'OK');
        assert.ok(await gdb.register(REG.s0) > s0Before + 1000n, 'the loop ran on');
        if (translates) {
          const translated = await translatedInstructions(gdb) - translatedBefore;
          assert.ok(translated > 100000, `translated code ran while there were watchpoints (${translated} instructions)`);
        }
        for (const packet of unused) assert.equal(await gdb.request(`z${packet.slice(1)}`), 'OK');

        // the last hart's own words: only it touches them, and the stop names its thread
        const thread = smp;
        const slot = W.slots + BigInt(8 * (thread - 1));
        const counter = W.amoCounters + BigInt(8 * (thread - 1));
        const lrWord = W.lrWords + BigInt(8 * (thread - 1));
        const cont = async (reply, pc) => {
          gdb.raw('$vCont;c#a8');
          assert.equal(await gdb.next(), `${reply}thread:${thread};`);
          assert.equal(await gdb.request(`Hg${thread}`), 'OK');
          assert.equal(await gdb.register(REG.pc), pc, `stopped at ${hex(pc)}, before its access`);
        };
        const step = async (pc) => {
          assert.equal(await gdb.request(`vCont;s:${thread}`), `T05thread:${thread};`, 'the stopped instruction steps without stopping again');
          assert.equal(await gdb.register(REG.pc), pc);
        };

        // rwatch: at the load, its value not loaded yet; a step loads it; the next round stops again
        assert.equal(await gdb.request(`Z3,${hex(slot)},8`), 'OK');
        let s0 = 0n, count = 0, translated = 0;
        for (let round = 0; round < 2; round++) {
          await cont(`T05rwatch:${hex(slot)};`, W.load);
          const now = await gdb.register(REG.s0), instructions = await retired(gdb, thread - 1);
          if (round > 0) assert.equal(now, s0 + 1n, 'one round of the loop on');
          if (round > 0) assert.equal(instructions, count + 8, 'the 8 instructions of a round retired, the load not yet');
          if (round > 0 && translates) assert.ok(await translatedInstructions(gdb, thread - 1) > translated, 'translated code met the watchpoint');
          s0 = now;
          count = instructions;
          if (translates) translated = await translatedInstructions(gdb, thread - 1);
          assert.equal(await doubleword(gdb, slot), s0, 'the store before it has happened');
          assert.equal(await gdb.register(REG.s1), s0 - 1n, 'the load has not');
          if (round === 0) {
            await step(W.amo);
            assert.equal(await gdb.register(REG.s1), s0, 'the step loaded the value');
          }
        }
        assert.equal(await gdb.request(`z3,${hex(slot)},8`), 'OK');

        // awatch on the AMO's word: before it reads and writes; a step does both
        assert.equal(await gdb.request(`Z4,${hex(counter)},8`), 'OK');
        await cont(`T05awatch:${hex(counter)};`, W.amo);
        const old = await doubleword(gdb, counter);
        await step(W.lr);
        assert.equal(await gdb.register(REG.s7), old, 'the AMO read the old value');
        assert.equal(await doubleword(gdb, counter), old + 1n, 'and added one');
        assert.equal(await gdb.request(`z4,${hex(counter)},8`), 'OK');

        // awatch on the slot: the store stops it, then (resumed there, the store done) the load
        assert.equal(await gdb.request(`Z4,${hex(slot)},8`), 'OK');
        await cont(`T05awatch:${hex(slot)};`, W.store);
        s0 = await gdb.register(REG.s0);
        assert.equal(await doubleword(gdb, slot), s0 - 1n, 'not stored yet');
        await cont(`T05awatch:${hex(slot)};`, W.load);
        assert.equal(await gdb.register(REG.s0), s0, 'the same round');
        assert.equal(await doubleword(gdb, slot), s0, 'stored');
        assert.equal(await gdb.request(`z4,${hex(slot)},8`), 'OK');

        // rwatch on the reserved word: the lr stops, the sc (a store) does not
        assert.equal(await gdb.request(`Z3,${hex(lrWord)},8`), 'OK');
        await cont(`T05rwatch:${hex(lrWord)};`, W.lr);
        s0 = await gdb.register(REG.s0);
        await cont(`T05rwatch:${hex(lrWord)};`, W.lr);
        assert.equal(await gdb.register(REG.s0), s0 + 1n, 'no stop at the sc');
        assert.equal(await gdb.request(`z3,${hex(lrWord)},8`), 'OK');
        // watch on it: the sc stops, its reservation kept; stepped, it stores
        assert.equal(await gdb.request(`Z2,${hex(lrWord)},8`), 'OK');
        await cont(`T05watch:${hex(lrWord)};`, W.sc);
        s0 = await gdb.register(REG.s0);
        await step(W.straddleLoad);
        assert.equal(await gdb.register(REG.s9), 0n, 'the sc succeeded');
        assert.equal(await doubleword(gdb, lrWord), s0);
        assert.equal(await gdb.request(`z2,${hex(lrWord)},8`), 'OK');

        // a load straddling two pages, a watch on the half on either page: the hart that loads stops
        for (const [address, length] of [[W.straddle, 4], [W.straddle + 4n, 4], [W.straddle + 2n, 1]]) {
          assert.equal(await gdb.request(`Z3,${hex(address)},${length}`), 'OK');
          gdb.raw('$vCont;c#a8');
          const stop = await gdb.next();
          const match = /^T05rwatch:([0-9a-f]+);thread:([12]);$/.exec(stop);
          assert.ok(match, stop);
          assert.equal(BigInt(`0x${match[1]}`), address);
          assert.ok(Number(match[2]) <= smp);
          assert.equal(await gdb.request(`Hg${match[2]}`), 'OK');
          assert.equal(await gdb.register(REG.pc), W.straddleLoad, 'the thread reported is the hart that loads');
          assert.equal(await gdb.request(`vCont;s:${match[2]}`), `T05thread:${match[2]};`);
          assert.equal(await gdb.register(REG.s10), 0x8877665544332211n, 'the step loaded both halves');
          assert.equal(await gdb.request(`z3,${hex(address)},${length}`), 'OK');
        }

        // watchpoints on the AMO's and the LR's pages: the loop runs on (the interpreter does those there, so that
        // translated code may give the loop up)
        const others = [`Z4,${hex(W.amoCounters + 56n)},8`, `Z3,${hex(W.lrWords + 56n)},8`, `Z2,${hex(W.lrWords + 48n)},8`];
        for (const packet of others) assert.equal(await gdb.request(packet), 'OK');
        assert.equal(await gdb.request('Hg1'), 'OK');
        const s0Later = await gdb.register(REG.s0);
        await runFor(gdb, 300);
        assert.equal(await gdb.request('Hg1'), 'OK');
        assert.ok(await gdb.register(REG.s0) > s0Later + 1000n, 'the loop ran on');
        for (const packet of others) assert.equal(await gdb.request(`z${packet.slice(1)}`), 'OK');

        // bounded: 16 at once, the 17th an error; bad ones too; the stub goes on
        for (let i = 0; i < 16; i++) assert.equal(await gdb.request(`Z${3 + (i & 1)},${hex(W.slots + BigInt(i))},1`), 'OK');
        assert.equal(await gdb.request(`Z3,${hex(W.slots + 16n)},1`), 'E01', 'too many watchpoints');
        assert.equal(await gdb.request(`Z2,${hex(W.slots + 16n)},1`), 'E01', 'too many watchpoints');
        for (let i = 0; i < 16; i++) assert.equal(await gdb.request(`z${3 + (i & 1)},${hex(W.slots + BigInt(i))},1`), 'OK');
        assert.equal(await gdb.request(`Z3,${hex(W.slots)},41`), 'E22', 'longer than 64 bytes');
        assert.equal(await gdb.request(`Z4,${hex(W.slots)},0`), 'E22', 'empty');
        assert.equal(await gdb.request('Z3,0,8'), 'E14', 'not RAM');
        assert.equal(await gdb.request('?').then((r) => r.slice(0, 3)), 'T05');

        // one more stop, the watchpoint deleted: hart 0 runs to the end of its loop and powers off
        assert.equal(await gdb.request(`Z4,${hex(slot)},8`), 'OK');
        await cont(`T05awatch:${hex(slot)};`, W.store);
        assert.equal(await gdb.request(`z4,${hex(slot)},8`), 'OK');
        assert.equal(await gdb.request('Hg1'), 'OK');
        assert.equal(await gdb.setRegister(REG.s11, (await gdb.register(REG.s0)) + 10000n), 'OK');
        gdb.raw('$vCont;c#a8');
        assert.equal(await vm.exited, 0, vm.output);
      } finally {
        gdb.close();
        vm.kill('SIGKILL');
      }
    });
  }
}

for (const engine of ['interp', 'jit']) {
  test(`--engine=${engine} -smp 2: both harts stop at a word both read; gdb hears of one at a time, and of every read`, { timeout: 180000 }, async () => {
    const port = await freePort();
    const { vm, gdb } = await startHartvm(['-bios', 'none', '-kernel', WATCHING, '-nographic', '-monitor', 'none', '-smp', '2', `--engine=${engine}`], port);
    try {
      assert.equal(await gdb.request('?'), 'T05thread:1;');
      await runFor(gdb, 500);
      assert.equal(await gdb.request(`Z3,${hex(W.straddle)},8`), 'OK');
      // as gdb does: the hart it heard of steps over its load with the watchpoint out, the other held
      const seen = { 1: [], 2: [] };
      for (let round = 0; round < 12; round++) {
        gdb.raw('$vCont;c#a8');
        const match = /^T05rwatch:([0-9a-f]+);thread:([12]);$/.exec(await gdb.next());
        assert.ok(match);
        const thread = match[2];
        assert.equal(await gdb.request(`Hg${thread}`), 'OK');
        assert.equal(await gdb.register(REG.pc), W.straddleLoad);
        seen[thread].push(await gdb.register(REG.s0));
        assert.equal(await gdb.request(`z3,${hex(W.straddle)},8`), 'OK');
        assert.equal(await gdb.request(`vCont;s:${thread}`), `T05thread:${thread};`);
        assert.equal(await gdb.request(`Z3,${hex(W.straddle)},8`), 'OK');
      }
      for (const thread of ['1', '2']) {
        assert.ok(seen[thread].length >= 2, `thread ${thread} was reported: ${seen[thread]}`);
        for (let i = 1; i < seen[thread].length; i++) assert.equal(seen[thread][i], seen[thread][i - 1] + 1n, `no read of thread ${thread} went unreported: ${seen[thread]}`);
      }
    } finally {
      gdb.close();
      vm.kill('SIGKILL');
    }
  });
}
