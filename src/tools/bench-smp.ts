// The SMP case of `npm run bench`: the same CPU-bound guest workload, as PROCESSES parallel
// processes, on a 1-hart and on a 2-hart board, under hartvm (fence policy, each engine) and under QEMU
// (multi-threaded TCG at -smp 2) with the same images and firmware. The figure of merit is the
// speed-up from -smp 1 to -smp 2: every hart on its own host thread should give close to 2x on a
// 2-core host that is otherwise idle.
//
// What the host itself allows is measured too: PROCESSES separate hartvm -smp 1 runs side by
// side, each with one of the processes, share nothing but the host's cores and caches. Their
// speed-up over -smp 1 is the ceiling for any -smp 2 run of that engine on this host.

import { describeExit, formatTable, progress, QEMU, type EngineName } from './bench-common.js';
import {
  hartvmArgs, marker, PROMPT, qemuArgs, RunFailure, SerialConsole, type Emulator, type GuestImages,
} from './bench-linux.js';

/** The parallel processes: as many as the larger board has harts. */
const PROCESSES = 2;
/** Iterations of each process's awk loop: about 400M guest instructions, 6 s on hartvm and 0.6 s on QEMU per process. */
const ITERATIONS = 100_000;
const TIMEOUT_MS = 20 * 60_000;

/** One command line: `processes` awk loops in the background, then a marker once all have ended. */
export function smpWorkloadLine(processes = PROCESSES): string {
  const job = `awk 'BEGIN{s=0;for(i=0;i<${ITERATIONS};i++)s+=i%7;print s}' >/tmp/smp$i`;
  return `${marker('smp-begin').typed}; for i in $(seq ${processes}); do ${job} & done; wait; ${marker('smp-end').typed}; cat /tmp/smp*`;
}

export interface SmpRun {
  emulator: Emulator;
  /** hartvm's */
  engine?: EngineName;
  harts: number;
  /** PROCESSES separate -smp 1 runs side by side, one process each (the host's ceiling) */
  sideBySide?: boolean;
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

/**
 * Boots `guests` separate machines of `harts` harts each, waits for all their prompts, then
 * starts the workload (`processes` awk loops) in all at once. The time is from the first
 * begin marker to the last end marker.
 */
async function smpRun(emulator: Emulator, engine: EngineName | undefined, harts: number, images: GuestImages, guests = 1): Promise<SmpRun> {
  const hartvm = emulator === 'hartvm';
  const processes = PROCESSES / guests;
  const consoles = Array.from({ length: guests }, () => new SerialConsole(
    hartvm ? process.execPath : QEMU, hartvm ? hartvmArgs(images, engine!, 'fence', harts) : qemuArgs(images, harts)));
  const run: SmpRun = { emulator, ...(engine ? { engine } : {}), harts, ok: false, ...(guests > 1 ? { sideBySide: true } : {}) };
  try {
    for (const serial of consoles) serial.phase(TIMEOUT_MS);
    const prompts = await Promise.all(consoles.map((serial) => serial.waitFor(PROMPT, 0)));
    for (const serial of consoles) serial.send(smpWorkloadLine(processes) + '\n');
    const spans = await Promise.all(consoles.map(async (serial, i) => {
      let at = await serial.waitFor(marker('smp-begin').printed, prompts[i]);
      const begin = serial.arrival(at);
      at = await serial.waitFor(marker('smp-end').printed, at);
      const end = serial.arrival(at);
      await serial.waitFor(PROMPT, at);
      return { begin, end };
    }));
    run.seconds = Math.max(...spans.map((s) => s.end)) - Math.min(...spans.map((s) => s.begin));
    for (const serial of consoles) {
      serial.send('poweroff\n');
      await serial.waitExit();
      if (serial.exit!.status !== 0) run.error = `poweroff ended it with ${describeExit({ exitStatus: serial.exit!.status, signal: serial.exit!.signal })}`;
    }
  } catch (e) {
    if (!(e instanceof RunFailure)) throw e;
    run.error = e.message;
    await Promise.all(consoles.map((serial) => serial.stop()));
  }
  run.ok = run.error === undefined;
  const what = guests > 1 ? `${guests} x -smp ${harts} side by side` : `-smp ${harts}`;
  progress(`smp ${emulator}${engine ? ` --engine=${engine}` : ''} ${what}: ${run.ok ? `${PROCESSES} processes in ${run.seconds!.toFixed(2)} s` : `FAILED, ${run.error}`}`);
  return run;
}

export async function runSmpSection(images: GuestImages, withQemu: boolean, engines: readonly EngineName[]): Promise<SmpSection> {
  const runs: SmpRun[] = [];
  for (const engine of engines) {
    for (const harts of [1, 2]) runs.push(await smpRun('hartvm', engine, harts, images));
    runs.push(await smpRun('hartvm', engine, 1, images, PROCESSES));
  }
  if (withQemu) for (const harts of [1, 2]) runs.push(await smpRun('qemu', undefined, harts, images));
  return { processes: PROCESSES, iterations: ITERATIONS, line: smpWorkloadLine(), runs };
}

export function formatSmpReport(section: SmpSection): string {
  const find = (emulator: Emulator, engine: EngineName | undefined, harts: number, sideBySide = false): SmpRun | undefined =>
    section.runs.find((r) => r.emulator === emulator && r.engine === engine && r.harts === harts && (r.sideBySide ?? false) === sideBySide);
  const text = (r: SmpRun | undefined): string => (r?.ok ? r.seconds!.toFixed(2) : r ? `FAILED (${r.error})` : '-');
  const speedUp = (one: SmpRun | undefined, two: SmpRun | undefined): string =>
    one?.ok && two?.ok ? `${(one.seconds! / two.seconds!).toFixed(2)}x` : '-';
  const rows = [['emulator', 'engine', '-smp 1 (s)', '-smp 2 (s)', 'speed-up', `${section.processes} x -smp 1 side by side (s)`, 'host ceiling']];
  const engines = [...new Set(section.runs.filter((r) => r.emulator === 'hartvm').map((r) => r.engine!))];
  for (const engine of engines) {
    const one = find('hartvm', engine, 1), two = find('hartvm', engine, 2), pair = find('hartvm', engine, 1, true);
    rows.push(['hartvm', engine, text(one), text(two), speedUp(one, two), text(pair), speedUp(one, pair)]);
  }
  const qOne = find('qemu', undefined, 1), qTwo = find('qemu', undefined, 2);
  if (qOne || qTwo) rows.push(['qemu (MTTCG)', '-', text(qOne), text(qTwo), speedUp(qOne, qTwo), '-', '-']);
  const out = [`SMP: ${section.processes} CPU-bound processes at once (awk, ${section.iterations} iterations each), -smp 1 and -smp 2 (hartvm: fence policy)`];
  out.push('');
  out.push(formatTable(rows, 2));
  out.push('times: wall time on the host from the begin marker to the end marker on the console, the same clock for both.');
  out.push(`side by side: ${section.processes} separate hartvm -smp 1 machines of that engine at once, one process each;`);
  out.push('  host ceiling = -smp 1 / that: what the host\'s cores give machines that share nothing.');
  out.push(`workload: ${section.line}`);
  return out.join('\n') + '\n';
}

export function smpFailures(section: SmpSection): string[] {
  return section.runs.filter((r) => !r.ok).map((r) => `smp/${r.emulator}${r.engine ? `-${r.engine}` : ''}-${r.harts}${r.sideBySide ? '-side-by-side' : ''}`);
}
