// gdb-multiarch against Linux at -smp 2 held with -S, as a kernel developer debugs a boot:
// break at start_kernel, see both harts as threads, let it boot, break in a function both harts
// run (do_idle) and stop there, then continue to the shell. The kernel has no
// symbol file here: the addresses come from its own /proc/kallsyms, read in an earlier boot
// (Linux 6.1 on RISC-V places its kernel at the same address every boot).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SerialSession } from '../boot/serial.mjs';
import { freePort, gdbBatch } from './rsp-client.mjs';

const PROMPT = '~ # ';

/** The kernel's address of each of `names`, from /proc/kallsyms of a booted guest. */
async function kernelSymbols(names) {
  const guest = new SerialSession(['-smp', '2', '-no-reboot']);
  try {
    await guest.expect(PROMPT, 300000);
    const text = await guest.run(`grep -E ' (${names.join('|')})$' /proc/kallsyms`);
    guest.send('poweroff\n');
    await guest.exited;
    const symbols = {};
    for (const m of text.matchAll(/^([0-9a-f]{16}) \w (\w+)$/gm)) symbols[m[2]] = m[1];
    for (const name of names) assert.ok(symbols[name], `${name} in /proc/kallsyms:\n${text}`);
    return symbols;
  } finally {
    guest.kill();
  }
}

test('gdb-multiarch: break at start_kernel at -smp 2 held with -S, both harts as threads, a breakpoint both harts hit, on to the shell', { timeout: 900000 }, async () => {
  const symbols = await kernelSymbols(['start_kernel', 'do_idle']);
  const port = await freePort();
  const guest = new SerialSession(['-smp', '2', '-gdb', `tcp::${port}`, '-S', '-no-reboot']);
  try {
    // (the stub listens once hartvm has started)
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const atStart = gdbBatch(port, [`hbreak *0x${symbols.start_kernel}`, 'continue', 'info threads', 'print/x $pc', 'delete', 'detach']);
    assert.match(atStart, /Hardware assisted breakpoint 1 at 0x/, atStart);
    assert.match(atStart, new RegExp(`Breakpoint 1, 0x0*${symbols.start_kernel} in`), atStart);
    assert.match(atStart, /Thread 1 \(hart 0/, atStart);
    assert.match(atStart, /Thread 2 \(hart 1/, atStart);
    assert.match(atStart, new RegExp(`\\$1 = 0x${symbols.start_kernel}`), atStart);
    // (gdb ran synchronously: the console's output waits in its pipe)
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.match(guest.output, /OpenSBI/, 'the firmware had run when the kernel stopped at its start');
    assert.doesNotMatch(guest.output, /Linux version/, 'and the kernel had not printed anything yet');

    await guest.expect(PROMPT, 300000);
    const idle = gdbBatch(port, [`break *0x${symbols.do_idle}`, 'continue', 'print $_thread', 'print/x $pc', 'info threads', 'delete', 'detach']);
    assert.match(idle, new RegExp(`Thread [12] hit Breakpoint 1, 0x0*${symbols.do_idle} in`), idle);
    assert.match(idle, /^\$1 = [12]$/m, idle);
    assert.match(idle, new RegExp(`^\\$2 = 0x${symbols.do_idle}$`, 'm'), idle);
    assert.match(idle, /Thread 1 \(hart 0/, idle);
    assert.match(idle, /Thread 2 \(hart 1/, idle);

    // detached: the shell answers
    assert.match(await guest.run('echo $((6 * 7))'), /42/);
    guest.send('poweroff\n');
    assert.equal(await guest.exited, 0, guest.stderr);
  } finally {
    guest.kill();
  }
});
