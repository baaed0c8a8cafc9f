// Statistics of harts on threads of their own while they run: each hart thread writes its
// counters into a shared Float64Array at every boundary (every few thousand instructions, never
// per instruction), and the device thread reads them whenever it likes (a live display). The
// numbers are only ever approximate snapshots; the exact ones come with the thread's exit.

import type { HartStatistics } from '../cpu/hart.js';
import type { JitStatistics } from '../jit/jit-engine.js';


const enum Field {
  INSTRUCTIONS, LOOKUPS, HITS, NEGATIVE_HITS, WALKS, INVALIDATIONS, NEGATIVE_FILLS, DECODED_PAGES, TRAPS, FIRMWARE_FENCES,
  MMIO_REQUESTS, MMIO_WAIT_MS, IDLE_MS, EPOCH_ACKS, CONTEXT_SWITCHES, CONTEXTS_RESUMED, RETAGS, GLOBAL_RETAGS,
  ASID_FENCES, PAGE_FENCES, SUPERPAGE_SCANS, KEY_RECYCLES,
  /** 1 when the hart translates (--engine=jit), then its JitStatistics */
  JIT,
}

/** The JIT's counters, in the order they follow Field.JIT. */
const JIT_FIELDS = ['translations', 'compileSeconds', 'wasmBytes', 'translatedInstructions', 'dropped', 'kept', 'calls',
  'translatedSeconds', 'interpretedSeconds'] as const satisfies readonly (keyof JitStatistics)[];
/** Numbers per hart. */
const STRIDE = Field.JIT + 1 + JIT_FIELDS.length;

export function liveStatisticsBuffer(harts: number): SharedArrayBuffer {
  return new SharedArrayBuffer(harts * STRIDE * 8);
}

export interface LiveThreadStatistics {
  hartId: number;
  mmioRequests: number;
  mmioWaitMs: number;
  idleMs: number;
  epochAcks: number;
}

/** A hart thread's side: publishes its counters. */
export function publishLiveStatistics(view: Float64Array, s: HartStatistics, thread: Omit<LiveThreadStatistics, 'hartId'>): void {
  const at = s.hartId * STRIDE;
  view[at + Field.INSTRUCTIONS] = s.instructions;
  view[at + Field.LOOKUPS] = s.lookups;
  view[at + Field.HITS] = s.hits;
  view[at + Field.NEGATIVE_HITS] = s.negativeHits;
  view[at + Field.WALKS] = s.walks;
  view[at + Field.INVALIDATIONS] = s.invalidations;
  view[at + Field.NEGATIVE_FILLS] = s.negativeFills;
  view[at + Field.CONTEXT_SWITCHES] = s.contextSwitches;
  view[at + Field.CONTEXTS_RESUMED] = s.contextsResumed;
  view[at + Field.RETAGS] = s.retags;
  view[at + Field.GLOBAL_RETAGS] = s.globalRetags;
  view[at + Field.ASID_FENCES] = s.asidFences;
  view[at + Field.PAGE_FENCES] = s.pageFences;
  view[at + Field.SUPERPAGE_SCANS] = s.superpageScans;
  view[at + Field.KEY_RECYCLES] = s.keyRecycles;
  view[at + Field.DECODED_PAGES] = s.decodedPages;
  view[at + Field.TRAPS] = s.traps;
  view[at + Field.FIRMWARE_FENCES] = s.firmwareFences;
  view[at + Field.MMIO_REQUESTS] = thread.mmioRequests;
  view[at + Field.MMIO_WAIT_MS] = thread.mmioWaitMs;
  view[at + Field.IDLE_MS] = thread.idleMs;
  view[at + Field.EPOCH_ACKS] = thread.epochAcks;
  const jit = s.jit;
  view[at + Field.JIT] = jit ? 1 : 0;
  if (jit) for (let i = 0; i < JIT_FIELDS.length; i++) view[at + Field.JIT + 1 + i] = jit[JIT_FIELDS[i]];
}

function readJit(view: Float64Array, at: number): JitStatistics | undefined {
  if (view[at + Field.JIT] !== 1) return undefined;
  const jit = {} as JitStatistics;
  for (let i = 0; i < JIT_FIELDS.length; i++) jit[JIT_FIELDS[i]] = view[at + Field.JIT + 1 + i];
  return jit;
}

/** The device thread's side: the last published counters of hart `hartId`. */
export function readLiveStatistics(view: Float64Array, hartId: number): { hart: HartStatistics; thread: LiveThreadStatistics } {
  const at = hartId * STRIDE;
  return {
    hart: {
      hartId,
      instructions: view[at + Field.INSTRUCTIONS],
      lookups: view[at + Field.LOOKUPS],
      hits: view[at + Field.HITS],
      negativeHits: view[at + Field.NEGATIVE_HITS],
      walks: view[at + Field.WALKS],
      invalidations: view[at + Field.INVALIDATIONS],
      negativeFills: view[at + Field.NEGATIVE_FILLS],
      contextSwitches: view[at + Field.CONTEXT_SWITCHES],
      contextsResumed: view[at + Field.CONTEXTS_RESUMED],
      retags: view[at + Field.RETAGS],
      globalRetags: view[at + Field.GLOBAL_RETAGS],
      asidFences: view[at + Field.ASID_FENCES],
      pageFences: view[at + Field.PAGE_FENCES],
      superpageScans: view[at + Field.SUPERPAGE_SCANS],
      keyRecycles: view[at + Field.KEY_RECYCLES],
      decodedPages: view[at + Field.DECODED_PAGES],
      traps: view[at + Field.TRAPS],
      firmwareFences: view[at + Field.FIRMWARE_FENCES],
      ...(view[at + Field.JIT] === 1 ? { jit: readJit(view, at) } : {}),
    },
    thread: {
      hartId,
      mmioRequests: view[at + Field.MMIO_REQUESTS],
      mmioWaitMs: view[at + Field.MMIO_WAIT_MS],
      idleMs: view[at + Field.IDLE_MS],
      epochAcks: view[at + Field.EPOCH_ACKS],
    },
  };
}
