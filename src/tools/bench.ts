// `npm run bench`: runs the guest benchmark programs under hartvm with every engine (interp, jit)
// and every translation-store flush policy, and under QEMU as the reference, then prints a
// comparison table. hartvm and QEMU are compared the same way: the wall time of the whole child
// process, start-up included, for both. Its Linux section
// (bench-linux.ts; `--linux` alone, `--no-linux` without it) boots Linux to a shell prompt on
// `hartvm boot` and QEMU's virt board and times the boot and a workload typed on the console.
//
// Host-side tool: it drives `bin/hartvm.js` and `qemu-system-riscv64` as child processes and
// never imports the emulator itself, so it measures exactly what a user of the CLI gets.

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  ENGINES, HARTVM, JIT_HEADERS, POLICIES, QEMU, ROOT, describeExit, engineRuns, firstLineOf, formatTable, jitCells, lastLines, listOf,
  parseHartvmStats, pick, progress, type EngineName, type HartvmStats, type PolicyName,
} from './bench-common.js';
import { formatTargets, type ProgramFigure } from './bench-targets.js';
import { formatLinuxReport, linuxFailures, runLinuxSection, type LinuxSection } from './bench-linux.js';
import { formatSmpReport, runSmpSection, smpFailures, type SmpSection } from './bench-smp.js';
import { browserFailures, formatBrowserReport, runBrowserSection, type BrowserSection, type NodeFigures } from './bench-browser.js';
import { formatRestoreReport, restoreFailures, restoreMedian, runRestoreSection, type RestoreSection } from './bench-restore.js';

const PROGRAMS = ['integer', 'memory', 'float'] as const;
type ProgramName = typeof PROGRAMS[number];
const SETUP_HINT = 'run `npm run setup` (scripts/setup.sh) to install the RISC-V toolchain and picolibc';
// A wrongly detected tohost leaves QEMU spinning forever; the benchmarks take seconds there.
const QEMU_TIMEOUT_MS = 300_000;
// Guest consoles are short; this only has to be larger than any plausible output.
const MAX_OUTPUT_BYTES = 64 * 2 ** 20;

interface Options {
  runs: number;
  slowRuns: number;
  policies: PolicyName[];
  engines: EngineName[];
  programs: ProgramName[];
  qemu: boolean;
  json: string;
  /** the guest-program section (integer, memory, float) */
  programsSection: boolean;
  /** the Linux section (bench-linux.ts) */
  linuxSection: boolean;
  images?: string;
  bootInsns: boolean;
  /** the SMP case of the Linux section (bench-smp.ts) */
  smp: boolean;
  /** the browser case of the Linux section (bench-browser.ts) */
  browser: boolean;
  /** the restore case of the Linux section (bench-restore.ts) */
  restore: boolean;
}

interface HartvmRun {
  exitStatus: number | null;
  signal: string | null;
  wallSeconds: number;
  stdout: string;
  stats?: HartvmStats;
  stderrTail?: string;
}

interface QemuRun {
  exitStatus: number | null;
  signal: string | null;
  wallSeconds: number;
  stdout: string;
  stderrTail?: string;
}

interface PolicyResult {
  program: ProgramName;
  engine: EngineName;
  policy: PolicyName;
  runs: HartvmRun[];
  /** the successful run with the shortest wall time: what is compared with QEMU's */
  bestWall?: HartvmRun;
  /** the successful run with the shortest internal run time: its --stats are reported */
  best?: HartvmRun;
  status: 'ok' | 'FAILED' | 'OUTPUT DIFFERS';
}

interface ProgramResult {
  program: ProgramName;
  elf: string;
  qemuRuns: QemuRun[];
  qemuBest?: QemuRun;
  policies: PolicyResult[];
}

interface HostInfo {
  node: string;
  cpu: string;
  cores: number;
  qemu?: string;
  hartvmCommit?: string;
}

// ---------------------------------------------------------------- options

function positiveInteger(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return Number(text);
}

function parseOptions(argv: string[]): Options {
  const command = new Command('bench')
    .description('run the guest benchmarks under hartvm (every --engine, every --tlb-flush policy) and QEMU, and compare')
    .addOption(new Option('--runs <n>', 'runs of the fence policy (per engine) and of QEMU; the best time is reported')
      .argParser(positiveInteger).default(3))
    .addOption(new Option('--slow-runs <n>', 'runs of the block and instruction policies')
      .argParser(positiveInteger).default(1))
    .addOption(new Option('--policy <names>', `flush policies to run (repeatable or comma list: ${POLICIES.join(', ')})`)
      .argParser(listOf(POLICIES, 'policy')))
    .addOption(new Option('--engine <names>', `hartvm engines to run every case under (repeatable or comma list: ${ENGINES.join(', ')}; default all)`)
      .argParser(listOf(ENGINES, 'engine')))
    .addOption(new Option('--program <names>', `benchmark programs to run (repeatable or comma list: ${PROGRAMS.join(', ')})`)
      .argParser(listOf(PROGRAMS, 'program')))
    .option('--no-qemu', 'do not run the QEMU reference')
    .option('--linux', 'run only the Linux section: boot Linux to a shell prompt and run a workload on its console')
    .option('--no-linux', 'skip the Linux section (by default both sections run)')
    .option('--images <dir>', 'Linux section: the guest images (Image, rootfs.cpio.gz, disk.ext2[, fw_dynamic.bin]) instead of the shipped ones')
    .option('--no-boot-insns', 'Linux section: skip the extra boot per policy that counts the instructions up to the prompt')
    .option('--no-smp', 'Linux section: skip the SMP case (parallel processes at -smp 1 and -smp 2)')
    .option('--no-browser', 'Linux section: skip the browser case (the page in headless chromium at smp=1 and smp=2)')
    .option('--no-restore', 'Linux section: skip the restore case (the machine saved at the prompt, started again with -loadvm)')
    .addOption(new Option('--json <file>', 'also write every result as JSON')
      .default(join(ROOT, 'build', 'bench', 'results.json'), 'build/bench/results.json'))
    .allowExcessArguments(false);
  command.parse(argv);
  const o = command.opts<{
    runs: number; slowRuns: number; policy?: PolicyName[]; engine?: EngineName[]; program?: ProgramName[]; qemu: boolean; json: string;
    linux?: boolean; images?: string; bootInsns: boolean; smp: boolean; browser: boolean; restore: boolean;
  }>();
  return {
    runs: o.runs,
    slowRuns: o.slowRuns,
    policies: pick(POLICIES, o.policy),
    engines: pick(ENGINES, o.engine),
    programs: pick(PROGRAMS, o.program),
    qemu: o.qemu,
    json: resolve(o.json),
    // --linux: that section alone; --no-linux: the programs alone; neither: both.
    programsSection: o.linux !== true,
    linuxSection: o.linux !== false,
    images: o.images === undefined ? undefined : resolve(o.images),
    bootInsns: o.bootInsns,
    smp: o.smp,
    browser: o.browser,
    restore: o.restore,
  };
}

// ---------------------------------------------------------------- small helpers

function isMissingCommand(result: SpawnSyncReturns<unknown>): boolean {
  return (result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}


// ---------------------------------------------------------------- guest build

/** Builds the benchmark ELFs; exits with a hint when the toolchain is missing. */
function buildGuestPrograms(): void {
  for (const tool of ['make', 'riscv64-unknown-elf-gcc']) {
    if (isMissingCommand(spawnSync(tool, ['--version'], { stdio: 'ignore' }))) {
      process.stderr.write(`bench: ${tool} is not installed; ${SETUP_HINT}\n`);
      process.exit(2);
    }
  }
  progress('building guest programs (make -s -C guest bench)');
  const make = spawnSync('make', ['-s', '-C', join(ROOT, 'guest'), 'bench'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (make.status !== 0) {
    // A compiler that runs but lacks picolibc fails here rather than in the check above.
    process.stderr.write(`bench: building the guest programs failed (${describeExit({ exitStatus: make.status, signal: make.signal })}); if the toolchain is incomplete, ${SETUP_HINT}\n`);
    process.exit(2);
  }
}

function elfPath(program: ProgramName): string {
  return join(ROOT, 'build', 'guest', 'bench', `${program}.elf`);
}

// ---------------------------------------------------------------- hartvm

function runHartvm(elf: string, engine: EngineName, policy: PolicyName): HartvmRun {
  const begin = performance.now();
  // process.execPath: the same Node that runs this tool, whatever `node` is on PATH.
  const child = spawnSync(process.execPath, [HARTVM, 'run', '--stats=json', `--engine=${engine}`, `--tlb-flush=${policy}`, elf], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: MAX_OUTPUT_BYTES,
  });
  const wallSeconds = (performance.now() - begin) / 1000;
  if (child.error) throw child.error;
  const run: HartvmRun = { exitStatus: child.status, signal: child.signal, wallSeconds, stdout: child.stdout, stats: parseHartvmStats(child.stderr, policy) };
  if (child.status !== 0 || !run.stats) run.stderrTail = lastLines(child.stderr, 12);
  return run;
}

function succeeded(run: HartvmRun): boolean {
  return run.exitStatus === 0 && run.stats !== undefined;
}

function bestHartvmRun(runs: HartvmRun[], time: (run: HartvmRun) => number): HartvmRun | undefined {
  const good = runs.filter(succeeded);
  return good.length ? good.reduce((a, b) => (time(b) < time(a) ? b : a)) : undefined;
}

// ---------------------------------------------------------------- QEMU

function qemuVersion(): string | undefined {
  return firstLineOf(QEMU, ['--version']);
}

function runQemu(elf: string, scratch: string): QemuRun {
  // QEMU drops HTIF console output when its stdout is a pipe, so it writes to a file.
  const outFile = join(scratch, 'qemu-stdout.txt');
  const fd = openSync(outFile, 'w');
  const begin = performance.now();
  let child: SpawnSyncReturns<string>;
  try {
    child = spawnSync(QEMU, ['-M', 'spike', '-bios', 'none', '-nographic', '-kernel', elf], {
      encoding: 'utf8', stdio: ['ignore', fd, 'pipe'], maxBuffer: MAX_OUTPUT_BYTES, timeout: QEMU_TIMEOUT_MS,
    });
  } finally {
    closeSync(fd);
  }
  const wallSeconds = (performance.now() - begin) / 1000;
  if (child.error && (child.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') throw child.error;
  const run: QemuRun = { exitStatus: child.status, signal: child.signal, wallSeconds, stdout: readFileSync(outFile, 'utf8') };
  if (child.status !== 0) run.stderrTail = lastLines(child.stderr ?? '', 12);
  return run;
}

function bestQemuRun(runs: QemuRun[]): QemuRun | undefined {
  const good = runs.filter((r) => r.exitStatus === 0);
  return good.length ? good.reduce((a, b) => (b.wallSeconds < a.wallSeconds ? b : a)) : undefined;
}

// ---------------------------------------------------------------- running everything

function runsFor(policy: PolicyName, options: Options): number {
  return policy === 'fence' ? options.runs : options.slowRuns;
}

function reportHartvmRun(label: string, run: HartvmRun): void {
  if (run.stats && run.exitStatus === 0) {
    const j = run.stats.jit;
    const jit = j ? `; ${j.translations} translations, compile ${(1000 * j.compileSeconds).toFixed(1)} ms, ${(100 * j.translatedShare).toFixed(1)}% translated` : '';
    progress(`${label}: wall ${run.wallSeconds.toFixed(3)} s; inside hartvm ${run.stats.instructions} insns, ${run.stats.runSeconds.toFixed(3)} s, ${run.stats.mips.toFixed(1)} MIPS${jit}`);
    return;
  }
  const why = run.exitStatus === 0 ? 'exit status 0 but no statistics in its stderr' : describeExit(run);
  progress(`${label}: FAILED, ${why}; stdout ${JSON.stringify(lastLines(run.stdout, 3))}${run.stderrTail ? `; last stderr lines:\n${run.stderrTail}` : ''}`);
}

function runQemuSeries(program: ProgramName, elf: string, options: Options, scratch: string): QemuRun[] {
  const runs: QemuRun[] = [];
  for (let i = 1; i <= options.runs; i++) {
    const run = runQemu(elf, scratch);
    runs.push(run);
    const label = `${program} qemu run ${i}/${options.runs}`;
    if (run.exitStatus === 0) {
      progress(`${label}: wall ${run.wallSeconds.toFixed(3)} s`);
    } else {
      progress(`${label}: ${describeExit(run)}; its output is not a usable reference${run.stderrTail ? `\n${run.stderrTail}` : ''}`);
      break;
    }
  }
  return runs;
}

function runPolicySeries(program: ProgramName, elf: string, engine: EngineName, policy: PolicyName, options: Options): HartvmRun[] {
  const runs: HartvmRun[] = [];
  const count = runsFor(policy, options);
  for (let i = 1; i <= count; i++) {
    const run = runHartvm(elf, engine, policy);
    runs.push(run);
    reportHartvmRun(`${program} --engine=${engine} --tlb-flush=${policy} run ${i}/${count}`, run);
    if (!succeeded(run)) break; // repeating a failure only costs time
  }
  return runs;
}

/**
 * The console output every hartvm run must reproduce: QEMU's when it ran, otherwise the first
 * hartvm run of the program (the programs are deterministic, so engines and policies must agree).
 */
function judge(result: PolicyResult, reference: string | undefined): PolicyResult['status'] {
  if (!result.runs.every(succeeded)) return 'FAILED';
  if (reference !== undefined && result.runs.some((r) => r.stdout !== reference)) return 'OUTPUT DIFFERS';
  return 'ok';
}

function benchProgram(program: ProgramName, options: Options, scratch: string): ProgramResult {
  const elf = elfPath(program);
  const qemuRuns = options.qemu ? runQemuSeries(program, elf, options, scratch) : [];
  const qemuBest = bestQemuRun(qemuRuns);
  const policies: PolicyResult[] = [];
  let reference = qemuBest?.stdout;
  for (const engine of options.engines) {
    for (const policy of options.policies) {
      if (!engineRuns(engine, policy)) continue;
      const runs = runPolicySeries(program, elf, engine, policy, options);
      reference ??= runs.find(succeeded)?.stdout;
      const result: PolicyResult = {
        program, engine, policy, runs, status: 'ok',
        bestWall: bestHartvmRun(runs, (r) => r.wallSeconds), best: bestHartvmRun(runs, (r) => r.stats!.runSeconds),
      };
      result.status = judge(result, reference);
      if (result.status === 'OUTPUT DIFFERS') {
        const other = result.runs.find((r) => r.stdout !== reference)!.stdout;
        progress(`${program} --engine=${engine} --tlb-flush=${policy}: OUTPUT DIFFERS\n  reference: ${JSON.stringify(reference)}\n  hartvm:    ${JSON.stringify(other)}`);
      }
      policies.push(result);
    }
  }
  return { program, elf, qemuRuns, qemuBest, policies };
}

// ---------------------------------------------------------------- reporting

function hostInfo(qemu: string | undefined): HostInfo {
  const cpuList = cpus();
  return {
    node: process.version,
    cpu: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    qemu,
    hartvmCommit: firstLineOf('git', ['-C', ROOT, 'describe', '--always', '--dirty']),
  };
}

function tableRows(results: ProgramResult[], withQemu: boolean, withJit: boolean): string[][] {
  const header = ['program', 'engine', 'policy', 'runs', 'instructions', 'walks/1k insns', 'hartvm wall (s)'];
  if (withQemu) header.push('QEMU wall (s)', 'hartvm/QEMU', 'hartvm wall MIPS', 'QEMU wall MIPS');
  else header.push('hartvm wall MIPS');
  header.push('internal run (s)', 'internal MIPS', ...(withJit ? JIT_HEADERS : []), 'status');
  const rows = [header];
  for (const program of results) {
    for (const p of program.policies) {
      const s = p.best?.stats;
      const wall = p.bestWall?.wallSeconds;
      const row = [p.program, p.engine, p.policy, String(p.runs.length),
        s ? String(s.instructions) : '-', s ? s.walksPerKilo.toFixed(3) : '-', wall !== undefined ? wall.toFixed(3) : '-'];
      const wallMips = s && wall !== undefined ? (s.instructions / wall / 1e6).toFixed(1) : '-';
      if (withQemu) {
        const q = program.qemuBest;
        row.push(q ? q.wallSeconds.toFixed(3) : '-', q && wall !== undefined ? `${(wall / q.wallSeconds).toFixed(2)}x` : '-',
          wallMips, q && s ? (s.instructions / q.wallSeconds / 1e6).toFixed(1) : '-');
      } else {
        row.push(wallMips);
      }
      row.push(s ? s.runSeconds.toFixed(3) : '-', s ? s.mips.toFixed(1) : '-', ...(withJit ? jitCells(s) : []));
      row.push(p.status === 'FAILED' ? `FAILED (${describeExit(p.runs[p.runs.length - 1])})` : p.status);
      rows.push(row);
    }
  }
  return rows;
}

function printReport(results: ProgramResult[], host: HostInfo, options: Options, qemuRequested: boolean, linux: LinuxSection | undefined,
  smp: SmpSection | undefined, browser: BrowserSection | undefined, restore: RestoreSection | undefined): void {
  const out: string[] = [];
  out.push(`host: Node ${host.node}, ${host.cpu}, ${host.cores} cores`);
  out.push(`reference: ${host.qemu ?? (qemuRequested ? `${QEMU} not installed (skipped)` : 'QEMU skipped (--no-qemu)')}`);
  const fenceRuns = options.qemu ? `fence and QEMU best of ${options.runs}` : `fence best of ${options.runs}`;
  out.push(`hartvm: ${host.hartvmCommit ?? 'unknown commit'}; engines ${options.engines.join(', ')}; ${fenceRuns}, block and instruction best of ${options.slowRuns}`);
  out.push('');
  if (options.programsSection) printProgramsReport(out, results, host, options);
  if (linux) {
    if (options.programsSection) out.push('');
    out.push(formatLinuxReport(linux, options).trimEnd());
  }
  if (smp) {
    out.push('');
    out.push(formatSmpReport(smp).trimEnd());
  }
  if (browser) {
    out.push('');
    out.push(formatBrowserReport(browser, (engine) => nodeFigures(engine, linux, smp)).trimEnd());
  }
  if (restore) {
    out.push('');
    out.push(formatRestoreReport(restore).trimEnd());
  }
  const targets = formatTargets({
    programs: programFigures(results, options),
    bootRatio: linux ? linuxRatios(linux, options.engines, 'bootSeconds') : [],
    workloadRatio: linux ? linuxRatios(linux, options.engines, 'workloadSeconds') : [],
    smpSpeedUp: smp ? options.engines.map((engine) => ({ engine, value: smpSpeedUp(smp, engine) })) : [],
    restoreSeconds: restore ? options.engines.map((engine) => ({ engine, value: restoreMedian(restore.series.find((x) => x.engine === engine && x.harts === 1)) })) : [],
  });
  if (targets) {
    out.push('');
    out.push(targets.trimEnd());
  }
  process.stdout.write(out.join('\n') + '\n');
}

function printProgramsReport(out: string[], results: ProgramResult[], host: HostInfo, options: Options): void {
  out.push(formatTable(tableRows(results, host.qemu !== undefined, options.engines.includes('jit')), 3));
  out.push('hartvm wall (s): the whole hartvm child process, spawn to exit, Node\'s start-up included; the best of its runs.');
  if (host.qemu) {
    out.push('QEMU wall (s): the whole qemu-system-riscv64 -M spike process, timed the same way, its start-up included.');
    out.push('  Nothing is subtracted from either. hartvm/QEMU = hartvm wall / QEMU wall. wall MIPS = hartvm\'s instruction');
    out.push('  count for the ELF / that wall time (QEMU counts nothing; it runs the same instructions).');
  } else {
    out.push('  hartvm wall MIPS = hartvm\'s instruction count / that wall time.');
  }
  out.push('internal run (s), internal MIPS: measured inside hartvm (--stats=json: the machine\'s start to its end, without');
  out.push('  Node\'s start-up), from the run with the shortest such time; shown for hartvm alone, never divided by QEMU\'s.');
  if (options.engines.includes('jit')) {
    out.push(`${JIT_HEADERS.join(', ')}: jit runs, from --stats=json: time spent translating to WebAssembly`);
    out.push('  and compiling (part of the run time), translations made, share of the guest instructions retired in');
    out.push('  translated code.');
    if (options.policies.includes('instruction')) {
      out.push('jit with --tlb-flush=instruction is not run: hartvm translates nothing under that policy (it interprets).');
    }
  }
  if (host.qemu) {
    for (const program of results) {
      if (options.qemu && !program.qemuBest && program.qemuRuns.length) {
        out.push(`warning: QEMU failed on ${program.program} (${describeExit(program.qemuRuns[0])}); its columns are empty.`);
      }
    }
  }
}

/** The policy the targets are read at: fence (the default) when it ran, else the first that did. */
function targetPolicy(options: Options): PolicyName | undefined {
  return options.policies.includes('fence') ? 'fence' : options.policies[0];
}

function programFigures(results: ProgramResult[], options: Options): ProgramFigure[] {
  const policy = targetPolicy(options);
  return results.flatMap((program) => options.engines.flatMap((engine) => {
    const p = program.policies.find((x) => x.engine === engine && x.policy === policy);
    if (!p) return [];
    const s = p.best?.stats, wall = p.bestWall?.wallSeconds, q = program.qemuBest?.wallSeconds;
    return [{
      program: program.program, engine, policy: p.policy, internalMips: s?.mips,
      wallMips: s && wall !== undefined ? s.instructions / wall / 1e6 : undefined,
      qemuWallMips: s && q !== undefined ? s.instructions / q / 1e6 : undefined,
    }];
  }));
}

/** Per engine: hartvm's best time / QEMU's, at the policy the targets are read at. */
function linuxRatios(linux: LinuxSection, engines: EngineName[], what: 'bootSeconds' | 'workloadSeconds'): { engine: EngineName; value?: number }[] {
  const qemu = linux.series.find((x) => x.emulator === 'qemu')?.best?.[what];
  const policy = linux.series.some((x) => x.policy === 'fence') ? 'fence' : linux.series.find((x) => x.policy)?.policy;
  return engines.map((engine) => {
    const mine = linux.series.find((x) => x.emulator === 'hartvm' && x.engine === engine && x.policy === policy)?.best?.[what];
    return { engine, value: mine !== undefined && qemu !== undefined ? mine / qemu : undefined };
  });
}

function smpSpeedUp(smp: SmpSection, engine: EngineName): number | undefined {
  const time = (harts: number) => smp.runs.find((r) => r.emulator === 'hartvm' && r.engine === engine && r.harts === harts && !r.sideBySide && r.ok)?.seconds;
  const one = time(1), two = time(2);
  return one !== undefined && two !== undefined ? one / two : undefined;
}

/** The same work on Node and QEMU, from the Linux and SMP sections, beside the browser's. */
function nodeFigures(engine: EngineName, linux: LinuxSection | undefined, smp: SmpSection | undefined): NodeFigures {
  const series = (emulator: string, policy?: string) =>
    linux?.series.find((x) => x.emulator === emulator && x.policy === policy && (emulator === 'qemu' || x.engine === engine))?.best;
  const fence = series('hartvm', 'fence'), qemu = series('qemu');
  const smpRun = (harts: number) => smp?.runs.find((r) => r.emulator === 'hartvm' && r.engine === engine && r.harts === harts && !r.sideBySide && r.ok)?.seconds;
  return {
    bootSeconds: fence?.bootSeconds, workloadSeconds: fence?.workloadSeconds,
    qemuBootSeconds: qemu?.bootSeconds, qemuWorkloadSeconds: qemu?.workloadSeconds,
    smp1Seconds: smpRun(1), smp2Seconds: smpRun(2),
  };
}

function writeJson(file: string, results: ProgramResult[], host: HostInfo, options: Options, linux: LinuxSection | undefined,
  smp: SmpSection | undefined, browser: BrowserSection | undefined, restore: RestoreSection | undefined): void {
  mkdirSync(dirname(file), { recursive: true });
  // `results`: the guest programs (empty with --linux); `linux`: the Linux section (absent with --no-linux).
  const document = { date: new Date().toISOString(), host, options, results, linux, smp, browser, restore };
  writeFileSync(file, JSON.stringify(document, null, 2) + '\n');
  progress(`results written to ${file}`);
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  const options = parseOptions(process.argv);
  if (options.programsSection) buildGuestPrograms();
  let qemu: string | undefined;
  if (options.qemu) {
    qemu = qemuVersion();
    if (!qemu) progress(`${QEMU} is not installed; the QEMU reference columns are skipped`);
  }
  const effective: Options = { ...options, qemu: qemu !== undefined };
  const scratch = mkdtempSync(join(tmpdir(), 'hartvm-bench-'));
  const results: ProgramResult[] = [];
  try {
    if (options.programsSection) for (const program of options.programs) results.push(benchProgram(program, effective, scratch));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  let linux: LinuxSection | undefined;
  let smp: SmpSection | undefined;
  let browser: BrowserSection | undefined;
  let restore: RestoreSection | undefined;
  if (options.linuxSection) {
    try {
      linux = await runLinuxSection(effective);
      if (options.smp) smp = await runSmpSection(linux.images, effective.qemu, options.engines);
      if (options.browser) browser = await runBrowserSection(options.runs, options.engines);
      if (options.restore) restore = await runRestoreSection(linux.images, options.engines);
    } catch (e) {
      progress(`the Linux section could not run: ${(e as Error).message}`);
      return 2;
    }
  }
  const host = hostInfo(qemu);
  writeJson(options.json, results, host, effective, linux, smp, browser, restore);
  printReport(results, host, effective, options.qemu, linux, smp, browser, restore);
  const bad = [
    ...results.flatMap((r) => r.policies).filter((p) => p.status !== 'ok').map((p) => `${p.program}/${p.engine}/${p.policy}`),
    ...(linux ? linuxFailures(linux) : []),
    ...(smp ? smpFailures(smp) : []),
    ...(browser ? browserFailures(browser) : []),
    ...(restore ? restoreFailures(restore) : []),
  ];
  if (bad.length) progress(`${bad.length} run(s) failed or differ from the reference: ${bad.join(', ')}`);
  return bad.length ? 1 : 0;
}

process.exitCode = await main();
