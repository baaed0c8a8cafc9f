// Shared helpers for tests that run hartvm and QEMU as child processes.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const HARTVM = path.join(ROOT, 'bin', 'hartvm.js');
const BUILT_TESTS = path.join(ROOT, 'build', 'guest', 'tests');
const TEST_SOURCES = path.join(ROOT, 'guest', 'tests');

/**
 * Runs a command to completion; resolves { status, signal, stdout, stderr }. With
 * `closeStdoutAfter`, the reader of stdout goes away once that text has come (as `| head -1` does).
 */
export function run(command, args, { timeoutMs = 300000, stdoutFd, input, closeStdoutAfter } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [input === undefined ? 'ignore' : 'pipe', stdoutFd ?? 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout?.on('data', (d) => {
      stdout += d;
      if (closeStdoutAfter !== undefined && stdout.includes(closeStdoutAfter)) child.stdout.destroy();
    });
    child.stderr.on('data', (d) => { stderr += d; });
    if (input !== undefined) child.stdin.end(input);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status, signal) => { clearTimeout(timer); resolve({ status, signal, stdout, stderr }); });
  });
}

export function runHartvm(args, options) {
  return run(process.execPath, [HARTVM, ...args], options);
}

/**
 * Runs an ELF on QEMU's spike board. QEMU 7.2 drops HTIF console output when stdout is a pipe,
 * so its stdout goes to a file that is read back afterwards.
 */
export async function runQemu(elf, { timeoutMs = 120000 } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hartvm-qemu-'));
  const file = path.join(dir, 'console.txt');
  const fd = openSync(file, 'w');
  try {
    const r = await run('qemu-system-riscv64', ['-M', 'spike', '-bios', 'none', '-nographic', '-kernel', elf], { timeoutMs, stdoutFd: fd });
    return { ...r, stdout: readFileSync(file, 'utf8') };
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every built test program with its source file and whether QEMU can check it. */
export function listPrograms() {
  if (!existsSync(BUILT_TESTS)) return [];
  const programs = [];
  for (const rel of readdirSync(BUILT_TESTS, { recursive: true }).sort()) {
    if (!rel.endsWith('.elf')) continue;
    const stem = rel.slice(0, -4);
    const source = ['.S', '.c'].map((ext) => path.join(TEST_SOURCES, stem + ext)).find((p) => existsSync(p));
    if (!source) continue; // left over from a deleted source
    programs.push({
      name: stem,
      elf: path.join(BUILT_TESTS, rel),
      source,
      hartvmOnly: readFileSync(source, 'utf8').includes('HARTVM_ONLY'),
    });
  }
  return programs;
}
