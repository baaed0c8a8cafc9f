// Breakpoints under the JIT: translated code keeps running on pages without a breakpoint while
// gdb has one elsewhere, and a page with one runs in the interpreter, which stops there, at one
// hart and at two.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COUNTING, freePort, REG, startHartvm, SYMBOLS } from './rsp-client.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const hex = (value) => value.toString(16);
/** An address two pages past the program, which never runs. */
const ELSEWHERE = 0x80003000n;

/** Per hart: [translations, instructions run in translated code], from the monitor's info store (none before any hart has run). */
async function translated(gdb, required = true) {
  const text = Buffer.from(await gdb.request(`qRcmd,${Buffer.from('info store').toString('hex')}`), 'hex').toString();
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith('translated code'));
  if (at < 0 && !required) return [];
  assert.ok(at >= 0, `info store has a translated code table:\n${text}`);
  const rows = [];
  for (let i = at + 2; i < lines.length && /^\s*\d/.test(lines[i]); i++) {
    const cells = lines[i].trim().split(/\s+/);
    rows.push([Number(cells[1]), Number(cells[4])]);
  }
  return rows;
}

for (const smp of [1, 2]) {
  test(`--engine=jit -smp ${smp}: a breakpoint on another page leaves the loop translated; one on the loop's page stops it`, { timeout: 120000 }, async () => {
    const port = await freePort();
    const { vm, gdb } = await startHartvm(['-bios', 'none', '-kernel', COUNTING, '-nographic', '-monitor', 'none', '-smp', String(smp), '--engine=jit'], port);
    try {
      assert.match(await gdb.request('?'), /^T05thread:[12];$/);
      assert.equal(await gdb.request(`Z0,${hex(ELSEWHERE)},4`), 'OK');
      const before = await translated(gdb, false);
      gdb.raw('$c#63');
      await sleep(1500);
      gdb.raw('\x03');
      assert.match(await gdb.next(), /^T02thread:[12];$/);
      const after = await translated(gdb);
      assert.equal(after.length, smp);
      for (let h = 0; h < smp; h++) {
        assert.ok(after[h][0] >= 1, `hart ${h} translated its loop with a breakpoint set: ${after[h]}`);
        assert.ok(after[h][1] - (before[h]?.[1] ?? 0) > 1_000_000, `hart ${h} ran its loop translated: ${before[h]} -> ${after[h]}`);
      }
      // a breakpoint on the loop's own page: every hart stops there, within a round of the loop
      assert.equal(await gdb.request(`z0,${hex(ELSEWHERE)},4`), 'OK');
      assert.equal(await gdb.request(`Z0,${hex(SYMBOLS.branch)},4`), 'OK');
      for (let round = 0; round < 3; round++) {
        gdb.raw('$vCont;c#a8');
        const stop = await gdb.next();
        assert.match(stop, /^T05thread:[12];$/);
        assert.equal(await gdb.request(`Hg${stop.slice(10, 11)}`), 'OK');
        assert.equal(await gdb.register(REG.pc), SYMBOLS.branch);
      }
      // none left: translated again
      assert.equal(await gdb.request(`z0,${hex(SYMBOLS.branch)},4`), 'OK');
      const held = await translated(gdb);
      gdb.raw('$c#63');
      await sleep(1000);
      gdb.raw('\x03');
      assert.match(await gdb.next(), /^T02thread:[12];$/);
      const again = await translated(gdb);
      assert.ok(again[0][1] - held[0][1] > 1_000_000, `translated again without breakpoints: ${held[0]} -> ${again[0]}`);
    } finally {
      gdb.close();
      vm.kill('SIGKILL');
    }
  });
}
