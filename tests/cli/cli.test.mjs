// The command line: bad input gets one clear line and a non-zero exit (never a stack trace),
// misbehaving guests end with a diagnosis, and --stats / --trace / --max-insns do what they say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runHartvm } from '../guest/harness.mjs';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'hartvm-cli-'));
const GOOD = path.join(ROOT, 'build/guest/tests/isa/rv64i-alu.elf');
const CLI = (name) => path.join(ROOT, 'build/guest/cli', name);

/** A copy of a good ELF with some bytes changed or cut. */
function variant(name, edit) {
  const bytes = Buffer.from(readFileSync(GOOD));
  const out = edit(bytes) ?? bytes;
  const file = path.join(tmp, name);
  writeFileSync(file, out);
  return file;
}

async function expectOneLineError(args, pattern, status, timeoutMs = 60000) {
  const r = await runHartvm(args, { timeoutMs });
  const lines = r.stderr.trimEnd().split('\n');
  assert.notEqual(r.status, 0, `expected failure for ${args.join(' ')}`);
  if (status !== undefined) assert.equal(r.status, status);
  assert.equal(lines.length, 1, `expected one line of error output, got:\n${r.stderr}`);
  assert.match(lines[0], /^hartvm: /);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(r.stdout, '');
}

const badInputs = [
  ['a missing file', () => path.join(tmp, 'nope.elf'), /no such file/],
  ['a directory', () => tmp, /is a directory/],
  ['an empty file', () => { const f = path.join(tmp, 'empty'); writeFileSync(f, ''); return f; }, /not an ELF file/],
  ['a text file', () => { const f = path.join(tmp, 'text'); writeFileSync(f, 'hello, world\n'.repeat(10)); return f; }, /not an ELF file/],
  ['a truncated header', () => variant('trunc-header.elf', (b) => b.subarray(0, 40)), /truncated/],
  ['truncated segments', () => variant('trunc-body.elf', (b) => b.subarray(0, 0x1100)), /truncated|past the end/],
  // The segments are whole, but 'tohost' went with the section headers: it would run forever.
  ['a file cut just before its section headers', () => variant('trunc-shdrs.elf', (b) => b.subarray(0, Number(b.readBigUInt64LE(40)))), /section headers .*truncated/],
  ['a 32-bit ELF', () => variant('elf32.elf', (b) => { b[4] = 1; }), /32-bit/],
  ['a big-endian ELF', () => variant('be.elf', (b) => { b[5] = 2; }), /big-endian/],
  ['an x86-64 ELF', () => variant('x86.elf', (b) => { b.writeUInt16LE(62, 18); }), /x86-64.*not RISC-V|not RISC-V/],
  ['a host executable', () => { const f = path.join(tmp, 'node-binary'); copyFileSync(process.execPath, f); return f; }, /not RISC-V/],
];

for (const [what, make, pattern] of badInputs) {
  test(`run rejects ${what}`, async () => {
    await expectOneLineError(['run', make()], pattern);
  });
}

// Inputs that never end, or whose open waits for a writer: refused before a byte is read.
const endless = [
  ['/dev/zero', () => '/dev/zero', /program \/dev\/zero: not a regular file \(a character device\)/],
  ['/dev/urandom', () => '/dev/urandom', /program \/dev\/urandom: not a regular file \(a character device\)/],
  ['a FIFO', () => { const f = path.join(tmp, 'fifo'); spawnSync('mkfifo', [f]); return f; }, /program .*fifo: not a regular file \(a FIFO\)/],
];
for (const [what, make, pattern] of endless) {
  test(`run refuses ${what} at once`, async () => {
    await expectOneLineError(['run', make()], pattern, 1, 10000);
  });
}

test('a program name with a newline and an escape sequence is quoted on one line', async () => {
  const odd = path.join(tmp, 'odd\nname\u001b[7m.elf');
  writeFileSync(odd, 'not an ELF file at all');
  await expectOneLineError(['run', odd], new RegExp(`^hartvm: "${JSON.stringify(odd).slice(1, -1).replace(/[\\[.]/g, '\\$&')}": not an ELF file`));
  await expectOneLineError(['run', odd + '.missing'], /^hartvm: cannot read program ".*odd\\nname\\u001b\[7m\.elf\.missing": no such file/);
});

test('run rejects segments outside RAM and names -m', async () => {
  await expectOneLineError(['run', '-m', '64K', path.join(ROOT, 'build/guest/tests/c/sort.elf')], /outside RAM.*-m/);
});

const badFlags = [
  [['run', '--frobnicate', GOOD], /unknown option '--frobnicate'/],
  [['frobnicate'], /unknown command/],
  [['run'], /missing required argument/],
  [['run', '-m', '12Q', GOOD], /invalid memory size/],
  [['run', '-m', '6K', GOOD], /multiple of 4 KiB/],
  [['run', '--tlb-flush=sometimes', GOOD], /instruction, block, fence/],
  [['run', '--max-insns', '-5', GOOD], /positive whole number/],
  // the user's control characters stay escaped, on one line
  [['run', '--tlb-flush', 'a\rb\u001b[7m', GOOD], /argument 'a\\rb\\u001b\[7m' is invalid/],
  [['run', '-m', '1\n2', GOOD], /invalid memory size '"1\\n2"'/],
];
for (const [args, pattern] of badFlags) {
  test(`usage error: hartvm ${args.join(' ')}`, async () => {
    await expectOneLineError(args, pattern);
  });
}

test('a trap loop ends the run with a diagnosis (exit 4)', async () => {
  await expectOneLineError(['run', CLI('trap-loop.elf')], /stuck in a trap loop.*instruction access fault at pc 0x0.*mtvec/, 4);
});

test('wfi with nothing to wake the hart ends the run (exit 3)', async () => {
  await expectOneLineError(['run', CLI('wfi-forever.elf')], /waits in wfi/, 3);
});

test('--max-insns stops an endless loop with a message (exit 124)', async () => {
  const r = await runHartvm(['run', '--max-insns', '100000', CLI('spin.elf')]);
  assert.equal(r.status, 124);
  assert.match(r.stderr, /^hartvm: stopped after 100000 instructions \(--max-insns 100000\) at pc 0x8000000[02]\n$/);
});

test('--max-insns also bounds a trap loop under every policy', async () => {
  for (const policy of ['instruction', 'block', 'fence']) {
    const r = await runHartvm(['run', `--tlb-flush=${policy}`, '--max-insns', '10', CLI('trap-loop.elf')], { timeoutMs: 30000 });
    assert.ok(r.status === 4 || r.status === 124, `${policy}: exit ${r.status}\n${r.stderr}`);
  }
});

test('a failure code from the guest becomes the exit status, after its console output', async () => {
  const r = await runHartvm(['run', CLI('exit-7.elf')]);
  assert.equal(r.status, 7);
  assert.equal(r.stdout, 'bye');
  assert.match(r.stderr, /^\nhartvm: .*exit-7\.elf exited with status 7\n$/);
});

// ---- HTIF: what the guest names is checked like DMA ---------------------------------------------

test('an HTIF syscall block that runs past the end of RAM ends the run with a diagnosis (exit 5)', async () => {
  await expectOneLineError(['run', CLI('htif-syscall-at-ram-end.elf')], /htif-syscall-at-ram-end\.elf: the HTIF syscall block at 0x87fffff8 is not inside RAM$/, 5);
});

test('HTIF write(2) from a buffer not all in RAM returns EFAULT; syscall blocks need no alignment', async () => {
  const r = await runHartvm(['run', CLI('htif-syscalls.elf')]);
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'ok\n');
});

for (const name of ['tohost', 'fromhost']) {
  test(`a '${name}' symbol outside RAM is refused with one line that names it`, async () => {
    const address = name === 'tohost' ? '0x90000000' : '0x1000';
    await expectOneLineError(['run', CLI(`htif-${name}-outside-ram.elf`)], new RegExp(`the '${name}' word at ${address} is outside RAM 0x80000000-0x87ffffff`), 1);
  });
}

test('tohost and fromhost need not be aligned: a tohost across a page boundary works', async () => {
  const r = await runHartvm(['run', CLI('htif-misaligned.elf')]);
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'ok\n');
});

test('a console output on a full disk (> /dev/full) ends the run with one line and status 1', async () => {
  const full = openSync('/dev/full', 'w');
  let r;
  try {
    r = await runHartvm(['run', CLI('htif-lines.elf')], { timeoutMs: 60000, stdoutFd: full });
  } finally {
    closeSync(full);
  }
  assert.equal(r.signal, null, `killed (a hang?)\n${r.stderr}`);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'hartvm: cannot write the console output: no space left on the device\n');
});

test('a console output whose reader goes away (| head -1) ends the run with one line and status 1', async () => {
  const r = await runHartvm(['run', CLI('htif-lines.elf')], { timeoutMs: 60000, closeStdoutAfter: '\n' });
  assert.equal(r.signal, null, `killed (a hang?)\n${r.stderr}`);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'hartvm: cannot write the console output: broken pipe (its reader has gone)\n');
});

test('--stats prints the translation store per hart and the speed', async () => {
  const r = await runHartvm(['run', '--stats', GOOD]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines[0], 'translation store (--tlb-flush=fence):');
  assert.deepEqual(lines[1].trim().split(/\s{2,}/), ['hart', 'instructions', 'lookups', 'hits', 'negative hits', 'page walks', 'invalidations', 'walks/1000 insns']);
  const row = lines[2].trim().split(/\s+/);
  assert.equal(row[0], '0');
  assert.ok(Number(row[1]) > 100, 'instructions counted');
  assert.ok(Number(row[3]) <= Number(row[2]), 'hits <= lookups');
  assert.match(lines[3], /^run time \d+\.\d{3} s, [\d.]+ guest MIPS$/);
});

test('--trace prints one line per instruction with its disassembly', async () => {
  const r = await runHartvm(['run', '--trace', '--max-insns', '50', CLI('spin.elf')]);
  assert.equal(r.status, 124);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 51, 'fifty instructions and the stop message');
  assert.equal(lines[0], 'hart 0 M 0x0000000080000000 (0x0285) addi t0,t0,1');
  assert.match(lines[1], /^hart 0 M 0x0000000080000002 \(0x[0-9a-f]{4}\) (j|jal zero,)\s?0x80000000$/);
  assert.equal(lines[2], lines[0]);
});

test('--jit-dump with --engine=interp, or into a place that cannot be a directory, is one clear line', async () => {
  await expectOneLineError(['run', '--engine=interp', '--jit-dump', path.join(tmp, 'dump'), GOOD], /--jit-dump needs --engine=jit/, 1);
  const file = path.join(tmp, 'a-file');
  writeFileSync(file, '');
  await expectOneLineError(['run', '--engine=jit', '--jit-dump', path.join(file, 'dump'), GOOD], /--jit-dump .*a-file\/dump: /);
  await expectOneLineError(['boot', '--engine=jit', '--jit-dump', path.join(file, 'dump')], /--jit-dump .*a-file\/dump: /);
});
