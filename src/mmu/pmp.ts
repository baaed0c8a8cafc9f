// Physical memory protection: 16 entries (privileged spec 1.12, section 3.7).
// Ranges are decoded from the CSRs once per write into Number pairs, so checks do no BigInt work.

export const PMP_ENTRIES = 16;

const enum Cfg { R = 1, W = 2, X = 4, A_SHIFT = 3, A_MASK = 0x18, L = 0x80 }
const enum AddrMode { OFF = 0, TOR = 1, NA4 = 2, NAPOT = 3 }

/** Access permission bits, matching the R/W/X bits of pmpcfg. */
export const enum Perm { R = 1, W = 2, X = 4 }

/** Outcome of a page-wide check. */
export const enum PageCheck { DENIED = 0, ALLOWED = 1, MIXED = 2 }

const PMPADDR_MASK = (1n << 54n) - 1n;

export class Pmp {
  readonly cfg = new Uint8Array(PMP_ENTRIES);
  readonly addr = new BigInt64Array(PMP_ENTRIES);
  /** decoded [lo, hi) ranges in bytes; hi <= lo means the entry matches nothing */
  private readonly lo = new Float64Array(PMP_ENTRIES);
  private readonly hi = new Float64Array(PMP_ENTRIES);
  /** number of active (A != OFF) entries, so an all-off PMP is a quick check */
  private active = 0;

  /** pmpcfgN for even N (RV64): eight entries per register. */
  readCfg(reg: number): bigint {
    let v = 0n;
    const first = reg * 4;
    for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(first + i < PMP_ENTRIES ? this.cfg[first + i] : 0);
    return v;
  }

  writeCfg(reg: number, value: bigint): void {
    const first = reg * 4;
    for (let i = 0; i < 8; i++) {
      const e = first + i;
      if (e >= PMP_ENTRIES || this.cfg[e] & Cfg.L) continue;
      let b = Number((value >> BigInt(8 * i)) & 0xffn) & 0x9f;
      if ((b & (Cfg.R | Cfg.W)) === Cfg.W) b &= ~Cfg.W; // W without R is reserved: drop W
      this.cfg[e] = b;
    }
    this.decode();
  }

  /** Takes every entry as saved (a machine snapshot), locked ones too. */
  restore(cfg: ArrayLike<number>, addr: ArrayLike<bigint>): void {
    for (let i = 0; i < PMP_ENTRIES; i++) {
      this.cfg[i] = cfg[i] & 0x9f;
      this.addr[i] = BigInt.asIntN(64, addr[i] & PMPADDR_MASK);
    }
    this.decode();
  }

  readAddr(i: number): bigint {
    return i < PMP_ENTRIES ? BigInt.asUintN(64, this.addr[i]) : 0n;
  }

  writeAddr(i: number, value: bigint): void {
    if (i >= PMP_ENTRIES || this.cfg[i] & Cfg.L) return;
    if (i + 1 < PMP_ENTRIES && this.cfg[i + 1] & Cfg.L && ((this.cfg[i + 1] & Cfg.A_MASK) >> Cfg.A_SHIFT) === AddrMode.TOR) return;
    this.addr[i] = value & PMPADDR_MASK;
    this.decode();
  }

  private decode(): void {
    this.active = 0;
    for (let i = 0; i < PMP_ENTRIES; i++) {
      const mode = (this.cfg[i] & Cfg.A_MASK) >> Cfg.A_SHIFT;
      const a = BigInt.asUintN(64, this.addr[i]);
      let lo = 0n, hi = 0n;
      if (mode === AddrMode.TOR) {
        lo = i === 0 ? 0n : BigInt.asUintN(64, this.addr[i - 1]) << 2n;
        hi = a << 2n;
      } else if (mode === AddrMode.NA4) {
        lo = a << 2n;
        hi = lo + 4n;
      } else if (mode === AddrMode.NAPOT) {
        const mask = a ^ (a + 1n); // trailing ones plus the next bit
        lo = (a & ~mask) << 2n;
        hi = lo + ((mask + 1n) << 2n);
      }
      if (mode !== AddrMode.OFF) this.active++;
      this.lo[i] = Number(lo);
      this.hi[i] = Number(hi);
    }
  }

  private enforced(i: number, machineMode: boolean): boolean {
    return !machineMode || (this.cfg[i] & Cfg.L) !== 0;
  }

  /**
   * Checks an access of `size` bytes at `pa` with permission `perm` from a mode that is
   * machine mode or not. The first entry that matches any byte decides; it must cover all bytes.
   */
  check(pa: number, size: number, perm: Perm, machineMode: boolean): boolean {
    if (this.active === 0) return machineMode;
    const end = pa + size;
    for (let i = 0; i < PMP_ENTRIES; i++) {
      const lo = this.lo[i], hi = this.hi[i];
      if (hi <= lo || end <= lo || pa >= hi) continue;
      if (pa < lo || end > hi) return false;
      return !this.enforced(i, machineMode) || (this.cfg[i] & perm) !== 0;
    }
    return machineMode;
  }

  /** Whether a whole 4 KiB page gets one answer, so a translation of it can be cached. */
  checkPage(page: number, perm: Perm, machineMode: boolean): PageCheck {
    if (this.active === 0) return machineMode ? PageCheck.ALLOWED : PageCheck.DENIED;
    const end = page + 4096;
    for (let i = 0; i < PMP_ENTRIES; i++) {
      const lo = this.lo[i], hi = this.hi[i];
      if (hi <= lo || end <= lo || page >= hi) continue;
      if (page < lo || end > hi) return PageCheck.MIXED;
      return !this.enforced(i, machineMode) || (this.cfg[i] & perm) !== 0 ? PageCheck.ALLOWED : PageCheck.DENIED;
    }
    return machineMode ? PageCheck.ALLOWED : PageCheck.DENIED;
  }
}
