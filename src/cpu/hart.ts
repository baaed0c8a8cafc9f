// One RISC-V hart: architectural state, the run loop, traps and interrupts, and the system
// instructions. The instruction interpreter itself lives in interpreter.ts; memory slow paths
// in mmu/mmu.ts. A hart owns its translation store and code cache; it shares only guest memory
// and the bus with other harts, so it can run on a thread of its own.

import type { EngineName } from '../arch/engine.js';
import { FlushPolicy } from '../arch/flush-policy.js';
import { Mstatus } from '../arch/mstatus.js';
import { Priv } from '../arch/privilege.js';
import { SATP_ASID_MASK, satpAsid, satpMode, satpRootPpn } from '../arch/satp.js';
import { Cause, IRQ_PRIORITY, TrapSignal } from '../arch/traps.js';
import type { Bus } from '../bus/bus.js';
import { HOT_STATE_OFFSET, STORE_TABLES_OFFSET } from '../bus/hart-slots.js';
import { Mmu, type MmuHart } from '../mmu/mmu.js';
import { NO_ASID } from '../mmu/context-keys.js';
import { Pmp } from '../mmu/pmp.js';
import { StoreStat, TranslationStore } from '../mmu/translation-store.js';
import { CodeCache, opWord, rdOf, rs1Of, rs2Of, SCRATCH_SLOT, SLOTS_PER_PAGE } from './code-cache.js';
import { Csrs, CsrSlot, type CsrHart } from './csr.js';
import { csrAccessible, CSR_BY_NUMBER } from './csr-table.js';
import { FpUnit } from './fpu/fp-unit.js';
import type { HartHost } from './hart-host.js';
import { interpret, type InterpretedHart } from './interpreter.js';
import { JitEngine, type JitStatistics, type TranslationListener } from '../jit/jit-engine.js';
import { Op } from './isa/encodings.js';
import { HartState } from './state.js';
import { codeAddress, DebugStop, HartBreakpoints, HartWatches, watchedByteAddress, WatchKind, type HostWatch } from './hart-breakpoints.js';
import { DOUBLE_NONE, DOUBLE_ZERO } from '../arch/double-field.js';

/** Instructions per interpreter slice: interrupts are looked at between slices. */
const SLICE = 8192;
/** Traps in a row with no instruction retired after which the hart is stuck (its handler faults). */
export const TRAP_LOOP_LIMIT = 1000;
/**
 * Instructions after which the interrupt checks read the board clock again for the Sstc timer
 * (sooner when nothing retired since: a hart in wfi). A browser's clock costs a few hundred
 * nanoseconds, and translated code checks after every CSR instruction a kernel runs; the timer
 * is seen at most this many instructions late, microseconds.
 */
const CLOCK_CHECK_INSTRUCTIONS = 1024;

export interface HartOptions {
  hartId: number;
  policy: FlushPolicy;
  /** Sstc: the stimecmp CSR and menvcfg.STCE (off by default, like the spike board) */
  sstc?: boolean;
  /** how instructions run: the interpreter alone, or translated to WebAssembly where hot (default interp) */
  engine?: EngineName;
  /** told each translation the JIT makes (--jit-dump) */
  onTranslate?: TranslationListener;
}

export class Hart implements MmuHart, CsrHart, InterpretedHart {
  readonly hartId: number;
  readonly state: HartState;
  readonly csrs: Csrs;
  readonly pmp = new Pmp();
  readonly store: TranslationStore;
  readonly code: CodeCache;
  readonly mmu: Mmu;
  readonly fpu: FpUnit;
  readonly bus: Bus;
  readonly host: HartHost;
  readonly policy: FlushPolicy;
  /** translated code, unless the interpreter runs everything (the instruction policy always interprets) */
  readonly jit: JitEngine | undefined;

  priv: Priv = Priv.M;
  // Fields that take numbers outside the Smi range start as doubles (arch/double-field.ts).
  /** pc of the next instruction, as two int32 words */
  pcLo = DOUBLE_ZERO;
  pcHi = 0;

  // Interpreter position, valid while a slice runs and when a trap unwinds out of it:
  // the current code page (VA words), its first slot in the code cache, the byte offset of
  // the current instruction in the page, and the instructions left in the slice.
  pageLo = DOUBLE_ZERO;
  pageHi = 0;
  codeBase = 0;
  /** host offset of the current code page in guest memory */
  codeHost = DOUBLE_ZERO;
  off = 0;
  left = 0;
  sliceBudget = DOUBLE_ZERO;

  /** instructions retired since reset (a double: exact to 2^53) */
  retired = DOUBLE_ZERO;
  /** the board clock as the interrupt checks last read it, the instruction count then, and at the last check */
  private clockChecked = DOUBLE_ZERO;
  private clockReadAt = -Infinity;
  private lastCheckAt = -Infinity;
  /** translation store fast-path hits, added by the interpreter */
  fastHits = DOUBLE_ZERO;

  /** the pending exception of the instruction being executed */
  trapCause = 0;
  /** its tval as words (an address's) */
  trapTvalLo = DOUBLE_ZERO;
  trapTvalHi = DOUBLE_ZERO;

  /** in wfi with nothing pending */
  waiting = false;
  /** stop after the current instruction and look at interrupts/devices */
  yieldRequested = false;
  /** the guest asked to stop (HTIF exit) */
  stopRequested = false;
  /**
   * sfence.vma and fence.i executed in M-mode: under OpenSBI, the fences it runs for the SBI
   * remote-fence calls (the remote fences this hart received, or asked of itself)
   */
  firmwareFences = 0;
  /** a trap was taken on this hart at least once (for diagnostics) */
  trapsTaken = 0;
  /** traps taken in a row with no instruction retired between them (a trap loop if large) */
  trapsWithoutProgress = 0;
  private retiredAtLastTrap = DOUBLE_NONE;

  // ---- a debugger's hold on the hart (debug/): nothing here is looked at per instruction ----
  /** the debugger's breakpoints, or null when it has none (the hart then runs as without one) */
  private breakpoints: HartBreakpoints | null = null;
  /**
   * the hart stopped for the debugger, and execute() returned early: at a breakpoint (the pc is
   * its address), or at an instruction that was about to access a watched word (the pc is its
   * address and it has done nothing: gdb steps over it, its watchpoints taken out, as on QEMU's
   * RISC-V harts, which stop before the access)
   */
  debugStop = DebugStop.NONE;
  /** the debugger's address of the watched bytes accessed (debugStop WATCHPOINT) */
  watchedAddress = -1n;
  /** the kind of the watchpoint hit (debugStop WATCHPOINT) */
  watchedKind = WatchKind.WRITE;
  /** the debugger's watchpoints, or null */
  private watches: HartWatches | null = null;
  /** a debugger's single step runs: no interrupt is taken (as QEMU's default step flags) */
  private stepping = false;
  /** a breakpoint at the pc the hart resumed at is passed over until an instruction retires */
  private resumedAtPc = -1n;
  private resumedAtRetired = DOUBLE_NONE;
  /** where the last watchpoint stopped the hart (its pc, and the instructions retired before it) */
  private watchStopPc = -1n;
  private watchStopRetired = DOUBLE_NONE;
  /**
   * the hart resumed at the instruction a watchpoint stopped it at: its watchpoints are passed
   * over while the count retired is this (DOUBLE_NONE: none) and no trap was taken since resumedAtTraps
   */
  private passWatchRetired = DOUBLE_NONE;
  private resumedAtTraps = -1;

  constructor(bus: Bus, host: HartHost, options: HartOptions) {
    this.hartId = options.hartId;
    this.bus = bus;
    this.host = host;
    this.policy = options.policy;
    const slot = bus.memory.hartSlot(options.hartId);
    this.state = new HartState(bus.memory.buffer, slot + HOT_STATE_OFFSET);
    this.csrs = new Csrs(this, options.sstc ?? false);
    this.store = new TranslationStore(options.policy, bus.memory.buffer, slot + STORE_TABLES_OFFSET);
    this.code = new CodeCache(bus.memory.pageFlags);
    this.mmu = new Mmu(this, bus, this.pmp, this.store, this.code, host);
    this.fpu = new FpUnit(this.state);
    this.jit = options.engine === 'jit' && options.policy !== FlushPolicy.INSTRUCTION
      ? new JitEngine(this, (_hart, budget) => interpret(this, budget), options.onTranslate) : undefined;
    this.translationContextChanged();
  }

  /** Resets the pc (and a0/a1, as boot ROMs do) and enters M-mode. */
  reset(pc: bigint, a0 = 0n, a1 = 0n): void {
    this.setPc(pc);
    this.priv = Priv.M;
    this.state.x64[10] = a0;
    this.state.x64[11] = a1;
    this.store.invalidateAll();
    this.translationContextChanged();
  }

  /**
   * The hart's state was replaced as a whole (a machine snapshot loaded): what it derived from
   * the old state goes (translations, decoded and translated code, an LR reservation, a trap
   * loop being counted), and it enters the new state's translation context.
   */
  forgetCachedState(): void {
    this.store.invalidateAll();
    this.code.invalidateAll();
    this.mmu.clearReservation();
    this.trapsWithoutProgress = 0;
    this.retiredAtLastTrap = DOUBLE_NONE;
    this.translationContextChanged();
  }

  setPc(pc: bigint): void {
    this.pcLo = Number(BigInt.asIntN(32, pc));
    this.pcHi = Number(BigInt.asIntN(32, pc >> 32n));
  }

  get pc(): bigint {
    return (BigInt(this.pcHi) << 32n) | BigInt(this.pcLo >>> 0);
  }

  // ---- services to CSRs, the MMU and the interpreter -----------------------------------

  raise(cause: number, tvalLo: number, tvalHi: number): never {
    this.trapCause = cause;
    this.trapTvalLo = tvalLo;
    this.trapTvalHi = tvalHi;
    throw TrapSignal.INSTANCE;
  }

  requestYield(): void {
    this.yieldRequested = true;
  }

  requestStop(): void {
    this.stopRequested = true;
    this.yieldRequested = true;
  }

  interruptLines(): number {
    return this.host.interruptLines(this.hartId);
  }

  interruptsChanged(): void {
    this.yieldRequested = true;
  }

  markFpDirty(): void {
    if ((this.csrs.mstatus & Mstatus.FS) !== Mstatus.FS_DIRTY) this.csrs.setMstatusLo(this.csrs.mstatus | Mstatus.FS_DIRTY);
  }

  /** Instructions retired before the one executing now (CSR reads of minstret/mcycle). */
  retiredBeforeCurrent(): number {
    return this.retired + (this.sliceBudget - this.left);
  }

  /**
   * Privilege, satp or MPRV/MPP/SUM/MXR changed: the hart enters another translation context.
   * Nothing is invalidated (the store keeps each context's entries apart); the slice ends, since
   * the code page it runs on was translated in the old context.
   */
  translationContextChanged(): void {
    const mstatus = this.csrs.mstatus;
    const satpLo = this.csrs.lo(CsrSlot.SATP), satpHi = this.csrs.hi(CsrSlot.SATP);
    const dataPriv = (mstatus & Mstatus.MPRV) && this.priv === Priv.M ? ((mstatus >> Mstatus.MPP_SHIFT) & 3) as Priv : this.priv;
    this.mmu.setContext(this.priv, dataPriv, satpMode(satpHi), satpRootPpn(satpLo, satpHi), satpAsid(satpHi),
      (mstatus & Mstatus.SUM) !== 0, (mstatus & Mstatus.MXR) !== 0);
    this.yieldRequested = true;
  }

  /** PMP changed: every cached translation may be wrong, in every context. */
  physicalProtectionChanged(): void {
    this.store.invalidateAll();
    this.yieldRequested = true;
  }

  private setPriv(priv: Priv): void {
    if (priv !== this.priv) {
      this.priv = priv;
      this.translationContextChanged();
    }
  }

  // ---- the run loop -----------------------------------------------------------------------

  /**
   * Runs up to `maxInsns` steps, a step being a retired instruction or a trap taken (so that a
   * guest caught in a trap loop still returns control); fewer if the hart waits in wfi, the
   * guest stops, or a device asks for attention. Returns the number of instructions retired.
   */
  execute(maxInsns: number): number {
    const start = this.retired;
    const trapsBefore = this.trapsTaken;
    const policy = this.policy;
    this.yieldRequested = false;
    while (this.retired - start + (this.trapsTaken - trapsBefore) < maxInsns) {
      if (this.stopRequested || this.debugStop !== DebugStop.NONE) break;
      if (!this.stepping && this.checkInterrupts()) {
        if (this.trapsWithoutProgress >= TRAP_LOOP_LIMIT) break;
        continue;
      }
      if (this.waiting) break;
      const remaining = maxInsns - (this.retired - start) - (this.trapsTaken - trapsBefore);
      // (an int32: `retired` is a double, and unoptimized code would store a difference of doubles
      // into `left` as a double, changing that Smi field's shape: arch/double-field.ts)
      const budget = policy === FlushPolicy.INSTRUCTION ? 1 : remaining < SLICE ? remaining | 0 : SLICE;
      this.sliceBudget = 0;
      this.left = 0;
      try {
        this.enterPage();
        this.sliceBudget = budget;
        this.left = budget;
        if (this.jit && !this.stepping) this.jit.run(budget);
        else interpret(this, budget);
      } catch (e) {
        if (e !== TrapSignal.INSTANCE) throw e;
        this.retired += this.sliceBudget - this.left;
        this.setPcFromPage(this.off);
        if (this.debugStop === DebugStop.NONE) this.takeTrap(this.trapCause, false);
        else {
          // a watchpoint's stop unwinds as a trap does, but no trap is taken: the loop ends
          this.watchStopPc = this.pc;
          this.watchStopRetired = this.retired;
        }
      }
      this.sliceBudget = 0;
      this.left = 0;
      if (policy !== FlushPolicy.FENCE) this.store.invalidateAll();
      if (this.trapsWithoutProgress >= TRAP_LOOP_LIMIT) break; // let the host diagnose it
      if (this.yieldRequested) {
        this.yieldRequested = false;
        if (this.stopRequested || this.debugStop !== DebugStop.NONE) break;
      }
    }
    return this.retired - start;
  }

  /** Translates the page of the pc for fetching and points the interpreter at it. */
  enterPage(): void {
    const lo = this.pcLo, hi = this.pcHi;
    this.pageLo = lo & -4096;
    this.pageHi = hi;
    this.off = lo & 4095;
    if (lo & 1) this.raise(Cause.FETCH_MISALIGNED, lo, hi);
    this.codeHost = this.mmu.fetchPage(lo, hi);
    const hostPage = this.codeHost >>> 12;
    this.codeBase = this.code.pageBase(hostPage);
    if (this.breakpoints !== null && this.breakpoints.enteredAt(this.codeBase / SLOTS_PER_PAGE, this.pageLo, this.pageHi)) {
      this.code.invalidatePage(hostPage); // decoded at another virtual page: its markers are wrong here
    }
    if (this.code.claimed) {
      this.code.claimed = false;
      this.store.demoteWritesTo(hostPage);
    }
  }

  /** Sets pc = current page + `off` (off may run past the page by a few bytes). */
  setPcFromPage(off: number): void {
    let t = (this.pageLo >>> 0) + off;
    let hi = this.pageHi;
    if (t >= 4294967296) { t -= 4294967296; hi = (hi + 1) | 0; } else if (t < 0) { t += 4294967296; hi = (hi - 1) | 0; }
    this.pcLo = t | 0;
    this.pcHi = hi;
  }

  // ---- traps and interrupts ---------------------------------------------------------------

  /** The board clock as the interrupt checks see it (CLOCK_CHECK_INSTRUCTIONS). */
  private clockForChecks(): number {
    const count = this.retiredBeforeCurrent();
    if (count - this.clockReadAt >= CLOCK_CHECK_INSTRUCTIONS || count <= this.lastCheckAt) {
      this.clockChecked = this.host.mtime();
      this.clockReadAt = count;
    }
    this.lastCheckAt = count;
    return this.clockChecked;
  }

  /** Pending interrupts (mip) as the interrupt checks see them. */
  private pendingForChecks(): number {
    const csrs = this.csrs;
    return csrs.mipAt(csrs.stce ? this.clockForChecks() : 0);
  }

  /** Whether an interrupt is pending, enabled and allowed at the current privilege (one would be taken now). */
  interruptTakeable(): boolean {
    const csrs = this.csrs;
    const pending = this.pendingForChecks() & csrs.lo(CsrSlot.MIE);
    if (pending === 0) return false;
    const mideleg = csrs.lo(CsrSlot.MIDELEG);
    const mstatus = csrs.mstatus;
    const mEnabled = this.priv < Priv.M || (mstatus & Mstatus.MIE) !== 0;
    const sEnabled = this.priv < Priv.S || (this.priv === Priv.S && (mstatus & Mstatus.SIE) !== 0);
    return ((pending & ~mideleg) !== 0 && mEnabled) || ((pending & mideleg) !== 0 && sEnabled);
  }

  /** Takes the highest-priority pending and enabled interrupt, if any. */
  private checkInterrupts(): boolean {
    const csrs = this.csrs;
    const pending = this.pendingForChecks() & csrs.lo(CsrSlot.MIE);
    if (pending === 0) return false;
    this.waiting = false; // wfi wakes on any pending enabled interrupt, taken or not
    const mideleg = csrs.lo(CsrSlot.MIDELEG);
    const mstatus = csrs.mstatus;
    const mEnabled = this.priv < Priv.M || (mstatus & Mstatus.MIE) !== 0;
    const sEnabled = this.priv < Priv.S || (this.priv === Priv.S && (mstatus & Mstatus.SIE) !== 0);
    for (const irq of IRQ_PRIORITY) {
      const bit = 1 << irq;
      if ((pending & bit) === 0) continue;
      if ((mideleg & bit) === 0 ? mEnabled : sEnabled) {
        this.takeTrap(irq, true);
        return true;
      }
    }
    return false;
  }

  /** Enters the trap handler for `cause` at the current pc (priv spec 3.1.6.1, 4.1.1). */
  takeTrap(cause: number, interrupt: boolean): void {
    const csrs = this.csrs;
    const priv = this.priv;
    const tval = interrupt ? 0n : BigInt.asIntN(64, (BigInt(this.trapTvalHi) << 32n) | BigInt(this.trapTvalLo >>> 0));
    const causeValue = interrupt ? BigInt(cause) | (1n << 63n) : BigInt(cause);
    const delegated = priv <= Priv.S && ((interrupt ? csrs.lo(CsrSlot.MIDELEG) : csrs.lo(CsrSlot.MEDELEG)) >>> cause) & 1;
    const pc = this.pc;
    this.trapsTaken++;
    this.trapsWithoutProgress = this.retired === this.retiredAtLastTrap ? this.trapsWithoutProgress + 1 : 0;
    this.retiredAtLastTrap = this.retired;
    this.mmu.clearReservation();
    let mstatus = csrs.mstatus;
    let vector: bigint;
    if (delegated) {
      csrs.set(CsrSlot.SEPC, pc);
      csrs.set(CsrSlot.SCAUSE, causeValue);
      csrs.set(CsrSlot.STVAL, tval);
      mstatus = (mstatus & ~(Mstatus.SPP | Mstatus.SPIE | Mstatus.SIE))
        | (priv === Priv.S ? Mstatus.SPP : 0) | (mstatus & Mstatus.SIE ? Mstatus.SPIE : 0);
      vector = csrs.get(CsrSlot.STVEC);
    } else {
      csrs.set(CsrSlot.MEPC, pc);
      csrs.set(CsrSlot.MCAUSE, causeValue);
      csrs.set(CsrSlot.MTVAL, tval);
      mstatus = (mstatus & ~(Mstatus.MPP | Mstatus.MPIE | Mstatus.MIE))
        | (priv << Mstatus.MPP_SHIFT) | (mstatus & Mstatus.MIE ? Mstatus.MPIE : 0);
      vector = csrs.get(CsrSlot.MTVEC);
    }
    csrs.setMstatusLo(mstatus);
    const base = vector & ~3n;
    this.setPc(interrupt && (vector & 1n) ? base + BigInt(4 * cause) : base);
    this.setPriv(delegated ? Priv.S : Priv.M);
    this.waiting = false;
  }

  // ---- system instructions (called by the interpreter, pc = this instruction) -------------

  /**
   * Executes a SYSTEM-opcode instruction or fence.i at slot `s`. On return, pcLo/pcHi hold the
   * next pc; the interpreter ends its slice, since privilege, translation or interrupt state
   * may have changed.
   */
  system(op: Op, s: number, length: number): void {
    const code = this.code;
    switch (op) {
      case Op.ECALL:
        return this.raise(Cause.ECALL_U + this.priv, 0, 0);
      case Op.EBREAK:
        return this.raise(Cause.BREAKPOINT, this.pcLo, this.pcHi);
      case Op.MRET: {
        if (this.priv < Priv.M) return this.illegal(s);
        const m = this.csrs.mstatus;
        const mpp = ((m >> Mstatus.MPP_SHIFT) & 3) as Priv;
        let next = (m & ~(Mstatus.MIE | Mstatus.MPP)) | (m & Mstatus.MPIE ? Mstatus.MIE : 0) | Mstatus.MPIE;
        if (mpp !== Priv.M) next &= ~Mstatus.MPRV;
        this.csrs.setMstatusLo(next);
        this.setPc(this.csrs.get(CsrSlot.MEPC));
        this.setPriv(mpp);
        return;
      }
      case Op.SRET: {
        if (this.priv < Priv.S || (this.priv === Priv.S && (this.csrs.mstatus & Mstatus.TSR))) return this.illegal(s);
        const m = this.csrs.mstatus;
        const spp = m & Mstatus.SPP ? Priv.S : Priv.U;
        const next = ((m & ~(Mstatus.SIE | Mstatus.SPP | Mstatus.MPRV)) | (m & Mstatus.SPIE ? Mstatus.SIE : 0) | Mstatus.SPIE);
        this.csrs.setMstatusLo(next);
        this.setPc(this.csrs.get(CsrSlot.SEPC));
        this.setPriv(spp);
        return;
      }
      case Op.WFI:
        if (this.priv === Priv.U || (this.priv === Priv.S && (this.csrs.mstatus & Mstatus.TW))) return this.illegal(s);
        this.advancePc(length);
        if ((this.csrs.mip() & this.csrs.lo(CsrSlot.MIE)) === 0) this.waiting = true;
        return;
      case Op.SFENCE_VMA:
        if (this.priv === Priv.U || (this.priv === Priv.S && (this.csrs.mstatus & Mstatus.TVM))) return this.illegal(s);
        this.fence(code.op[s]);
        if (this.priv === Priv.M) this.firmwareFences++;
        this.advancePc(length);
        return;
      case Op.FENCE_I:
        code.invalidateAll();
        if (this.priv === Priv.M) this.firmwareFences++;
        this.advancePc(length);
        return;
      default:
        return this.csrInstruction(op, s, length);
    }
  }

  /**
   * sfence.vma rs1, rs2 (its OP word `c`): x0 for rs1 means every address, x0 for rs2 every
   * address space, global mappings included; a named ASID spares global mappings.
   */
  private fence(c: number): void {
    const rs1 = rs1Of(c), rs2 = rs2Of(c), x32 = this.state.x32;
    const asid = rs2 === 0 ? NO_ASID : x32[2 * rs2] & SATP_ASID_MASK;
    if (rs1 !== 0) this.store.fencePage(x32[2 * rs1], x32[2 * rs1 + 1], asid);
    else if (asid !== NO_ASID) this.store.fenceAsid(asid);
    else this.store.invalidateAll();
  }

  private csrInstruction(op: Op, s: number, length: number): void {
    const code = this.code;
    const addr = code.imm[s] & 0xfff;
    const rd = rdOf(code.op[s]);
    const src = rs1Of(code.op[s]);
    const immediate = op === Op.CSRRWI || op === Op.CSRRSI || op === Op.CSRRCI;
    const isWrite = op === Op.CSRRW || op === Op.CSRRWI;
    // csrrs/csrrc with x0 / uimm 0 do not write (and so may target read-only CSRs).
    const writes = isWrite || src !== 0;
    const csrs = this.csrs;
    const row = CSR_BY_NUMBER[addr];
    if (row === undefined || !csrAccessible(row, csrs, this.priv, writes)) return this.illegal(s);
    // csrrw with rd = x0 does not read (no read side effects), but the CSR must exist.
    const old = row.read(csrs);
    const operand = immediate ? BigInt(src) : BigInt.asUintN(64, this.state.x64[src]);
    if (writes) {
      const base = row.modifyBase === undefined ? old : row.modifyBase(csrs);
      const value = isWrite ? operand
        : op === Op.CSRRS || op === Op.CSRRSI ? base | operand : base & ~operand;
      // A write that enables or raises an interrupt asks for nothing here: the interpreter looks
      // for a takeable interrupt after every CSR write (interruptTakeable) and ends its slice only then.
      row.write(csrs, BigInt.asUintN(64, value));
    }
    this.state.x64[rd] = BigInt.asIntN(64, old);
    this.advancePc(length);
  }

  /** Raises illegal instruction for the instruction at slot `s` (mtval = its bits). */
  illegal(s: number): never {
    return this.raise(Cause.ILLEGAL_INSTRUCTION, this.instructionBits(s), 0);
  }

  /** The raw bits of the current instruction (16 bits for a compressed one). */
  instructionBits(s: number): number {
    if (s === SCRATCH_SLOT) return this.code.scratchBits;
    const view = this.bus.memory.view;
    const half = view.getUint16(this.codeHost + this.off, true);
    return (half & 3) !== 3 ? half : view.getInt32(this.codeHost + this.off, true);
  }

  /**
   * Decodes the instruction at slot `s` (byte `off` of the current code page). An instruction
   * that straddles into the next page is marked CROSS_PAGE: it is fetched afresh each time.
   */
  decodeAt(s: number, off: number): number {
    const view = this.bus.memory.view;
    if (this.breakpoints !== null && this.breakpoints.has(codeAddress(this.pageLo, this.pageHi, off))) {
      const length = (view.getUint16(this.codeHost + off, true) & 3) === 3 ? 4 : 2;
      return (this.code.op[s] = opWord(Op.BREAKPOINT, length));
    }
    const half = view.getUint16(this.codeHost + off, true);
    if ((half & 3) !== 3) return this.code.decode(s, half, 2);
    if (off === 4094) return (this.code.op[s] = opWord(Op.CROSS_PAGE, 4));
    return this.code.decode(s, view.getInt32(this.codeHost + off, true), 4);
  }

  /**
   * Fetches a page-straddling instruction at the end of the current page: translates the next
   * page (a fault there reports the next page's address) and decodes into the scratch slot.
   */
  fetchStraddling(): number {
    const low = this.bus.memory.view.getUint16(this.codeHost + 4094, true);
    let next = (this.pageLo >>> 0) + 4096;
    let hi = this.pageHi;
    if (next >= 4294967296) { next -= 4294967296; hi = (hi + 1) | 0; }
    const nextHost = this.mmu.fetchPage(next | 0, hi);
    const high = this.bus.memory.view.getUint16(nextHost, true);
    return this.code.decodeScratch((low | (high << 16)) | 0);
  }

  /**
   * The interpreter met a breakpoint marker at byte `off` of the current code page: returns -1
   * to stop there (debugStop), or the slot of the instruction under the marker, to run it:
   * the hart resumed at that pc and has not retired an instruction since (it steps off the
   * breakpoint, as gdb expects), or the page runs at a virtual address without the breakpoint.
   */
  breakpointAt(off: number): number {
    const va = codeAddress(this.pageLo, this.pageHi, off);
    const resumingHere = va === this.resumedAtPc && this.retiredBeforeCurrent() === this.resumedAtRetired;
    if (this.breakpoints !== null && this.breakpoints.has(va) && !resumingHere) {
      this.debugStop = DebugStop.BREAKPOINT;
      this.yieldRequested = true;
      return -1;
    }
    const view = this.bus.memory.view;
    const half = view.getUint16(this.codeHost + off, true);
    if ((half & 3) !== 3) return this.code.decodeScratch(half, 2);
    if (off === 4094) return this.fetchStraddling();
    return this.code.decodeScratch(view.getInt32(this.codeHost + off, true), 4);
  }

  /** Whether the debugger has breakpoints on this hart. */
  get debugging(): boolean {
    return this.breakpoints !== null;
  }

  /** Whether the debugger has a breakpoint on the current virtual code page: translated code does not run there. */
  breakpointsOnPage(): boolean {
    return this.breakpoints !== null && this.breakpoints.onPage(this.pageLo, this.pageHi);
  }

  /**
   * Sets the debugger's breakpoints (virtual addresses; none: the hart runs as without a
   * debugger). Decoded and translated code is dropped when they change, so that markers go
   * where the breakpoints are; translated code runs only on pages without any (JitEngine.run).
   */
  setBreakpoints(addresses: readonly bigint[]): void {
    const now = this.breakpoints;
    if (now === null && addresses.length === 0) return;
    if (now !== null && addresses.length === now.size && addresses.every((a) => now.has(a))) return;
    this.breakpoints = addresses.length > 0 ? new HartBreakpoints(addresses) : null;
    this.code.invalidateAll();
    // (not only in doubt: a translation made with markers leaves their instructions to the interpreter)
    this.jit?.dropAll();
    this.code.setDebugging(this.breakpoints !== null);
  }

  /**
   * Sets the debugger's watchpoints (none: the hart runs as without a debugger). Every entry of the
   * store is dropped, so that stores to watched pages, and loads from pages read or access
   * watches watch, take the slow path, in the interpreter and in translated code alike (whose fast
   * path serves only what the store holds).
   */
  setWatches(watches: readonly HostWatch[]): void {
    if (this.watches === null && watches.length === 0) return;
    this.watches?.remove();
    this.watches = watches.length > 0 ? new HartWatches(watches, this.bus.memory.pageFlags) : null;
    this.store.invalidateAll();
  }

  /**
   * The MMU's slow path is about to make the current instruction load (`reading`) or store
   * `size` bytes at `hostOffset`, on a page the debugger watches (MmuHart.watchedAccess): a hit
   * stops the hart before the instruction, which has changed nothing yet; the first hit is the
   * one reported (an AMO reads before it writes). gdb steps over that instruction with its
   * watchpoints taken out; a client that lets the hart go on at it with them in does not stop
   * there again: the instruction a watchpoint stopped the hart at is let through when the hart
   * resumes there, before anything retired or trapped, unless it was held meanwhile while others
   * ran (parkedByDebugger).
   */
  watchedAccess(hostOffset: number, size: number, reading: boolean): void {
    const watch = this.watches?.hit(hostOffset, size, reading);
    if (watch === undefined) return;
    if (this.retiredBeforeCurrent() === this.passWatchRetired && this.trapsTaken === this.resumedAtTraps) return;
    this.debugStop = DebugStop.WATCHPOINT;
    this.watchedAddress = watchedByteAddress(watch, hostOffset);
    this.watchedKind = watch.kind;
    this.raise(0, 0, 0);
  }

  /** The hart is let go by a debugger: a breakpoint at its pc is passed over (see breakpointAt). */
  resumedByDebugger(): void {
    this.debugStop = DebugStop.NONE;
    this.resumedAtPc = this.pc;
    this.resumedAtRetired = this.retired;
    this.passWatchRetired = this.pc === this.watchStopPc && this.retired === this.watchStopRetired ? this.retired : DOUBLE_NONE;
    this.resumedAtTraps = this.trapsTaken;
  }

  /**
   * The debugger leaves the hart held while others run or step. gdb steps the hart it was told of
   * over its access so, and hears of one hart a stop (all-stop): this one, if it stopped at an
   * access too, must stop there again when it runs next, to be reported then.
   */
  parkedByDebugger(): void {
    this.watchStopPc = -1n;
    this.passWatchRetired = DOUBLE_NONE;
  }

  /**
   * A debugger's single step: one instruction retires, or the trap it raises is entered (the
   * pc is then the handler's first instruction); no interrupt is taken meanwhile.
   */
  debugStep(): void {
    this.resumedByDebugger();
    this.stepping = true;
    try {
      this.execute(1);
    } finally {
      this.stepping = false;
      // a watch hit by the step is the step's stop (its cause stays for the debugger)
      if (this.debugStop === DebugStop.BREAKPOINT) this.debugStop = DebugStop.NONE;
    }
  }

  private advancePc(length: number): void {
    this.setPc(this.pc + BigInt(length));
  }

  /**
   * The bits of the instruction at the pc without executing it (for --trace), or undefined if
   * fetching it would fault. May fill translation-store entries, as a fetch would.
   */
  peekInstruction(): number | undefined {
    const view = this.bus.memory.view;
    const lo = this.pcLo, hi = this.pcHi;
    try {
      const page = this.mmu.fetchPage(lo, hi);
      const half = view.getUint16(page + (lo & 4095), true);
      if ((half & 3) !== 3) return half;
      if ((lo & 4095) !== 4094) return view.getInt32(page + (lo & 4095), true) >>> 0;
      let next = ((lo & -4096) >>> 0) + 4096, nextHi = hi;
      if (next >= 4294967296) { next -= 4294967296; nextHi = (nextHi + 1) | 0; }
      const upper = view.getUint16(this.mmu.fetchPage(next | 0, nextHi), true);
      return (half | (upper << 16)) >>> 0;
    } catch (e) {
      if (e === TrapSignal.INSTANCE) return undefined;
      throw e;
    }
  }

  /** Statistics of this hart (for --stats). */
  statistics(): HartStatistics {
    const st = this.store.stats;
    return {
      hartId: this.hartId,
      instructions: this.retired,
      lookups: st[StoreStat.LOOKUPS] + this.fastHits,
      hits: st[StoreStat.HITS] + this.fastHits,
      negativeHits: st[StoreStat.NEGATIVE_HITS],
      walks: st[StoreStat.WALKS],
      invalidations: st[StoreStat.INVALIDATIONS],
      negativeFills: st[StoreStat.FILLS_NEGATIVE],
      contextSwitches: st[StoreStat.CONTEXT_SWITCHES],
      contextsResumed: st[StoreStat.CONTEXTS_RESUMED],
      retags: st[StoreStat.RETAGS],
      globalRetags: st[StoreStat.GLOBAL_RETAGS],
      asidFences: st[StoreStat.ASID_FENCES],
      pageFences: st[StoreStat.PAGE_FENCES],
      superpageScans: st[StoreStat.SUPERPAGE_SCANS],
      keyRecycles: st[StoreStat.KEY_RECYCLES],
      decodedPages: this.code.decodedPages,
      traps: this.trapsTaken,
      firmwareFences: this.firmwareFences,
      ...(this.jit ? { jit: { ...this.jit.stats } } : {}),
    };
  }
}

export interface HartStatistics {
  hartId: number;
  instructions: number;
  lookups: number;
  hits: number;
  negativeHits: number;
  walks: number;
  /** full invalidations of the store (every context) */
  invalidations: number;
  negativeFills: number;
  /** changes of translation context (privilege, satp, SUM, MXR, MPRV): each a change of key */
  contextSwitches: number;
  /** ... into a context whose entries were still alive */
  contextsResumed: number;
  /** misses served without a walk by an entry of another context of the same address space */
  retags: number;
  /** misses served without a walk by a global entry of another address space */
  globalRetags: number;
  /** sfence.vma with an ASID and no address, and with an address */
  asidFences: number;
  pageFences: number;
  /** address fences inside a cached superpage, which looked at every entry */
  superpageScans: number;
  /** times the store's context keys were used up and its tables emptied */
  keyRecycles: number;
  decodedPages: number;
  traps: number;
  firmwareFences: number;
  /** present when the hart translates hot code (--engine=jit) */
  jit?: JitStatistics;
}

