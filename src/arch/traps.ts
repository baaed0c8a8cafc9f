// Exception and interrupt causes (privileged spec 1.12, table 3.6).

export const enum Cause {
  FETCH_MISALIGNED = 0,
  FETCH_ACCESS_FAULT = 1,
  ILLEGAL_INSTRUCTION = 2,
  BREAKPOINT = 3,
  LOAD_MISALIGNED = 4,
  LOAD_ACCESS_FAULT = 5,
  STORE_MISALIGNED = 6,
  STORE_ACCESS_FAULT = 7,
  ECALL_U = 8,
  ECALL_S = 9,
  ECALL_M = 11,
  FETCH_PAGE_FAULT = 12,
  LOAD_PAGE_FAULT = 13,
  STORE_PAGE_FAULT = 15,
}

export const enum Irq {
  SSI = 1, MSI = 3, STI = 5, MTI = 7, SEI = 9, MEI = 11,
}

export const enum IrqBit {
  SSIP = 1 << 1, MSIP = 1 << 3, STIP = 1 << 5, MTIP = 1 << 7, SEIP = 1 << 9, MEIP = 1 << 11,
}

/** Order in which pending, enabled interrupts are taken. */
export const IRQ_PRIORITY: readonly number[] = [Irq.MEI, Irq.MSI, Irq.MTI, Irq.SEI, Irq.SSI, Irq.STI];

export const CAUSE_NAMES: Readonly<Record<number, string>> = {
  0: 'instruction address misaligned', 1: 'instruction access fault', 2: 'illegal instruction',
  3: 'breakpoint', 4: 'load address misaligned', 5: 'load access fault',
  6: 'store/AMO address misaligned', 7: 'store/AMO access fault', 8: 'environment call from U-mode',
  9: 'environment call from S-mode', 11: 'environment call from M-mode', 12: 'instruction page fault',
  13: 'load page fault', 15: 'store/AMO page fault',
};

/**
 * Thrown (one preallocated instance, no stack capture) when an instruction raises an
 * exception; the hart's run loop catches it and enters the trap handler. The details live in
 * the hart (pendingCause / pendingTval).
 */
export class TrapSignal {
  private constructor() {}
  static readonly INSTANCE = new TrapSignal();
}
