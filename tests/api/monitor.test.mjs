// The monitor: QEMU's human monitor commands through the library (monitorCommand) and on a UNIX
// socket (-monitor unix:PATH,server[,nowait]). stop holds every hart and the guest's clock,
// cont lets them go, info registers reads every hart's registers, at one hart (on the calling
// thread) and at two (each on a thread of its own), under both engines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { HARTVM } from '../guest/harness.mjs';
import { createMachine } from '../../dist/index.js';

// t0 counts, t1 reads the time CSR, round and round.
const COUNTER_WORDS = [
  0x00128293, // addi   t0, t0, 1
  0xc0102373, // rdtime t1
  0xff9ff06f, // j      -8
];
const COUNTER = new Uint8Array(Uint32Array.from(COUNTER_WORDS).buffer);
const TIMEBASE_HZ = 10_000_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const registers = (text, name) => [...text.matchAll(new RegExp(`${name.replace('/', '\\/')}\\s+([0-9a-f]{16})`, 'g'))].map((m) => BigInt(`0x${m[1]}`));

/** Waits until every hart has run its counting loop a while (hart threads start late on a loaded host). */
async function everyHartRuns(machine, smp) {
  for (const deadline = Date.now() + 60000; ; await sleep(50)) {
    const harts = machine.statistics().harts;
    if (harts.length === smp && harts.every((h) => h.instructions >= 100000)) return;
    if (Date.now() > deadline) throw new Error(`the harts did not start: ${JSON.stringify(harts.map((h) => h.instructions))}`);
  }
}

for (const engine of ['interp', 'jit']) {
  for (const smp of [1, 2]) {
    test(`--engine=${engine} -smp ${smp}: stop holds every hart and the clock, cont lets them run, info registers reads them`, async () => {
      const machine = createMachine({ bios: 'none', kernel: COUNTER, smp, engine, warmUp: false });
      try {
        await machine.start();
        await everyHartRuns(machine, smp);
        assert.equal(await machine.monitorCommand('info status'), 'VM status: running\n');
        const stopAt = performance.now();
        assert.equal(await machine.monitorCommand('stop'), '');
        // a hart may still read the clock until it is held, and it stands once all are
        const stopping = (performance.now() - stopAt) / 1000;
        assert.equal(machine.paused, true);
        assert.equal(await machine.monitorCommand('info status'), 'VM status: paused\n');
        const held = await machine.monitorCommand('info registers -a');
        assert.equal([...held.matchAll(/^CPU#(\d+)$/gm)].map((m) => Number(m[1])).join(), [...Array(smp).keys()].join(), 'every hart is listed');
        assert.match(held, /^ pc       00000000800000(00|04|08)$/m);
        const counted = registers(held, 'x5/t0');
        const time = registers(held, 'x6/t1');
        assert.equal(counted.length, smp);
        await sleep(500);
        assert.deepEqual(registers(await machine.monitorCommand('info registers -a'), 'x5/t0'), counted, 'held harts count nothing');

        const contAt = performance.now();
        assert.equal(await machine.monitorCommand('cont'), '');
        assert.equal(machine.paused, false);
        await sleep(100);
        await machine.monitorCommand('stop');
        const running = (performance.now() - contAt) / 1000;
        const later = await machine.monitorCommand('info registers -a');
        registers(later, 'x5/t0').forEach((t0, hart) => assert.ok(t0 > counted[hart], `hart ${hart} counts again`));
        // the guest's clock stood for the 0.5 s of the stop: it moved only while the harts ran (or stopped)
        registers(later, 'x6/t1').forEach((t1, hart) => {
          const seconds = Number(t1 - time[hart]) / TIMEBASE_HZ;
          assert.ok(seconds > 0 && seconds < stopping + running + 0.05, `hart ${hart}'s clock moved ${seconds} s in the ${stopping} s of the first stop and the ${running} s between cont and stop`);
        });
        assert.equal(await machine.monitorCommand('cont'), '');

        if (smp === 2) {
          assert.equal(await machine.monitorCommand('cpu 1'), '');
          assert.match(await machine.monitorCommand('info registers'), /^CPU#1\n/);
          assert.match(await machine.monitorCommand('cpu 2'), /^cpu: the harts are 0 to 1/);
        }
        assert.match(await machine.monitorCommand('info cpus'), /^\* CPU #\d: pc=0x00000000800000/m);
        assert.equal(machine.paused, false, 'reading the registers of a running machine lets it run on');
      } finally {
        await machine.stop();
      }
    });
  }
}

test('info mtree, info store, help, unknown commands; system_reset resets the board; quit ends it', async () => {
  const machine = createMachine({ bios: 'none', kernel: COUNTER, warmUp: false });
  try {
    await machine.start();
    const mtree = await machine.monitorCommand('info mtree');
    assert.match(mtree, /^address-space: memory$/m);
    assert.match(mtree, /^ {2}0000000080000000-000000008fffffff \(ram\): ram$/m);
    assert.match(mtree, /^ {2}0000000010000000-00000000100000ff \(i\/o\): uart$/m);
    assert.match(mtree, /^ {2}0000000002000000-000000000200ffff \(i\/o\): clint$/m);
    assert.match(await machine.monitorCommand('info store'), /lookups/);
    assert.match(await machine.monitorCommand('help'), /^info subcommand -- /m);
    assert.match(await machine.monitorCommand('info'), /^info registers \[-a\] -- /m);
    assert.equal(await machine.monitorCommand('frobnicate'), "unknown command: 'frobnicate'\n");
    assert.match(await machine.monitorCommand('info nothing'), /^unknown info subcommand: 'nothing'\n/);
    assert.match(await machine.monitorCommand('help savevm'), /^savevm file -- save the whole machine into a file/);
    assert.equal(await machine.monitorCommand('loadvm'), 'loadvm: give a file: loadvm FILE\n');
    assert.equal(await machine.monitorCommand(''), '');

    const reset = new Promise((resolve) => machine.once('reset', resolve));
    await machine.monitorCommand('system_reset');
    await reset;
    assert.equal(await machine.monitorCommand('info status'), 'VM status: running\n');

    // stopped, a reset boots the board again held at the reset vector, as QEMU keeps it stopped
    await sleep(100);
    await machine.monitorCommand('stop');
    assert.ok(registers(await machine.monitorCommand('info registers'), 'x5/t0')[0] > 0n, 'it counted before');
    const again = new Promise((resolve) => machine.once('reset', resolve));
    await machine.monitorCommand('system_reset');
    await again;
    await sleep(200);
    assert.equal(await machine.monitorCommand('info status'), 'VM status: paused\n');
    const held = await machine.monitorCommand('info registers');
    assert.match(held, /^ pc       0000000000001000$/m, "at the reset vector (the boot ROM's first instruction)");
    assert.deepEqual(registers(held, 'x5/t0'), [0n], 'nothing ran since the reset');
    assert.equal(await machine.monitorCommand('cont'), '');
    await sleep(100);
    assert.equal(await machine.monitorCommand('info status'), 'VM status: running\n');

    await machine.monitorCommand('quit');
    assert.deepEqual(await machine.wait(), { status: 0, reason: 'stopped' });
  } finally {
    await machine.stop();
  }
});

/** hartvm boot with the counter and the monitor on a socket; resolves the child and a client's next output. */
function bootWithMonitorSocket(dir, monitor) {
  const kernel = path.join(dir, 'counter.bin');
  return import('node:fs').then(({ writeFileSync }) => {
    writeFileSync(kernel, COUNTER);
    const child = spawn(process.execPath, [HARTVM, 'boot', '-bios', 'none', '-kernel', kernel, '-monitor', monitor], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderrText = '';
    child.stderr.on('data', (d) => { child.stderrText += d; });
    child.exited = new Promise((resolve) => child.on('exit', (status) => resolve(status)));
    return child;
  });
}

async function connect(socketPath, child) {
  for (const deadline = Date.now() + 30000; Date.now() < deadline;) {
    if (child.exitCode !== null) throw new Error(`hartvm ended: ${child.stderrText}`);
    const socket = await new Promise((resolve) => {
      const s = net.connect(socketPath, () => resolve(s));
      s.on('error', () => resolve(undefined));
    });
    if (socket) {
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (d) => { text += d; });
      /** what the monitor printed up to its next prompt, after `command` */
      socket.ask = async (command) => {
        const from = text.length;
        if (command !== undefined) socket.write(`${command}\n`);
        for (const until = Date.now() + 30000; Date.now() < until; await sleep(20)) {
          const at = text.indexOf('(hartvm) ', from);
          if (at >= 0) return text.slice(from, at);
        }
        throw new Error(`no prompt after ${command}: ${text}`);
      };
      return socket;
    }
    await sleep(50);
  }
  throw new Error('the monitor socket never took a connection');
}

test('-monitor unix:PATH,server,nowait: a client gets the banner and runs commands; quit ends hartvm, the socket file goes', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hartvm-monitor-'));
  const socketPath = path.join(dir, 'monitor.sock');
  try {
    const child = await bootWithMonitorSocket(dir, `unix:${socketPath},server,nowait`);
    const client = await connect(socketPath, child);
    assert.equal(await client.ask(), "hartvm monitor - type 'help' for more information\r\n");
    assert.equal(await client.ask('info status'), 'VM status: running\r\n');
    assert.match(await client.ask('info registers'), /^CPU#0\r\n priv     M\r\n/);
    assert.equal(await client.ask('stop'), '');
    assert.equal(await client.ask('info status'), 'VM status: paused\r\n');
    client.write('quit\n');
    assert.equal(await child.exited, 0, child.stderrText);
    assert.equal(child.stderrText, '');
    assert.ok(!existsSync(socketPath), 'the socket file is removed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('-monitor unix:PATH,server (wait): the guest starts once a client is there', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hartvm-monitor-'));
  const socketPath = path.join(dir, 'monitor.sock');
  try {
    const child = await bootWithMonitorSocket(dir, `unix:${socketPath},server=on,wait=on`);
    const client = await connect(socketPath, child);
    await client.ask();
    assert.match(child.stderrText, /waiting for a connection on the monitor socket/);
    assert.equal(await client.ask('info status'), 'VM status: running\r\n');
    client.write('quit\n');
    assert.equal(await child.exited, 0, child.stderrText);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
