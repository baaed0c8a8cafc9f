// Sv39/Sv48/Sv57 page-table walk (privileged spec 1.12, section 4.3.2), run on a translation
// store miss. PTEs are read with one 64-bit atomic load, so a walk racing another hart's PTE
// write sees the old or the new PTE, never a torn one; A/D bits are set by compare-and-swap and
// the walk restarts if the PTE changed underneath it.

import { Bus, PhysKind } from '../bus/bus.js';
import { Access } from '../arch/access.js';
import { Priv } from '../arch/privilege.js';
import { SatpMode } from '../arch/satp.js';
import { Cause } from '../arch/traps.js';
import { Perm, Pmp } from './pmp.js';
import { LeafBit, leafAllows } from './regime.js';
import { Pte } from '../arch/pte.js';
import { DOUBLE_ZERO } from '../arch/double-field.js';

/** Page-fault and access-fault causes by access kind. */
export const PAGE_FAULT: readonly number[] = [Cause.LOAD_PAGE_FAULT, Cause.STORE_PAGE_FAULT, Cause.FETCH_PAGE_FAULT];
export const ACCESS_FAULT: readonly number[] = [Cause.LOAD_ACCESS_FAULT, Cause.STORE_ACCESS_FAULT, Cause.FETCH_ACCESS_FAULT];

export class PageWalker {
  private readonly bus: Bus;
  private readonly pmp: Pmp;
  private readonly ram64: BigInt64Array;
  private readonly scratch64 = new BigInt64Array(1);
  private readonly scratch32 = new Int32Array(this.scratch64.buffer);

  // Set by a successful walk: the physical address of the translated page, and the leaf PTE's
  // permission bits (LeafBits; G also when a non-leaf PTE above it was global) and level.
  pagePa = DOUBLE_ZERO;
  leaf = 0;
  level = 0;

  constructor(bus: Bus, pmp: Pmp) {
    this.bus = bus;
    this.pmp = pmp;
    this.ram64 = bus.memory.i64;
  }

  /**
   * Walks the tables for the page holding (vaLo, vaHi). Returns 0 and sets `pagePa`, or the
   * fault cause. `priv` is the effective privilege of the access (U or S).
   */
  walk(vaLo: number, vaHi: number, access: Access, mode: SatpMode, rootPpn: number, priv: Priv, sum: boolean, mxr: boolean): number {
    const levels = mode === SatpMode.SV39 ? 3 : mode === SatpMode.SV48 ? 4 : 5;
    // The VA must be the sign extension of its top translated bit.
    const topBit = 12 + 9 * levels - 1; // 38, 47 or 56
    const ext = vaHi >> (topBit - 32);
    if (ext !== 0 && ext !== -1) return PAGE_FAULT[access];

    restart: for (;;) {
      let table = rootPpn * 4096;
      let global = 0;
      for (let level = levels - 1; level >= 0; level--) {
        const shift = 12 + 9 * level;
        const vpn = shift + 9 <= 32 ? (vaLo >>> shift) & 511
          : shift >= 32 ? (vaHi >>> (shift - 32)) & 511
          : ((vaLo >>> shift) | (vaHi << (32 - shift))) & 511;
        const pteAddr = table + vpn * 8;
        // Implicit page-table accesses are checked by PMP as S-mode reads.
        if (this.bus.resolve(pteAddr) !== PhysKind.MEMORY || !this.pmp.check(pteAddr, 8, Perm.R, false)) {
          return ACCESS_FAULT[access];
        }
        const pteIndex = this.bus.hostOffset >>> 3;
        const pte = Atomics.load(this.ram64, pteIndex);
        this.scratch64[0] = pte;
        const lo = this.scratch32[0], hi = this.scratch32[1];
        if ((lo & Pte.V) === 0 || (lo & (Pte.R | Pte.W)) === Pte.W) return PAGE_FAULT[access];
        if (hi >>> 22 !== 0) return PAGE_FAULT[access]; // bits 63:54 reserved (no Svpbmt/Svnapot)
        // PPN = bits 53:10, as a Number (exact below 2^53, and nothing maps above that).
        const ppn = (hi & 0x3fffff) * 4194304 + (lo >>> 10);
        // A global non-leaf PTE makes every mapping below it global.
        global |= lo & Pte.G;
        if ((lo & (Pte.R | Pte.X)) === 0) {
          table = ppn * 4096;
          continue;
        }
        // Leaf: permissions.
        const leaf = ((lo >>> 1) & (LeafBit.R | LeafBit.W | LeafBit.X | LeafBit.U)) | (global !== 0 ? LeafBit.G : 0);
        if (!leafAllows(leaf, access, priv !== Priv.U, sum, mxr)) return PAGE_FAULT[access];
        // A superpage's PPN must be aligned to its size.
        const pagesBelow = level === 0 ? 1 : 2 ** (9 * level);
        if (ppn % pagesBelow !== 0) return PAGE_FAULT[access];
        // Hardware A/D update, atomically against other harts.
        const need = access === Access.WRITE ? Pte.A | Pte.D : Pte.A;
        if ((lo & need) !== need) {
          this.scratch32[0] = lo | need;
          const updated = this.scratch64[0];
          if (Atomics.compareExchange(this.ram64, pteIndex, pte, updated) !== pte) continue restart;
        }
        // The VPN bits below the leaf level pass through into the physical page number.
        const vaPage = (vaHi >>> 0) * 1048576 + (vaLo >>> 12); // VA >> 12, exact: < 2^45
        this.pagePa = (ppn + (vaPage % pagesBelow)) * 4096;
        this.leaf = leaf;
        this.level = level;
        return 0;
      }
      return PAGE_FAULT[access];
    }
  }
}
