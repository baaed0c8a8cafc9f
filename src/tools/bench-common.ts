// What both sections of `npm run bench` share (bench.ts: the guest programs; bench-linux.ts: Linux
// on the virt board): paths, the flush policies, hartvm's --stats=json statistics, and console helpers.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MachineStatistics } from '../machine/statistics.js';

// The order of the tables: fastest policy first.
export const POLICIES = ['fence', 'block', 'instruction'] as const;
export type PolicyName = typeof POLICIES[number];

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const HARTVM = join(ROOT, 'bin', 'hartvm.js');
export const QEMU = 'qemu-system-riscv64';

/** What hartvm's `--stats` printed about itself (`hartvm run` and `hartvm boot` print the same block). */
export interface HartvmStats {
  instructions: number;
  pageWalks: number;
  walksPerKilo: number;
  runSeconds: number;
  mips: number;
  invalidations: number;
}

/** The machine statistics object hartvm printed with --stats=json (the last JSON line of its stderr). */
export function parseStatsJson(stderr: string): MachineStatistics | undefined {
  const line = stderr.split('\n').reverse().find((l) => l.startsWith('{"policy":'));
  if (!line) return undefined;
  try {
    return JSON.parse(line) as MachineStatistics;
  } catch {
    return undefined;
  }
}

/** Reads what `hartvm run|boot --stats=json` printed: hart 0's figures, the run time and the MIPS. */
export function parseHartvmStats(stderr: string, policy: PolicyName): HartvmStats | undefined {
  const s = parseStatsJson(stderr);
  if (!s || s.policy !== policy || s.harts.length === 0) return undefined;
  const hart = s.harts[0];
  return {
    instructions: hart.instructions,
    pageWalks: hart.walks,
    walksPerKilo: hart.instructions > 0 ? 1000 * hart.walks / hart.instructions : 0,
    runSeconds: s.seconds,
    mips: s.mips,
    invalidations: hart.invalidations,
  };
}

export function progress(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

export function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

export function describeExit(run: { exitStatus: number | null; signal: string | null }): string {
  return run.signal ? `killed by ${run.signal}` : `exit status ${run.exitStatus}`;
}

export function firstLineOf(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  return result.stdout.split('\n')[0].trim() || undefined;
}

export function formatTable(rows: string[][], leftColumns: number): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const pad = (cell: string, c: number): string => (c < leftColumns ? cell.padEnd(widths[c]) : cell.padStart(widths[c]));
  return rows.map((r) => r.map(pad).join('  ').trimEnd()).join('\n') + '\n';
}
