// Statistics of harts on threads of their own while they run: each hart thread writes its
// counters into a shared Float64Array at every boundary (every few thousand instructions, never
// per instruction), and the device thread reads them whenever it likes (a live display). The
// numbers are only ever approximate snapshots; the exact ones come with the thread's exit.

import type { HartStatistics } from '../cpu/hart.js';

const enum Field {
  INSTRUCTIONS, LOOKUPS, HITS, NEGATIVE_HITS, WALKS, INVALIDATIONS, NEGATIVE_FILLS, DECODED_PAGES, TRAPS, FIRMWARE_FENCES,
  MMIO_REQUESTS, MMIO_WAIT_MS, IDLE_MS, EPOCH_ACKS, CONTEXT_SWITCHES, CONTEXTS_RESUMED, RETAGS, GLOBAL_RETAGS,
  ASID_FENCES, PAGE_FENCES, SUPERPAGE_SCANS, KEY_RECYCLES,
  /** 1 when the hart translates (--engine=jit), and its JitStatistics */
  JIT, JIT_TRANSLATIONS, JIT_COMPILE_SECONDS, JIT_WASM_BYTES, JIT_TRANSLATED_INSTRUCTIONS, JIT_DROPPED, JIT_KEPT, JIT_CALLS,
  JIT_TRANSLATED_SECONDS, JIT_INTERPRETED_SECONDS, STRIDE = 32,
}

export function liveStatisticsBuffer(harts: number): SharedArrayBuffer {
  return new SharedArrayBuffer(harts * Field.STRIDE * 8);
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
  const at = s.hartId * Field.STRIDE;
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
  const j = s.jit;
  view[at + Field.JIT] = j ? 1 : 0;
  if (!j) return;
  view[at + Field.JIT_TRANSLATIONS] = j.translations;
  view[at + Field.JIT_COMPILE_SECONDS] = j.compileSeconds;
  view[at + Field.JIT_WASM_BYTES] = j.wasmBytes;
  view[at + Field.JIT_TRANSLATED_INSTRUCTIONS] = j.translatedInstructions;
  view[at + Field.JIT_DROPPED] = j.dropped;
  view[at + Field.JIT_KEPT] = j.kept;
  view[at + Field.JIT_CALLS] = j.calls;
  view[at + Field.JIT_TRANSLATED_SECONDS] = j.translatedSeconds;
  view[at + Field.JIT_INTERPRETED_SECONDS] = j.interpretedSeconds;
}

/** The device thread's side: the last published counters of hart `hartId`. */
export function readLiveStatistics(view: Float64Array, hartId: number): { hart: HartStatistics; thread: LiveThreadStatistics } {
  const at = hartId * Field.STRIDE;
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
      ...(view[at + Field.JIT] !== 0 ? {
        jit: {
          translations: view[at + Field.JIT_TRANSLATIONS], compileSeconds: view[at + Field.JIT_COMPILE_SECONDS],
          wasmBytes: view[at + Field.JIT_WASM_BYTES], translatedInstructions: view[at + Field.JIT_TRANSLATED_INSTRUCTIONS],
          dropped: view[at + Field.JIT_DROPPED], kept: view[at + Field.JIT_KEPT], calls: view[at + Field.JIT_CALLS],
          translatedSeconds: view[at + Field.JIT_TRANSLATED_SECONDS], interpretedSeconds: view[at + Field.JIT_INTERPRETED_SECONDS],
        },
      } : {}),
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
