// The satp register's fields (privileged spec 4.1.11), read from its two 32-bit halves so that
// a change of translation context decodes it without BigInt arithmetic.
//
//   63..60 MODE   59..44 ASID   43..0 PPN of the root table

/** satp.MODE: Bare, or the depth of the page tables. */
export const enum SatpMode { BARE = 0, SV39 = 8, SV48 = 9, SV57 = 10 }

/**
 * ASIDLEN: every ASID bit is implemented. Software finds the width by writing ones to the field
 * and reading satp back (Linux does, and uses ASIDs when there are enough of them).
 */
export const SATP_ASID_BITS = 16;
export const SATP_ASID_MASK = (1 << SATP_ASID_BITS) - 1;

/** The bits of satp that hold state: MODE, ASID and PPN (all 64 of them, with a 16-bit ASID). */
export const SATP_WRITABLE = (0xfn << 60n) | (BigInt(SATP_ASID_MASK) << 44n) | ((1n << 44n) - 1n);

export function satpMode(hi: number): SatpMode {
  return (hi >>> 28) as SatpMode;
}

export function satpAsid(hi: number): number {
  return (hi >>> 12) & SATP_ASID_MASK;
}

/** The root table's physical page number (44 bits: exact as a Number). */
export function satpRootPpn(lo: number, hi: number): number {
  return (hi & 0xfff) * 4294967296 + (lo >>> 0);
}
