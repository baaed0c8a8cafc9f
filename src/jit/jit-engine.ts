// Runs a hart's slices with translated code where a page is hot, and the interpreter elsewhere.
//
// Each hart translates and owns its code: a host page of guest code on which the interpreter has
// run hotInstructions instructions (counted from where each of its runs began) is translated
// into a WebAssembly module, compiled on the hart's own thread. A store to the page's code or a
// DMA write drops the translation, through the code cache's onDrop; a fence.i puts every
// translation in doubt until its page's bytes are compared. Nothing stops any other hart.
//
// Accounting follows the interpreter's: while a slice runs, the hart's `retired` plus
// (`sliceBudget` - `left`) is the exact count, so minstret reads and traps taken inside
// translated code or the interpreter see it exact.

import { HotWord, HOT_WORDS_OFFSET } from '../bus/hart-slots.js';
import { CODE_PAGES, OpWord, SCRATCH_SLOT } from '../cpu/code-cache.js';
import { Op, OP_INFO } from '../cpu/isa/encodings.js';
import type { InterpretedHart } from '../cpu/interpreter.js';
import { TrapSignal } from '../arch/traps.js';
import { Mstatus } from '../arch/mstatus.js';
import { FlushPolicy } from '../arch/flush-policy.js';
import { Exit, findLabels, findLeaders, PAGE_FUNCTION_INDEX, StoreStop, translatePage, type InstructionCode, type PageCode } from './page-translator.js';
import { PAGE_LOCAL_NAMES } from './page-locals.js';
import { chainModule, untranslatedPage } from './page-chain.js';
import { wasmText } from './wasm-text.js';
import { disassemble } from '../cpu/isa/disassemble.js';

/**
 * Instructions interpreted from a page before it is translated where translated code stays at
 * V8's baseline tier (Node: host/node/wasm-tiers.ts): translating a page then costs about as much
 * as interpreting a few tens of thousands of instructions.
 */
const HOT_INSTRUCTIONS = 200_000;
/**
 * The same where V8 also optimizes translated code, which a page cannot prevent (browsers). V8
 * charges a function's tier-up budget with the length of the machine code a return or backward
 * branch spans, and a page function's exits and dispatches span most of its tens of KiB: a page
 * entered a hundred-odd times is compiled again with TurboFan, about 66 ms of a core against
 * Liftoff's 1.3 ms. Linux's boot translated 110 pages at 200,000, which cost 7 s of CPU on two
 * cores; at 1,000,000 the boot in the page took 3.6 s instead of 5.1 s and the console workload
 * 7.1 s instead of 6.5 s.
 */
const HOT_INSTRUCTIONS_TIERED = 1_000_000;

let hotInstructions = HOT_INSTRUCTIONS;

/** Says that this thread's WebAssembly is tiered up to V8's optimizing compiler: pages must be hotter to be translated. */
export function translatedCodeTiersUp(): void {
  hotInstructions = HOT_INSTRUCTIONS_TIERED;
}
/** Translations of one page (each for code the ones before did not cover) before it takes no more. */
const MAX_TRANSLATIONS = 8;
/**
 * A translation covers the code that ran before it was made; code of the page it does not cover
 * is interpreted UNCOVERED_RUN instructions at a time, and once RETRANSLATE_INSTRUCTIONS of it
 * ran, the page is translated again.
 */
const RETRANSLATE_INSTRUCTIONS = 20_000;
const UNCOVERED_RUN = 16;
/**
 * Entries at one offset that the translation covers but has no label for (control came from
 * another page into the middle of a block) after which the page is translated again with a label
 * there, and with one at every other such offset entered LATE_ENTRY_SEED times: each of those
 * entries costs a return to the run loop and some instructions interpreted up to a label.
 */
const LATE_ENTRY_RETRANSLATE = 1000;
const LATE_ENTRY_SEED = 16;
/**
 * Exits at a page-straddling instruction after which its page is translated again: the
 * translation may have been made before the instruction ran (its upper half was unknown), or
 * with an upper half that has been rewritten since.
 */
const STRADDLE_RETRANSLATE = 256;
/** The translation of a page from which on it covers all the code its entries reach, run or not. */
const WHOLE_FROM = 3;
/** Times a page's translation may go stale (its code written) before the page is left to the interpreter. */
const MAX_DROPS = 4;
/**
 * A translation that hands more than one instruction in INTERPRETED_SHARE to the interpreter
 * (most CSRs, privileged instructions: what it does not translate) costs more than it saves: it is given up.
 */
const INTERPRETED_SHARE = 4;
const INTERPRETED_GRACE = 256;

/**
 * Ops after which the slice ends when the interpreter ran them for translated code: they may
 * change privilege, translation, interrupt enables or the FP state, or wait.
 */
const ENDS_SLICE = Uint8Array.from({ length: Op.COUNT }, (_, op) => {
  const info = OP_INFO[op];
  return info !== undefined && (info.csr !== null || info.privileged || info.control !== 'sequential' && info.control !== 'branch'
    && info.control !== 'jump' && info.control !== 'indirect-jump' || op === Op.FENCE_I) ? 1 : 0;
});

/**
 * Of those, the ones after which the slice goes on unless they asked the run loop to look (a new
 * translation context, PMP) or made an interrupt takeable, as the interpreter does: CSR
 * instructions and sfence.vma (kernels toggle sstatus.SIE and SUM around every lock and user
 * copy). Translated code is given the generation key and mstatus.FS afresh at every call.
 */
const MAY_GO_ON = Uint8Array.from({ length: Op.COUNT }, (_, op) => OP_INFO[op]?.csr != null || op === Op.SFENCE_VMA ? 1 : 0);

/** Ops after which the next instruction runs (unless a branch is taken). */
const FALLS_THROUGH = Uint8Array.from({ length: Op.COUNT }, (_, op) => {
  const info = OP_INFO[op];
  return info !== undefined && (info.control === 'sequential' || info.control === 'branch') ? 1 : 0;
});

/** What the engine needs of a hart: what the interpreter does, and the run loop's position. */
export interface JitHart extends InterpretedHart {
  readonly hartId: number;
  sliceBudget: number;
  readonly waiting: boolean;
  /** a debugger has breakpoints: pages are run one at a time, each entered through the run loop */
  readonly debugging: boolean;
  enterPage(): void;
  /** whether a breakpoint is on the current virtual code page (it is interpreted, where the breakpoint stops it) */
  breakpointsOnPage(): boolean;
}

/** A page's translation as made (--jit-dump). */
export interface TranslationDump {
  hartId: number;
  /** the guest virtual address of the page */
  pageVa: bigint;
  /** the page's frame in the shared memory */
  hostPage: number;
  /** the hart's translations so far, this one included */
  sequence: number;
  /** the module */
  bytes: Uint8Array;
  /** the module's text form, each guest instruction's code under a comment that disassembles it */
  text: string;
}

/** Told each translation a hart makes. */
export type TranslationListener = (dump: TranslationDump) => void;

type PageFunction = (off: number, left: number, genKey: number, pageLo: number, pageHi: number) => number;
type ChainFunction = (off: number, left: number, genKey: number, pageLo: number, pageHi: number, hostPage: number) => number;

interface Unit {
  run: PageFunction;
  /** where execution has entered the page */
  seeds: Set<number>;
  /** 1 at each instruction start (by offset / 2) the translation covers, and at each of its leaders */
  covered: Uint8Array;
  leaders: Uint8Array;
  translations: number;
  /** instructions it ran, and instructions it handed to the interpreter */
  ran: number;
  interpreted: number;
  /** instructions interpreted on the page outside the translation's code since it was made */
  uncovered: number;
  /** entries at covered offsets that are no leader, by offset / 2 (made at the first) */
  lateEntries: Uint16Array | undefined;
  /** exits to the interpreter at the page-straddling instruction at 4094 */
  straddleExits: number;
  /** to be translated again when next entered */
  stale: boolean;
  /** the page's bytes when it was translated */
  bytes: Int32Array;
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
  /** translations dropped because their page's code was written, or changed across a fence.i */
  dropped: number;
  /** translations a fence.i put in doubt that were kept: their page's code had not changed */
  kept: number;
  /** calls into translated code */
  calls: number;
  /**
   * seconds in translated code (its slow paths included) and in the interpreter, estimated from
   * one call in TIME_SAMPLE timed: timing every call would cost more than many calls take
   */
  translatedSeconds: number;
  interpretedSeconds: number;
}

/** One call into translated code, and one into the interpreter, in this many is timed. */
const TIME_SAMPLE = 64;

export class JitEngine {
  private readonly hart: JitHart;
  private readonly interpret: (hart: JitHart, budget: number) => void;
  /** per host page */
  private readonly units: (Unit | undefined)[];
  private readonly heat: Float64Array;
  private readonly drops: Uint8Array;
  private readonly translatedPages = new Set<number>();
  /**
   * Translations a fence.i put in doubt, by host page: another hart or a device may have written
   * their code without this hart seeing the store. Each is kept if its page's bytes are those it
   * was translated from when the hart next enters the page, else dropped.
   */
  private readonly doubted = new Map<number, Unit>();
  private readonly words: Int32Array;
  private readonly imports: WebAssembly.Imports;
  private readonly memoryPages: number;
  private readonly slot: number;
  /**
   * Translated code runs now; and whether the translation of the page it runs (CURRENT_PAGE in
   * the exchange words) was dropped meanwhile.
   */
  private running = false;
  private currentDropped = false;
  // Made with the first translation (link()): a hart that never translates, or not yet (a
  // machine just started or restored), does not wait for them.
  /** what the table holds for a page without translated code (page-chain.ts) */
  private untranslated: Function | undefined;
  /** every host page's translated code (or the stand-in), for the chain */
  private table: WebAssembly.Table | undefined;
  /** runs translated pages one after another (page-chain.ts); under the fence policy only */
  private chain: ChainFunction | undefined;
  readonly stats: JitStatistics = {
    translations: 0, compileSeconds: 0, wasmBytes: 0, translatedInstructions: 0, dropped: 0, kept: 0, calls: 0,
    translatedSeconds: 0, interpretedSeconds: 0,
  };
  private interpreterCalls = 0;

  private readonly onTranslate: TranslationListener | undefined;

  constructor(hart: JitHart, interpret: (hart: JitHart, budget: number) => void, onTranslate?: TranslationListener) {
    this.hart = hart;
    this.interpret = interpret;
    this.onTranslate = onTranslate;
    const memory = hart.bus.memory;
    this.slot = memory.hartSlot(hart.hartId);
    this.words = new Int32Array(memory.buffer, this.slot + HOT_WORDS_OFFSET, HotWord.COUNT);
    this.memoryPages = memory.buffer.byteLength / 65536;
    const frames = memory.frameBytes / 4096;
    this.units = new Array<Unit | undefined>(frames).fill(undefined);
    this.heat = new Float64Array(frames);
    this.drops = new Uint8Array(frames);
    const mmu = hart.mmu, fpu = hart.fpu, words = this.words;
    this.imports = {
      m: { memory: memory.memory },
      f: {
        // A trap is not thrown through translated code (its registers are in wasm locals): it
        // is left pending in the hart and reported, and the code exits with Exit.TRAP.
        load: (vaLo: number, vaHi: number, size: number, off: number, left: number): number => {
          hart.off = off;
          hart.left = left;
          try {
            const v = mmu.loadSlow(vaLo, vaHi, size);
            if (size === 8) words[HotWord.VALUE_HI] = mmu.valueHi;
            words[HotWord.TRAPPED] = 0;
            // a device read asked the run loop to look: a chain of pages stops after this page
            if (hart.yieldRequested) words[HotWord.STOP] = 1;
            return v;
          } catch (e) {
            if (e !== TrapSignal.INSTANCE) throw e;
            words[HotWord.TRAPPED] = 1;
            return 0;
          }
        },
        store: (vaLo: number, vaHi: number, size: number, lo: number, hi: number, off: number, left: number): number => {
          hart.off = off;
          hart.left = left;
          try {
            mmu.storeSlow(vaLo, vaHi, size, lo, hi);
          } catch (e) {
            if (e !== TrapSignal.INSTANCE) throw e;
            return StoreStop.TRAP;
          }
          return hart.yieldRequested || this.currentDropped ? StoreStop.YIELD : 0;
        },
        // an F or D compute instruction the inline code does not cover (it cannot trap: a
        // reserved rounding mode returns 1, for the interpreter to raise the exception)
        fp: (c: number, rs3rm: number): number =>
          fpu.execute(c & 255, (c >>> OpWord.RD) & 63, (c >>> OpWord.RS1) & 31, (c >>> OpWord.RS2) & 31, rs3rm & 31, rs3rm >>> 5) ? 0 : 1,
      },
    };
    hart.code.onDrop = (hostPage) => this.drop(hostPage);
  }

  /** The table of every page's translated code, made (with the chain over it) when first needed. */
  private link(): WebAssembly.Table {
    if (this.table) return this.table;
    const memory = this.hart.bus.memory;
    const frames = this.units.length;
    const untranslated = untranslatedPage(memory.memory, this.memoryPages);
    const table = new WebAssembly.Table({ element: 'anyfunc', initial: frames, maximum: frames }, untranslated);
    // Under the block policy a taken jump ends the slice anyway.
    if (this.hart.policy === FlushPolicy.FENCE) {
      const module = new WebAssembly.Module(chainModule(this.slot, this.memoryPages, frames));
      const instance = new WebAssembly.Instance(module, { m: { memory: memory.memory }, t: { table } });
      this.chain = instance.exports.run as ChainFunction;
    }
    this.untranslated = untranslated;
    this.table = table;
    return table;
  }

  /**
   * Runs one slice of `budget` instructions from the page the hart has entered (enterPage), as
   * the interpreter would: on return the pc is set and `retired` counts what ran.
   */
  run(budget: number): void {
    const h = this.hart, words = this.words;
    let left = budget;
    for (;;) {
      let hostPage = h.codeHost >>> 12;
      // (a page with a breakpoint runs in the interpreter, which stops at it; a translation of its
      // physical page may serve the page where it is mapped at another address)
      const breakpointHere = h.debugging && h.breakpointsOnPage();
      let unit = breakpointHere ? undefined : this.units[hostPage];
      if (!breakpointHere) {
        if (unit === undefined && this.doubted.size > 0) unit = this.resolveDoubt(hostPage);
        if (unit !== undefined && unit.stale && unit.translations < MAX_TRANSLATIONS && !this.currentDropped) unit = this.translate(hostPage, h.off);
        if (unit === undefined && this.heat[hostPage] >= hotInstructions && this.drops[hostPage] < MAX_DROPS) {
          unit = this.translate(hostPage, h.off);
        }
      }
      if (unit === undefined) {
        const before = left;
        try {
          left = this.interpretSome(left, left);
        } finally {
          // (a trap ends the run with h.left the trapping instruction's budget: what ran before
          // it heats the page too, or code that traps often would never become hot)
          this.heat[hostPage] += before - h.left;
        }
        // It stopped early: at a page with translated code, or after an instruction that may
        // have made an interrupt takeable.
        if (left > 0 && !h.yieldRequested && !h.waiting && h.interruptTakeable()) return this.end(left);
      } else {
        this.running = true;
        this.currentDropped = false;
        const timed = ++this.stats.calls % TIME_SAMPLE === 0;
        const started = timed ? performance.now() : 0;
        words[HotWord.CURRENT_PAGE] = hostPage;
        words[HotWord.FS] = h.csrs.mstatus & Mstatus.FS;
        // (with breakpoints, each page goes back to this loop, which looks for them there)
        const exit = this.chain !== undefined && !h.debugging
          ? this.chain(h.off, left, h.store.genKey, h.pageLo, h.pageHi, hostPage)
          : unit.run(h.off, left, h.store.genKey, h.pageLo, h.pageHi);
        if (timed) this.stats.translatedSeconds += (performance.now() - started) * TIME_SAMPLE / 1000;
        this.running = false;
        if (words[HotWord.FP_WRITTEN] !== 0) {
          words[HotWord.FP_WRITTEN] = 0;
          if ((h.csrs.mstatus & Mstatus.FS) !== Mstatus.FS_DIRTY) h.markFpDirty();
        }
        const after = words[HotWord.LEFT], ran = left - after;
        this.stats.translatedInstructions += ran;
        left = after;
        h.fastHits += words[HotWord.HITS];
        h.pcLo = words[HotWord.PC_LO];
        h.pcHi = words[HotWord.PC_HI];
        // An exit inside a page the chain went on to: the interpreter's position follows it
        // (after Exit.NEXT and YIELD the pc may be on yet another page: the loop's end enters it).
        const exitPage = words[HotWord.CURRENT_PAGE];
        if (exitPage !== hostPage && exit !== Exit.NEXT && exit !== Exit.YIELD && exit !== Exit.SLICE_END) {
          h.enterPage();
          hostPage = exitPage;
          const now = this.units[hostPage];
          if (now === undefined) {
            // its translation was dropped as it ran (its code was written)
            if (exit === Exit.TRAP) throw TrapSignal.INSTANCE;
            if (left <= 0 || h.yieldRequested || h.waiting) return this.end(left);
            h.left = left;
            continue;
          }
          unit = now;
        }
        // (a chain's instructions count for the page it ended on: the share is a heuristic)
        unit.ran += ran;
        switch (exit) {
          case Exit.NEXT:
            break;
          case Exit.SLICE_END:
            return this.end(left);
          case Exit.BUDGET:
            // At a leader with less budget than a straight run may take: the slice ends here,
            // so that the next one enters at a leader too. If nothing has run yet (a small
            // budget), the interpreter spends it.
            if (left < budget) return this.end(left);
            h.off = h.pcLo & 4095;
            left = this.interpretSome(left, left);
            break;
          case Exit.INTERPRET: {
            const slot = h.codeBase + ((h.off = h.pcLo & 4095) >> 1);
            if (h.off === 4094) {
              if (++unit.straddleExits === STRADDLE_RETRANSLATE) unit.stale = true;
            } else if (++unit.interpreted > INTERPRETED_GRACE && unit.interpreted * INTERPRETED_SHARE > unit.ran) {
              this.drops[hostPage] = MAX_DROPS;
              h.code.forgetTranslation(hostPage);
            }
            left = this.interpretSome(left, 1);
            // decoded now, if it was not
            if (this.endsSlice(h.code.op[slot])) return this.end(left);
            break;
          }
          case Exit.YIELD:
            if (h.yieldRequested) return this.end(left);
            break;
          case Exit.TRAP:
            // taken as the interpreter's are (Hart.execute): the slow path set the hart's offset
            // and budget to the trapping instruction's
            throw TrapSignal.INSTANCE;
          case Exit.NOT_ENTRY: {
            h.off = h.pcLo & 4095;
            // Inside a block (after an interrupted slice, a trap's return, a store that
            // yielded): interpreted up to a leader. Code the translation does not cover:
            // interpreted, and translated once enough of it ran.
            if (!unit.covered[h.off >> 1]) {
              if (unit.uncovered >= RETRANSLATE_INSTRUCTIONS && unit.translations < MAX_TRANSLATIONS && !this.currentDropped) {
                this.translate(hostPage, h.off);
                continue;
              }
              const before = left;
              left = this.interpretSome(left, Math.min(left, UNCOVERED_RUN));
              unit.uncovered += before - left;
              break;
            }
            if (this.enteredLate(unit, hostPage, h.off)) continue;
            const straight = this.straightToLeader(unit, h.off);
            if (straight > 0) {
              left = this.interpretSome(left, Math.min(straight, left));
              break;
            }
            const slot = h.codeBase + (h.off >> 1);
            left = this.interpretSome(left, 1);
            // as for INTERPRET: a CSR write may have made an interrupt takeable, and so on
            if (this.endsSlice(h.code.op[slot])) return this.end(left);
            break;
          }
          default:
            throw new Error(`translated code returned ${exit}`);
        }
      }
      if (left <= 0 || h.yieldRequested || h.waiting) return this.end(left);
      h.left = left;
      // Staying on the page needs its cache slot still to hold it: fence.i run by the
      // interpreter drops every slot's tag but not its decoded instructions, and the page is then
      // no longer marked as code, so stores to it would not clear them either.
      const here = h.codeHost >>> 12;
      if (h.pcHi === h.pageHi && (h.pcLo & -4096) === h.pageLo && h.code.tag[here & (CODE_PAGES - 1)] === here) h.off = h.pcLo & 4095;
      else h.enterPage();
    }
  }

  /**
   * Control entered `unit`'s code at `off`, which it covers but has no label for: counted, and
   * once that happened often, the page is translated again with labels there (returns true).
   */
  private enteredLate(unit: Unit, hostPage: number, off: number): boolean {
    if (unit.translations >= MAX_TRANSLATIONS || this.currentDropped) return false;
    const counts = unit.lateEntries ??= new Uint16Array(2048);
    if (++counts[off >> 1] < LATE_ENTRY_RETRANSLATE) return false;
    for (let i = 0; i < 2048; i++) if (counts[i] >= LATE_ENTRY_SEED) unit.seeds.add(i * 2);
    this.translate(hostPage, off);
    return true;
  }

  /**
   * Instructions from `off` (no leader of `unit`) on in a straight line up to the next leader:
   * those the interpreter runs before the translation can take over again. It stops after a
   * control transfer and before an op that ends the slice (0 if `off` holds one).
   */
  private straightToLeader(unit: Unit, off: number): number {
    const h = this.hart;
    let n = 0;
    for (let o = off; o < 4096 && unit.covered[o >> 1] && !unit.leaders[o >> 1];) {
      const c = h.code.op[h.codeBase + (o >> 1)];
      if (c === 0 || ENDS_SLICE[c & 255]) break;
      n++;
      if (OP_INFO[c & 255]?.control !== 'sequential') break;
      o += c >>> OpWord.LENGTH;
    }
    return n;
  }

  /** Whether the slice ends after the interpreter ran the instruction with OP word `c` for translated code. */
  private endsSlice(c: number): boolean {
    const op = c & 255;
    if (!ENDS_SLICE[op]) return false;
    const h = this.hart;
    return !MAY_GO_ON[op] || h.yieldRequested || h.interruptTakeable();
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
    const timed = ++this.interpreterCalls % TIME_SAMPLE === 0;
    const started = timed ? performance.now() : 0;
    this.interpret(h, count);
    if (timed) this.stats.interpretedSeconds += (performance.now() - started) * TIME_SAMPLE / 1000;
    left -= h.retired - before;
    h.sliceBudget = left;
    h.left = left;
    return left;
  }

  /** Translates host page `hostPage` (the hart's current page), entered at `off`. */
  private translate(hostPage: number, off: number): Unit {
    const h = this.hart;
    const started = performance.now();
    const old = this.units[hostPage];
    const seeds = old?.seeds ?? new Set<number>();
    const base = h.codeBase;
    const op = h.code.op, imm = h.code.imm, rs3 = h.code.rs3;
    // Where the hart is is a seed only if it has not run before (control has just come there):
    // inside a block it is where a slice happened to end, and a label there would cost every
    // pass through the block (a loop around it could not be a wasm loop); the hart enters it
    // once through the interpreter instead.
    if (op[base + (off >> 1)] === 0) seeds.add(off);
    this.addEntries(seeds, base);
    // (the instruction at 4094 as the last one that straddled a page end was decoded, if its lower half is this page's)
    const straddleHigh = this.straddleHigh(hostPage, base);
    const slotAt = (o: number) => straddleHigh !== undefined && o === 4094 ? SCRATCH_SLOT : base + (o >> 1);
    const code: PageCode = {
      opAt: (o) => {
        const s = slotAt(o);
        const c = op[s];
        return c !== 0 ? c : h.decodeAt(s, o);
      },
      decoded: (o) => op[base + (o >> 1)] !== 0,
      immAt: (o) => imm[slotAt(o)],
      rs3At: (o) => rs3[slotAt(o)],
      straddleHigh,
    };
    // (a page whose code keeps running beyond what its translations covered gets all it can reach)
    const starts = findLabels(code, [...seeds, off], (old?.translations ?? 0) + 1 >= WHOLE_FROM);
    const leaders = findLeaders(code, starts, seeds);
    const translation = translatePage(code, starts, leaders, { slot: this.slot, memoryPages: this.memoryPages, policy: h.policy });
    const bytes = translation.bytes;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), this.imports);
    const covered = new Uint8Array(2048), leaderAt = new Uint8Array(2048);
    for (const o of starts) covered[o >> 1] = 1;
    for (const o of leaders) leaderAt[o >> 1] = 1;
    const unit: Unit = {
      run: instance.exports.run as PageFunction, seeds, covered, leaders: leaderAt,
      translations: (old?.translations ?? 0) + 1, ran: 0, interpreted: 0, uncovered: 0, lateEntries: undefined, straddleExits: 0, stale: false,
      bytes: h.bus.memory.i32.slice(hostPage * 1024, hostPage * 1024 + 1024),
    };
    this.install(hostPage, unit);
    this.stats.translations++;
    this.stats.wasmBytes += bytes.length;
    this.stats.compileSeconds += (performance.now() - started) / 1000;
    if (this.onTranslate !== undefined) this.dump(hostPage, bytes, translation.instructionOffsets());
    return unit;
  }

  /**
   * The upper half of the page-straddling instruction at the end of `hostPage` (its code cache
   * slots at `base`) if the scratch slot holds it decoded: the interpreter decodes the last one it
   * ran there, and a hot one is the one it ran last.
   */
  private straddleHigh(hostPage: number, base: number): number | undefined {
    const code = this.hart.code;
    if ((code.op[base + 2047] & 255) !== Op.CROSS_PAGE || (code.op[SCRATCH_SLOT] & 255) === Op.ILLEGAL) return undefined;
    const bits = code.scratchBits;
    if ((bits & 0xffff) !== this.hart.bus.memory.view.getUint16(hostPage * 4096 + 4094, true)) return undefined;
    return bits >>> 16;
  }

  /** Tells the listener of a translation of `hostPage`, the current page. */
  private dump(hostPage: number, bytes: Uint8Array, offsets: Map<number, InstructionCode[]>): void {
    const h = this.hart, view = h.bus.memory.view;
    const pageVa = BigInt(h.pageHi >>> 0) << 32n | BigInt(h.pageLo >>> 0);
    const notes = new Map<number, string>();
    for (const [at, codes] of offsets) {
      notes.set(at, codes.map(({ off, interpreted }) => {
        const half = view.getUint16(hostPage * 4096 + off, true);
        const insn = (half & 3) !== 3 || off === 4094 ? half : view.getInt32(hostPage * 4096 + off, true);
        const pc = pageVa + BigInt(off);
        return `${pc.toString(16)}: ${disassemble(insn, pc)}${interpreted ? '  (left to the interpreter)' : ''}`;
      }).join('\n'));
    }
    const text = wasmText(bytes, {
      notes: new Map([[PAGE_FUNCTION_INDEX, notes]]),
      localNames: new Map([[PAGE_FUNCTION_INDEX, PAGE_LOCAL_NAMES]]),
    });
    this.onTranslate!({ hartId: h.hartId, pageVa, hostPage, sequence: this.stats.translations, bytes, text });
  }

  /**
   * Adds to `seeds` where the interpreter has entered the page at `base` (its slots in the code
   * cache): the instructions it has decoded, which it runs before anything else, that no decoded
   * instruction falls through to. Translated from all of them at once, the page is not translated
   * again each time control enters it somewhere new.
   */
  private addEntries(seeds: Set<number>, base: number): void {
    const op = this.hart.code.op;
    for (let off = 0; off < 4096; off += 2) {
      if (op[base + (off >> 1)] === 0) continue;
      const short = off >= 2 ? op[base + (off >> 1) - 1] : 0, long = off >= 4 ? op[base + (off >> 1) - 2] : 0;
      const fallsIn = (short !== 0 && short >>> OpWord.LENGTH === 2 && FALLS_THROUGH[short & 255] === 1)
        || (long !== 0 && long >>> OpWord.LENGTH === 4 && FALLS_THROUGH[long & 255] === 1);
      if (!fallsIn) seeds.add(off);
    }
  }

  /** `unit` becomes the translated code of `hostPage`, the current page. */
  private install(hostPage: number, unit: Unit): void {
    this.units[hostPage] = unit;
    this.link().set(hostPage, unit.run);
    this.translatedPages.add(hostPage);
    this.hart.code.markTranslated(hostPage);
  }

  /**
   * The hart enters `hostPage`, whose translation a fence.i put in doubt: kept (and returned) if
   * the page's code is the one translated, else dropped.
   */
  private resolveDoubt(hostPage: number): Unit | undefined {
    const unit = this.doubted.get(hostPage);
    if (unit === undefined) return undefined;
    this.doubted.delete(hostPage);
    const now = this.hart.bus.memory.i32, base = hostPage * 1024, was = unit.bytes;
    for (let i = 0; i < 1024; i++) {
      if (now[base + i] !== was[i]) {
        this.forget(hostPage);
        return undefined;
      }
    }
    this.install(hostPage, unit);
    this.stats.kept++;
    return unit;
  }

  /**
   * The code of `hostPage` is stale: so is its translation. After a fence.i (-1), every
   * translation is in doubt until its page is entered again (resolveDoubt).
   */
  private drop(hostPage: number): void {
    if (hostPage < 0) {
      for (const page of this.translatedPages) {
        const unit = this.units[page];
        if (unit === undefined) continue;
        this.uninstall(page);
        this.doubted.set(page, unit);
      }
      this.translatedPages.clear();
    } else {
      if (this.units[hostPage] !== undefined) {
        this.uninstall(hostPage);
        this.forget(hostPage);
      }
      this.translatedPages.delete(hostPage);
    }
  }

  /** Drops every translation for good (the debugger's breakpoints changed); the pages stay as hot as they were. */
  dropAll(): void {
    for (const page of this.translatedPages) if (this.units[page] !== undefined) this.uninstall(page);
    this.translatedPages.clear();
    this.doubted.clear();
  }

  private uninstall(hostPage: number): void {
    this.units[hostPage] = undefined;
    // (a page had translated code: the table is there)
    this.table!.set(hostPage, this.untranslated!);
    if (this.running && hostPage === this.words[HotWord.CURRENT_PAGE]) this.currentDropped = true;
  }

  /** The translation of `hostPage` is gone for good: the page heats up from nothing again. */
  private forget(hostPage: number): void {
    this.heat[hostPage] = 0;
    if (this.drops[hostPage] < 255) this.drops[hostPage]++;
    this.stats.dropped++;
  }
}
