// The Linux section of `npm run bench`: boots the project's default guest images (OpenSBI + Linux +
// busybox, shipped in images/) under `hartvm boot` with every engine and every translation-store
// flush policy and under QEMU's virt board, and drives each guest's serial console through pipes the
// way a person at the keyboard would: it waits for the shell prompt, types a fixed workload as
// one command line, waits for the prompt to come back, and types `poweroff`.
//
// Measured on the host, for every run: spawn -> first prompt (boot to prompt), the command line
// sent -> the prompt after it (workload), and each part of the workload by when its end marker
// arrives on the console; the same clock for hartvm and QEMU. hartvm's own --stats block at exit
// gives instructions, page walks and invalidations, and for jit runs the translator's work. The workload's console output must be the same on every run, QEMU's included.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  HARTVM, JIT_HEADERS, QEMU, describeExit, engineRuns, formatTable, jitCells, lastLines, parseHartvmStats, progress,
  type EngineName, type HartvmStats, type PolicyName,
} from './bench-common.js';
import { unpackDefaultImages } from '../host/node/default-images.js';

/**
 * The firmware for images given with --images that hold none (fw_dynamic.bin): Debian's OpenSBI,
 * which the shipped one is a copy of. Both boards get the same firmware (QEMU's own bundled copy
 * is another build).
 */
export const DEBIAN_FIRMWARE = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin';
const MEMORY = '256M';
const APPEND = 'console=ttyS0';
export const PROMPT = '~ # ';
const READY = 'hartvm guest ready';
// Each phase of a run (boot to prompt, workload, poweroff) gets this long. The instruction policy is
// slow (minutes); QEMU takes seconds.
const HARTVM_TIMEOUT_MS = 20 * 60_000;
const QEMU_TIMEOUT_MS = 5 * 60_000;
// After a timeout: SIGTERM (hartvm then prints its statistics), then SIGKILL after this long.
const KILL_GRACE_MS = 10_000;

// ---------------------------------------------------------------- the workload

interface WorkloadPart {
  name: string;
  command: string;
}

// Sizes chosen so that the whole workload takes about 1-2 s under QEMU on an ordinary x86 host.
const LOOP_ITERATIONS = 20_000;
const RANDOM_LINES = 20_000;
const ZERO_MIB = 4;

/**
 * Every part prints something deterministic (no /dev/urandom: the data are a Park-Miller
 * generator's output, the same on every run and every board), so outputs can be compared.
 * Busybox applets only (awk, sort, md5sum, dd, gzip, gunzip, wc, tail).
 */
export const WORKLOAD: readonly WorkloadPart[] = [
  { name: 'shell loop', command: `i=0; while [ $i -lt ${LOOP_ITERATIONS} ]; do i=$((i+1)); done; echo $i` },
  {
    name: 'awk (generate)',
    command: `awk 'BEGIN{x=1;for(i=0;i<${RANDOM_LINES};i++){x=(x*16807)%2147483647;print x}}' >/tmp/r; wc -l </tmp/r`,
  },
  { name: 'sort', command: 'sort -n /tmp/r | md5sum; sort -r /tmp/r | tail -1' },
  { name: 'md5sum', command: `dd if=/dev/zero bs=1M count=${ZERO_MIB} 2>/dev/null | md5sum` },
  { name: 'gzip round trip', command: 'gzip -c </tmp/r >/tmp/r.gz; wc -c </tmp/r.gz; gunzip -c /tmp/r.gz | md5sum; md5sum </tmp/r' },
];

/**
 * The marker a part's end prints. It is typed with an empty string inside (`@@bench"":N@@`), so
 * the terminal's echo of the command line never contains the printed text.
 */
export function marker(label: string): { typed: string; printed: string } {
  return { typed: `echo @@bench"":${label}@@`, printed: `@@bench:${label}@@` };
}

/** The single command line typed at the prompt: the parts, each followed by its marker. */
export function workloadLine(): string {
  const pieces = [marker('begin').typed];
  WORKLOAD.forEach((part, i) => pieces.push(part.command, marker(String(i + 1)).typed));
  pieces.push(marker('end').typed);
  return pieces.join('; ');
}

/** Kernel messages (`[   12.345678] ...`) may land on the console at any time: they are not output. */
function normaliseOutput(text: string): string {
  return text.replace(/\r/g, '').split('\n').map((l) => l.trimEnd())
    .filter((l) => l !== '' && !/^\[\s*\d+\.\d+\]/.test(l)).join('\n');
}

// ---------------------------------------------------------------- the images

export interface GuestImages {
  dir: string;
  firmware: string;
  kernel: string;
  initrd: string;
  disk: string;
  /** how they were found */
  source: string;
  manifest?: unknown;
}

function imagesIn(dir: string, source: string): GuestImages | undefined {
  const file = (name: string): string => join(dir, name);
  const ready = ['Image', 'rootfs.cpio.gz', 'disk.ext2'].every((f) => existsSync(file(f)) && statSync(file(f)).size > 0);
  if (!ready) return undefined;
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(file('manifest.json'), 'utf8'));
  } catch {
    manifest = undefined;
  }
  const firmware = existsSync(file('fw_dynamic.bin')) ? file('fw_dynamic.bin') : DEBIAN_FIRMWARE;
  return { dir, firmware, kernel: file('Image'), initrd: file('rootfs.cpio.gz'), disk: file('disk.ext2'), source, manifest };
}

/**
 * The guest images: from --images, or else the ones shipped in images/ (what `hartvm boot` boots),
 * unpacked once into the cache and checked against images/manifest.json.
 */
export async function findImages(override: string | undefined): Promise<GuestImages> {
  if (override !== undefined) {
    const found = imagesIn(override, '--images');
    if (!found) throw new Error(`${override} does not hold Image, rootfs.cpio.gz and disk.ext2`);
    return found;
  }
  const unpacked = unpackDefaultImages();
  return {
    dir: unpacked.dir, firmware: unpacked.firmware, kernel: unpacked.kernel, initrd: unpacked.initrd, disk: unpacked.disk,
    source: 'images/, shipped', manifest: { versions: unpacked.versions },
  };
}

// ---------------------------------------------------------------- command lines

export function hartvmArgs(images: GuestImages, engine: EngineName, policy: PolicyName, harts = 1): string[] {
  return [HARTVM, 'boot', '-m', MEMORY, '-smp', String(harts), '-bios', images.firmware, '-kernel', images.kernel, '-initrd', images.initrd,
    '-append', APPEND, '-drive', `file=${images.disk},format=raw,snapshot=on`,
    `--engine=${engine}`, `--tlb-flush=${policy}`, '--stats=json', '-no-reboot'];
}

/**
 * QEMU's virt board with the devices hartvm's has: the disk on virtio-blk (snapshot=on: the cached
 * image is never written) and a virtio-rng. The serial port is stdio, with no monitor multiplexed
 * on it (so no Ctrl-A escapes) and no display.
 */
export function qemuArgs(images: GuestImages, harts = 1): string[] {
  // More than one hart: QEMU's multi-threaded TCG, one host thread per hart, as hartvm has.
  const accel = harts > 1 ? ['-accel', 'tcg,thread=multi'] : [];
  return ['-M', 'virt', ...accel, '-m', MEMORY, '-smp', String(harts), '-bios', images.firmware, '-kernel', images.kernel, '-initrd', images.initrd,
    '-append', APPEND,
    '-drive', `file=${images.disk},format=raw,if=none,id=d0,snapshot=on`, '-device', 'virtio-blk-device,drive=d0',
    '-device', 'virtio-rng-device',
    '-display', 'none', '-serial', 'stdio', '-monitor', 'none', '-no-reboot'];
}

export function shellQuote(args: string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

// ---------------------------------------------------------------- one guest on a console

export class RunFailure extends Error {}

/** A child process whose stdout is the guest's console, with the time each piece arrived. */
export class SerialConsole {
  readonly begin = performance.now();
  text = '';
  stderr = '';
  exit?: { status: number | null; signal: string | null; seconds: number };
  private readonly child: ChildProcess;
  private readonly chunkEnds: number[] = [];
  private readonly chunkTimes: number[] = [];
  private wakers: (() => void)[] = [];
  private spawnError?: Error;

  /** performance.now() at which waiting gives up; see phase() */
  private deadline = Infinity;
  private phaseMs = Infinity;

  constructor(command: string, args: string[]) {
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.text += chunk.toString('latin1');
      this.chunkEnds.push(this.text.length);
      this.chunkTimes.push(this.elapsed());
      this.wakeAll();
    });
    this.child.stderr!.on('data', (chunk: Buffer) => { this.stderr += chunk.toString('utf8'); });
    this.child.stdin!.on('error', () => { /* the guest is gone; the exit says why */ });
    this.child.on('error', (e) => { this.spawnError = e; this.exit ??= { status: null, signal: null, seconds: this.elapsed() }; this.wakeAll(); });
    this.child.on('close', (status, signal) => {
      this.exit = { status, signal, seconds: this.elapsed() };
      this.wakeAll();
    });
  }

  /** Starts a phase of the run: the waits that follow give up `ms` from now. */
  phase(ms: number): void {
    this.phaseMs = ms;
    this.deadline = performance.now() + ms;
  }

  elapsed(): number {
    return (performance.now() - this.begin) / 1000;
  }

  /** Seconds after spawn at which the console text up to `offset` had arrived. */
  arrival(offset: number): number {
    const i = this.chunkEnds.findIndex((end) => end >= offset);
    return i < 0 ? this.elapsed() : this.chunkTimes[i];
  }

  send(text: string): void {
    this.child.stdin!.write(text);
  }

  /** Waits until `needle` appears at or after `from`; returns the offset just past it. */
  async waitFor(needle: string, from: number): Promise<number> {
    for (;;) {
      const at = this.text.indexOf(needle, from);
      if (at >= 0) return at + needle.length;
      if (this.spawnError) throw new RunFailure(`could not start: ${this.spawnError.message}`);
      if (this.exit) throw new RunFailure(`ended (${describeExit({ exitStatus: this.exit.status, signal: this.exit.signal })}) before ${JSON.stringify(needle)} appeared`);
      if (!(await this.sleep())) throw new RunFailure(`timed out waiting for ${JSON.stringify(needle)} (${this.limit()})`);
    }
  }

  async waitExit(): Promise<void> {
    while (!this.exit) {
      if (!(await this.sleep())) throw new RunFailure(`timed out waiting for the process to exit (${this.limit()})`);
    }
  }

  private limit(): string {
    return `${this.phaseMs / 1000} s per phase, ${this.elapsed().toFixed(0)} s since spawn`;
  }

  /** Ends the child: SIGTERM, then SIGKILL if it is still there after a grace period. */
  async stop(): Promise<void> {
    if (this.exit) return;
    this.child.kill('SIGTERM');
    const grace = performance.now() + KILL_GRACE_MS;
    while (!this.exit && performance.now() < grace) await this.sleep(grace);
    if (!this.exit) {
      this.child.kill('SIGKILL');
      while (!this.exit) await this.sleep(Infinity);
    }
  }

  /** Resolves on news from the child (true) or at the deadline (false). */
  private sleep(until = this.deadline): Promise<boolean> {
    const left = until - performance.now();
    if (left <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.wakers = this.wakers.filter((w) => w !== wake); resolve(false); }, Math.min(left, 2 ** 31 - 1));
      const wake = (): void => { clearTimeout(timer); resolve(true); };
      this.wakers.push(wake);
    });
  }

  private wakeAll(): void {
    const wakers = this.wakers;
    this.wakers = [];
    for (const w of wakers) w();
  }
}

// ---------------------------------------------------------------- runs

export type Emulator = 'hartvm' | 'qemu';

export interface PartResult {
  name: string;
  seconds: number;
  output: string;
}

/** hartvm's --stats=json at exit. */
export type BootStats = HartvmStats;

export interface LinuxRun {
  /** `workload`: boot, workload, poweroff; `boot-only`: poweroff at the first prompt */
  kind: 'workload' | 'boot-only';
  ok: boolean;
  error?: string;
  exitStatus: number | null;
  signal: string | null;
  /** spawn -> `hartvm guest ready` on the console */
  readySeconds?: number;
  /** spawn -> the first prompt */
  bootSeconds?: number;
  /** the command line sent -> the prompt after its end marker */
  workloadSeconds?: number;
  parts?: PartResult[];
  /** `poweroff` sent -> the process exited */
  poweroffSeconds?: number;
  /** spawn -> exit */
  wallSeconds: number;
  stats?: BootStats;
  consoleTail?: string;
  stderrTail?: string;
}

async function bootRun(emulator: Emulator, engine: EngineName | undefined, policy: PolicyName | undefined, images: GuestImages,
  kind: LinuxRun['kind']): Promise<LinuxRun> {
  const hartvm = emulator === 'hartvm';
  const command = hartvm ? process.execPath : QEMU;
  const args = hartvm ? hartvmArgs(images, engine!, policy!) : qemuArgs(images);
  const timeout = hartvm ? HARTVM_TIMEOUT_MS : QEMU_TIMEOUT_MS;
  const serial = new SerialConsole(command, args);
  const run: Partial<LinuxRun> = { kind };
  let error: string | undefined;
  try {
    serial.phase(timeout);
    let at = await serial.waitFor(PROMPT, 0);
    run.bootSeconds = serial.arrival(at);
    const ready = serial.text.indexOf(READY);
    if (ready >= 0) run.readySeconds = serial.arrival(ready + READY.length);
    if (kind === 'workload') {
      serial.phase(timeout);
      const sent = serial.elapsed();
      serial.send(workloadLine() + '\n');
      // The markers' printed text, in order; each part's output lies between two of them.
      const labels = ['begin', ...WORKLOAD.map((_, i) => String(i + 1))];
      const ends: number[] = [];
      for (const label of labels) {
        at = await serial.waitFor(marker(label).printed, at);
        ends.push(at);
      }
      const end = await serial.waitFor(marker('end').printed, at);
      at = await serial.waitFor(PROMPT, end);
      run.workloadSeconds = serial.arrival(at) - sent;
      run.parts = WORKLOAD.map((part, i) => {
        const start = ends[i];
        const stop = ends[i + 1] - marker(labels[i + 1]).printed.length;
        return { name: part.name, seconds: serial.arrival(ends[i + 1]) - serial.arrival(start), output: normaliseOutput(serial.text.slice(start, stop)) };
      });
    }
    serial.phase(timeout);
    const poweroff = serial.elapsed();
    serial.send('poweroff\n');
    await serial.waitExit();
    run.poweroffSeconds = serial.exit!.seconds - poweroff;
    if (serial.exit!.status !== 0) error = `poweroff ended it with ${describeExit({ exitStatus: serial.exit!.status, signal: serial.exit!.signal })}`;
  } catch (e) {
    if (!(e instanceof RunFailure)) throw e;
    error = e.message;
    await serial.stop();
  }
  run.exitStatus = serial.exit!.status;
  run.signal = serial.exit!.signal;
  run.wallSeconds = serial.exit!.seconds;
  if (hartvm) {
    run.stats = parseHartvmStats(serial.stderr, policy!);
    if (!error && !run.stats) error = 'exit status 0 but no statistics in its stderr';
  }
  run.ok = error === undefined;
  if (error) {
    run.error = error;
    run.consoleTail = lastLines(serial.text.replace(/\r/g, ''), 15);
    run.stderrTail = lastLines(serial.stderr, 15);
  }
  return run as LinuxRun;
}

// ---------------------------------------------------------------- series

export interface LinuxSeries {
  emulator: Emulator;
  /** hartvm's */
  engine?: EngineName;
  policy?: PolicyName;
  command: string;
  runs: LinuxRun[];
  /** hartvm: the boot that powers off at the first prompt, for the instruction count at the prompt */
  bootOnly?: LinuxRun;
  status: 'ok' | 'FAILED' | 'OUTPUT DIFFERS';
  /** differences from the reference, part by part */
  differences?: { part: string; reference: string; got: string }[];
  best?: {
    bootSeconds: number;
    workloadSeconds: number;
    parts: Record<string, number>;
    /** the run whose --stats are reported: the shortest hartvm run time */
    statsRun?: number;
  };
}

export interface LinuxOptions {
  runs: number;
  slowRuns: number;
  policies: PolicyName[];
  engines: EngineName[];
  qemu: boolean;
  images?: string;
  bootInsns: boolean;
}

export interface LinuxSection {
  images: GuestImages;
  firmware: string;
  workload: { line: string; parts: readonly WorkloadPart[] };
  qemuCommand?: string;
  hartvmCommand: string;
  /** which run's outputs the others are compared with */
  reference?: string;
  series: LinuxSeries[];
}

function label(series: { emulator: Emulator; engine?: EngineName; policy?: PolicyName }): string {
  return series.emulator === 'qemu' ? 'qemu' : `hartvm --engine=${series.engine} --tlb-flush=${series.policy}`;
}

function reportRun(what: string, run: LinuxRun): void {
  if (!run.ok) {
    progress(`${what}: FAILED, ${run.error}${run.bootSeconds !== undefined ? ` (prompt after ${run.bootSeconds.toFixed(2)} s)` : ''}` +
      `\n--- console tail:\n${run.consoleTail}\n--- stderr tail:\n${run.stderrTail}`);
    return;
  }
  const parts = run.parts ? ` (${run.parts.map((p) => `${p.name} ${p.seconds.toFixed(2)}`).join(', ')})` : '';
  const workload = run.workloadSeconds !== undefined ? `, workload ${run.workloadSeconds.toFixed(3)} s${parts}` : '';
  const j = run.stats?.jit;
  const jit = j ? `, ${j.translations} translations, compile ${(1000 * j.compileSeconds).toFixed(1)} ms, ${(100 * j.translatedShare).toFixed(1)}% translated` : '';
  const stats = run.stats ? `; ${run.stats.instructions} insns, ${run.stats.runSeconds.toFixed(3)} s, ${run.stats.mips.toFixed(1)} MIPS${jit}` : '';
  progress(`${what}: prompt ${run.bootSeconds!.toFixed(3)} s${workload}, poweroff ${run.poweroffSeconds!.toFixed(2)} s${stats}`);
}

async function runSeries(emulator: Emulator, engine: EngineName | undefined, policy: PolicyName | undefined, count: number, images: GuestImages,
  bootInsns: boolean): Promise<LinuxSeries> {
  const series: LinuxSeries = {
    emulator, engine, policy, runs: [], status: 'ok',
    command: emulator === 'qemu' ? shellQuote([QEMU, ...qemuArgs(images)]) : shellQuote(['node', ...hartvmArgs(images, engine!, policy!)]),
  };
  for (let i = 1; i <= count; i++) {
    const run = await bootRun(emulator, engine, policy, images, 'workload');
    series.runs.push(run);
    reportRun(`linux ${label(series)} run ${i}/${count}`, run);
    if (!run.ok) break; // repeating a failure only costs time
  }
  if (emulator === 'hartvm' && bootInsns && series.runs.every((r) => r.ok)) {
    series.bootOnly = await bootRun(emulator, engine, policy, images, 'boot-only');
    reportRun(`linux ${label(series)} boot only (poweroff at the prompt)`, series.bootOnly);
  }
  const good = series.runs.filter((r) => r.ok);
  if (good.length) {
    const parts: Record<string, number> = {};
    for (const part of WORKLOAD) parts[part.name] = Math.min(...good.map((r) => r.parts!.find((p) => p.name === part.name)!.seconds));
    series.best = {
      bootSeconds: Math.min(...good.map((r) => r.bootSeconds!)),
      workloadSeconds: Math.min(...good.map((r) => r.workloadSeconds!)),
      parts,
    };
    if (emulator === 'hartvm') {
      const statsRun = good.reduce((a, b) => (b.stats!.runSeconds < a.stats!.runSeconds ? b : a));
      series.best.statsRun = series.runs.indexOf(statsRun);
    }
  }
  if (!series.runs.every((r) => r.ok) || (series.bootOnly && !series.bootOnly.ok)) series.status = 'FAILED';
  return series;
}

/** Marks every series whose workload output differs from the reference run's. */
function judge(all: LinuxSeries[], reference: LinuxRun): void {
  for (const series of all) {
    if (series.status === 'FAILED') continue;
    for (const run of series.runs) {
      for (const [i, part] of run.parts!.entries()) {
        const expected = reference.parts![i].output;
        if (part.output === expected) continue;
        series.status = 'OUTPUT DIFFERS';
        series.differences ??= [];
        if (!series.differences.some((d) => d.part === part.name)) series.differences.push({ part: part.name, reference: expected, got: part.output });
      }
    }
    for (const d of series.differences ?? []) {
      progress(`linux ${label(series)}: OUTPUT DIFFERS in ${d.part}\n  reference: ${JSON.stringify(d.reference)}\n  got:       ${JSON.stringify(d.got)}`);
    }
  }
}

export async function runLinuxSection(options: LinuxOptions): Promise<LinuxSection> {
  const images = await findImages(options.images);
  progress(`linux: images in ${images.dir} (${images.source}); firmware ${images.firmware}`);
  if (!existsSync(images.firmware)) throw new Error(`no ${images.firmware} (Debian package opensbi; npm run setup)`);
  const series: LinuxSeries[] = [];
  if (options.qemu) series.push(await runSeries('qemu', undefined, undefined, options.runs, images, false));
  for (const engine of options.engines) {
    for (const policy of options.policies) {
      if (!engineRuns(engine, policy)) continue;
      series.push(await runSeries('hartvm', engine, policy, policy === 'fence' ? options.runs : options.slowRuns, images, options.bootInsns));
    }
  }
  // The reference output: QEMU's first run, or else hartvm's first good run.
  const qemu = series.find((s) => s.emulator === 'qemu');
  const referenceSeries = qemu?.runs[0]?.ok ? qemu : series.find((s) => s.runs[0]?.ok);
  const reference = referenceSeries?.runs[0];
  if (reference) judge(series, reference);
  return {
    images,
    firmware: images.firmware,
    workload: { line: workloadLine(), parts: WORKLOAD },
    qemuCommand: options.qemu ? shellQuote([QEMU, ...qemuArgs(images)]) : undefined,
    hartvmCommand: shellQuote(['node', ...hartvmArgs(images, options.engines[0] ?? 'interp', options.policies[0] ?? 'fence')]),
    reference: referenceSeries ? `${label(referenceSeries)} run 1` : undefined,
    series,
  };
}

// ---------------------------------------------------------------- reporting

function ratio(value: number | undefined, base: number | undefined): string {
  return value !== undefined && base !== undefined && base > 0 ? `${(value / base).toFixed(1)}x` : '-';
}

function statusText(series: LinuxSeries): string {
  if (series.status !== 'FAILED') return series.status;
  const failed = [...series.runs, ...(series.bootOnly ? [series.bootOnly] : [])].find((r) => !r.ok);
  return `FAILED (${failed?.error ?? 'no run'})`;
}

export function formatLinuxReport(section: LinuxSection, options: LinuxOptions): string {
  const qemu = section.series.find((s) => s.emulator === 'qemu')?.best;
  const name = (s: LinuxSeries): string[] => [s.emulator, s.engine ?? '-', s.policy ?? '-'];
  const statsOf = (s: LinuxSeries): BootStats | undefined => (s.best?.statsRun !== undefined ? s.runs[s.best.statsRun].stats : undefined);
  const bootOnlyOf = (s: LinuxSeries): LinuxRun | undefined => (s.bootOnly?.ok ? s.bootOnly : undefined);
  const withJit = options.engines.includes('jit');
  // The comparison with QEMU: both timed on the host, from the console, the same way.
  const rows = [['emulator', 'engine', 'policy', 'runs', 'boot to prompt (s)', 'boot/QEMU', 'workload (s)', 'workload/QEMU',
    ...(withJit ? [...JIT_HEADERS, 'compile to prompt (ms)'] : []), 'status']];
  for (const s of section.series) {
    const b = s.best;
    const hartvm = s.emulator === 'hartvm';
    const bootOnly = bootOnlyOf(s);
    rows.push([...name(s), String(s.runs.length),
      b ? b.bootSeconds.toFixed(3) : '-', hartvm ? ratio(b?.bootSeconds, qemu?.bootSeconds) : '-',
      b ? b.workloadSeconds.toFixed(3) : '-', hartvm ? ratio(b?.workloadSeconds, qemu?.workloadSeconds) : '-',
      ...(withJit ? [...jitCells(statsOf(s)), bootOnly?.stats?.jit ? (1000 * bootOnly.stats.jit.compileSeconds).toFixed(1) : '-'] : []),
      statusText(s)]);
  }
  // hartvm's own figures, from its --stats=json.
  const statRows = [['engine', 'policy', 'instructions', 'internal run (s)', 'internal MIPS', 'page walks', 'walks/1k insns',
    'invalidations', 'insns at prompt', 'boot MIPS']];
  for (const s of section.series.filter((x) => x.emulator === 'hartvm')) {
    const stats = statsOf(s);
    const bootOnly = bootOnlyOf(s);
    statRows.push([s.engine!, s.policy!,
      stats ? String(stats.instructions) : '-', stats ? stats.runSeconds.toFixed(3) : '-', stats ? stats.mips.toFixed(1) : '-',
      stats ? String(stats.pageWalks) : '-', stats ? stats.walksPerKilo.toFixed(3) : '-', stats ? String(stats.invalidations) : '-',
      bootOnly?.stats ? String(bootOnly.stats.instructions) : '-',
      bootOnly?.stats ? (bootOnly.stats.instructions / bootOnly.bootSeconds! / 1e6).toFixed(1) : '-']);
  }
  const partRows = [['workload part', ...section.series.map((s) => (s.emulator === 'qemu' ? 'qemu (s)' : `${s.engine}/${s.policy} (s)`))]];
  for (const part of WORKLOAD) {
    partRows.push([part.name, ...section.series.map((s) => {
      const t = s.best?.parts[part.name];
      if (t === undefined) return '-';
      return s.emulator === 'hartvm' && qemu ? `${t.toFixed(3)} (${ratio(t, qemu.parts[part.name])})` : t.toFixed(3);
    })]);
  }
  const runsText = options.qemu ? `fence and QEMU best of ${options.runs}` : `fence best of ${options.runs}`;
  const out: string[] = [];
  out.push(`Linux on the virt board (engines ${options.engines.join(', ')}; ${runsText}, block and instruction best of ${options.slowRuns}; ${MEMORY}, 1 hart)`);
  out.push(`images: ${section.images.dir}`);
  out.push(`firmware (both): ${section.firmware}`);
  out.push(`hartvm: ${section.hartvmCommand.replace(/--engine=\S+/, '--engine=ENGINE').replace(/--tlb-flush=\S+/, '--tlb-flush=POLICY')}`);
  if (section.qemuCommand) out.push(`qemu:   ${section.qemuCommand}`);
  out.push(`workload (one command line): ${section.workload.line}`);
  out.push('');
  out.push(formatTable(rows, 3));
  out.push('boot to prompt: wall time from spawning the emulator to the first "~ # " on its stdout (a pipe), for hartvm and');
  out.push('  QEMU alike; includes the start-up of Node (hartvm) or QEMU. workload: from writing the command line to the');
  out.push('  prompt after it, on the same clock for both. Both are the best of the runs, taken separately; ratios are');
  out.push('  hartvm / QEMU, and nothing measured inside hartvm enters them.');
  if (withJit) {
    out.push(`${JIT_HEADERS.join(', ')}: jit runs, --stats=json at exit of the run with the shortest`);
    out.push('  internal run time (boot, workload and poweroff): translating and compiling to WebAssembly, translations');
    out.push('  made, share of the guest instructions retired in translated code. compile to prompt: the compile time of');
    out.push('  the boot that powers off at the first prompt (see insns at prompt).');
    if (options.policies.includes('instruction')) {
      out.push('jit with --tlb-flush=instruction is not run: hartvm translates nothing under that policy (it interprets).');
    }
  }
  out.push('');
  out.push(formatTable(statRows, 2));
  out.push('hartvm --stats=json at exit of the run with the shortest internal run time (boot, workload and poweroff);');
  out.push('  internal MIPS = those instructions / hartvm\'s run time measured inside it (no Node start-up).');
  if (options.bootInsns) {
    out.push('insns at prompt: --stats of a separate boot that types poweroff at the first prompt, so it also counts the');
    out.push('  shutdown (a little); boot MIPS = that count / that run\'s boot-to-prompt wall time.');
  } else {
    out.push('insns at prompt / boot MIPS / compile to prompt: not measured (--no-boot-insns).');
  }
  out.push('');
  out.push(formatTable(partRows, 1));
  out.push('a part\'s time runs between the arrival of its neighbouring markers on the console (hartvm flushes the console');
  out.push('  every 10 ms); in parentheses hartvm / QEMU.');
  if (section.reference) out.push(`workload output: every run compared with ${section.reference} (kernel log lines ignored).`);
  return out.join('\n') + '\n';
}

export function linuxFailures(section: LinuxSection): string[] {
  return section.series.filter((s) => s.status !== 'ok').map((s) => `linux/${s.emulator === 'qemu' ? 'qemu' : `${s.engine}/${s.policy}`}`);
}
