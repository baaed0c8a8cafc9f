// Runs a hart's slices with translated code where a page is hot, and the interpreter elsewhere.
//
// Each hart translates and owns its code: a page of guest code (a slot of its code cache) that
// slices have entered HOT_ENTRIES times is translated into a WebAssembly module, compiled on the
// hart's own thread. Whatever drops the page's decoded code (a store to it, fence.i, DMA, a
// remap) drops the translation with it, through the code cache's onDrop; nothing stops any
// other hart.
//
// Accounting follows the interpreter's: while a slice runs, the hart's `retired` plus
// (`sliceBudget` - `left`) is the exact count, so minstret reads and traps taken inside
// translated code or the interpreter see it exact.

import { HotWord, HOT_WORDS_OFFSET } from '../bus/hart-slots.js';
import type { GuestMemory } from '../bus/guest-memory.js';
import { CODE_PAGES, SLOTS_PER_PAGE, type CodeCache } from '../cpu/code-cache.js';
import type { FlushPolicy } from '../arch/flush-policy.js';
import { Exit, findLabels, translatePage, type PageCode } from './page-translator.js';

/** Slice entries into an untranslated page after which it is translated. */
const HOT_ENTRIES = 2;
/** Translations of one page (each for an entry its instruction line did not meet) before it takes no more. */
const MAX_TRANSLATIONS = 8;

/** What the engine needs of a hart. */
export interface JitHart {
  readonly hartId: number;
  readonly policy: FlushPolicy;
  readonly code: CodeCache;
  readonly store: { readonly genKey: number };
  readonly mmu: {
    loadSlow(vaLo: number, vaHi: number, size: number): number;
    storeSlow(vaLo: number, vaHi: number, size: number, lo: number, hi: number): void;
    readonly valueHi: number;
  };
  readonly bus: { readonly memory: GuestMemory };
  pcLo: number;
  pcHi: number;
  pageLo: number;
  pageHi: number;
  codeBase: number;
  off: number;
  left: number;
  sliceBudget: number;
  retired: number;
  fastHits: number;
  yieldRequested: boolean;
  waiting: boolean;
  enterPage(): void;
  interruptTakeable(): boolean;
  decodeAt(s: number, off: number): number;
}

type PageFunction = (off: number, left: number, genKey: number, pageLo: number, pageHi: number) => number;

interface Unit {
  run: PageFunction;
  /** where execution has entered the page */
  seeds: Set<number>;
  translations: number;
}

/** What the engine has done, for --stats. */
export interface JitStatistics {
  /** translations made (a page translated again for a new entry point counts again) */
  translations: number;
  /** seconds spent translating and compiling */
  compileSeconds: number;
  /** bytes of WebAssembly made */
  wasmBytes: number;
  /** instructions retired in translated code */
  translatedInstructions: number;
  /** translations dropped because their page's code was written or fenced */
  dropped: number;
  /** calls into translated code */
  calls: number;
}

export class JitEngine {
  private readonly hart: JitHart;
  private readonly interpret: (hart: JitHart, budget: number) => void;
  private readonly units: (Unit | undefined)[] = new Array<Unit | undefined>(CODE_PAGES).fill(undefined);
  private readonly heat = new Uint16Array(CODE_PAGES);
  private readonly words: Int32Array;
  private readonly imports: WebAssembly.Imports;
  private readonly memoryPages: number;
  private readonly slot: number;
  /** the cache page whose translated code runs now, and whether its translation was dropped meanwhile */
  private current = -1;
  private currentDropped = false;
  readonly stats: JitStatistics = { translations: 0, compileSeconds: 0, wasmBytes: 0, translatedInstructions: 0, dropped: 0, calls: 0 };

  constructor(hart: JitHart, interpret: (hart: JitHart, budget: number) => void) {
    this.hart = hart;
    this.interpret = interpret;
    const memory = hart.bus.memory;
    this.slot = memory.hartSlot(hart.hartId);
    this.words = new Int32Array(memory.buffer, this.slot + HOT_WORDS_OFFSET, HotWord.COUNT);
    this.memoryPages = memory.buffer.byteLength / 65536;
    const mmu = hart.mmu, words = this.words;
    this.imports = {
      m: { memory: memory.memory },
      f: {
        load: (vaLo: number, vaHi: number, size: number, off: number, left: number): number => {
          hart.off = off;
          hart.left = left;
          const v = mmu.loadSlow(vaLo, vaHi, size);
          if (size === 8) words[HotWord.VALUE_HI] = mmu.valueHi;
          return v;
        },
        store: (vaLo: number, vaHi: number, size: number, lo: number, hi: number, off: number, left: number): number => {
          hart.off = off;
          hart.left = left;
          mmu.storeSlow(vaLo, vaHi, size, lo, hi);
          return hart.yieldRequested || this.currentDropped ? 1 : 0;
        },
      },
    };
    hart.code.onDrop = (cachePage) => this.drop(cachePage);
  }

  /**
   * Runs one slice of `budget` instructions from the page the hart has entered (enterPage), as
   * the interpreter would: on return the pc is set and `retired` counts what ran.
   */
  run(budget: number): void {
    const h = this.hart, words = this.words;
    let left = budget;
    for (;;) {
      const cachePage = (h.codeBase / SLOTS_PER_PAGE) | 0;
      let unit = this.units[cachePage];
      if (unit === undefined && ++this.heat[cachePage] >= HOT_ENTRIES) unit = this.translate(cachePage, h.off);
      if (unit === undefined) {
        left = this.interpretSome(left, left);
      } else {
        this.current = cachePage;
        this.currentDropped = false;
        this.stats.calls++;
        const exit = unit.run(h.off, left, h.store.genKey, h.pageLo, h.pageHi);
        this.current = -1;
        const after = words[HotWord.LEFT];
        this.stats.translatedInstructions += left - after;
        left = after;
        h.fastHits += words[HotWord.HITS];
        h.pcLo = words[HotWord.PC_LO];
        h.pcHi = words[HotWord.PC_HI];
        switch (exit) {
          case Exit.NEXT:
            break;
          case Exit.SLICE_END:
            return this.end(left);
          case Exit.BUDGET:
            h.off = h.pcLo & 4095;
            left = this.interpretSome(left, left);
            break;
          case Exit.INTERPRET:
            h.off = h.pcLo & 4095;
            left = this.interpretSome(left, 1);
            break;
          case Exit.YIELD:
            if (h.yieldRequested) return this.end(left);
            break;
          case Exit.NOT_ENTRY:
            h.off = h.pcLo & 4095;
            if (unit.translations < MAX_TRANSLATIONS && !this.currentDropped) {
              unit.seeds.add(h.off);
              if (this.translate(cachePage, h.off) !== undefined) continue;
            }
            left = this.interpretSome(left, 1);
            break;
          default:
            throw new Error(`translated code returned ${exit}`);
        }
      }
      if (left <= 0 || h.yieldRequested || h.waiting || h.interruptTakeable()) return this.end(left);
      h.left = left;
      if (h.pcHi === h.pageHi && (h.pcLo & -4096) === h.pageLo) h.off = h.pcLo & 4095;
      else h.enterPage();
    }
  }

  /** The slice ends with `left` instructions of its budget unused. */
  private end(left: number): void {
    const h = this.hart;
    h.retired += h.sliceBudget - left;
    h.sliceBudget = left;
    h.left = left;
  }

  /** Interprets up to `count` instructions from h.off (fewer if the interpreter leaves the slice); returns the budget left. */
  private interpretSome(left: number, count: number): number {
    const h = this.hart;
    h.retired += h.sliceBudget - left;
    h.sliceBudget = count;
    h.left = count;
    const before = h.retired;
    this.interpret(h, count);
    left -= h.retired - before;
    h.sliceBudget = left;
    h.left = left;
    return left;
  }

  /** Translates cache page `cachePage` (the hart's current page), entered at `off`. */
  private translate(cachePage: number, off: number): Unit | undefined {
    const h = this.hart;
    const started = performance.now();
    const old = this.units[cachePage];
    const seeds = old?.seeds ?? new Set<number>();
    seeds.add(off);
    const base = cachePage * SLOTS_PER_PAGE;
    const op = h.code.op, imm = h.code.imm;
    const code: PageCode = {
      opAt: (o) => {
        const s = base + (o >> 1);
        const c = op[s];
        return c !== 0 ? c : h.decodeAt(s, o);
      },
      immAt: (o) => imm[base + (o >> 1)],
    };
    const labels = findLabels(code, seeds);
    const bytes = translatePage(code, labels, { slot: this.slot, memoryPages: this.memoryPages, policy: h.policy });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), this.imports);
    const unit: Unit = { run: instance.exports.run as PageFunction, seeds, translations: (old?.translations ?? 0) + 1 };
    this.units[cachePage] = unit;
    h.code.enterTag[cachePage] = -1;
    this.stats.translations++;
    this.stats.wasmBytes += bytes.length;
    this.stats.compileSeconds += (performance.now() - started) / 1000;
    return unit;
  }

  /** The code of `cachePage` (-1: of every page) was dropped: so is its translation. */
  private drop(cachePage: number): void {
    if (cachePage < 0) {
      for (let i = 0; i < CODE_PAGES; i++) if (this.units[i] !== undefined) this.dropOne(i);
      this.heat.fill(0);
    } else if (this.units[cachePage] !== undefined) {
      this.dropOne(cachePage);
    } else {
      this.heat[cachePage] = 0;
    }
  }

  private dropOne(cachePage: number): void {
    this.units[cachePage] = undefined;
    this.heat[cachePage] = 0;
    this.hart.code.enterTag[cachePage] = this.hart.code.tag[cachePage];
    this.stats.dropped++;
    if (cachePage === this.current) this.currentDropped = true;
  }
}
