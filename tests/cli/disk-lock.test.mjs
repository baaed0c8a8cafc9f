// Disk images are locked as QEMU locks them: a writer excludes every other user, readers
// (readonly=on, snapshot=on) share. Between two hartvm processes, between hartvm and QEMU both
// ways, within one hartvm given an image twice, and between two machines of one process; a
// refusal is one line naming the image and what holds it, and the lock goes with its holder.
// Writing a snapshot back into its image (Ctrl-A S) takes the image as a writer would.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HARTVM, runHartvm } from '../guest/harness.mjs';
import { createMachine } from '../../dist/index.js';
import { FileDisk } from '../../dist/host/node/disk.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'hartvm-lock-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name) => path.join(tmp, name);

/** A raw program from 32-bit instruction words. */
function rawProgram(name, words) {
  const bytes = Buffer.alloc(words.length * 4);
  words.forEach((w, i) => bytes.writeUInt32LE(w >>> 0, i * 4));
  writeFileSync(file(name), bytes);
  return file(name);
}

// Powers off through the SiFive test device at once.
const POWEROFF = rawProgram('poweroff.bin', [0x001002b7, 0x00005337, 0x55530313, 0x0062a023, 0x0000006f]);
// Arms the timer for the end of time and sleeps in wfi: runs until killed, costing no CPU.
const SLEEP = rawProgram('sleep.bin', [
  0xfff00313, // li   t1, -1
  0x020042b7, // lui  t0, 0x2004        (hart 0's mtimecmp)
  0x0062b023, // sd   t1, 0(t0)
  0x08000293, // li   t0, 0x80          (MTIE)
  0x3042a073, // csrs mie, t0
  0x10500073, // wfi
  0xffdff06f, // j    wfi
]);

let images = 0;
function newImage() {
  const name = file(`disk-${++images}.img`);
  writeFileSync(name, Buffer.alloc(1 << 20));
  return name;
}

const drive = (image, mode) => `file=${image},format=raw${mode === 'rw' ? '' : `,${mode}=on`}`;

/** hartvm boot with -drive for each [image, mode] (mode: rw, readonly or snapshot); the guest powers off. */
function bootWith(...drives) {
  return runHartvm(['boot', '-bios', 'none', '-kernel', POWEROFF, ...drives.flatMap(([image, mode]) => ['-drive', drive(image, mode)])], { timeoutMs: 60000 });
}

/** Waits until someone holds the lock bytes on `image` (byte 100: every user of it locks that). */
async function lockTaken(image, holder) {
  const ino = statSync(image).ino;
  for (const deadline = Date.now() + 30000; Date.now() < deadline;) {
    if (new RegExp(`:${ino} 100 `).test(readFileSync('/proc/locks', 'utf8'))) return;
    if (holder.exitCode !== null) throw new Error(`the holder ended (status ${holder.exitCode}): ${holder.stderrText}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no lock on ${image} after 30 s: ${holder.stderrText}`);
}

/** Starts a long-running holder of `image`, and waits until it has taken its locks. */
async function holder(command, args, image) {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderrText = '';
  child.stderr.on('data', (d) => { child.stderrText += d; });
  child.ended = new Promise((resolve) => child.on('close', resolve));
  try {
    await lockTaken(image, child);
  } catch (e) {
    await stop(child);
    throw e;
  }
  return child;
}

const hartvmHolding = (image, mode) => holder(process.execPath, [HARTVM, 'boot', '-bios', 'none', '-kernel', SLEEP, '-drive', drive(image, mode)], image);

// QEMU stopped before its first instruction (-S), no devices but the disk: it holds the image until killed.
const qemuArgs = (image, mode) => ['-M', 'virt', '-S', '-display', 'none', '-serial', 'none', '-monitor', 'none',
  '-drive', `${drive(image, mode)},if=virtio`];
const qemuHolding = (image, mode) => holder('qemu-system-riscv64', qemuArgs(image, mode), image);

async function stop(child) {
  child.kill('SIGKILL');
  await child.ended;
}

function assertRefused(r, pattern) {
  assert.notEqual(r.status, 0, `expected a refusal, got status ${r.status}\n${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr:\n${r.stderr}`);
  assert.match(lines[0], /^hartvm: -drive \S+: in use by /);
  assert.match(lines[0], pattern);
}

function assertBooted(r, what) {
  assert.equal(r.status, 0, `${what}: ${r.stderr}`);
  assert.equal(r.stderr, '', what);
}

test('two hartvm processes: a writer refuses every other user, and its lock goes when it ends', async () => {
  const image = newImage();
  const first = await hartvmHolding(image, 'rw');
  try {
    const holderName = new RegExp(`in use by hartvm \\(pid ${first.pid}\\), which is writing it$`);
    for (const mode of ['rw', 'readonly', 'snapshot']) assertRefused(await bootWith([image, mode]), holderName);
  } finally {
    await stop(first);
  }
  assertBooted(await bootWith([image, 'rw']), 'a writer once the holder has gone');
});

test('two hartvm processes: readers share an image, and refuse a writer', async () => {
  const image = newImage();
  const first = await hartvmHolding(image, 'readonly');
  try {
    for (const mode of ['readonly', 'snapshot']) assertBooted(await bootWith([image, mode]), `${mode} beside a reader`);
    assertRefused(await bootWith([image, 'rw']), new RegExp(`in use by hartvm \\(pid ${first.pid}\\), which lets no one else write it \\(open it with readonly=on or snapshot=on to share it\\)$`));
  } finally {
    await stop(first);
  }
});

test('QEMU holding an image: hartvm refuses it for writing and reading, names QEMU; shares it read-only', async () => {
  const image = newImage();
  const qemu = await qemuHolding(image, 'rw');
  try {
    for (const mode of ['rw', 'readonly', 'snapshot']) {
      assertRefused(await bootWith([image, mode]), new RegExp(`in use by qemu-system-riscv64 \\(pid ${qemu.pid}\\), which is writing it$`));
    }
  } finally {
    await stop(qemu);
  }
  const reader = await qemuHolding(image, 'readonly');
  try {
    for (const mode of ['readonly', 'snapshot']) assertBooted(await bootWith([image, mode]), `${mode} beside a QEMU reader`);
    assertRefused(await bootWith([image, 'rw']), /in use by qemu-system-riscv64 .*which lets no one else write it/);
  } finally {
    await stop(reader);
  }
});

test('hartvm holding an image: QEMU refuses it as it refuses another QEMU; shares it read-only', async () => {
  const runQemu = (image, mode) => new Promise((resolve) => {
    // a QEMU that gets the image would wait at -S: give it a moment to say no, then end it
    const child = spawn('qemu-system-riscv64', qemuArgs(image, mode), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.on('close', (status, signal) => { clearTimeout(timer); resolve({ status, signal, stderr }); });
  });
  const image = newImage();
  const writer = await hartvmHolding(image, 'rw');
  try {
    const rw = await runQemu(image, 'rw');
    assert.match(rw.stderr, /Failed to get "write" lock/, `QEMU as a writer: ${rw.stderr}`);
    const ro = await runQemu(image, 'readonly');
    assert.match(ro.stderr, /Failed to get shared "write" lock/, `QEMU as a reader: ${ro.stderr}`);
  } finally {
    await stop(writer);
  }
  const reader = await hartvmHolding(image, 'readonly');
  try {
    const ro = await runQemu(image, 'readonly');
    assert.equal(ro.signal, 'SIGKILL', `QEMU as a reader beside a hartvm reader ran until ended: ${ro.stderr}`);
    const rw = await runQemu(image, 'rw');
    assert.match(rw.stderr, /Failed to get "write" lock/, `QEMU as a writer beside a hartvm reader: ${rw.stderr}`);
  } finally {
    await stop(reader);
  }
});

test('one image given twice to one hartvm: refused unless both are read-only', async () => {
  const image = newImage();
  for (const [a, b] of [['rw', 'rw'], ['rw', 'readonly'], ['readonly', 'rw'], ['snapshot', 'rw']]) {
    assertRefused(await bootWith([image, a], [image, b]), /in use by another drive of this hartvm/);
  }
  for (const [a, b] of [['readonly', 'readonly'], ['readonly', 'snapshot'], ['snapshot', 'snapshot']]) {
    assertBooted(await bootWith([image, a], [image, b]), `${a} and ${b}`);
  }
  assertBooted(await bootWith([image, 'rw']), 'the image is free again');
});

test('two machines of one process: the second is refused with a DiskError until the first has stopped', async () => {
  const image = newImage();
  const options = { bios: 'none', kernel: readFileSync(SLEEP), drives: [drive(image, 'rw')], warmUp: false };
  const first = createMachine(options);
  try {
    assert.throws(() => createMachine(options), { code: 'ERR_HARTVM_DISK', message: /in use by another drive of this hartvm, which is writing it/ });
  } finally {
    await first.stop();
  }
  const second = createMachine(options);
  await second.stop();
});

test('writing a snapshot back (Ctrl-A S) opens the image as a writer: refused while another holds it, then written, the snapshot kept', () => {
  const image = newImage();
  writeFileSync(image, Buffer.alloc(1 << 16, 0x11));
  const original = readFileSync(image);
  const snapshot = new FileDisk({ file: image, readOnly: false, snapshot: true });
  try {
    snapshot.write(512, Buffer.alloc(1024, 0x22));
    const seen = () => { const b = Buffer.alloc(2048); snapshot.read(0, b); return b; };
    const expected = Buffer.concat([Buffer.alloc(512, 0x11), Buffer.alloc(1024, 0x22), Buffer.alloc(512, 0x11)]);
    assert.ok(readFileSync(image).equals(original), 'a snapshot write stays in memory');

    const reader = new FileDisk({ file: image, readOnly: true, snapshot: false });
    try {
      assert.throws(() => snapshot.commitSnapshot(), { code: 'ERR_HARTVM_DISK', message: /in use by another drive of this hartvm, which lets no one else write it/ });
    } finally {
      reader.close();
    }
    assert.ok(readFileSync(image).equals(original), 'a refused write-back leaves the image as it was');
    assert.ok(seen().equals(expected), 'and the snapshot as it was');

    assert.equal(snapshot.commitSnapshot(), 2);
    const written = readFileSync(image);
    assert.ok(written.subarray(0, 2048).equals(expected) && written.subarray(2048).equals(original.subarray(2048)), 'the two sectors are in the image, nothing else changed');
    assert.ok(seen().equals(expected), 'the guest sees the same disk');
    assert.equal(snapshot.commitSnapshot(), 0, 'nothing is left to write');
    // the snapshot holds the image as a snapshot reader again: a writer is refused
    assert.throws(() => new FileDisk({ file: image, readOnly: false, snapshot: false }), { code: 'ERR_HARTVM_DISK' });
  } finally {
    snapshot.close();
  }
  const readOnly = new FileDisk({ file: image, readOnly: true, snapshot: true });
  try {
    assert.throws(() => readOnly.commitSnapshot(), { code: 'ERR_HARTVM_DISK', message: /read-only/ });
  } finally {
    readOnly.close();
  }
});

test('Machine.commitSnapshots(): one result per snapshot=on drive, in order', async () => {
  const [a, b, c] = [newImage(), newImage(), newImage()];
  const machine = createMachine({ bios: 'none', kernel: readFileSync(SLEEP), drives: [drive(a, 'snapshot'), drive(b, 'rw'), drive(c, 'snapshot')], warmUp: false });
  try {
    assert.deepEqual(machine.commitSnapshots(), [{ file: a, sectors: 0 }, { file: c, sectors: 0 }]);
  } finally {
    await machine.stop();
  }
});
