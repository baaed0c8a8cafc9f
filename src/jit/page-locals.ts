// The page function's parameters and locals (page-translator.ts): the parameters (the page's
// VA comes as two words: a JavaScript caller passing an i64 would make a BigInt per call), i32
// temporaries (L_VL, L_VH, L_J: an access's address words and store record; L_HITS: fast-path
// hits), i64 temporaries and the generation key widened, x1..x31, then, in a page with FP code,
// f64 temporaries (fp-code.ts) and f0..f31.

import { fRegName, xRegName } from '../cpu/isa/disassemble.js';
import { ValType } from './wasm-writer.js';

export const L_OFF = 0, L_LEFT = 1, L_GK = 2, L_PAGE_LO = 3, L_PAGE_HI = 4;
export const L_VH = 5, L_W = 6, L_SLOT = 7, L_EXIT = 8, L_VL = 9, L_J = 10, L_HITS = 11;
export const L_PAGE = 12, L_A = 13, L_B = 14, L_T = 15, L_U = 16, L_V = 17;
/** genKey zero-extended, for the translation store's tag compare as one i64 */
export const L_GK64 = 18;
export const L_X1 = 19;
/** the first f64 temporary */
export const L_F0 = L_X1 + 31;
const F64_TEMPORARIES = 16;
/** f0 (f1.. follow): the f registers, as f64 whose bits are the register's */
export const L_F_REG0 = L_F0 + F64_TEMPORARIES;

/** The locals after the parameters, as (count, type) groups; the f64 ones only where FP code uses them. */
export function localGroups(f64: boolean): (readonly [number, ValType])[] {
  const groups: (readonly [number, ValType])[] = [[7, ValType.I32], [7 + 31, ValType.I64]];
  if (f64) groups.push([F64_TEMPORARIES + 32, ValType.F64]);
  return groups;
}

/** Names of the page function's parameters and locals, for its text form (x1.. by ABI name). */
export const PAGE_LOCAL_NAMES: readonly string[] = [
  'off', 'left', 'genKey', 'pageLo', 'pageHi', 'vh', 'w', 'slot', 'exit', 'vl', 'j', 'hits', 'page', 'a', 'b', 't', 'u', 'v', 'genKey64',
  ...Array.from({ length: 31 }, (_, i) => xRegName(i + 1)),
  ...Array.from({ length: F64_TEMPORARIES }, (_, i) => `d${i}`),
  ...Array.from({ length: 32 }, (_, i) => fRegName(i)),
];
