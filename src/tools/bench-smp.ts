// The SMP case of `npm run bench`: the same CPU-bound guest workload, as PROCESSES parallel
// processes, on a 1-hart and on a 2-hart board, under hartvm (fence policy) and under QEMU
// (multi-threaded TCG at -smp 2) with the same images and firmware. The figure of merit is the
// speed-up from -smp 1 to -smp 2: every hart on its own host thread should give close to 2x on a
// 2-core host that is otherwise idle.

import { describeExit, progress, QEMU } from './bench-common.js';
import {
  hartvmArgs, marker, PROMPT, qemuArgs, RunFailure, SerialConsole, type Emulator, type GuestImages,
} from './bench-linux.js';

/** The parallel processes: as many as the larger board has harts. */
const PROCESSES = 2;
/** Iterations of each process's awk loop: about 400M guest instructions, 6 s on hartvm and 0.6 s on QEMU per process. */
const ITERATIONS = 100_000;
const TIMEOUT_MS = 20 * 60_000;

/** One command line: PROCESSES awk loops in the background, then a marker once all have ended. */
export function smpWorkloadLine(): string {
  const job = `awk 'BEGIN{s=0;for(i=0;i<${ITERATIONS};i++)s+=i%7;print s}' >/tmp/smp$i`;
  return `${marker('smp-begin').typed}; for i in $(seq ${PROCESSES}); do ${job} & done; wait; ${marker('smp-end').typed}; cat /tmp/smp*`;
}

export interface SmpRun {
  emulator: Emulator;
  harts: number;
  ok: boolean;
  error?: string;
  /** the workload's wall time on the host, marker to marker */
  seconds?: number;
}

export interface SmpSection {
  processes: number;
  iterations: number;
  line: string;
  runs: SmpRun[];
}

async function smpRun(emulator: Emulator, harts: number, images: GuestImages): Promise<SmpRun> {
  const hartvm = emulator === 'hartvm';
  const serial = new SerialConsole(hartvm ? process.execPath : QEMU, hartvm ? hartvmArgs(images, 'fence', harts) : qemuArgs(images, harts));
  const run: SmpRun = { emulator, harts, ok: false };
  try {
    serial.phase(TIMEOUT_MS);
    let at = await serial.waitFor(PROMPT, 0);
    serial.send(smpWorkloadLine() + '\n');
    at = await serial.waitFor(marker('smp-begin').printed, at);
    const begin = serial.arrival(at);
    at = await serial.waitFor(marker('smp-end').printed, at);
    run.seconds = serial.arrival(at) - begin;
    await serial.waitFor(PROMPT, at);
    serial.send('poweroff\n');
    await serial.waitExit();
    if (serial.exit!.status !== 0) run.error = `poweroff ended it with ${describeExit({ exitStatus: serial.exit!.status, signal: serial.exit!.signal })}`;
  } catch (e) {
    if (!(e instanceof RunFailure)) throw e;
    run.error = e.message;
    await serial.stop();
  }
  run.ok = run.error === undefined;
  progress(`smp ${emulator} -smp ${harts}: ${run.ok ? `${PROCESSES} processes in ${run.seconds!.toFixed(2)} s` : `FAILED, ${run.error}`}`);
  return run;
}

export async function runSmpSection(images: GuestImages, withQemu: boolean): Promise<SmpSection> {
  const runs: SmpRun[] = [];
  for (const emulator of (withQemu ? ['hartvm', 'qemu'] : ['hartvm']) as Emulator[]) {
    for (const harts of [1, 2]) runs.push(await smpRun(emulator, harts, images));
  }
  return { processes: PROCESSES, iterations: ITERATIONS, line: smpWorkloadLine(), runs };
}

export function formatSmpReport(section: SmpSection): string {
  const find = (emulator: Emulator, harts: number): SmpRun | undefined => section.runs.find((r) => r.emulator === emulator && r.harts === harts);
  const out = [`SMP: ${section.processes} CPU-bound processes at once (awk, ${section.iterations} iterations each), -smp 1 and -smp 2`];
  for (const emulator of ['hartvm', 'qemu'] as Emulator[]) {
    const one = find(emulator, 1), two = find(emulator, 2);
    if (!one && !two) continue;
    const text = (r: SmpRun | undefined): string => (r?.ok ? `${r.seconds!.toFixed(2)} s` : `FAILED (${r?.error ?? 'not run'})`);
    const speedUp = one?.ok && two?.ok ? `${(one.seconds! / two.seconds!).toFixed(2)}x` : '-';
    const what = emulator === 'hartvm' ? 'hartvm (fence)' : 'qemu (MTTCG) ';
    out.push(`  ${what}  -smp 1 ${text(one)}, -smp 2 ${text(two)}, speed-up ${speedUp}`);
  }
  out.push(`  workload: ${section.line}`);
  return out.join('\n') + '\n';
}

export function smpFailures(section: SmpSection): string[] {
  return section.runs.filter((r) => !r.ok).map((r) => `smp/${r.emulator}-${r.harts}`);
}
