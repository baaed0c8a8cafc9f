// Snapshots of the whole machine on a bare board (a counting loop, no firmware): the monitor's
// savevm FILE and loadvm FILE through the library, under both engines at one hart and at two,
// put every hart's registers and the guest's clock back exactly; -loadvm FILE (QEMU's spelling)
// and --loadvm start from one. Refused: a snapshot of another shape (-m, -smp, disks), a
// truncated, corrupt or foreign file, one from a newer hartvm: one line and a non-zero exit, or
// in the monitor one line with the machine running on untouched; savevm of a board with a
// network card.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HARTVM } from '../guest/harness.mjs';
import { createMachine } from '../../dist/index.js';

// t0 counts, t1 reads the time CSR, round and round.
const COUNTER = new Uint8Array(Uint32Array.from([0x00128293, 0xc0102373, 0xff9ff06f]).buffer);
const dir = mkdtempSync(path.join(os.tmpdir(), 'hartvm-snapshot-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const KERNEL = path.join(dir, 'counter.bin');
writeFileSync(KERNEL, COUNTER);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const registers = (text, name) => [...text.matchAll(new RegExp(`${name.replace('/', '\\/')}\\s+([0-9a-f]{16})`, 'g'))].map((m) => BigInt(`0x${m[1]}`));

for (const engine of ['interp', 'jit']) {
  for (const smp of [1, 2]) {
    test(`--engine=${engine} -smp ${smp}: loadvm puts back every hart's registers and the clock as savevm saved them`, async () => {
      const file = path.join(dir, `counter-${engine}-${smp}.snap`);
      const machine = createMachine({ bios: 'none', kernel: COUNTER, smp, engine, warmUp: false });
      let saved;
      try {
        await machine.start();
        await sleep(150);
        await machine.monitorCommand('stop');
        saved = await machine.monitorCommand('info registers -a');
        assert.equal(await machine.monitorCommand(`savevm ${file}`), '');
        assert.equal(machine.paused, true, 'a stopped machine stays stopped');
        assert.equal(await machine.monitorCommand('cont'), '');
        await sleep(1000); // the guest's clock runs a second past the snapshot's
        await machine.monitorCommand('stop');
        const later = await machine.monitorCommand('info registers -a');
        registers(later, 'x5/t0').forEach((t0, hart) => assert.ok(t0 > registers(saved, 'x5/t0')[hart], `hart ${hart} counted on`));

        assert.equal(await machine.monitorCommand(`loadvm ${file}`), '');
        assert.equal(machine.paused, true);
        const loaded = await machine.monitorCommand('info registers -a');
        assert.equal(loaded, saved, 'every register of every hart as saved (the clock stood while stopped, so t1 too)');
        const contAt = performance.now();
        assert.equal(await machine.monitorCommand('cont'), '');
        await sleep(100);
        await machine.monitorCommand('stop');
        const running = (performance.now() - contAt) / 1000;
        const after = await machine.monitorCommand('info registers -a');
        registers(after, 'x5/t0').forEach((t0, hart) => assert.ok(t0 > registers(saved, 'x5/t0')[hart], `hart ${hart} counts on from the snapshot`));
        registers(after, 'x6/t1').forEach((t1, hart) => {
          const fromSaved = Number(t1 - registers(saved, 'x6/t1')[hart]) / 10_000_000;
          const fromLater = Number(t1 - registers(later, 'x6/t1')[hart]) / 10_000_000;
          // on from the snapshot's time, so still behind where the second it ran on after the save took it
          // (as long as it ran less than that second since cont)
          assert.ok(fromSaved > 0 && (running >= 0.9 || fromLater < 0), `hart ${hart}'s clock went on from the snapshot's time (${fromSaved} s past it, ${fromLater} s past the reading before loadvm, ${running} s between cont and stop)`);
        });

        // a running machine: loadvm holds it, loads, and lets it run on
        assert.equal(await machine.monitorCommand('cont'), '');
        assert.equal(await machine.monitorCommand(`loadvm ${file}`), '');
        assert.equal(machine.paused, false);
      } finally {
        await machine.stop();
      }

      // a new machine of the same shape starts from it, held with startHeld, and runs on
      const again = createMachine({ bios: 'none', kernel: COUNTER, smp, engine, warmUp: false, loadvm: file, startHeld: true });
      try {
        await again.start();
        assert.equal(again.paused, true);
        assert.equal(await again.monitorCommand('info registers -a'), saved, 'every register of every hart as saved');
        again.resume();
        await sleep(100);
        await again.monitorCommand('stop');
        registers(await again.monitorCommand('info registers -a'), 'x5/t0').forEach((t0, hart) => assert.ok(t0 > registers(saved, 'x5/t0')[hart], `hart ${hart} runs on`));
      } finally {
        await again.stop();
      }
    });
  }
}

/** hartvm boot of the counter; resolves to its exit status and stderr. */
function hartvm(args, { kill } = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HARTVM, 'boot', '-bios', 'none', '-kernel', KERNEL, '-monitor', 'none', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = kill === undefined ? undefined : setTimeout(() => child.kill('SIGTERM'), kill);
    child.on('exit', (status) => { clearTimeout(timer); resolve({ status, stderr }); });
  });
}

test('-loadvm FILE refuses a snapshot of another machine, a truncated, corrupt or foreign file, one from a newer hartvm: one line, exit status 1', async () => {
  const file = path.join(dir, 'cli.snap');
  const machine = createMachine({ bios: 'none', kernel: COUNTER, warmUp: false });
  try {
    await machine.start();
    await sleep(100);
    await machine.saveSnapshot(file);
  } finally {
    await machine.stop();
  }
  const good = readFileSync(file);
  const variant = (name, bytes) => { const p = path.join(dir, name); writeFileSync(p, bytes); return p; };
  const newer = Buffer.from(good);
  newer.writeUInt32LE(4, 8);
  const older = Buffer.from(good);
  older.writeUInt32LE(2, 8);
  const corrupt = Buffer.from(good);
  corrupt[corrupt.length - 100] ^= 0x55;
  // a byte of a guest page, which a raw memory section holds as it is (no deflate's check)
  const header = JSON.parse(good.subarray(16, 16 + good.readUInt32LE(12)).toString());
  const page = header.sections.find((s) => s.name.startsWith('memory:ram:') && s.packing === 'raw' && s.stored > 4096);
  assert.ok(page, 'a memory section with pages in it, kept raw');
  const corruptPage = Buffer.from(good);
  corruptPage[16 + good.readUInt32LE(12) + page.offset + page.stored - 1000] ^= 0x01;
  const random = Buffer.alloc(good.length);
  for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24;
  const refusals = [
    { args: ['-m', '128M', '-loadvm', file], message: /it has 256 MiB of RAM, this machine 128 MiB \(-m\)/ },
    { args: ['-smp', '2', '-loadvm', file], message: /it has 1 hart, this machine 2 \(-smp\)/ },
    { args: ['--loadvm', variant('truncated.snap', good.subarray(0, good.length >> 1))], message: /it is truncated/ },
    { args: ['-loadvm', variant('tiny.snap', good.subarray(0, 5))], message: /it is truncated/ },
    { args: ['-loadvm', variant('random.snap', random)], message: /it is not a hartvm snapshot/ },
    { args: ['-loadvm', variant('newer.snap', newer)], message: /it was saved by a newer hartvm \(snapshot format 4; this one reads 3\)/ },
    { args: ['-loadvm', variant('older.snap', older)], message: /it is in snapshot format 2, which this hartvm does not read/ },
    { args: ['-loadvm', variant('corrupt.snap', corrupt)], message: /its section [\w:-]+ is corrupt/ },
    { args: ['-loadvm', variant('corrupt-page.snap', corruptPage)], message: new RegExp(`its section ${page.name} is corrupt`) },
    { args: ['-loadvm', path.join(dir, 'missing.snap')], message: /cannot read snapshot .*missing\.snap: no such file or directory/ },
    { args: ['-loadvm', file, '-drive', `file=${variant('disk.img', Buffer.alloc(1 << 20))},format=raw`], message: /it has 0 disks, this machine 1 \(-drive\)/ },
  ];
  for (const { args, message } of refusals) {
    const { status, stderr } = await hartvm(args, { kill: 60000 });
    assert.equal(status, 1, `${args.join(' ')}: ${stderr}`);
    assert.match(stderr, message);
    assert.match(stderr, /^hartvm: cannot (load the machine from|read snapshot) /);
    assert.equal(stderr.trim().split('\n').length, 1, `one line: ${stderr}`);
  }

  // the good file loads through the CLI: the counter runs until stopped
  const { status, stderr } = await hartvm(['-loadvm', file], { kill: 1500 });
  assert.equal(status, 143, stderr);
  assert.equal(stderr, '');

  // a running machine refuses the damaged page before it changes anything (its sum is checked first)
  const running = createMachine({ bios: 'none', kernel: COUNTER, warmUp: false });
  try {
    await running.start();
    const damaged = path.join(dir, 'corrupt-page.snap');
    assert.equal(await running.monitorCommand(`loadvm ${damaged}`), `loadvm: cannot load the machine from ${damaged}: its section ${page.name} is corrupt\n`);
    assert.equal(await running.monitorCommand('info status'), 'VM status: running\n');
    assert.equal(await running.monitorCommand(`loadvm ${file}`), '');
  } finally {
    await running.stop();
  }
});

test('loadvm of a file it refuses leaves a running machine running, untouched; savevm to a place it cannot write says so', async () => {
  const machine = createMachine({ bios: 'none', kernel: COUNTER, smp: 2, warmUp: false });
  try {
    await machine.start();
    const bad = path.join(dir, 'bad.snap');
    writeFileSync(bad, 'HARTVMSN\x03\x00\x00\x00\x05\x00\x00\x00{"x":');
    assert.equal(await machine.monitorCommand(`loadvm ${bad}`), `loadvm: cannot load the machine from ${bad}: its header is corrupt\n`);
    assert.match(await machine.monitorCommand(`loadvm ${path.join(dir, 'cli.snap')}`), /^loadvm: cannot load the machine from .*: it is of another machine: it has 1 hart, this machine 2 \(-smp\)\n$/);
    assert.equal(await machine.monitorCommand('info status'), 'VM status: running\n');
    await machine.monitorCommand('stop');
    const before = registers(await machine.monitorCommand('info registers -a'), 'x5/t0');
    await machine.monitorCommand('cont');
    await sleep(100);
    await machine.monitorCommand('stop');
    registers(await machine.monitorCommand('info registers -a'), 'x5/t0').forEach((t0, hart) => assert.ok(t0 > before[hart], `hart ${hart} runs on`));
    assert.match(await machine.monitorCommand(`savevm ${path.join(dir, 'no-such-dir', 'x.snap')}`), /^savevm: cannot save the machine into .*x\.snap: no such file or directory\n$/);
    assert.equal(await machine.monitorCommand('savevm'), 'savevm: give a file: savevm FILE\n');
  } finally {
    await machine.stop();
  }
});

let passt = true;
try { execFileSync('passt', ['--version'], { stdio: 'ignore' }); } catch { passt = false; }

test('savevm refuses a board with a network card: its connections through passt cannot be restored', { skip: !passt && 'passt is not installed' }, async () => {
  const machine = createMachine({ bios: 'none', kernel: COUNTER, warmUp: false, network: {} });
  try {
    await machine.start();
    assert.match(await machine.monitorCommand(`savevm ${path.join(dir, 'net.snap')}`),
      /^savevm: cannot save the machine into .*net\.snap: the board has a network card: its connections through passt cannot be saved and restored\n$/);
    assert.equal(await machine.monitorCommand('info status'), 'VM status: running\n');
  } finally {
    await machine.stop();
  }
});

test('a writable disk\'s contents are in the snapshot and loadvm writes them back; a read-only disk that changed is refused', async () => {
  // 3 MiB and a sector: the last page is partly past the end; some pages zero, some not
  const disk = new Uint8Array(3 * 2 ** 20 + 512);
  for (let i = 0; i < disk.length; i += 3) if ((i >> 12) % 3 !== 1) disk[i] = (i * 31) & 0xff;
  disk[disk.length - 1] = 0x5a;
  const original = disk.slice();
  const readOnly = new Uint8Array(64 * 1024).fill(7);
  const file = path.join(dir, 'disks.snap');
  const machine = createMachine({ bios: 'none', kernel: COUNTER, warmUp: false, drives: [{ data: disk }, { data: readOnly, readOnly: true }] });
  try {
    await machine.start();
    assert.equal(await machine.monitorCommand(`savevm ${file}`), '');
    disk.fill(0xee, 4096, 3 * 4096);
    disk[disk.length - 1] = 0;
    disk[100] ^= 1;
    assert.equal(await machine.monitorCommand(`loadvm ${file}`), '');
    assert.ok(Buffer.from(disk).equals(Buffer.from(original)), 'the disk is as it was saved, byte for byte');

    readOnly[12345] = 8;
    assert.equal(await machine.monitorCommand(`loadvm ${file}`),
      `loadvm: cannot load the machine from ${file}: read-only disk 2 (vdb) changed since the snapshot was saved\n`);
    assert.equal(await machine.monitorCommand('info status'), 'VM status: running\n');
  } finally {
    await machine.stop();
  }
});

test('savevm refuses a board that shares a host folder: the guest\'s open files there cannot be restored', async () => {
  const machine = createMachine({ bios: 'none', kernel: COUNTER, warmUp: false, shares: [{ path: dir, tag: 'host' }] });
  try {
    await machine.start();
    assert.match(await machine.monitorCommand(`savevm ${path.join(dir, 'share.snap')}`),
      /^savevm: cannot save the machine into .*share\.snap: the board shares host folders \(virtio-9p\): the files the guest has open in them cannot be saved and restored\n$/);
  } finally {
    await machine.stop();
  }
});
