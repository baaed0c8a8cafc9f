// The restore case of `npm run bench`: the machine of the Linux section, booted to the shell and
// saved there (the monitor's savevm), is started again from that file with -loadvm, a command
// typed at once; the time is from spawn to the shell's answer on the console, the same clock as
// the boot to the prompt beside it. Once per engine at -smp 1 and at -smp 2 (the hart threads'
// start included there), RUNS times each: the median is the figure, the spread beside it.

import { createConnection } from 'node:net';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeExit, formatTable, progress, type EngineName } from './bench-common.js';
import { hartvmArgs, PROMPT, RunFailure, SerialConsole, type GuestImages } from './bench-linux.js';

/** Restores per engine and -smp: enough for a median on a shared host. */
const RUNS = 7;
const TIMEOUT_MS = 10 * 60_000;
const MONITOR_PROMPT = '(hartvm) ';

export interface RestoreSeries {
  engine: EngineName;
  harts: number;
  ok: boolean;
  error?: string;
  /** boot to the prompt of the machine that was saved */
  bootSeconds?: number;
  /** each restore: spawn to the shell's answer */
  seconds: number[];
  /** the snapshot file's size */
  fileBytes?: number;
}

export interface RestoreSection {
  runs: number;
  series: RestoreSeries[];
}

/**
 * Sends `command` to the monitor on `socket`; resolves to what it printed once it has printed its
 * next prompt, or closed the connection (quit). Throws RunFailure when the monitor cannot be
 * reached or is silent.
 */
async function monitorCommand(socket: string, command: string): Promise<string> {
  const connection = createConnection(socket);
  try {
    return await new Promise<string>((resolve, reject) => {
      let text = '';
      let prompts = 0;
      let from = 0;
      const timer = setTimeout(() => reject(new RunFailure(`the monitor did not answer ${command} (${TIMEOUT_MS / 1000} s)`)), TIMEOUT_MS);
      const done = (): void => {
        clearTimeout(timer);
        const end = text.indexOf(MONITOR_PROMPT, from);
        resolve(text.slice(from, end < 0 ? undefined : end).trim());
      };
      connection.setEncoding('utf8');
      connection.on('error', (e) => { clearTimeout(timer); reject(new RunFailure(`the monitor: ${e.message}`)); });
      connection.on('close', done);
      connection.on('data', (data: string) => {
        text += data;
        const seen = text.split(MONITOR_PROMPT).length - 1;
        if (seen === prompts) return;
        prompts = seen;
        // the first prompt greets the connection; the second follows the command's output
        if (prompts === 1) {
          from = text.indexOf(MONITOR_PROMPT) + MONITOR_PROMPT.length;
          connection.write(`${command}\n`);
        } else done();
      });
    });
  } finally {
    connection.destroy();
  }
}

/** Boots, saves at the prompt, then restores RUNS times. */
async function restoreSeries(images: GuestImages, engine: EngineName, harts: number, scratch: string): Promise<RestoreSeries> {
  const series: RestoreSeries = { engine, harts, ok: false, seconds: [] };
  const args = hartvmArgs(images, engine, 'fence', harts);
  const socket = join(scratch, `monitor-${engine}-${harts}.sock`);
  const file = join(scratch, `${engine}-${harts}.snap`);
  const saver = new SerialConsole(process.execPath, [...args, '-monitor', `unix:${socket},server,nowait`]);
  try {
    saver.phase(TIMEOUT_MS);
    series.bootSeconds = saver.arrival(await saver.waitFor(PROMPT, 0));
    const saved = await monitorCommand(socket, `savevm ${file}`);
    if (saved !== '') throw new RunFailure(`savevm: ${saved}`);
    await monitorCommand(socket, 'quit');
    await saver.waitExit();
    series.fileBytes = statSync(file).size;
    for (let i = 0; i < RUNS; i++) {
      const restored = new SerialConsole(process.execPath, [...args, '-loadvm', file]);
      try {
        restored.phase(TIMEOUT_MS);
        // typed before the guest is back: the console holds it for the restored shell
        restored.send(`echo R''${i}X\n`);
        series.seconds.push(restored.arrival(await restored.waitFor(`R${i}X`, 0)));
        restored.send('poweroff\n');
        await restored.waitExit();
        if (restored.exit!.status !== 0) throw new RunFailure(`poweroff ended it with ${describeExit({ exitStatus: restored.exit!.status, signal: restored.exit!.signal })}`);
      } finally {
        await restored.stop();
      }
    }
    series.ok = true;
  } catch (e) {
    if (!(e instanceof RunFailure)) throw e;
    series.error = e.message;
  } finally {
    await saver.stop();
  }
  progress(`restore --engine=${engine} -smp ${harts}: ${series.ok ? `${series.seconds.map((s) => s.toFixed(2)).join(', ')} s` : `FAILED, ${series.error}`}`);
  return series;
}

export async function runRestoreSection(images: GuestImages, engines: readonly EngineName[]): Promise<RestoreSection> {
  const scratch = mkdtempSync(join(tmpdir(), 'hartvm-bench-restore-'));
  const series: RestoreSeries[] = [];
  try {
    for (const engine of engines) for (const harts of [1, 2]) series.push(await restoreSeries(images, engine, harts, scratch));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { runs: RUNS, series };
}

/** The median of the series' restores (undefined when it failed). */
export function restoreMedian(series: RestoreSeries | undefined): number | undefined {
  if (!series?.ok || series.seconds.length === 0) return undefined;
  const sorted = [...series.seconds].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

export function formatRestoreReport(section: RestoreSection): string {
  const rows = [['engine', '-smp', 'boot to prompt (s)', 'restore to the shell\'s answer (s)', 'fastest - slowest (s)', 'snapshot (MiB)']];
  for (const s of section.series) {
    const median = restoreMedian(s);
    rows.push([s.engine, String(s.harts), s.bootSeconds?.toFixed(2) ?? '-', median?.toFixed(2) ?? `FAILED (${s.error})`,
      s.ok ? `${Math.min(...s.seconds).toFixed(2)} - ${Math.max(...s.seconds).toFixed(2)}` : '-',
      s.fileBytes !== undefined ? (s.fileBytes / 2 ** 20).toFixed(1) : '-']);
  }
  const out = [`Restore: the Linux section's machine saved at the prompt (savevm), then started with -loadvm FILE, ${section.runs} times`];
  out.push('');
  out.push(formatTable(rows, 2));
  out.push('restore: wall time from spawning hartvm to the answer of a command typed at once (the median of the runs),');
  out.push('  Node\'s start-up included, as the boot to the prompt beside it (the machine that was saved).');
  return out.join('\n') + '\n';
}

export function restoreFailures(section: RestoreSection): string[] {
  return section.series.filter((s) => !s.ok).map((s) => `restore/${s.engine}-${s.harts}`);
}
