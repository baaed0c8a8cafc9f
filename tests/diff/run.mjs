#!/usr/bin/env node
// Differential tester: random RV64GC+Zba/Zbb/Zbs programs run on QEMU and on an
// emulator command, outputs compared line by line.
//
//   node tests/diff/run.mjs --count 50 --seed 1 --emulator "node bin/hartvm.js run"
//
// Options:
//   --count N        number of programs (default 50)
//   --seed S         base seed (default 1); program i uses seed S * 1000003 + i
//   --emulator CMD   command to run an ELF (the ELF path is appended)
//   --blocks B       blocks per program (default 20)
//   --insns I        approximate instructions per block (default 50)
//   --jobs J         parallel jobs (default: number of CPUs)
//   --out DIR        where .S/.elf files go (default build/diff)
//   --qemu-only      only build and run on QEMU (checks the generator)
//   --keep-going     report every mismatching program instead of stopping at the first
// Exit status: 0 if every program matched, 1 on a mismatch, 2 on a tool error.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync, openSync, closeSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { genProgram, DUMP_NAMES } from './gen.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CC = 'riscv64-unknown-elf-gcc';
const CFLAGS = ['-march=rv64gc_zba_zbb_zbs_zicsr_zifencei', '-mabi=lp64d', '-mcmodel=medany', '-nostdlib',
  '-nostartfiles', '-Wl,--no-warn-rwx-segments', '-T', path.join(ROOT, 'guest/common/link.ld')];
const QEMU = ['qemu-system-riscv64', '-M', 'spike', '-bios', 'none', '-nographic', '-kernel'];

export function parseArgs(argv) {
  const o = {
    count: 50, seed: 1, emulator: null, blocks: 20, insns: 50, jobs: Math.max(2, cpus().length),
    out: path.join(ROOT, 'build/diff'), qemuOnly: false, keepGoing: false, quiet: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i];
    if (a === '--count') o.count = Number(v());
    else if (a === '--seed') o.seed = Number(v());
    else if (a === '--emulator') o.emulator = v();
    else if (a === '--blocks') o.blocks = Number(v());
    else if (a === '--insns') o.insns = Number(v());
    else if (a === '--jobs') o.jobs = Number(v());
    else if (a === '--out') o.out = path.resolve(v());
    else if (a === '--qemu-only') o.qemuOnly = true;
    else if (a === '--keep-going') o.keepGoing = true;
    else if (a === '--quiet') o.quiet = true;
    else throw new Error(`unknown option ${a}`);
  }
  if (!o.qemuOnly && !o.emulator) throw new Error('--emulator "CMD" is required (or --qemu-only)');
  return o;
}

// stdout goes to a file, not a pipe: QEMU drops HTIF console characters when a
// non-blocking pipe/socket is full.
function run(cmd, args, { timeoutMs = 60000, cwd = ROOT, outFile } = {}) {
  return new Promise((resolve) => {
    const fd = openSync(outFile, 'w');
    const p = spawn(cmd, args, { cwd, stdio: ['ignore', fd, 'pipe'] });
    closeSync(fd);
    const err = [];
    let timedOut = false;
    const t = setTimeout(() => { timedOut = true; p.kill('SIGKILL'); }, timeoutMs);
    p.stderr.on('data', (d) => err.push(d));
    p.on('error', (e) => { clearTimeout(t); resolve({ code: -1, stdout: '', stderr: String(e), timedOut }); });
    p.on('close', (code, signal) => {
      clearTimeout(t);
      resolve({ code: code ?? (signal ? 128 : -1), stdout: readFileSync(outFile, 'latin1'),
        stderr: Buffer.concat(err).toString('latin1'), timedOut });
    });
  });
}

// Split a shell-like command string (supports simple quotes).
function splitCmd(s) {
  const parts = [];
  let cur = '', q = null;
  for (const c of s) {
    if (q) { if (c === q) q = null; else cur += c; }
    else if (c === '"' || c === "'") q = c;
    else if (/\s/.test(c)) { if (cur) { parts.push(cur); cur = ''; } }
    else cur += c;
  }
  if (cur) parts.push(cur);
  return parts;
}

// Compare two dump outputs; returns null if equal, else a description.
export function compareOutputs(ref, got) {
  const a = ref.split('\n'), b = got.split('\n');
  let block = -1, idx = 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const la = a[i], lb = b[i];
    if (la === 'B') { block++; idx = 0; if (lb === la) continue; }
    if (la !== lb) {
      if (la === undefined || lb === undefined) {
        return { line: i + 1, block, what: la === undefined ? 'extra output from emulator' : 'emulator output ends early',
          ref: la ?? '(none)', got: lb ?? '(none)' };
      }
      const name = la === 'B' || la === 'END' || la === 'TRAP' ? 'control line' : (DUMP_NAMES[idx] ?? '?');
      return { line: i + 1, block, what: name, ref: la, got: lb };
    }
    if (la !== 'B') idx++;
  }
  return null;
}

async function pool(items, jobs, fn) {
  let next = 0;
  const results = new Array(items.length);
  let stop = false;
  async function worker() {
    while (!stop && next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], () => { stop = true; });
    }
  }
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  return results;
}

export async function runDiff(opts) {
  mkdirSync(opts.out, { recursive: true });
  const emu = opts.emulator ? splitCmd(opts.emulator) : null;
  const log = opts.quiet ? () => {} : (s) => process.stdout.write(s + '\n');
  const idx = Array.from({ length: opts.count }, (_, i) => i);
  const failures = [];
  let toolError = false;
  const t0 = Date.now();
  await pool(idx, opts.jobs, async (i, stopAll) => {
    const seed = opts.seed * 1000003 + i;
    const base = path.join(opts.out, `diff-${opts.seed}-${i}`);
    const src = base + '.S', elf = base + '.elf';
    writeFileSync(src, genProgram(seed, { blocks: opts.blocks, insns: opts.insns }));
    const cc = await run(CC, [...CFLAGS, src, '-o', elf], { outFile: base + '.cc.out' });
    if (cc.code !== 0) {
      log(`program ${i} (seed ${seed}): build failed\n${cc.stderr}`);
      toolError = true; stopAll();
      return;
    }
    const [q, e] = await Promise.all([
      run(QEMU[0], [...QEMU.slice(1), elf], { timeoutMs: 30000, outFile: base + '.qemu.out' }),
      emu ? run(emu[0], [...emu.slice(1), elf], { timeoutMs: 120000, outFile: base + '.emu.out' }) : Promise.resolve(null),
    ]);
    if (q.code !== 0 || !q.stdout.endsWith('END\n')) {
      log(`program ${i} (seed ${seed}): QEMU did not finish cleanly (exit ${q.code}${q.timedOut ? ', timeout' : ''})\n` +
        `  source: ${src}\n${q.stdout.slice(-400)}${q.stderr.slice(-400)}`);
      toolError = true; stopAll();
      return;
    }
    if (!e) return;
    const d = compareOutputs(q.stdout, e.stdout);
    if (d || e.code !== q.code) {
      const msg = [`MISMATCH program ${i} (base seed ${opts.seed}, program seed ${seed})`,
        d ? `  first difference at output line ${d.line}, after block ${d.block}: ${d.what}` : '  outputs equal',
        d ? `    qemu:     ${d.ref}\n    emulator: ${d.got}` : '',
        `  exit status: qemu ${q.code}, emulator ${e.code}${e.timedOut ? ' (timeout)' : ''}`,
        e.stderr ? `  emulator stderr: ${e.stderr.trim().split('\n').slice(-5).join('\n    ')}` : '',
        `  source: ${src}`,
        `  reproduce: ${opts.emulator} ${elf}`].filter(Boolean).join('\n');
      log(msg);
      failures.push({ i, seed, src, d });
      if (!opts.keepGoing) stopAll();
    }
  });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (toolError) { log(`diff: tool error (${secs}s)`); return 2; }
  if (failures.length) { log(`diff: ${failures.length} mismatching program(s) (${secs}s)`); return 1; }
  log(`diff: ${opts.count} programs x ${opts.blocks} blocks matched${opts.qemuOnly ? ' (QEMU only)' : ''} (${secs}s)`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let opts;
  try { opts = parseArgs(process.argv.slice(2)); } catch (e) { console.error(String(e.message)); process.exit(2); }
  runDiff(opts).then((code) => process.exit(code), (e) => { console.error(e); process.exit(2); });
}
