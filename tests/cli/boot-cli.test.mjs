// `hartvm boot` with bad input: one clear line on stderr starting with "hartvm: ", a non-zero
// exit, no stack trace and never a hang. Also --dump-dtb (a clean device tree), -no-reboot after
// a kernel panic (exit 1), and -bios none entering a raw M-mode program at 0x80000000.
// Most fixtures are generated here (tiny raw programs, ELF headers, disk files); the Linux tests
// use the project's shipped images (images/).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HARTVM, ROOT, runHartvm } from '../guest/harness.mjs';
import { imagesDir } from '../boot/serial.mjs';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'hartvm-boot-cli-'));
chmodSync(tmp, 0o755); // the read-only-disk test runs hartvm as an unprivileged user
after(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name) => path.join(tmp, name);
const TIMEOUT_MS = 60000;

// ---- fixtures -------------------------------------------------------------------------------

/** A raw program from 32-bit instruction words (little-endian). */
function rawProgram(name, words) {
  const bytes = Buffer.alloc(words.length * 4);
  words.forEach((w, i) => bytes.writeUInt32LE(w >>> 0, i * 4));
  writeFileSync(file(name), bytes);
  return file(name);
}

// Writes 0x5555 (poweroff) to the SiFive test device at 0x100000.
const POWEROFF = rawProgram('poweroff.bin', [
  0x001002b7, // lui  t0, 0x100
  0x00005337, // lui  t1, 0x5
  0x55530313, // addi t1, t1, 0x555
  0x0062a023, // sw   t1, 0(t0)
  0x0000006f, // j    .
]);

// Writes 0x3333 | (5 << 16): the guest reports failure with code 5.
const FAIL_5 = rawProgram('fail-5.bin', [
  0x001002b7, // lui  t0, 0x100
  0x00053337, // lui  t1, 0x53
  0x33330313, // addi t1, t1, 0x333
  0x0062a023, // sw   t1, 0(t0)
  0x0000006f, // j    .
]);

// Checks how it was entered, then powers off; a failed check reports failure code 1, 2 or 3:
// 1: a0 is not mhartid (csrr mhartid also traps unless in M-mode), 2: pc is not 0x80000000,
// 3: a1 does not point at a device tree (magic 0xd00dfeed, big-endian).
const ENTRY_CHECK = rawProgram('entry-check.bin', [
  0x00000e97, // 00: auipc t4, 0
  0xf14022f3, // 04: csrr  t0, mhartid
  0x00100fb7, // 08: lui   t6, 0x100
  0x02551863, // 0c: bne   a0, t0, fail1 (0x3c)
  0x00100f13, // 10: li    t5, 1
  0x01ff1f13, // 14: slli  t5, t5, 31
  0x03ee9863, // 18: bne   t4, t5, fail2 (0x48)
  0x0005a383, // 1c: lw    t2, 0(a1)
  0xedfe1e37, // 20: lui   t3, 0xedfe1
  0xdd0e0e1b, // 24: addiw t3, t3, -0x230      (t3 = 0xffffffffedfe0dd0)
  0x03c39663, // 28: bne   t2, t3, fail3 (0x54)
  0x00005337, // 2c: lui   t1, 0x5
  0x5553031b, // 30: addiw t1, t1, 0x555
  0x006fa023, // 34: sw    t1, 0(t6)           poweroff
  0x0000006f, // 38: j     .
  0x00013337, // 3c: fail1: lui t1, 0x13
  0x3333031b, // 40: addiw t1, t1, 0x333
  0x0180006f, // 44: j     out (0x5c)
  0x00023337, // 48: fail2: lui t1, 0x23
  0x3333031b, // 4c: addiw t1, t1, 0x333
  0x00c0006f, // 50: j     out (0x5c)
  0x00033337, // 54: fail3: lui t1, 0x33
  0x3333031b, // 58: addiw t1, t1, 0x333
  0x006fa023, // 5c: out: sw t1, 0(t6)
  0x0000006f, // 60: j     .
]);

/** An ELF64 header (+ one PT_LOAD program header) for RISC-V, cut to `length` bytes. */
function elfFile(name, { machine = 243, length } = {}) {
  const b = Buffer.alloc(64 + 56);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(machine, 18);
  b.writeUInt32LE(1, 20);
  b.writeBigUInt64LE(0x80200000n, 24); // entry
  b.writeBigUInt64LE(64n, 32); // phoff
  b.writeUInt16LE(64, 52);
  b.writeUInt16LE(56, 54);
  b.writeUInt16LE(1, 56); // phnum
  b.writeUInt16LE(64, 58);
  b.writeUInt32LE(1, 64); // PT_LOAD
  b.writeUInt32LE(5, 68); // R+X
  b.writeBigUInt64LE(0x1000n, 72); // offset: past the end of this file
  b.writeBigUInt64LE(0x80200000n, 80);
  b.writeBigUInt64LE(0x80200000n, 88);
  b.writeBigUInt64LE(0x1000n, 96); // filesz
  b.writeBigUInt64LE(0x1000n, 104); // memsz
  b.writeBigUInt64LE(0x1000n, 112);
  writeFileSync(file(name), b.subarray(0, length ?? b.length));
  return file(name);
}

const EMPTY = file('empty');
writeFileSync(EMPTY, '');
const DIR = file('a-directory');
mkdirSync(DIR);
const MISSING = file('missing');
const TRUNCATED_HEADER = elfFile('truncated-header.elf', { length: 40 });
const TRUNCATED_PHDRS = elfFile('truncated-phdrs.elf', { length: 64 });
const TRUNCATED_SEGMENT = elfFile('truncated-segment.elf');
// Inputs that never end, or whose open waits for a writer: hartvm must refuse them, not read them.
const FIFO = file('a-fifo');
spawnSync('mkfifo', [FIFO]);
// A file name with a newline (and an escape sequence): messages that quote it stay one line.
const ODD_NAME = file('odd\nname\u001b[7m.bin');
writeFileSync(ODD_NAME, Buffer.alloc(100));

const DISK = file('disk.img');
writeFileSync(DISK, Buffer.alloc(1 << 20));
const READONLY_DISK = file('readonly.img');
writeFileSync(READONLY_DISK, Buffer.alloc(1 << 20));
chmodSync(READONLY_DISK, 0o444);
const SMALL_DISK = file('small.img');
writeFileSync(SMALL_DISK, Buffer.alloc(100));

/** The project's guest images, as shipped in images/ (unpacked once). */
function images() {
  const dir = imagesDir();
  return { kernel: path.join(dir, 'Image'), initrd: path.join(dir, 'rootfs.cpio.gz') };
}

// ---- helpers --------------------------------------------------------------------------------

function boot(args, options = {}) {
  return runHartvm(['boot', ...args], { timeoutMs: TIMEOUT_MS, ...options });
}

/** Runs hartvm as an unprivileged user (root opens 0444 files for writing regardless). */
function bootUnprivileged(args) {
  const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HARTVM, 'boot', ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...asUser });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (status, signal) => { clearTimeout(timer); resolve({ status, signal, stdout, stderr }); });
  });
}

function assertOneLineError(r, args, pattern) {
  const what = `hartvm boot ${args.join(' ')}`;
  assert.equal(r.signal, null, `${what}: killed by ${r.signal} (a hang?)\nstderr: ${r.stderr}`);
  assert.notEqual(r.status, 0, `${what}: expected a non-zero exit\nstderr: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, `${what}: no stack trace\n${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `${what}: expected one line of error output, got:\n${r.stderr}`);
  assert.match(lines[0], /^hartvm: /);
  assert.match(lines[0], pattern);
  assert.equal(r.stdout, '', `${what}: nothing on stdout`);
}

async function expectOneLineError(args, pattern) {
  assertOneLineError(await boot(args), args, pattern);
}

/** The last line on stderr (runtime endings come after the console output, on a new line). */
function lastLine(text) {
  return text.trimEnd().split('\n').pop();
}

// ---- firmware, kernel, initrd ---------------------------------------------------------------

const badFiles = [
  ['a missing file', MISSING, /no such file/],
  ['a directory', DIR, /is a directory/],
  ['an empty file', EMPTY, /empty/],
  ['an ELF file with a truncated header', TRUNCATED_HEADER, /truncated/],
  ['an ELF file with truncated program headers', TRUNCATED_PHDRS, /truncated|past the end/],
  ['an ELF file with a truncated segment', TRUNCATED_SEGMENT, /truncated|past the end/],
  ['an x86-64 ELF (the node binary)', process.execPath, /not RISC-V/],
  ['/dev/zero', '/dev/zero', /not a regular file \(a character device\)/],
  ['a FIFO', FIFO, /not a regular file \(a FIFO\)/],
];

for (const [what, bad, pattern] of badFiles) {
  test(`boot rejects ${what} as firmware`, async () => {
    await expectOneLineError(['-bios', bad, '-kernel', POWEROFF], new RegExp(`firmware ${escape(bad)}.*(${pattern.source})`));
  });
  test(`boot rejects ${what} as kernel`, async () => {
    await expectOneLineError(['-kernel', bad], new RegExp(`kernel ${escape(bad)}.*(${pattern.source})`));
  });
  test(`boot rejects ${what} as kernel with -bios none`, async () => {
    await expectOneLineError(['-bios', 'none', '-kernel', bad], new RegExp(`kernel ${escape(bad)}.*(${pattern.source})`));
  });
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('boot rejects a missing initrd', async () => {
  await expectOneLineError(['-kernel', POWEROFF, '-initrd', MISSING], new RegExp(`initrd ${escape(MISSING)}.*no such file`));
});

test('boot rejects a directory as initrd', async () => {
  await expectOneLineError(['-kernel', POWEROFF, '-initrd', DIR], /initrd .*is a directory/);
});

for (const [what, bad] of [['/dev/urandom', '/dev/urandom'], ['a FIFO', FIFO]]) {
  test(`boot rejects ${what} as initrd, without reading it`, async () => {
    await expectOneLineError(['-kernel', POWEROFF, '-initrd', bad], new RegExp(`initrd ${escape(bad)}: not a regular file`));
  });
}

test('boot rejects an empty initrd', async () => {
  await expectOneLineError(['-kernel', POWEROFF, '-initrd', EMPTY], new RegExp(`initrd ${escape(EMPTY)} is empty`));
});

test('boot reads no more of an initrd than RAM could hold, and names -m', async () => {
  const big = file('big-initrd');
  writeFileSync(big, Buffer.alloc(0));
  spawnSync('truncate', ['-s', '20M', big]);
  await expectOneLineError(['-m', '16M', '-kernel', POWEROFF, '-initrd', big], /initrd .*: larger than the RAM \(16 MiB\); use -m for more$/);
});

test('a file name with a newline and an escape sequence is quoted on one line', async () => {
  const quoted = escape(JSON.stringify(ODD_NAME).slice(1, -1));
  await expectOneLineError(['-bios', ODD_NAME + '.missing', '-kernel', POWEROFF], new RegExp(`firmware "${quoted}\\.missing": no such file`));
  await expectOneLineError(['-bios', 'none', '-kernel', POWEROFF, '-drive', `file=${ODD_NAME},format=raw`], new RegExp(`-drive "${quoted}": too small`));
  await expectOneLineError(['-bios', 'none', '-kernel', POWEROFF, '-drive', `file=${ODD_NAME},format=raw,frob=1`], /unknown option 'frob'/);
});

// ---- RAM too small --------------------------------------------------------------------------

test('-m 16M is too small for the Linux Image and initrd, and the message names -m', async () => {
  const { kernel, initrd } = images();
  await expectOneLineError(['-m', '16M', '-kernel', kernel, '-initrd', initrd], /does not fit.*-m/);
});

test('-m 1M is too small for the Linux Image and initrd, and the message names -m', async () => {
  const { kernel, initrd } = images();
  await expectOneLineError(['-m', '1M', '-kernel', kernel, '-initrd', initrd], /(does not fit|larger than the RAM).*-m/);
});

test('-m 1M with OpenSBI and a tiny kernel: the message names -m', async () => {
  await expectOneLineError(['-m', '1M', '-kernel', POWEROFF], /-m/);
});

test('-m 1M with -bios none and a tiny kernel: the message names -m', async () => {
  // The device tree goes 2 MiB-aligned below the top of RAM, i.e. at 0x80000000 on top of the kernel.
  await expectOneLineError(['-m', '1M', '-bios', 'none', '-kernel', POWEROFF], /-m/);
});

// ---- usage errors ---------------------------------------------------------------------------

const badFlags = [
  [['--frobnicate', '-kernel', POWEROFF], /unknown option '--frobnicate'/],
  [['-frobnicate', '-kernel', POWEROFF], /unknown option '-frobnicate'/],
  [['-m', '12Q', '-kernel', POWEROFF], /invalid memory size/],
  [['-m', 'lots', '-kernel', POWEROFF], /invalid memory size/],
  [['-m', '6K', '-kernel', POWEROFF], /multiple of 4 KiB/],
  [['-m', '0', '-kernel', POWEROFF], /multiple of 4 KiB|memory size/],
  [['-m', '4G', '-kernel', POWEROFF], /at most 2G/],
  [['-smp', '0', '-kernel', POWEROFF], /smp.*positive whole number/],
  [['-smp', 'two', '-kernel', POWEROFF], /smp.*positive whole number/],
  [['-smp', '33', '-kernel', POWEROFF], /-smp 33: the board has 1 to 32 harts/],
  [['--tlb-flush', 'sometimes', '-kernel', POWEROFF], /instruction, block, fence/],
  [['--tlb-flush=sometimes', '-kernel', POWEROFF], /instruction, block, fence/],
  [['-kernel'], /argument missing/],
  [['-kernel', POWEROFF, '-drive'], /argument missing/],
  [['-kernel', POWEROFF, 'stray-argument'], /too many arguments|unexpected|stray-argument/],
];
for (const [args, pattern] of badFlags) {
  test(`usage error: hartvm boot ${args.join(' ').replace(tmp, '$TMP')}`, async () => {
    await expectOneLineError(args, pattern);
  });
}

// ---- -smp ----------------------------------------------------------------------------------

test('-smp 3: OpenSBI on three hart threads starts the kernel, which powers off (exit 0)', async () => {
  const r = await boot(['-smp', '3', '-kernel', POWEROFF, '--stats']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Platform HART Count\s*: 3/);
  assert.match(r.stderr, /^hart threads/m);
  for (const hart of [0, 1, 2]) assert.match(r.stderr, new RegExp(`^\\s+${hart}\\s+\\d+`, 'm'));
});

test('--dump-dtb with -smp 4 describes four cpus', async () => {
  const dtb = path.join(tmp, 'smp4.dtb');
  const r = await boot(['-smp', '4', '-kernel', POWEROFF, '--dump-dtb', dtb]);
  assert.equal(r.status, 0, r.stderr);
  const source = decompile(dtb);
  for (const hart of [0, 1, 2, 3]) assert.match(source, new RegExp(`cpu@${hart} \\{`));
  assert.doesNotMatch(source, /cpu@4 \{/);
});

// ---- -drive ---------------------------------------------------------------------------------

const badDrives = [
  [`file=${MISSING},format=raw`, /no such file/],
  ['format=raw', /no file= given/],
  [`file=${DISK},format=qcow2`, /only format=raw/],
  [`file=${DISK},format=raw,frobnicate=on`, /unknown option 'frobnicate'/],
  [`file=${DISK},format=raw,readonly=maybe`, /readonly=maybe must be on or off/],
  // a name every object has is still not a switch's value
  [`file=${DISK},format=raw,snapshot=toString`, /snapshot=toString must be on or off/],
  [`file=${SMALL_DISK},format=raw`, /too small/],
  [`file=${EMPTY},format=raw`, /too small/],
  [`file=${DIR},format=raw`, /directory|not a regular file/],
  [`file=${DIR},format=raw,readonly=on`, /directory|not a regular file/],
  ['file=/dev/null,format=raw', /not a regular file/],
  ['file=/dev/zero,format=raw', /not a regular file/],
  [`file=${FIFO},format=raw`, /not a regular file/],
  [`file=${FIFO},format=raw,readonly=on`, /not a regular file/],
  // Not writable even for root; its size is 0, though, which may be what hartvm notices first.
  ['file=/proc/version,format=raw', /writing|too small|not a regular file/],
];
for (const [spec, pattern] of badDrives) {
  test(`-drive ${spec.replace(tmp, '$TMP')} is rejected`, async () => {
    await expectOneLineError(['-bios', 'none', '-kernel', POWEROFF, '-drive', spec], pattern);
  });
}

test('seven -drive options boot; an eighth is refused with one line that names the limit', async () => {
  // Eight virtio-mmio slots, one of them the entropy device's.
  const disks = Array.from({ length: 8 }, (_, i) => {
    const disk = file(`many-${i}.img`);
    writeFileSync(disk, Buffer.alloc(4096));
    return ['-drive', `file=${disk},format=raw`];
  });
  const seven = await boot(['-bios', 'none', '-kernel', POWEROFF, ...disks.slice(0, 7).flat()]);
  assert.equal(seven.status, 0, seven.stderr);
  await expectOneLineError(['-bios', 'none', '-kernel', POWEROFF, ...disks.flat()],
    /^hartvm: 8 -drive options: the board takes at most 7 disks \(it has 8 virtio-mmio slots, and one is the entropy device's\)$/);
});

/** Whether the unprivileged user can read hartvm and the fixtures (not so if the checkout is private). */
function unprivilegedCanRun() {
  if (process.getuid?.() !== 0) return true;
  const files = [path.join(ROOT, 'dist/host/node/cli.js'), POWEROFF, READONLY_DISK];
  const probe = spawnSync(process.execPath, ['-e', `for (const f of ${JSON.stringify(files)}) require('fs').accessSync(f, 4)`],
    { uid: 65534, gid: 65534, stdio: 'ignore' });
  return probe.status === 0;
}

test('a read-only (0444) image works with readonly=on and with snapshot=on', async (t) => {
  if (!unprivilegedCanRun()) return t.skip('user 65534 cannot read the checkout or the temporary directory');
  for (const extra of ['readonly=on', 'snapshot=on']) {
    const r = await bootUnprivileged(['-bios', 'none', '-kernel', POWEROFF, '-drive', `file=${READONLY_DISK},format=raw,${extra}`]);
    assert.equal(r.status, 0, `${extra}: ${r.stderr}`);
    assert.equal(r.stderr, '');
  }
});

test('a read-only (0444) image without readonly=on: cannot be opened for writing', async (t) => {
  if (!unprivilegedCanRun()) return t.skip('user 65534 cannot read the checkout or the temporary directory');
  const args = ['-bios', 'none', '-kernel', POWEROFF, '-drive', `file=${READONLY_DISK},format=raw`];
  assertOneLineError(await bootUnprivileged(args), args, /cannot open it for writing.*readonly=on/);
});

// ---- --dump-dtb -----------------------------------------------------------------------------

function decompile(dtb) {
  const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', dtb], { encoding: 'utf8' });
  assert.equal(r.error, undefined, `dtc: ${r.error} (install device-tree-compiler: npm run setup)`);
  assert.equal(r.status, 0, `dtc failed: ${r.stderr}`);
  assert.equal(r.stderr, '', 'dtc warns about nothing');
  return r.stdout;
}

test('--dump-dtb writes a device tree that dtc decompiles cleanly, and exits at once', async () => {
  const dtb = file('virt.dtb');
  const initrd = file('initrd.bin');
  writeFileSync(initrd, Buffer.alloc(123457, 0xa5));
  const bootargs = 'console=ttyS0 quiet hartvm.test=a,b';
  const start = Date.now();
  const r = await boot(['-m', '512M', '-kernel', POWEROFF, '-initrd', initrd, '-append', bootargs, '--dump-dtb', dtb]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, '', 'the guest did not run');
  assert.ok(Date.now() - start < 20000, `took ${Date.now() - start} ms`);
  const dts = decompile(dtb);
  assert.match(dts, /compatible = "riscv-virtio"/);
  assert.match(dts, /"sifive,plic-1\.0\.0/);
  assert.match(dts, /compatible = "ns16550a"/);
  assert.match(dts, /compatible = "google,goldfish-rtc"/);
  assert.match(dts, /compatible = "virtio,mmio"/);
  assert.match(dts, /riscv,isa = "rv64[^"]*_sstc[_"]/);
  assert.match(dts, /mmu-type = "riscv,sv57"/);
  assert.ok(dts.includes(`bootargs = "${bootargs}"`), `bootargs in\n${dts}`);
  assert.match(dts, /memory@80000000 \{[^}]*reg = <0x00 0x80000000 0x00 0x20000000>/, 'RAM as -m says');
  const start64 = /linux,initrd-start = <(0x[0-9a-f]+) (0x[0-9a-f]+)>/.exec(dts);
  const end64 = /linux,initrd-end = <(0x[0-9a-f]+) (0x[0-9a-f]+)>/.exec(dts);
  assert.ok(start64 && end64, 'linux,initrd-start and -end');
  const cells = (m) => (BigInt(m[1]) << 32n) | BigInt(m[2]);
  assert.equal(cells(end64) - cells(start64), 123457n, 'the initrd range is its size');
  assert.ok(cells(start64) >= 0x80000000n && cells(end64) <= 0x80000000n + 512n * 2n ** 20n, 'the initrd is in RAM');
});

test('--dump-dtb without -initrd has no initrd properties', async () => {
  const dtb = file('no-initrd.dtb');
  const r = await boot(['-kernel', POWEROFF, '-append', 'console=ttyS0', '--dump-dtb', dtb]);
  assert.equal(r.status, 0, r.stderr);
  const dts = decompile(dtb);
  assert.doesNotMatch(dts, /linux,initrd/);
  assert.match(dts, /bootargs = "console=ttyS0"/);
});

test('--dump-dtb with the Linux Image and initrd', async () => {
  const { kernel, initrd } = images();
  const dtb = file('linux.dtb');
  const r = await boot(['-kernel', kernel, '-initrd', initrd, '-append', 'console=ttyS0', '--dump-dtb', dtb]);
  assert.equal(r.status, 0, r.stderr);
  const dts = decompile(dtb);
  assert.match(dts, /linux,initrd-start/);
  assert.match(dts, /linux,initrd-end/);
});

test('--dump-dtb into a missing directory fails with one line', async () => {
  await expectOneLineError(['-kernel', POWEROFF, '--dump-dtb', '/nonexistent-dir/x.dtb'], /cannot write \/nonexistent-dir\/x\.dtb/);
});

// ---- -bios none: a raw M-mode program ---------------------------------------------------------

test('-bios none enters a raw program in M-mode at 0x80000000 with a0 = hart id, a1 = the DTB; poweroff exits 0', async () => {
  const r = await boot(['-bios', 'none', '-kernel', ENTRY_CHECK]);
  assert.equal(r.signal, null, `killed (a hang?)\n${r.stderr}`);
  assert.equal(r.status, 0, `exit status (failure code 1: a0/M-mode, 2: pc, 3: a1 not a DTB)\n${r.stderr}`);
  assert.equal(r.stderr, '');
});

test('-bios none: the plain poweroff program exits 0, with stdin closed', async () => {
  const r = await boot(['-bios', 'none', '-kernel', POWEROFF], { input: '' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
});

test('-bios none: a program reporting failure code 5 ends the run with exit 5', async () => {
  const r = await boot(['-bios', 'none', '-kernel', FAIL_5]);
  assert.equal(r.signal, null, `killed (a hang?)\n${r.stderr}`);
  assert.equal(r.status, 5);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.equal(lastLine(r.stderr), 'hartvm: the guest reported failure (code 5)');
});

test('-bios none: a kernel that is not code ends in a trap-loop diagnosis, not a hang', async () => {
  const garbage = file('zeros.bin');
  writeFileSync(garbage, Buffer.alloc(4096));
  const r = await boot(['-bios', 'none', '-kernel', garbage]);
  assert.equal(r.signal, null, `killed (a hang?)\n${r.stderr}`);
  assert.notEqual(r.status, 0);
  assert.match(lastLine(r.stderr), /^hartvm: .*trap loop/);
});

test('a console-heavy guest on a hart thread is not throttled: polling LSR and writing THR need no round trip to the device thread', async () => {
  // 64 KiB written the way a polling driver writes (LSR, then THR, per byte) by hart 0 of two,
  // which runs on a thread of its own: every byte arrives, and the hart's requests to the device
  // thread stay a handful instead of two per byte.
  const elf = path.join(ROOT, 'build/guest/cli/uart-flood.elf');
  for (const args of [['-smp', '2'], ['--hart-threads']]) {
    const r = await boot(['-bios', 'none', '-kernel', elf, ...args, '--stats=json', '-no-reboot']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, ('x'.repeat(63) + '\n').repeat(1024), `${args}: the console output`);
    const statistics = JSON.parse(r.stderr.slice(r.stderr.indexOf('{')));
    const hart0 = statistics.threads.find((t) => t.hartId === 0);
    assert.ok(hart0.mmioRequests < 100, `${args}: hart 0 made ${hart0.mmioRequests} requests to the device thread for 65536 bytes`);
  }
});

test('a guest that queues 64 virtio-blk GET_IDs of 4 GiB each is stopped by SIGTERM within a second, its console output there', async () => {
  // guest/cli/blk-get-id-flood.S: one notify for requests that claim 256 GiB in all. The devices
  // serve them a bounded amount per turn, so the console and the signal still get through.
  const elf = path.join(ROOT, 'build/guest/cli/blk-get-id-flood.elf');
  const disk = file('get-id-flood.img');
  writeFileSync(disk, Buffer.alloc(1 << 20));
  for (const args of [[], ['--hart-threads']]) {
    const child = spawn(process.execPath, [HARTVM, 'boot', '-bios', 'none', '-kernel', elf, '-drive', `file=${disk},format=raw`, ...args],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const exited = new Promise((resolve) => child.on('close', (status, signal) => resolve({ status, signal })));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30000);
    try {
      for (let waited = 0; waited < 15000 && !stdout.includes('guest: notified'); waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.match(stdout, /guest: starting\nguest: 64 GET_ID requests of 4 GiB queued\nguest: notified\n/, `${args}: the console output came out while the requests were served\n${stderr}`);
      const sent = performance.now();
      child.kill('SIGTERM');
      const r = await exited;
      const ms = performance.now() - sent;
      assert.equal(r.signal, null, `${args}: killed by ${r.signal} (SIGTERM was not honoured)`);
      assert.equal(r.status, 143, stderr);
      assert.ok(ms < 1000, `${args}: SIGTERM took ${Math.round(ms)} ms to end the run`);
      assert.doesNotMatch(stderr, /internal error|\n\s+at /);
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
    }
  }
});

// ---- a console output that fails ------------------------------------------------------------

/** A disk image of a known pattern, to see that it is intact after the run. */
function patternDisk(name) {
  const bytes = Buffer.alloc(1 << 20);
  for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE(i * 2654435761 >>> 0, i);
  writeFileSync(file(name), bytes);
  return { disk: file(name), bytes };
}

// uart-count writes numbered lines forever: only the failing output can end the run.
const COUNT = path.join(ROOT, 'build/guest/cli/uart-count.elf');

for (const smp of ['1', '2']) {
  test(`-smp ${smp}: a console output on a full disk (> /dev/full) ends the run with one line and status 1, its disk closed intact`, async () => {
    const { disk, bytes } = patternDisk(`full-${smp}.img`);
    const args = ['-smp', smp, '-bios', 'none', '-kernel', COUNT, '-drive', `file=${disk},format=raw`];
    const full = openSync('/dev/full', 'w');
    let r;
    try {
      r = await boot(args, { stdoutFd: full });
    } finally {
      closeSync(full);
    }
    assert.equal(r.signal, null, `killed (a hang?)\n${r.stderr}`);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr, 'hartvm: cannot write the console output: no space left on the device\n');
    assert.ok(readFileSync(disk).equals(bytes), 'the disk file is as it was');
  });

  test(`-smp ${smp}: a console output whose reader goes away (| head -1) ends the run with one line and status 1, its disk closed intact`, async () => {
    const { disk, bytes } = patternDisk(`epipe-${smp}.img`);
    const args = ['-smp', smp, '-bios', 'none', '-kernel', COUNT, '-drive', `file=${disk},format=raw`];
    const r = await boot(args, { closeStdoutAfter: '\n' });
    assert.equal(r.signal, null, `killed (a hang?)\n${r.stderr}`);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr, 'hartvm: cannot write the console output: broken pipe (its reader has gone)\n');
    assert.match(r.stdout, /^00000000\n/);
    assert.ok(readFileSync(disk).equals(bytes), 'the disk file is as it was');
  });
}

// ---- a kernel panic with -no-reboot -----------------------------------------------------------

test('a kernel panic with -no-reboot ends the run with exit 1', { timeout: 200000 }, async () => {
  const { kernel, initrd } = images();
  const r = await runHartvm(['boot', '-m', '256M', '-no-reboot', '-kernel', kernel, '-initrd', initrd,
    '-append', 'console=ttyS0 rdinit=/nonexistent'], { timeoutMs: 180000 });
  assert.equal(r.signal, null, `killed after 3 minutes: -no-reboot did not end the run\n${r.stdout.slice(-2000)}`);
  assert.match(r.stdout, /Kernel panic - not syncing: VFS: Unable to mount root fs/);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(lastLine(r.stderr), 'hartvm: the guest kernel panicked');
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('fixture sanity: the generated files are what the tests think', () => {
  assert.equal(statSync(POWEROFF).size, 20);
  assert.equal(statSync(ENTRY_CHECK).size, 100);
  assert.equal(readFileSync(TRUNCATED_HEADER).length, 40);
  assert.equal(statSync(READONLY_DISK).mode & 0o777, 0o444);
});
