// The hot state of every hart lives in guest memory's buffer, after the frames, one slot per
// hart, so that translated code (a WebAssembly module sees exactly one memory) reaches guest
// RAM, the hart's registers and its translation store with plain loads and stores:
//
//   slot + 0       registers (HartState: x0..x31 + sink, f0..f31, fflags/frm)
//   slot + 1024    exchange words between the run loop and translated code (HotWord)
//   slot + 4096    translation store: the read, write and fetch tables, 16 KiB each
//
// A slot is 64 KiB, one WebAssembly page.

export const HART_SLOT_BYTES = 65536;
export const HOT_STATE_OFFSET = 0;
export const HOT_WORDS_OFFSET = 1024;
export const STORE_TABLES_OFFSET = 4096;
export const STORE_TABLE_BYTES = 16384;

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
  COUNT = 16,
}

/** Where hart `hartId`'s slot begins in a buffer whose frames take `frameBytes`. */
export function hartSlotOffset(frameBytes: number, hartId: number): number {
  return frameBytes + hartId * HART_SLOT_BYTES;
}
