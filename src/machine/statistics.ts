// A run's statistics as an object (for the library and --stats=json) and as the text tables of
// --stats: per hart the translation store's work, and per hart thread how it spent its time.

import type { HartStatistics } from '../cpu/hart.js';
import { FLUSH_POLICY_NAMES, type FlushPolicy } from '../arch/flush-policy.js';

/** How a hart thread spent its time; only harts on threads of their own have these. */
export interface HartThreadStatistics {
  hartId: number;
  /** requests to the device thread, and the milliseconds spent waiting for its answers */
  mmioRequests: number;
  mmioWaitMs: number;
  /** milliseconds asleep in wfi */
  idleMs: number;
  /** VMM epochs acknowledged (remaps of guest pages) */
  epochAcks: number;
}

export interface MachineStatistics {
  /** the flush policy's name: when the translation stores are invalidated */
  policy: typeof FLUSH_POLICY_NAMES[number];
  /** seconds since the machine started */
  seconds: number;
  /** guest instructions of all harts */
  instructions: number;
  /** millions of guest instructions per second, all harts together */
  mips: number;
  harts: HartStatistics[];
  /** present when the harts ran on threads of their own */
  threads?: HartThreadStatistics[];
  /** MMIO requests the device thread's timer found waiting rather than their doorbell (threads only) */
  requestsFoundByTimer?: number;
}

export function machineStatistics(policy: FlushPolicy, seconds: number, harts: HartStatistics[],
  threads?: HartThreadStatistics[], requestsFoundByTimer?: number): MachineStatistics {
  const instructions = harts.reduce((sum, s) => sum + s.instructions, 0);
  const statistics: MachineStatistics = {
    policy: FLUSH_POLICY_NAMES[policy], seconds, instructions,
    mips: seconds > 0 ? instructions / seconds / 1e6 : 0, harts,
  };
  if (threads) {
    statistics.threads = threads;
    statistics.requestsFoundByTimer = requestsFoundByTimer ?? 0;
  }
  return statistics;
}

/** Rows of cells as text columns, each right-aligned to its widest cell, two spaces apart. */
export function rightAlignedTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padStart(widths[c])).join('  ')).join('\n');
}

/** The translation store's table of --stats, with the run time and MIPS. */
export function formatStoreStatistics(harts: HartStatistics[], policy: FlushPolicy, seconds: number): string {
  const rows = [['hart', 'instructions', 'lookups', 'hits', 'negative hits', 'page walks', 'invalidations', 'walks/1000 insns']];
  for (const s of harts) {
    const walksPerK = s.instructions > 0 ? (1000 * s.walks / s.instructions).toFixed(3) : '0';
    rows.push([String(s.hartId), String(s.instructions), String(s.lookups), String(s.hits), String(s.negativeHits),
      String(s.walks), String(s.invalidations), walksPerK]);
  }
  const text = rightAlignedTable(rows);
  const instructions = harts.reduce((sum, s) => sum + s.instructions, 0);
  const mips = seconds > 0 ? (instructions / seconds / 1e6).toFixed(1) : '-';
  return `translation store (--tlb-flush=${FLUSH_POLICY_NAMES[policy]}):\n${text}\n` +
    `run time ${seconds.toFixed(3)} s, ${mips} guest MIPS\n` + formatContextStatistics(harts) + formatJitStatistics(harts);
}

/** What the translator did, for harts that translate (the times are estimates from sampled calls). */
function formatJitStatistics(harts: HartStatistics[]): string {
  const rows = [['hart', 'translations', 'compile (ms)', 'wasm (KiB)', 'translated insns', 'share', 'calls', 'dropped',
    'kept', 'in translated code (s)', 'interpreting (s)']];
  for (const s of harts) {
    const j = s.jit;
    if (!j) continue;
    const share = s.instructions > 0 ? `${(100 * j.translatedInstructions / s.instructions).toFixed(1)}%` : '-';
    rows.push([String(s.hartId), String(j.translations), (1000 * j.compileSeconds).toFixed(1), (j.wasmBytes / 1024).toFixed(1),
      String(j.translatedInstructions), share, String(j.calls), String(j.dropped), String(j.kept),
      j.translatedSeconds.toFixed(3), j.interpretedSeconds.toFixed(3)]);
  }
  return rows.length > 1 ? `translated code (--engine=jit):\n${rightAlignedTable(rows)}\n` : '';
}

/** How the store's entries outlived changes of translation context, and the fences that named them. */
function formatContextStatistics(harts: HartStatistics[]): string {
  const rows = [['hart', 'context switches', 'resumed', 're-tags', 'global re-tags', 'ASID fences', 'page fences',
    'superpage scans', 'key recycles']];
  for (const s of harts) {
    rows.push([String(s.hartId), String(s.contextSwitches), String(s.contextsResumed), String(s.retags), String(s.globalRetags),
      String(s.asidFences), String(s.pageFences), String(s.superpageScans), String(s.keyRecycles)]);
  }
  return `translation contexts:\n${rightAlignedTable(rows)}\n`;
}

/** All of --stats for a machine: the store's table and, with hart threads, how each spent its time. */
export function formatMachineStatistics(s: MachineStatistics): string {
  const policy = FLUSH_POLICY_NAMES.indexOf(s.policy) as FlushPolicy;
  let text = formatStoreStatistics(s.harts, policy, s.seconds);
  if (s.threads) {
    // The only two ways a hart thread ever blocks: waiting for the device thread, asleep in wfi.
    const rows = [['hart', 'MMIO requests', 'MMIO wait (ms)', 'wfi sleep (ms)', 'traps', 'SBI fences', 'epoch acks']];
    for (const t of s.threads) {
      const hart = s.harts.find((h) => h.hartId === t.hartId);
      rows.push([String(t.hartId), String(t.mmioRequests), t.mmioWaitMs.toFixed(1), t.idleMs.toFixed(1),
        String(hart?.traps ?? 0), String(hart?.firmwareFences ?? 0), String(t.epochAcks)]);
    }
    text += `hart threads (${s.seconds.toFixed(3)} s):\n${rightAlignedTable(rows)}\n`;
    text += `device thread: ${s.requestsFoundByTimer ?? 0} MMIO requests found waiting by its timer rather than by their doorbell\n`;
  }
  return text;
}
