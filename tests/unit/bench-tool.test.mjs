// The benchmark tool's pure parts (src/tools/bench-*.ts): reading hartvm's --stats=json with the
// translator's figures, the --engine option, which engine/policy pairs run, the tables' engine
// column, the restore table, and the target summary computed from the figures it is given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineRuns, jitCells, listOf, parseHartvmStats, pick, ENGINES } from '../../dist/tools/bench-common.js';
import { formatTargets } from '../../dist/tools/bench-targets.js';
import { formatSmpReport } from '../../dist/tools/bench-smp.js';
import { formatRestoreReport, restoreMedian } from '../../dist/tools/bench-restore.js';
import { formatLinuxReport, WORKLOAD } from '../../dist/tools/bench-linux.js';

function hart(hartId, instructions, jit) {
  return { hartId, instructions, walks: 10, invalidations: 2, ...(jit ? { jit } : {}) };
}

function statsLine(harts, policy = 'fence') {
  const instructions = harts.reduce((a, h) => a + h.instructions, 0);
  return JSON.stringify({ policy, seconds: 2, instructions, mips: instructions / 2 / 1e6, harts });
}

test('--stats=json of an interp run has no jit figures', () => {
  const s = parseHartvmStats(`booting\n${statsLine([hart(0, 4000)])}\n`, 'fence');
  assert.equal(s.instructions, 4000);
  assert.equal(s.walksPerKilo, 2.5);
  assert.equal(s.runSeconds, 2);
  assert.equal(s.jit, undefined);
  assert.deepEqual(jitCells(s), ['-', '-', '-']);
});

test('--stats=json of a jit run: the translator figures of all harts, summed; share of all instructions', () => {
  const j = (translations, compileSeconds, translatedInstructions) =>
    ({ translations, compileSeconds, wasmBytes: 100, translatedInstructions, dropped: 1, calls: 5 });
  const s = parseHartvmStats(statsLine([hart(0, 6000, j(3, 0.010, 3000)), hart(1, 2000, j(2, 0.0025, 1000))]), 'fence');
  assert.equal(s.jit.translations, 5);
  assert.ok(Math.abs(s.jit.compileSeconds - 0.0125) < 1e-12);
  assert.equal(s.jit.translatedInstructions, 4000);
  assert.equal(s.jit.translatedShare, 0.5);
  assert.equal(s.jit.dropped, 2);
  assert.deepEqual(jitCells(s), ['12.5', '5', '50.0%']);
});

test('statistics of another policy are not taken', () => {
  assert.equal(parseHartvmStats(statsLine([hart(0, 1)], 'block'), 'fence'), undefined);
});

test('--engine: repeatable, comma lists, unknown names refused, canonical order, all by default', () => {
  const parse = listOf(ENGINES, 'engine');
  assert.deepEqual(pick(ENGINES, parse('jit', parse('interp', undefined))), ['interp', 'jit']);
  assert.deepEqual(pick(ENGINES, parse('jit,interp', undefined)), ['interp', 'jit']);
  assert.deepEqual(pick(ENGINES, parse('jit', undefined)), ['jit']);
  assert.deepEqual(pick(ENGINES, undefined), ['interp', 'jit']);
  assert.throws(() => parse('qemu', undefined), /unknown engine 'qemu'/);
});

test('jit runs under every policy but instruction, where hartvm translates nothing', () => {
  assert.equal(engineRuns('interp', 'instruction'), true);
  assert.equal(engineRuns('jit', 'fence'), true);
  assert.equal(engineRuns('jit', 'block'), true);
  assert.equal(engineRuns('jit', 'instruction'), false);
});

test('target lines are computed from the figures given', () => {
  const text = formatTargets({
    programs: [
      { program: 'integer', engine: 'interp', policy: 'fence', internalMips: 137.2, wallMips: 120, qemuWallMips: 1250 },
      { program: 'integer', engine: 'jit', policy: 'fence', internalMips: 1100, wallMips: 800, qemuWallMips: 1250 },
      { program: 'float', engine: 'interp', policy: 'fence' },
    ],
    bootRatio: [{ engine: 'interp', value: 5.1 }, { engine: 'jit', value: 1.9 }],
    workloadRatio: [{ engine: 'interp', value: 6 }, { engine: 'jit', value: 2.5 }],
    smpSpeedUp: [{ engine: 'interp', value: 1.5 }],
    restoreSeconds: [{ engine: 'interp', value: 0.62 }, { engine: 'jit', value: 0.41 }],
  });
  const lines = text.trimEnd().split('\n');
  assert.equal(lines[0], 'targets (figures from the tables above):');
  assert.match(lines[1], /^ {2}integer MIPS inside hartvm \(fence\): interp 137, jit 1100 — target ≥1000: met by jit; whole-process wall MIPS: interp 120, jit 800, QEMU -M spike 1250$/);
  assert.match(lines[2], /float .*: interp - — target ≥200: not measured/);
  assert.match(lines[3], /boot to prompt.*interp 5\.10x, jit 1\.90x — target ≤2\.0x: met by jit/);
  assert.match(lines[4], /workload.*interp 6\.00x, jit 2\.50x — target ≤2\.0x: not met/);
  assert.match(lines[5], /-smp 2 speed-up over -smp 1: interp 1\.50x — target ≥1\.8x: not met/);
  assert.match(lines[6], /-loadvm to the shell's answer at -smp 1 \(median\): interp 0\.62 s, jit 0\.41 s — target <0\.5 s: met by jit/);
  assert.equal(lines.length, 7);
  assert.equal(formatTargets({ programs: [], bootRatio: [], workloadRatio: [], smpSpeedUp: [], restoreSeconds: [] }), '');
});

test('the restore table: the median of each series, its spread, the boot beside it; a failed series says why', () => {
  const series = [
    { engine: 'jit', harts: 1, ok: true, bootSeconds: 2.5, seconds: [0.45, 0.39, 0.41, 0.6, 0.38], fileBytes: 22 * 2 ** 20 },
    { engine: 'jit', harts: 2, ok: false, error: 'boom', seconds: [] },
  ];
  assert.equal(restoreMedian(series[0]), 0.41);
  assert.equal(restoreMedian(series[1]), undefined);
  const text = formatRestoreReport({ runs: 5, series });
  assert.match(text, /\njit\s+1\s+2\.50\s+0\.41\s+0\.38 - 0\.60\s+22\.0\n/);
  assert.match(text, /\njit\s+2\s+-\s+FAILED \(boom\)\s+-\s+-/);
});

test('the SMP table has a row per engine and one for QEMU', () => {
  const text = formatSmpReport({
    processes: 2, iterations: 10, line: 'x',
    runs: [
      { emulator: 'hartvm', engine: 'interp', harts: 1, ok: true, seconds: 8 },
      { emulator: 'hartvm', engine: 'interp', harts: 2, ok: true, seconds: 5 },
      { emulator: 'hartvm', engine: 'interp', harts: 1, sideBySide: true, ok: true, seconds: 4.2 },
      { emulator: 'hartvm', engine: 'jit', harts: 1, ok: true, seconds: 4 },
      { emulator: 'hartvm', engine: 'jit', harts: 2, ok: false, error: 'boom' },
      { emulator: 'qemu', harts: 1, ok: true, seconds: 1 },
      { emulator: 'qemu', harts: 2, ok: true, seconds: 0.55 },
    ],
  });
  assert.match(text, /\nhartvm\s+interp\s+8\.00\s+5\.00\s+1\.60x\s+4\.20\s+1\.90x\n/);
  assert.match(text, /\nhartvm\s+jit\s+4\.00\s+FAILED \(boom\)\s+-\s+-\s+-\n/);
  assert.match(text, /\nqemu \(MTTCG\)\s+-\s+1\.00\s+0\.55\s+1\.82x/);
});

test('the Linux tables have an engine column and a part column per engine and policy', () => {
  const parts = Object.fromEntries(WORKLOAD.map((p) => [p.name, 1]));
  const stats = (jit) => ({ instructions: 1e9, pageWalks: 5, walksPerKilo: 0.005, runSeconds: 10, mips: 100, invalidations: 3, ...(jit ? { jit } : {}) });
  const run = (s) => ({ kind: 'workload', ok: true, exitStatus: 0, signal: null, wallSeconds: 20, stats: s });
  const series = [
    { emulator: 'qemu', command: '', runs: [run()], status: 'ok', best: { bootSeconds: 2, workloadSeconds: 1, parts } },
    { emulator: 'hartvm', engine: 'interp', policy: 'fence', command: '', runs: [run(stats())], status: 'ok',
      best: { bootSeconds: 10, workloadSeconds: 6, parts, statsRun: 0 } },
    { emulator: 'hartvm', engine: 'jit', policy: 'fence', command: '', runs: [run(stats({ translations: 900, compileSeconds: 1.5, wasmBytes: 1, translatedInstructions: 8e8, translatedShare: 0.8, dropped: 0, calls: 1 }))], status: 'ok',
      best: { bootSeconds: 4, workloadSeconds: 3, parts, statsRun: 0 } },
  ];
  const text = formatLinuxReport(
    { images: { dir: '/i' }, firmware: '/f', workload: { line: 'w', parts: WORKLOAD }, hartvmCommand: 'node hartvm boot --engine=interp --tlb-flush=fence', series },
    { runs: 1, slowRuns: 1, policies: ['fence'], engines: ['interp', 'jit'], qemu: true, bootInsns: false });
  assert.match(text, /hartvm: node hartvm boot --engine=ENGINE --tlb-flush=POLICY/);
  assert.match(text, /\nemulator\s+engine\s+policy\s+runs\s+boot to prompt \(s\)\s+boot\/QEMU\s+workload \(s\)\s+workload\/QEMU\s+compile \(ms\)\s+translations\s+translated share/);
  assert.match(text, /\nhartvm\s+interp\s+fence\s+1\s+10\.000\s+5\.0x\s+6\.000\s+6\.0x\s+-\s+-\s+-\s+-\s+ok\n/);
  assert.match(text, /\nhartvm\s+jit\s+fence\s+1\s+4\.000\s+2\.0x\s+3\.000\s+3\.0x\s+1500\.0\s+900\s+80\.0%\s+-\s+ok\n/);
  assert.match(text, /\nworkload part\s+qemu \(s\)\s+interp\/fence \(s\)\s+jit\/fence \(s\)\n/);
});

test('the browser case takes each figure\'s best over its runs separately', async () => {
  const { bestOfEach } = await import('../../dist/tools/bench-browser.js');
  const fastBoot = { engine: 'interp', harts: 1, ok: true, firstOutputSeconds: 1.8, linuxVersionSeconds: 3.8, bootSeconds: 4.5, workloadSeconds: 13, smpSeconds: 15.1 };
  const fastWork = { engine: 'interp', harts: 1, ok: true, firstOutputSeconds: 2.0, linuxVersionSeconds: 4.1, bootSeconds: 4.9, workloadSeconds: 12, smpSeconds: 8.3 };
  const best = bestOfEach([fastBoot, fastWork]);
  assert.deepEqual([best.firstOutputSeconds, best.linuxVersionSeconds, best.bootSeconds, best.workloadSeconds, best.smpSeconds], [1.8, 3.8, 4.5, 12, 8.3]);
  // a figure no run has (smp=2 runs have no workload) stays undefined
  assert.equal(bestOfEach([{ ...fastBoot, workloadSeconds: undefined }]).workloadSeconds, undefined);
});
