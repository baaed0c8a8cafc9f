// What both sections of `npm run bench` share (bench.ts: the guest programs; bench-linux.ts: Linux
// on the virt board): paths, the flush policies, hartvm's --stats=json statistics, and console helpers.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from 'commander';
import { ENGINE_NAMES, type EngineName } from '../arch/engine.js';
import type { MachineStatistics } from '../machine/statistics.js';

// The order of the tables: fastest policy first.
export const POLICIES = ['fence', 'block', 'instruction'] as const;
export type PolicyName = typeof POLICIES[number];

// Every case runs under each engine the user names (--engine), in this order.
export const ENGINES = ENGINE_NAMES;
export type { EngineName };

/**
 * hartvm translates nothing under --tlb-flush=instruction (the store is emptied after every
 * instruction, so there is no hot code to keep); --engine=jit there interprets, and a jit run
 * would only repeat the interp one. The bench leaves that pair out and says so.
 */
export function engineRuns(engine: EngineName, policy: PolicyName): boolean {
  return engine === 'interp' || policy !== 'instruction';
}

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const HARTVM = join(ROOT, 'bin', 'hartvm.js');
export const QEMU = 'qemu-system-riscv64';

/** What the translator did in one run (--engine=jit), all harts together. */
export interface JitFigures {
  translations: number;
  compileSeconds: number;
  wasmBytes: number;
  translatedInstructions: number;
  /** translatedInstructions / all the harts' instructions */
  translatedShare: number;
  dropped: number;
  calls: number;
  /** seconds in translated code and in the interpreter (estimates from sampled calls) */
  translatedSeconds: number;
  interpretedSeconds: number;
}

/** What hartvm's `--stats` printed about itself (`hartvm run` and `hartvm boot` print the same block). */
export interface HartvmStats {
  /** hart 0's instructions, page walks and invalidations (the only hart of every case that reports them) */
  instructions: number;
  pageWalks: number;
  walksPerKilo: number;
  /** measured inside hartvm: from the machine's start to its end, without Node's start-up */
  runSeconds: number;
  /** all harts' instructions / runSeconds */
  mips: number;
  invalidations: number;
  /** present when the harts translated (--engine=jit under a policy that allows it) */
  jit?: JitFigures;
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
  const stats: HartvmStats = {
    instructions: hart.instructions,
    pageWalks: hart.walks,
    walksPerKilo: hart.instructions > 0 ? 1000 * hart.walks / hart.instructions : 0,
    runSeconds: s.seconds,
    mips: s.mips,
    invalidations: hart.invalidations,
  };
  const translating = s.harts.filter((h) => h.jit);
  if (translating.length) {
    const sum = (f: (j: NonNullable<typeof hart.jit>) => number): number => translating.reduce((a, h) => a + f(h.jit!), 0);
    const translatedInstructions = sum((j) => j.translatedInstructions);
    stats.jit = {
      translations: sum((j) => j.translations),
      compileSeconds: sum((j) => j.compileSeconds),
      wasmBytes: sum((j) => j.wasmBytes),
      translatedInstructions,
      translatedShare: s.instructions > 0 ? translatedInstructions / s.instructions : 0,
      dropped: sum((j) => j.dropped),
      calls: sum((j) => j.calls),
      translatedSeconds: sum((j) => j.translatedSeconds),
      interpretedSeconds: sum((j) => j.interpretedSeconds),
    };
  }
  return stats;
}

/** The columns every table gives a jit run: compile time in ms, translations, the translated share of instructions. */
export function jitCells(stats: HartvmStats | undefined): [string, string, string] {
  const j = stats?.jit;
  if (!j) return ['-', '-', '-'];
  return [(1000 * j.compileSeconds).toFixed(1), String(j.translations), `${(100 * j.translatedShare).toFixed(1)}%`];
}

export const JIT_HEADERS = ['compile (ms)', 'translations', 'translated share'];

/** A collector for options that may be repeated and/or given as comma lists. */
export function listOf<T extends string>(allowed: readonly T[], what: string) {
  return (text: string, previous: T[] | undefined): T[] => {
    const values = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
    for (const v of values) {
      if (!(allowed as readonly string[]).includes(v)) {
        throw new InvalidArgumentError(`unknown ${what} '${v}' (expected ${allowed.join(', ')})`);
      }
    }
    return [...(previous ?? []), ...(values as T[])];
  };
}

/** The chosen names in the canonical order, whatever order the user named them in; all of them when none was named. */
export function pick<T extends string>(all: readonly T[], chosen?: T[]): T[] {
  return all.filter((x) => !chosen || chosen.includes(x));
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
