// The hot state of every hart lives in guest memory's buffer, after the frames, one slot per
// hart, so that translated code (a WebAssembly module sees exactly one memory) reaches guest
// RAM, the hart's registers and its translation store with plain loads and stores:
//
//   slot + 0       registers (HartState: x0..x31 + sink, f0..f31, fflags/frm)
//   slot + 1024    exchange words between the run loop and translated code (HotWord)
//   slot + 4096    translation store: the read, write and fetch tables, STORE_TABLE_BYTES each
//
// A slot is a whole number of WebAssembly pages.

export const HOT_STATE_OFFSET = 0;
export const HOT_WORDS_OFFSET = 1024;
export const STORE_TABLES_OFFSET = 4096;
/**
 * Records in each translation-store table (a power of two): 16384 pages, 64 MiB, is a working set
 * most guests' hot data fits in, so that a hart walks the page tables once per page it touches.
 */
export const STORE_ENTRIES = 16384;
/** a record: four int32 words (translation-store.ts) */
export const STORE_RECORD_BYTES = 16;
export const STORE_TABLE_BYTES = STORE_ENTRIES * STORE_RECORD_BYTES;
/** Bytes in one WebAssembly page. */
export const WASM_PAGE = 65536;
export const HART_SLOT_BYTES = Math.ceil((STORE_TABLES_OFFSET + 3 * STORE_TABLE_BYTES) / WASM_PAGE) * WASM_PAGE;

/** Int32 words at HOT_WORDS_OFFSET, written by translated code as it exits. */
export const enum HotWord {
  /** pc of the next instruction, low and high words */
  PC_LO = 0, PC_HI = 1,
  /** instructions left in the slice */
  LEFT = 2,
  /** translation store fast-path hits since the call began */
  HITS = 3,
  /** the high word of an 8-byte value a slow load returned */
  VALUE_HI = 4,
  /** 1 if the last slow load trapped (the trap is the hart's pending one), else 0 */
  TRAPPED = 5,
  /** the host page whose translated code runs (or ran last) in a chain of pages */
  CURRENT_PAGE = 6,
  /** 1 if a slow load asked the run loop to look (a chain of pages stops) */
  STOP = 7,
  /**
   * mstatus.FS as translated code was entered (FP instructions are illegal while it is Off; only
   * instructions left to the interpreter change it), and 1 once translated code wrote an f register
   */
  FS = 8,
  FP_WRITTEN = 9,
  /**
   * The LR/SC reservation (mmu.ts), shared by the interpreter and translated code: 1 if valid,
   * the reserved word's virtual address (low, high), its size, and the value the LR read (low, high)
   */
  RESV_VALID = 10, RESV_LO = 11, RESV_HI = 12, RESV_SIZE = 13, RESV_VALUE_LO = 14, RESV_VALUE_HI = 15,
  COUNT = 16,
}

/** Where the translation store's table for access kind `access` (arch/access.ts) begins, in the slot at `slot`. */
export function storeTableOffset(slot: number, access: number): number {
  return slot + STORE_TABLES_OFFSET + access * STORE_TABLE_BYTES;
}

/** Where hart `hartId`'s slot begins in a buffer whose frames take `frameBytes`. */
export function hartSlotOffset(frameBytes: number, hartId: number): number {
  return frameBytes + hartId * HART_SLOT_BYTES;
}
