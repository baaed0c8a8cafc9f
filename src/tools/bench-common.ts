// What both sections of `npm run bench` share (bench.ts: the guest programs; bench-linux.ts: Linux
// on the virt board): paths, the flush policies, hartvm's --stats block, and console helpers.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
}

/** The --stats block split into hart 0's columns (by name) and the `run time` line. */
function statsBlock(stderr: string, policy: PolicyName): { column(name: string): number; time: RegExpExecArray } | undefined {
  const lines = stderr.split('\n');
  const start = lines.findIndex((l) => l.startsWith('translation store (--tlb-flush='));
  if (start < 0 || !lines[start].includes(`=${policy})`)) return undefined;
  const names = lines[start + 1]?.trim().split(/\s{2,}/) ?? [];
  const values = lines[start + 2]?.trim().split(/\s+/) ?? [];
  if (names.length !== values.length) return undefined;
  const time = lines.slice(start + 3).map((l) => /^run time ([\d.]+) s, ([\d.]+|-) guest MIPS/.exec(l)).find((m) => m);
  if (!time) return undefined;
  return { column: (name) => (names.includes(name) ? Number(values[names.indexOf(name)]) : NaN), time };
}

/**
 * Reads the statistics block of `hartvm run|boot --stats`: a header row of column names separated by
 * two or more spaces, one row per hart, then `run time X s, Y guest MIPS`.
 */
export function parseHartvmStats(stderr: string, policy: PolicyName): HartvmStats | undefined {
  const block = statsBlock(stderr, policy);
  if (!block) return undefined;
  const { column, time } = block;
  const stats: HartvmStats = {
    instructions: column('instructions'),
    pageWalks: column('page walks'),
    walksPerKilo: column('walks/1000 insns'),
    runSeconds: Number(time[1]),
    mips: time[2] === '-' ? NaN : Number(time[2]),
  };
  const complete = [stats.instructions, stats.pageWalks, stats.walksPerKilo, stats.runSeconds].every(Number.isFinite);
  return complete ? stats : undefined;
}

/** A named column of hart 0's row in the --stats block (NaN when it is not there). */
export function hartvmStatsColumn(stderr: string, policy: PolicyName, name: string): number {
  return statsBlock(stderr, policy)?.column(name) ?? NaN;
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
