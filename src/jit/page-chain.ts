// Runs translated pages one after another without returning to JavaScript: a hart's chain
// function calls the current page's function through a table of every host page's translated
// code, and when that returns Exit.NEXT (control left the page) finds the next page itself. A
// JavaScript-to-wasm call and the run loop's bookkeeping per page change would otherwise cost
// more than the page's code often runs.
//
// The next page is found as the interpreter finds it: the translation store's fetch table, with
// the same tag compare under the current context key (a miss or a misaligned pc returns to the
// run loop, which walks, interprets or translates). A page without translated code has a stand-in
// in the table (untranslatedPage) that returns at once, which costs less than asking the table
// whether an entry is there. The chain also returns when the budget left is short, or when a slow
// load asked the run loop to look.

import { HOT_WORDS_OFFSET, HotWord, storeTableOffset } from '../bus/hart-slots.js';
import { Access } from '../arch/access.js';
import { ALIGN_MASK_2, STORE_INDEX_MASK } from '../mmu/translation-store.js';
import { Exit, RUN_LIMIT } from './page-translator.js';
import { BLOCK_VOID, ByteWriter, Opc, ValType, writeModule } from './wasm-writer.js';

const I32 = ValType.I32;
/** This module's type 0: a page function's (page-translator.ts), which call_indirect checks. */
const PAGE_FUNCTION = 0;

/**
 * The chain module of the hart whose slot is at `slot`: exports `run(off, left, genKey, pageVaLo,
 * pageVaHi, hostPage) -> Exit`, entering the translated code of `hostPage` (which must have some)
 * at `off`. On return the exchange words hold what the last page's epilogue wrote, CURRENT_PAGE
 * that page, and HITS the fast-path hits of the whole chain.
 */
export function chainModule(slot: number, memoryPages: number, tableSize: number): Uint8Array<ArrayBuffer> {
  const OFF = 0, LEFT = 1, GK = 2, PAGE_LO = 3, PAGE_HI = 4, HOST_PAGE = 5, EXIT = 6, HITS = 7, J = 8, LO = 9, HI = 10, RAN = 11;
  const fetchTable = storeTableOffset(slot, Access.FETCH);
  const w = new ByteWriter();
  const get = (l: number) => w.byte(Opc.LOCAL_GET).u32(l);
  const set = (l: number) => w.byte(Opc.LOCAL_SET).u32(l);
  const i32 = (v: number) => w.byte(Opc.I32_CONST).s32(v);
  const word = (o: number, align: number, hot: HotWord) => w.byte(o).u32(align).u32(slot + HOT_WORDS_OFFSET + hot * 4);
  w.u32(1).u32(6).byte(I32);
  i32(0); i32(0); word(Opc.I32_STORE, 2, HotWord.STOP);
  w.byte(Opc.BLOCK).byte(BLOCK_VOID);
  w.byte(Opc.LOOP).byte(BLOCK_VOID);
  // run the page
  i32(0); get(HOST_PAGE); word(Opc.I32_STORE, 2, HotWord.CURRENT_PAGE);
  get(OFF); get(LEFT); get(GK); get(PAGE_LO); get(PAGE_HI); get(HOST_PAGE);
  w.byte(Opc.CALL_INDIRECT).u32(PAGE_FUNCTION).u32(0);
  set(EXIT);
  // no code there: the exchange words are still the last page's
  get(EXIT); i32(Exit.UNTRANSLATED); w.byte(Opc.I32_EQ);
  w.byte(Opc.IF).byte(BLOCK_VOID);
  i32(0); get(RAN); word(Opc.I32_STORE, 2, HotWord.CURRENT_PAGE);
  i32(Exit.NEXT); set(EXIT);
  w.byte(Opc.BR).u32(2);
  w.byte(Opc.END);
  get(HITS); i32(0); word(Opc.I32_LOAD, 2, HotWord.HITS); w.byte(Opc.I32_ADD); set(HITS);
  // go on only after a page was left, with budget for a run, unasked to stop
  get(EXIT); i32(Exit.NEXT); w.byte(Opc.I32_NE); w.byte(Opc.BR_IF).u32(1);
  i32(0); word(Opc.I32_LOAD, 2, HotWord.LEFT); w.byte(Opc.LOCAL_TEE).u32(LEFT);
  i32(RUN_LIMIT); w.byte(Opc.I32_LT_S); w.byte(Opc.BR_IF).u32(1);
  i32(0); word(Opc.I32_LOAD, 2, HotWord.STOP); w.byte(Opc.BR_IF).u32(1);
  // the next page: its fetch entry (the interpreter's tag compare)...
  i32(0); word(Opc.I32_LOAD, 2, HotWord.PC_LO); w.byte(Opc.LOCAL_TEE).u32(LO);
  i32(8); w.byte(Opc.I32_SHR_U); i32(STORE_INDEX_MASK << 2); w.byte(Opc.I32_AND); set(J);
  i32(0); word(Opc.I32_LOAD, 2, HotWord.PC_HI); set(HI);
  get(J); w.byte(Opc.I32_LOAD).u32(2).u32(fetchTable);
  get(LO); i32(ALIGN_MASK_2); w.byte(Opc.I32_AND); get(GK); w.byte(Opc.I32_XOR);
  w.byte(Opc.I32_NE);
  get(J); w.byte(Opc.I32_LOAD).u32(2).u32(fetchTable + 4); get(HI); w.byte(Opc.I32_NE);
  w.byte(Opc.I32_OR); w.byte(Opc.BR_IF).u32(1);
  // ...and its translated code, or the stand-in
  get(HOST_PAGE); set(RAN);
  get(J); w.byte(Opc.I32_LOAD).u32(2).u32(fetchTable + 8); i32(12); w.byte(Opc.I32_SHR_U); set(HOST_PAGE);
  get(LO); i32(4095); w.byte(Opc.I32_AND); set(OFF);
  get(LO); i32(-4096); w.byte(Opc.I32_AND); set(PAGE_LO);
  get(HI); set(PAGE_HI);
  w.byte(Opc.BR).u32(0);
  w.byte(Opc.END); // loop
  w.byte(Opc.END); // block
  i32(0); get(HITS); word(Opc.I32_STORE, 2, HotWord.HITS);
  get(EXIT);
  w.byte(Opc.END);
  return writeModule([
    { params: [I32, I32, I32, I32, I32], results: [I32] },
    { params: [I32, I32, I32, I32, I32, I32], results: [I32] },
  ], [], memoryPages, 0, [{ name: 'run', type: 1, body: w }], tableSize);
}

/**
 * What a hart's table holds for a page without translated code: a page function that returns
 * Exit.UNTRANSLATED (a module over the hart's memory of `memoryPages` pages, as every module is).
 */
export function untranslatedPage(memory: WebAssembly.Memory, memoryPages: number): Function {
  const w = new ByteWriter();
  w.u32(0);
  w.byte(Opc.I32_CONST).s32(Exit.UNTRANSLATED);
  w.byte(Opc.END);
  const bytes = writeModule([{ params: [I32, I32, I32, I32, I32], results: [I32] }], [], memoryPages, 0, [{ name: 'run', type: 0, body: w }]);
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), { m: { memory } }).exports.run as Function;
}
