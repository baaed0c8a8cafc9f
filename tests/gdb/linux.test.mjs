// Linux under the stub, as kernel developers run it: hartvm -smp 2 -s -S holds both harts at
// reset; the client lets them go, Ctrl-C stops both in the middle of the boot, two threads are
// listed, their registers and the kernel's memory (through the hart's page tables) are read,
// and once let go again the guest reaches its shell and answers; there, a breakpoint at a
// kernel virtual address is hit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SerialSession } from '../boot/serial.mjs';
import { gdbBatch, REG, RspClient } from './rsp-client.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

for (const engine of ['interp', 'jit']) {
  test(`--engine=${engine}: Linux at -smp 2 with -s -S: continue, Ctrl-C holds both harts, continue to the shell`, { timeout: 600000 }, async () => {
    const guest = new SerialSession(['-smp', '2', '-s', '-S', `--engine=${engine}`, '-no-reboot']);
    let gdb;
    try {
      for (let i = 0; !gdb; i++) {
        try { gdb = await RspClient.connect(1234); } catch (e) { if (i > 200) throw e; await sleep(50); }
      }
      assert.equal(await gdb.request('?'), 'T05thread:1;');
      assert.equal(await gdb.register(REG.pc), 0x1000n, 'held at the reset vector');
      await sleep(1000);
      assert.equal(guest.output, '', 'nothing ran while held');

      gdb.raw('$vCont;c#a8');
      await guest.expect('Linux version', 120000);
      await sleep(1000);
      gdb.raw('\x03');
      assert.match(await gdb.next(30000), /^T02thread:[12];$/);
      assert.equal(await gdb.request('qfThreadInfo'), 'm1,2');
      assert.equal(await gdb.request('qsThreadInfo'), 'l');
      const kernelPcs = [];
      for (const thread of [1, 2]) {
        assert.equal(await gdb.request(`Hg${thread}`), 'OK');
        const pc = await gdb.register(REG.pc);
        const priv = await gdb.register(REG.priv);
        if (priv === 1n) {
          // the kernel runs at its link address: its code is read through the hart's page tables
          assert.ok(pc >= 0xffffffff00000000n, `hart ${thread - 1} in S-mode at 0x${pc.toString(16)}`);
          kernelPcs.push(pc);
          const code = await gdb.request(`m${pc.toString(16)},4`);
          assert.match(code, /^[0-9a-f]{8}$/, `the kernel's code at its virtual pc: ${code}`);
        }
      }
      assert.ok(kernelPcs.length >= 1, 'at least one hart was in the kernel');
      const held = guest.output.length;
      await sleep(1000);
      assert.equal(guest.output.length, held, 'both harts held: the console is quiet');

      assert.equal(await gdb.request('D'), 'OK', 'detached: the harts run on');
      gdb.close();
      await sleep(500);
      // gdb-multiarch connecting stops the machine; it lists both harts, and its detach lets them go
      const out = gdbBatch(1234, ['info threads', 'info registers priv']);
      assert.match(out, /Thread 1 \(hart 0 \[halted\]\)/, out);
      assert.match(out, /Thread 2 \(hart 1 \[halted\]\)/, out);
      assert.match(out, /priv\s+0x[013]\s/, out);
      await guest.expect('~ # ', 300000);
      assert.match(await guest.run('echo $((6 * 7))'), /^42\n/);

      // at the idle shell: a breakpoint at a kernel virtual address (paging on) where a hart was is hit again
      gdb = await RspClient.connect(1234);
      assert.match(await gdb.request('?'), /^T05thread:[12];$/);
      let idlePc;
      for (const thread of [1, 2]) {
        assert.equal(await gdb.request(`Hg${thread}`), 'OK');
        if (await gdb.register(REG.priv) === 1n) idlePc ??= await gdb.register(REG.pc);
      }
      assert.ok(idlePc >= 0xffffffff00000000n, `a hart in the kernel: 0x${idlePc?.toString(16)}`);
      assert.equal(await gdb.request(`Z0,${idlePc.toString(16)},2`), 'OK');
      gdb.raw('$vCont;c#a8');
      const hit = await gdb.next(60000);
      assert.match(hit, /^T05thread:[12];$/);
      assert.equal(await gdb.request(`Hg${hit.slice(10, 11)}`), 'OK');
      assert.equal(await gdb.register(REG.pc), idlePc, 'stopped at the breakpoint');
      assert.equal(await gdb.request(`z0,${idlePc.toString(16)},2`), 'OK');
      assert.equal(await gdb.request('D'), 'OK');
      gdb.close();
      assert.match(await guest.run('echo $((6 * 9))'), /^54\n/);
      guest.send('poweroff\n');
      assert.equal(await guest.exited, 0, guest.stderr);
    } finally {
      gdb?.close();
      guest.kill();
    }
  });
}
