// The library API from Node: createMachine() boots the default images, the console as events,
// a Duplex and WHATWG streams, poweroff with its status, an AbortSignal that stops a machine
// with its disk complete, two machines at once in one process, and errors with codes.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import { imagesDir } from '../boot/serial.mjs';
import { ROOT } from '../guest/harness.mjs';
import { BoardError, createMachine as createMachineOf, HartvmError, ImageError, OptionError } from '../../dist/index.js';

// Every machine a test made is stopped after it, pass or fail, so a failure never leaves one running.
const made = [];
function createMachine(options) {
  const machine = createMachineOf(options);
  made.push(machine);
  return machine;
}
afterEach(async () => { await Promise.all(made.splice(0).map((m) => m.stop())); });

const PROMPT = '~ # ';

/** Collects a machine's console output; `expect` waits for a pattern not yet consumed. */
function consoleOf(machine) {
  let text = '', seen = 0, waiter;
  const decoder = new TextDecoder();
  machine.on('output', (bytes) => { text += decoder.decode(bytes, { stream: true }); waiter?.(); });
  machine.on('exit', () => waiter?.());
  return {
    get text() { return text; },
    async expect(pattern, timeoutMs = 120000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const at = text.indexOf(pattern, seen);
        if (at >= 0) {
          const out = text.slice(seen, at + pattern.length);
          seen = at + pattern.length;
          return out;
        }
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(pattern)}; output tail:\n${text.slice(-2000)}`);
        await new Promise((resolve) => { const t = setTimeout(resolve, 500); waiter = () => { clearTimeout(t); resolve(); }; });
      }
    },
    /** Types a command and returns what it printed before the next prompt. */
    async run(machine, command) {
      machine.input(`${command}\n`);
      const out = await this.expect(PROMPT);
      return out.slice(0, -PROMPT.length).replace(/\r/g, '').split('\n').slice(1).join('\n');
    },
  };
}

function scratchDisk() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hartvm-api-'));
  const disk = path.join(dir, 'disk.ext2');
  copyFileSync(path.join(imagesDir(), 'disk.ext2'), disk);
  return { dir, disk };
}

test('createMachine boots the default images; the console answers; poweroff ends it with status 0', async () => {
  const machine = createMachine({ memory: '256M' });
  const tty = consoleOf(machine);
  const events = [];
  machine.on('poweroff', (exit) => events.push(['poweroff', exit.status]));
  machine.on('exit', (exit) => events.push(['exit', exit.reason]));
  await machine.start();
  await tty.expect(PROMPT);
  assert.match(await tty.run(machine, 'uname -sm'), /^Linux riscv64/m);
  machine.input('poweroff\n');
  const exit = await machine.wait();
  assert.deepEqual({ status: exit.status, reason: exit.reason }, { status: 0, reason: 'poweroff' });
  assert.deepEqual(events, [['poweroff', 0], ['exit', 'poweroff']]);
  const stats = machine.statistics();
  assert.equal(stats.policy, 'fence');
  assert.equal(stats.harts.length, 1);
  assert.ok(stats.instructions > 50e6, `instructions: ${stats.instructions}`);
  assert.ok(stats.harts[0].walks > 0 && stats.harts[0].hits > stats.harts[0].walks);
});

test('the console as a Node Duplex and as WHATWG streams', async () => {
  const machine = createMachine({ smp: 2 });
  let duplexText = '';
  machine.console.on('data', (chunk) => { duplexText += chunk.toString('latin1'); });
  const { readable, writable } = machine.consoleStreams();
  const reader = readable.getReader();
  let streamText = '';
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      streamText += new TextDecoder().decode(value);
    }
  })();
  await machine.start();
  const tty = consoleOf(machine);
  await tty.expect(PROMPT);
  const writer = writable.getWriter();
  await writer.write(new TextEncoder().encode('echo streams-$((6*7))\n'));
  await tty.expect('streams-42');
  machine.console.write('nproc\n');
  await tty.expect('\n2\r\n');
  machine.console.write('poweroff\n');
  const exit = await machine.wait();
  await pump;
  assert.equal(exit.status, 0);
  assert.match(duplexText, /streams-42/);
  assert.match(streamText, /streams-42/);
  assert.equal(machine.statistics().threads.length, 2);
});

test('an AbortSignal stops a machine; the disk file holds what the guest synced', async () => {
  const { dir, disk } = scratchDisk();
  try {
    const controller = new AbortController();
    const machine = createMachine({ drives: [`file=${disk},format=raw`], signal: controller.signal });
    const tty = consoleOf(machine);
    await machine.start();
    await tty.expect(PROMPT);
    const marker = `abort-marker-${process.pid}-${Date.now()}`;
    await tty.run(machine, `echo ${marker} > /mnt/abort.txt; sync`);
    controller.abort();
    const exit = await machine.wait();
    assert.equal(exit.reason, 'stopped');
    assert.equal(exit.status, 0);
    assert.ok(readFileSync(disk).includes(Buffer.from(marker)), 'the synced file is on the disk image');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Bare programs (guest/cli) that write to the UART forever: numbered lines, waiting for THRE as a
// polling driver does; and lines written without ever looking at LSR.
const COUNT_ELF = path.join(ROOT, 'build/guest/cli/uart-count.elf');
const BLAST_ELF = path.join(ROOT, 'build/guest/cli/uart-blast.elf');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether text is "00000000\n00000001\n..." from the first line on (a last partial line allowed). */
function numberedLines(text) {
  const lines = text.split('\n');
  lines.pop();
  return lines.length > 0 && lines.every((line, i) => line === String(i).padStart(8, '0'));
}

for (const smp of [1, 2]) {
  test(`a console read slowly holds the guest back (smp ${smp}): the Duplex, then the WHATWG readable; nothing is lost`, async () => {
    for (const kind of ['duplex', 'whatwg']) {
      const machine = createMachine({ bios: 'none', kernel: COUNT_ELF, smp });
      let handedOver = 0;
      machine.on('output', (bytes) => { handedOver += bytes.length; });
      let readable;
      if (kind === 'duplex') {
        readable = machine.console;
        readable.pause(); // it is read, just not now
      } else {
        readable = machine.consoleStreams().readable.getReader();
      }
      await machine.start();
      // until the output stands (hart threads start late on a loaded host); a guest that is not
      // held back writes on and never gets past this
      for (const deadline = Date.now() + 60000; ;) {
        const seen = handedOver;
        await sleep(500);
        if (seen > 0 && handedOver === seen) break;
        assert.ok(Date.now() < deadline, `${kind}: the guest is held back (${handedOver} bytes handed over and counting)`);
      }
      const before = handedOver;
      await sleep(1500);
      // What the readers buffer (16 or 64 KiB) and a batch or two: the guest waits for THRE meanwhile.
      assert.ok(handedOver < 256 * 1024, `${kind}: ${handedOver} bytes handed over while nobody read`);
      assert.equal(handedOver, before, `${kind}: the guest is held back`);
      let text = '';
      const decoder = new TextDecoder();
      while (text.length < 512 * 1024) {
        if (kind === 'duplex') {
          const chunk = readable.read();
          if (chunk) text += decoder.decode(chunk, { stream: true });
          else await sleep(1);
        } else {
          const { value } = await readable.read();
          text += decoder.decode(value, { stream: true });
        }
      }
      assert.ok(numberedLines(text), `${kind}: the lines read are numbered from 0 without a gap`);
      await machine.stop();
    }
  });
}

test('Linux, interrupt-driven serial output into a console read slowly: held back, then everything, in order (THR empty interrupts once drained)', async () => {
  const machine = createMachine({});
  const tty = consoleOf(machine);
  let handedOver = 0;
  machine.on('output', (bytes) => { handedOver += bytes.length; });
  const duplex = machine.console;
  let text = '';
  duplex.on('data', (chunk) => { text += chunk.toString('latin1'); });
  await machine.start();
  await tty.expect(PROMPT);
  duplex.pause();
  const before = handedOver;
  machine.input('seq 1 20000; echo done-$((6*7))\n'); // about 130 KB with the line ends
  await sleep(3000);
  const held = handedOver - before;
  assert.ok(held < 64 * 1024, `${held} bytes handed over while nobody read: the guest is not held back`);
  duplex.resume();
  await tty.expect('\ndone-42');
  const numbers = text.replace(/\r/g, '').split('\n').filter((line) => /^\d+$/.test(line));
  assert.equal(numbers.length, 20000, 'every line came');
  assert.ok(numbers.every((n, i) => Number(n) === i + 1), 'in order');
});

test('a guest that writes past a busy transmitter into a reader that is behind: output-dropped, once; the guest runs on', async () => {
  const machine = createMachine({ bios: 'none', kernel: BLAST_ELF });
  let dropped = 0, handedOver = 0;
  machine.on('output-dropped', () => { dropped++; });
  machine.on('output', (bytes) => { handedOver += bytes.length; });
  machine.console.pause();
  await machine.start();
  await sleep(2000);
  assert.equal(dropped, 1);
  assert.ok(handedOver < 256 * 1024, `${handedOver} bytes handed over while nobody read`);
  machine.console.resume();
  await sleep(500);
  assert.equal(dropped, 1, 'said once');
  assert.ok(handedOver > 256 * 1024, 'read again, the output flows again');
  const exit = await machine.stop();
  assert.equal(exit.reason, 'stopped');
});

test('two machines in one process at once', async () => {
  const a = createMachine({ append: 'console=ttyS0 hartvm.machine=a' });
  const b = createMachine({ smp: 2, append: 'console=ttyS0 hartvm.machine=b' });
  const ta = consoleOf(a), tb = consoleOf(b);
  await Promise.all([a.start(), b.start()]);
  await Promise.all([ta.expect(PROMPT), tb.expect(PROMPT)]);
  const [ca, cb] = await Promise.all([ta.run(a, 'cat /proc/cmdline; nproc'), tb.run(b, 'cat /proc/cmdline; nproc')]);
  assert.match(ca, /hartvm\.machine=a\n1\n$/);
  assert.match(cb, /hartvm\.machine=b\n2\n$/);
  a.input('poweroff\n');
  b.input('poweroff\n');
  const [ea, eb] = await Promise.all([a.wait(), b.wait()]);
  assert.equal(ea.reason, 'poweroff');
  assert.equal(eb.reason, 'poweroff');
});

test('bad options are HartvmErrors with a code and one line', () => {
  const check = (options, type, code, pattern) => {
    assert.throws(() => createMachine(options), (e) => {
      assert.ok(e instanceof type && e instanceof HartvmError, `${e?.name}: ${e?.message}`);
      assert.equal(e.code, code);
      assert.match(e.message, pattern);
      assert.ok(!e.message.includes('\n'));
      return true;
    });
  };
  check({ memory: '3G' }, OptionError, 'ERR_HARTVM_OPTION', /at most 2G/);
  check({ smp: 33 }, OptionError, 'ERR_HARTVM_OPTION', /1 to 32 harts/);
  check({ tlbFlush: 'sometimes' }, OptionError, 'ERR_HARTVM_OPTION', /instruction, block, fence/);
  check({ kernel: '/nonexistent/Image' }, ImageError, 'ERR_HARTVM_IMAGE', /cannot read kernel \/nonexistent\/Image: no such file/);
  check({ kernel: new Uint8Array(0) }, ImageError, 'ERR_HARTVM_IMAGE', /empty/);
  check({ initrd: new Uint8Array(0) }, ImageError, 'ERR_HARTVM_IMAGE', /initrd \(initrd bytes\) is empty/);
  check({ memory: '16M' }, BoardError, 'ERR_HARTVM_BOARD', /does not fit/);
  check({ drives: ['file=/nonexistent.img'] }, HartvmError, 'ERR_HARTVM_DISK', /no such file/);
  const disks = Array.from({ length: 8 }, () => ({ data: new Uint8Array(4096) }));
  check({ drives: disks }, OptionError, 'ERR_HARTVM_OPTION', /8 -drive options: the board takes at most 7 disks/);
  check({ shares: [{ path: '/nonexistent-hartvm', tag: 't' }] }, OptionError, 'ERR_HARTVM_OPTION', /^shared folder \/nonexistent-hartvm \(mount_tag t\): cannot open \/nonexistent-hartvm: no such file or directory$/);
  check({ shares: [{ path: ROOT, tag: '' }] }, OptionError, 'ERR_HARTVM_OPTION', /a mount_tag has 1 to 255 bytes/);
  check({ shares: [{ path: ROOT, tag: 't', securityModel: 'passthrough' }] }, OptionError, 'ERR_HARTVM_OPTION', /security_model passthrough is not supported/);
  check({ shares: [{ path: ROOT, tag: 't' }, { path: ROOT, tag: 't' }] }, OptionError, 'ERR_HARTVM_OPTION', /two shared folders have the mount_tag t/);
  check({ shares: [{ path: ROOT, tag: 't' }], drives: disks.slice(1) }, OptionError, 'ERR_HARTVM_OPTION', /7 -drive options: the board takes at most 6 disks.*a shared folder's/);
});

test('shares: a host folder the guest mounts over virtio-9p, read-only or not', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hartvm-api-9p-'));
  try {
    mkdirSync(path.join(dir, 'rw'));
    mkdirSync(path.join(dir, 'ro'));
    writeFileSync(path.join(dir, 'ro/note'), 'from the host\n');
    const machine = createMachine({ shares: [{ path: path.join(dir, 'rw'), tag: 'rw' }, { path: path.join(dir, 'ro'), tag: 'ro', readOnly: true, securityModel: 'mapped-xattr' }] });
    const tty = consoleOf(machine);
    await machine.start();
    await tty.expect(PROMPT);
    await tty.run(machine, 'mkdir -p /rw /ro && mount -t 9p -o trans=virtio,version=9p2000.L rw /rw && mount -t 9p -o trans=virtio,version=9p2000.L ro /ro');
    assert.equal(await tty.run(machine, 'cat /ro/note'), 'from the host\n');
    assert.match(await tty.run(machine, 'echo x > /ro/new'), /Read-only file system/);
    await tty.run(machine, 'echo from the guest > /rw/made && sync');
    assert.equal(readFileSync(path.join(dir, 'rw/made'), 'utf8'), 'from the guest\n');
    assert.deepEqual(readdirSync(path.join(dir, 'ro')), ['note']);
    machine.input('poweroff\n');
    assert.equal((await machine.wait()).status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
