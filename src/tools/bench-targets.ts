// The speed targets of `npm run bench` and the summary lines that set each engine's figure beside
// its target. The figures come from the runs of the same bench invocation; only the targets are
// written down here.

import type { EngineName } from './bench-common.js';

/** MIPS inside hartvm (fence policy) each guest program should reach, beside QEMU -M spike. */
export const PROGRAM_MIPS_TARGETS: Readonly<Record<string, number>> = { integer: 1000, memory: 300, float: 200 };
/** hartvm's time / QEMU -M virt's, at most: Linux boot to the prompt and the console workload. */
export const LINUX_RATIO_TARGET = 2.0;
/** The SMP case's speed-up from -smp 1 to -smp 2, at least. */
export const SMP_SPEEDUP_TARGET = 1.8;
/** The restore case at -smp 1: spawn to the restored shell's answer, seconds, under this (the median). */
export const RESTORE_TARGET_SECONDS = 0.5;

/** One guest program under one engine, for the summary. */
export interface ProgramFigure {
  program: string;
  engine: EngineName;
  policy: string;
  /** guest instructions / hartvm's run time measured inside it */
  internalMips?: number;
  /** guest instructions / the whole hartvm process's wall time */
  wallMips?: number;
  /** the same instruction count / QEMU's whole-process wall time */
  qemuWallMips?: number;
}

/** One engine's figure for a target that is not per program. */
export interface EngineFigure {
  engine: EngineName;
  value?: number;
}

export interface TargetInput {
  programs: ProgramFigure[];
  bootRatio: EngineFigure[];
  workloadRatio: EngineFigure[];
  smpSpeedUp: EngineFigure[];
  /** the restore case's median at -smp 1, seconds */
  restoreSeconds: EngineFigure[];
}

function verdict(figures: EngineFigure[], met: (value: number) => boolean): string {
  const measured = figures.filter((f) => f.value !== undefined);
  if (measured.length === 0) return 'not measured';
  const meeting = measured.filter((f) => met(f.value!)).map((f) => f.engine);
  return meeting.length ? `met by ${meeting.join(', ')}` : 'not met';
}

function list(figures: EngineFigure[], text: (value: number) => string): string {
  return figures.map((f) => `${f.engine} ${f.value === undefined ? '-' : text(f.value)}`).join(', ');
}

/** One line per target that this run measured something for; empty when it measured none. */
export function formatTargets(input: TargetInput): string {
  const out: string[] = [];
  for (const [program, target] of Object.entries(PROGRAM_MIPS_TARGETS)) {
    const rows = input.programs.filter((p) => p.program === program);
    if (rows.length === 0) continue;
    const figures = rows.map((r) => ({ engine: r.engine, value: r.internalMips }));
    const mips = (v: number): string => v.toFixed(0);
    const wall = [...rows.map((r) => ({ engine: r.engine, value: r.wallMips }))];
    const qemu = rows.find((r) => r.qemuWallMips !== undefined)?.qemuWallMips;
    out.push(`${program} MIPS inside hartvm (${rows[0].policy}): ${list(figures, mips)} — target ≥${target}: ${verdict(figures, (v) => v >= target)};` +
      ` whole-process wall MIPS: ${list(wall, mips)}${qemu !== undefined ? `, QEMU -M spike ${mips(qemu)}` : ''}`);
  }
  const ratio = (v: number): string => `${v.toFixed(2)}x`;
  if (input.bootRatio.length) {
    out.push(`Linux boot to prompt, hartvm/QEMU wall: ${list(input.bootRatio, ratio)} — target ≤${LINUX_RATIO_TARGET.toFixed(1)}x: ` +
      verdict(input.bootRatio, (v) => v <= LINUX_RATIO_TARGET));
  }
  if (input.workloadRatio.length) {
    out.push(`Linux console workload, hartvm/QEMU wall: ${list(input.workloadRatio, ratio)} — target ≤${LINUX_RATIO_TARGET.toFixed(1)}x: ` +
      verdict(input.workloadRatio, (v) => v <= LINUX_RATIO_TARGET));
  }
  if (input.smpSpeedUp.length) {
    out.push(`-smp 2 speed-up over -smp 1: ${list(input.smpSpeedUp, ratio)} — target ≥${SMP_SPEEDUP_TARGET.toFixed(1)}x: ` +
      verdict(input.smpSpeedUp, (v) => v >= SMP_SPEEDUP_TARGET));
  }
  if (input.restoreSeconds.length) {
    out.push(`-loadvm to the shell's answer at -smp 1 (median): ${list(input.restoreSeconds, (v) => `${v.toFixed(2)} s`)} — target <${RESTORE_TARGET_SECONDS} s: ` +
      verdict(input.restoreSeconds, (v) => v < RESTORE_TARGET_SECONDS));
  }
  return out.length ? `targets (figures from the tables above):\n${out.map((l) => `  ${l}`).join('\n')}\n` : '';
}
