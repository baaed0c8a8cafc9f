// Linux at -smp 2 under the stub, stopped and let go many times as a kernel developer does:
// a breakpoint in the tick (update_process_times) hit again and again, gdb's step over it with
// the other hart held, then Ctrl-C and continue. While the harts are held the guest's clock
// stands, and a hart that stops on its own gets the rest held at once, so the guest sees
// hardly any time pass across all those stops: no RCU stall, its timers fire, the shell answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SerialSession } from '../boot/serial.mjs';
import { frame, freePort, RspClient } from './rsp-client.mjs';

const PROMPT = '~ # ';
const BREAKPOINT_CYCLES = 20;
const INTERRUPT_CYCLES = 15;
/**
 * Guest seconds a stop may cost on average: a stop takes the harts' thread wake-ups, not seconds.
 * Generous for a loaded host; a hart that stopped on its own and is held only when its wait times
 * out costs a second.
 */
const MAX_GUEST_SECONDS_PER_STOP = 0.5;
const RCU_STALL = /rcu:.*(stall|timer wakeup didn't happen|kthread starved)/i;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function uptime(guest) {
  const text = await guest.run('cat /proc/uptime', PROMPT, 60000);
  const m = /^(\d+\.\d+) /m.exec(text);
  assert.ok(m, `/proc/uptime: ${text}`);
  return Number(m[1]);
}

async function connect(port) {
  for (let i = 0; ; i++) {
    try { return await RspClient.connect(port); } catch (e) { if (i > 200) throw e; await sleep(50); }
  }
}

test('Linux at -smp 2: many breakpoint, step and Ctrl-C stops through the stub, and its clock and timers stay right', { timeout: 600000 }, async (t) => {
  const port = await freePort();
  const guest = new SerialSession(['-smp', '2', '-gdb', `tcp::${port}`, '-no-reboot']);
  let gdb;
  try {
    await guest.expect(PROMPT, 300000);
    const symbols = await guest.run("grep -E ' update_process_times$' /proc/kallsyms", PROMPT, 60000);
    const tick = /^0*([0-9a-f]+) \w update_process_times$/m.exec(symbols)?.[1];
    assert.ok(tick, `update_process_times in /proc/kallsyms:\n${symbols}`);
    // processes that come and go keep RCU grace periods asked for, so a stalled one is noticed
    guest.send('while :; do /bin/true; done &\n');
    await guest.expect(PROMPT, 60000);
    const before = await uptime(guest);

    gdb = await connect(port);
    assert.match(await gdb.request('?'), /^T05thread:[12];$/, 'a client that connects finds the machine stopped');
    for (let i = 0; i < BREAKPOINT_CYCLES; i++) {
      assert.equal(await gdb.request(`Z0,${tick},2`), 'OK');
      const hit = await gdb.request('vCont;c', 60000);
      const thread = /^T05thread:([12]);$/.exec(hit)?.[1];
      assert.ok(thread, `stopped at the breakpoint: ${hit}`);
      // as gdb continues from a breakpoint: out, step the hart that hit it (the other held), in again
      assert.equal(await gdb.request(`z0,${tick},2`), 'OK');
      assert.equal(await gdb.request(`vCont;s:${thread}`, 60000), `T05thread:${thread};`);
    }
    for (let i = 0; i < INTERRUPT_CYCLES; i++) {
      gdb.raw(frame('vCont;c'));
      await sleep(50);
      gdb.raw('\x03');
      assert.match(await gdb.next(60000), /^T02thread:[12];$/);
    }
    assert.equal(await gdb.request('D'), 'OK', 'detached: the harts run on');
    gdb.close();
    gdb = undefined;

    const after = await uptime(guest);
    t.diagnostic(`guest seconds across the stops: ${(after - before).toFixed(2)}`);

    // its timers fire as programmed: a sleep ends, and takes about its time on the guest's clock
    const slept = await guest.run('cat /proc/uptime; sleep 1; echo slept; cat /proc/uptime', PROMPT, 60000);
    const [start, end] = [...slept.matchAll(/^(\d+\.\d+) /gm)].map((m) => Number(m[1]));
    assert.match(slept, /^slept$/m, slept);
    assert.ok(end - start >= 1 && end - start < 30, `sleep 1 took ${(end - start).toFixed(2)} s of guest time`);
    assert.match(await guest.run('kill $!; echo $((6 * 7))', PROMPT, 60000), /^42$/m, 'the shell answers');
    const stalls = await guest.run("dmesg | grep -i 'rcu' | grep -i -E 'stall|wakeup|starved'; echo done", PROMPT, 60000);
    assert.doesNotMatch(stalls, RCU_STALL, stalls);
    assert.doesNotMatch(guest.output, RCU_STALL, guest.output.match(new RegExp(`.*${RCU_STALL.source}.*`, 'i'))?.[0]);
    const stops = 2 * BREAKPOINT_CYCLES + INTERRUPT_CYCLES;
    assert.ok(after - before < MAX_GUEST_SECONDS_PER_STOP * stops,
      `the guest's clock ran ${(after - before).toFixed(2)} s across ${stops} stops (the harts held all but a moment of each)`);

    guest.send('poweroff\n');
    assert.equal(await guest.exited, 0, guest.stderr);
  } finally {
    gdb?.close();
    guest.kill();
  }
});
