// parseElf/checkSegmentsFit with real ELFs built by riscv64-unknown-elf-gcc at test time (readelf
// and nm are the oracle), plus broken files crafted from them.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseElf, checkSegmentsFit, ElfError } from '../../dist/loader/elf.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const COMMON = join(ROOT, 'guest/common');
const GCC = 'riscv64-unknown-elf-gcc';
const haveGcc = spawnSync(GCC, ['--version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'hartvm-elf-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const ASM = `
  .section .text.init, "ax"
  .globl _start
_start:
  la t0, tohost
  li t1, 1
  sw t1, 0(t0)
1: j 1b
  .data
  .globl table
table: .dword 1, 2, 3
  .section .tohost, "aw", @progbits
  .align 6
  .globl tohost
tohost: .dword 0
  .align 6
  .globl fromhost
fromhost: .dword 0
`;
const C = '#include <stdint.h>\nvolatile uint64_t big[1000];\nint main(void) { big[3] = 1; return 0; }\n';

const built = {};
function build(name, args) {
  const out = join(dir, name);
  execFileSync(GCC, [...args, '-o', out], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  built[name] = out;
  return new Uint8Array(readFileSync(out));
}

if (haveGcc) {
  writeFileSync(join(dir, 'prog.S'), ASM);
  writeFileSync(join(dir, 'main.c'), C);
  build('asm.elf', ['-march=rv64gc', '-mabi=lp64d', '-mcmodel=medany', '-nostdlib', '-nostartfiles',
    '-Wl,--no-warn-rwx-segments', '-T', join(COMMON, 'link.ld'), 'prog.S']);
  build('c.elf', ['--specs=picolibc.specs', '-march=rv64gc', '-mabi=lp64d', '-mcmodel=medany', '-O2', '-nostartfiles',
    `-I${COMMON}`, '-Wl,--no-warn-rwx-segments', '-T', join(COMMON, 'link.ld'),
    join(COMMON, 'crt.S'), join(COMMON, 'htif.c'), 'main.c']);
  build('rv32.elf', ['-march=rv32i', '-mabi=ilp32', '-nostdlib', '-nostartfiles', '-Wl,--no-warn-rwx-segments',
    '-T', join(COMMON, 'link.ld'), 'prog.S']);
  build('obj.o', ['-march=rv64gc', '-mabi=lp64d', '-c', 'prog.S']);
  execFileSync('riscv64-unknown-elf-strip', ['-o', join(dir, 'stripped.elf'), built['asm.elf']]);
  built['stripped.elf'] = join(dir, 'stripped.elf');
}
const load = (name) => new Uint8Array(readFileSync(built[name]));

/** PT_LOAD rows of `readelf -lW`. */
function readelfLoads(file) {
  const out = execFileSync('riscv64-unknown-elf-readelf', ['-lW', file], { encoding: 'utf8' });
  return out.split('\n').filter((l) => /^\s*LOAD\s/.test(l)).map((l) => {
    const f = l.trim().split(/\s+/);
    return { offset: BigInt(f[1]), vaddr: BigInt(f[2]), paddr: BigInt(f[3]), filesz: BigInt(f[4]), memsz: BigInt(f[5]) };
  });
}
/** Defined symbols from nm. */
function nmSymbols(file) {
  const out = execFileSync('riscv64-unknown-elf-nm', [file], { encoding: 'utf8' });
  const m = new Map();
  for (const l of out.split('\n')) {
    const f = l.trim().split(/\s+/);
    if (f.length === 3) m.set(f[2], BigInt('0x' + f[0]));
  }
  return m;
}
function readelfEntry(file) {
  const out = execFileSync('riscv64-unknown-elf-readelf', ['-hW', file], { encoding: 'utf8' });
  return BigInt(/Entry point address:\s+(0x[0-9a-f]+)/.exec(out)[1]);
}

function throwsElf(fn, re) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof ElfError, `expected ElfError, got ${err}`);
    assert.ok(err instanceof Error);
    assert.match(err.message, re);
    assert.ok(!err.message.includes('\n'), 'one-line message');
    return true;
  });
}

const skip = !haveGcc && 'riscv64-unknown-elf-gcc not installed';

for (const name of ['asm.elf', 'c.elf']) {
  test(`parseElf: ${name} matches readelf and nm`, { skip }, () => {
    const bytes = load(name);
    const img = parseElf(bytes);
    assert.equal(img.entry, readelfEntry(built[name]));
    assert.equal(img.entry, 0x80000000n);
    const loads = readelfLoads(built[name]);
    assert.equal(img.segments.length, loads.length);
    img.segments.forEach((s, i) => {
      const r = loads[i];
      assert.equal(s.paddr, r.paddr);
      assert.equal(s.vaddr, r.vaddr);
      assert.equal(s.memSize, r.memsz);
      assert.equal(BigInt(s.data.length), r.filesz);
      assert.deepEqual(s.data, bytes.subarray(Number(r.offset), Number(r.offset + r.filesz)));
    });
    const nm = nmSymbols(built[name]);
    for (const sym of ['tohost', 'fromhost', '_start']) {
      assert.ok(img.symbols.has(sym), sym);
      assert.equal(img.symbols.get(sym), nm.get(sym), sym);
    }
    for (const [k, v] of img.symbols) if (nm.has(k)) assert.equal(v, nm.get(k), k);
    checkSegmentsFit(img, 0x80000000n, 128n << 20n);
  });
}

test('parseElf: the C program has a .bss larger than its file bytes', { skip }, () => {
  const img = parseElf(load('c.elf'));
  assert.ok(img.segments.some((s) => s.memSize > BigInt(s.data.length)));
});

test('parseElf: stripped file has no symbols but loads', { skip }, () => {
  const img = parseElf(load('stripped.elf'));
  assert.equal(img.symbols.size, 0);
  assert.equal(img.entry, 0x80000000n);
  assert.ok(img.segments.length > 0);
});

test('parseElf: bytes inside a larger buffer (byteOffset != 0)', { skip }, () => {
  const bytes = load('asm.elf');
  const big = new Uint8Array(bytes.length + 13);
  big.set(bytes, 13);
  const img = parseElf(big.subarray(13));
  assert.equal(img.symbols.get('tohost'), parseElf(bytes).symbols.get('tohost'));
});

test('parseElf: not ELF / too short', () => {
  throwsElf(() => parseElf(new Uint8Array(0)), /not an ELF file/);
  throwsElf(() => parseElf(new Uint8Array([0x7f, 0x45])), /not an ELF file/);
  let s = 42;
  const random = Uint8Array.from({ length: 4096 }, () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) & 0xff);
  throwsElf(() => parseElf(random), /not an ELF file \(bad magic/);
  throwsElf(() => parseElf(new TextEncoder().encode('#!/bin/sh\necho hi\n')), /not an ELF file/);
});

test('parseElf: truncated files', { skip }, () => {
  const bytes = load('asm.elf');
  throwsElf(() => parseElf(bytes.subarray(0, 10)), /truncated/);
  throwsElf(() => parseElf(bytes.subarray(0, 40)), /truncated/);
  throwsElf(() => parseElf(bytes.subarray(0, 64 + 20)), /program headers .* past the end of the file.*truncated/);
  const loads = readelfLoads(built['asm.elf']);
  const last = loads[loads.length - 1];
  throwsElf(() => parseElf(bytes.subarray(0, Number(last.offset + last.filesz) - 1)), /segment \d+ at 0x80.* past the end of the file/);
  // Cut just before its section headers, the file loads but has lost its symbols: truncated.
  const shoff = Number(new DataView(bytes.buffer).getBigUint64(40, true));
  throwsElf(() => parseElf(bytes.subarray(0, shoff)), /section headers .* past the end of the file.*truncated/);
  // Every prefix is reported: none parses as if it were whole.
  for (let n = 0; n < bytes.length; n += 7) {
    assert.throws(() => parseElf(bytes.subarray(0, n)), (e) => e instanceof ElfError && /truncated|past the end|not an ELF/.test(e.message), `prefix ${n}`);
  }
});

test('parseElf: a symbol table that runs past the end of the file is truncation', { skip }, () => {
  const bytes = load('asm.elf');
  const dv = new DataView(bytes.buffer);
  const shoff = Number(dv.getBigUint64(40, true));
  const shnum = dv.getUint16(60, true);
  const symtab = Array.from({ length: shnum }, (_, i) => shoff + 64 * i).find((o) => dv.getUint32(o + 4, true) === 2);
  for (const [field, what] of [[symtab, 'symbol table'], [shoff + 64 * dv.getUint32(symtab + 40, true), 'symbol string table']]) {
    const b = bytes.slice();
    new DataView(b.buffer).setBigUint64(field + 32, BigInt(b.length), true); // sh_size: past the end
    throwsElf(() => parseElf(b), new RegExp(`${what} .* past the end of the file.*truncated`));
  }
});

test('parseElf: 32-bit RISC-V ELF', { skip }, () => {
  throwsElf(() => parseElf(load('rv32.elf')), /^32-bit ELF, hartvm runs RV64 programs$/);
});

test('parseElf: host executable (wrong machine)', { skip: !existsSync('/bin/true') && 'no /bin/true' }, () => {
  const bytes = new Uint8Array(readFileSync('/bin/true'));
  const re = process.arch === 'x64' ? /ELF file is for x86-64, not RISC-V/ : process.arch === 'arm64' ? /AArch64, not RISC-V/ : /not RISC-V/;
  throwsElf(() => parseElf(bytes), re);
});

test('parseElf: relocatable object is not an executable', { skip }, () => {
  throwsElf(() => parseElf(load('obj.o')), /not an executable \(it is a relocatable object file/);
});

test('parseElf: crafted header and segment errors', { skip }, () => {
  const orig = load('asm.elf');
  const patch = (fn) => { const b = orig.slice(); fn(new DataView(b.buffer), b); return b; };
  throwsElf(() => parseElf(patch((_, b) => { b[5] = 2; })), /big-endian/);
  throwsElf(() => parseElf(patch((_, b) => { b[4] = 3; })), /ELF class/);
  throwsElf(() => parseElf(patch((d) => d.setUint16(18, 0x9999, true))), /machine 39321, not RISC-V/);
  throwsElf(() => parseElf(patch((d) => d.setUint16(18, 183, true))), /AArch64/);
  throwsElf(() => parseElf(patch((d) => d.setUint16(16, 4, true))), /core dump/);
  assert.equal(parseElf(patch((d) => d.setUint16(16, 3, true))).entry, 0x80000000n); // ET_DYN ok
  const phoff = Number(new DataView(orig.buffer).getBigUint64(32, true));
  const phnum = new DataView(orig.buffer).getUint16(56, true);
  throwsElf(() => parseElf(patch((d) => d.setBigUint64(32, BigInt(orig.length - 10), true))), /program headers .* past the end/);
  throwsElf(() => parseElf(patch((d) => d.setBigUint64(32, 0xffffffffffffff00n, true))), /program headers .* past the end/);
  throwsElf(() => parseElf(patch((d) => d.setUint16(56, 0, true))), /no program headers/);
  // first PT_LOAD header
  let loadAt = -1;
  for (let i = 0; i < phnum; i++) if (new DataView(orig.buffer).getUint32(phoff + i * 56, true) === 1) { loadAt = phoff + i * 56; break; }
  assert.ok(loadAt > 0);
  throwsElf(() => parseElf(patch((d) => d.setBigUint64(loadAt + 40, 1n, true))), /file size \d+ larger than its memory size 1/);
  throwsElf(() => parseElf(patch((d) => d.setBigUint64(loadAt + 8, BigInt(orig.length), true))), /past the end of the file/);
  throwsElf(() => parseElf(patch((d) => d.setBigUint64(loadAt + 8, 0xfffffffffffffff0n, true))), /past the end of the file/);
  throwsElf(() => parseElf(patch((d) => { for (let i = 0; i < phnum; i++) d.setUint32(phoff + i * 56, 6, true); })), /no loadable/);
  // section headers that cannot be there, or too small to be section headers
  throwsElf(() => parseElf(patch((d) => d.setBigUint64(40, 0xfffffffffff0n, true))), /section headers .* past the end/);
  throwsElf(() => parseElf(patch((d) => d.setUint16(58, 40, true))), /section header size 40 is too small/);
  // no section headers at all: loads, without symbols
  assert.equal(parseElf(patch((d) => d.setUint16(60, 0, true))).symbols.size, 0);
});

test('checkSegmentsFit', { skip }, () => {
  const img = parseElf(load('asm.elf'));
  checkSegmentsFit(img, 0x80000000n, 0x8000000n);
  throwsElf(() => checkSegmentsFit(img, 0x80000000n, 0x1000n),
    /^segment at 0x80[0-9a-f]+ \(\d+ bytes\) is outside RAM 0x80000000-0x80000fff$/);
  throwsElf(() => checkSegmentsFit(img, 0x90000000n, 0x8000000n), /is outside RAM 0x90000000-0x97ffffff/);
  checkSegmentsFit(img, 0x90000000n, 0x8000000n, [{ base: 0x80000000n, size: 0x100000n }]);
  const crafted = { entry: 0n, symbols: new Map(), segments: [
    { paddr: 0x87fff000n, vaddr: 0n, data: new Uint8Array(16), memSize: 0x2000n },
  ] };
  throwsElf(() => checkSegmentsFit(crafted, 0x80000000n, 0x8000000n), /segment at 0x87fff000 \(8192 bytes\) is outside RAM 0x80000000-0x87ffffff/);
  crafted.segments[0].memSize = 0x1000n;
  checkSegmentsFit(crafted, 0x80000000n, 0x8000000n);
});
