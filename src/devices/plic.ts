// Platform-level interrupt controller (RISC-V PLIC spec 1.0.0), laid out as on QEMU's virt
// board: two contexts per hart, context 2h = hart h in M-mode (drives MEIP), context 2h+1 =
// hart h in S-mode (drives SEIP). All sources are level-triggered.
//
// The hart polls lines() once per time slice, so the outputs are recomputed whenever PLIC state
// changes and lines() only reads the cached result.

import type { MmioDevice } from '../bus/device.js';
import { IrqBit } from '../arch/traps.js';
import type { InterruptSink } from './interrupt-line.js';
import { StateReader, type DeviceState, type SavesState } from './device-state.js';

/** Sources wired on QEMU virt (VIRT_IRQCHIP_NUM_SOURCES): ids 1..95, id 0 means "none". */
export const PLIC_SOURCES = 96;
/** Priority and threshold registers hold 3 bits, as on QEMU virt. */
export const PLIC_MAX_PRIORITY = 7;

const PENDING = 0x1000;
const ENABLE = 0x2000;
const ENABLE_STRIDE = 0x80;
const CONTEXT = 0x200000;
const CONTEXT_STRIDE = 0x1000;
const CLAIM_COMPLETE = 4;
/** Contexts the register map has room for, as on QEMU virt (0x600000 bytes: 512 harts). */
const MAX_CONTEXTS = 1024;

export interface PlicOptions {
  /** number of source ids including the reserved id 0 (default PLIC_SOURCES); at most 1024 */
  sources?: number;
  /** called after a hart's MEIP/SEIP output changed (for example to make it re-check interrupts) */
  onLinesChanged?: (hartId: number) => void;
}

export class Plic implements MmioDevice, InterruptSink, SavesState {
  readonly name = 'plic';
  readonly harts: number;
  readonly sources: number;
  private readonly words: number;
  private readonly contexts: number;
  /** bits of each 32-source word that name an existing source (id 0 does not exist) */
  private readonly validBits: Int32Array;
  private readonly priority: Uint8Array;
  /** the wire from each device, as last set */
  private readonly level: Uint8Array;
  /** IP bits of the PLIC core */
  private readonly pending: Int32Array;
  /** sources whose gateway forwarded a request that was claimed and not yet completed */
  private readonly inService: Int32Array;
  /** enable words, `words` per context */
  private readonly enable: Int32Array;
  private readonly threshold: Uint8Array;
  /** MEIP|SEIP per hart, the cached output */
  private readonly hartLines: Int32Array;
  private readonly onLinesChanged: ((hartId: number) => void) | undefined;

  constructor(harts: number, options: PlicOptions = {}) {
    const sources = options.sources ?? PLIC_SOURCES;
    if (!Number.isInteger(sources) || sources < 2 || sources > 1024) throw new RangeError(`PLIC sources ${sources} not in 2..1024`);
    if (!Number.isInteger(harts) || harts < 1 || 2 * harts > MAX_CONTEXTS) {
      throw new RangeError(`PLIC harts ${harts} does not fit its register map`);
    }
    this.harts = harts;
    this.sources = sources;
    this.words = Math.ceil(sources / 32);
    this.contexts = 2 * harts;
    this.validBits = new Int32Array(this.words);
    for (let id = 1; id < sources; id++) this.validBits[id >> 5] |= 1 << (id & 31);
    this.priority = new Uint8Array(sources);
    this.level = new Uint8Array(sources);
    this.pending = new Int32Array(this.words);
    this.inService = new Int32Array(this.words);
    this.enable = new Int32Array(this.contexts * this.words);
    this.threshold = new Uint8Array(this.contexts);
    this.hartLines = new Int32Array(harts);
    this.onLinesChanged = options.onLinesChanged;
  }

  /** MEIP/SEIP lines of a hart. */
  lines(hartId: number): number {
    return this.hartLines[hartId];
  }

  // ---- the gateways (spec "Interrupt Gateways") --------------------------------------------

  setLevel(irq: number, high: boolean): void {
    if (!Number.isInteger(irq) || irq < 1 || irq >= this.sources) throw new RangeError(`PLIC source ${irq} does not exist`);
    this.level[irq] = high ? 1 : 0;
    // A request stays pending even if the level drops before the claim: the gateway cannot
    // retract it, and the handler will find the device idle.
    if (high) this.forwardRequest(irq);
  }

  /** The gateway turns a high level into a request unless one is already pending or in service. */
  private forwardRequest(id: number): void {
    const w = id >> 5, bit = 1 << (id & 31);
    if ((this.pending[w] | this.inService[w]) & bit) return;
    this.pending[w] |= bit;
    this.updateOutputs();
  }

  // ---- claim and completion (spec "Interrupt Claim Process", "Interrupt Completion") -------

  /** The highest-priority pending source enabled for `context` (ties: lowest id), or 0. */
  private bestPending(context: number): number {
    const words = this.words, base = context * words;
    let best = 0, bestPriority = 0;
    for (let w = 0; w < words; w++) {
      let bits = this.pending[w] & this.enable[base + w];
      while (bits !== 0) {
        const low = bits & -bits;
        const id = (w << 5) | (31 - Math.clz32(low));
        // strictly greater: an equal priority keeps the lower id found first; priority 0 never wins
        if (this.priority[id] > bestPriority) {
          best = id;
          bestPriority = this.priority[id];
        }
        bits ^= low;
      }
    }
    return best;
  }

  /** The threshold does not affect a claim, only the notification (spec "Interrupt Claim Process"). */
  private claim(context: number): number {
    const id = this.bestPending(context);
    if (id === 0) return 0;
    const w = id >> 5, bit = 1 << (id & 31);
    this.pending[w] &= ~bit;
    this.inService[w] |= bit;
    this.updateOutputs();
    return id;
  }

  private complete(context: number, id: number): void {
    if (id <= 0 || id >= this.sources) return;
    const w = id >> 5, bit = 1 << (id & 31);
    // a completion for a source not enabled on this context is ignored (spec "Interrupt Completion")
    if ((this.enable[context * this.words + w] & bit) === 0) return;
    this.inService[w] &= ~bit;
    if (this.level[id]) this.forwardRequest(id);
  }

  // ---- outputs (spec "Interrupt Notifications") --------------------------------------------

  /** Whether some pending, enabled source has a priority above the context's threshold. */
  private notifies(context: number): boolean {
    const words = this.words, base = context * words, threshold = this.threshold[context];
    for (let w = 0; w < words; w++) {
      let bits = this.pending[w] & this.enable[base + w];
      while (bits !== 0) {
        const low = bits & -bits;
        if (this.priority[(w << 5) | (31 - Math.clz32(low))] > threshold) return true;
        bits ^= low;
      }
    }
    return false;
  }

  private updateOutputs(): void {
    for (let hart = 0; hart < this.harts; hart++) {
      const lines = (this.notifies(2 * hart) ? IrqBit.MEIP : 0) | (this.notifies(2 * hart + 1) ? IrqBit.SEIP : 0);
      if (lines === this.hartLines[hart]) continue;
      this.hartLines[hart] = lines;
      this.onLinesChanged?.(hart);
    }
  }

  // ---- a machine snapshot -----------------------------------------------------------------

  saveState(): DeviceState {
    return {
      priority: Array.from(this.priority), level: Array.from(this.level), pending: Array.from(this.pending),
      inService: Array.from(this.inService), enable: Array.from(this.enable), threshold: Array.from(this.threshold),
    };
  }

  loadState(state: DeviceState): void {
    const r = new StateReader(this.name, state);
    const word = [-(2 ** 31), 2 ** 31 - 1] as const;
    const priority = r.ints('priority', this.sources, 0, PLIC_MAX_PRIORITY);
    const level = r.ints('level', this.sources, 0, 1);
    const pending = r.ints('pending', this.words, ...word);
    const inService = r.ints('inService', this.words, ...word);
    const enable = r.ints('enable', this.contexts * this.words, ...word);
    const threshold = r.ints('threshold', this.contexts, 0, PLIC_MAX_PRIORITY);
    this.priority.set(priority);
    this.level.set(level);
    this.pending.set(pending.map((v, w) => v & this.validBits[w]));
    this.inService.set(inService.map((v, w) => v & this.validBits[w]));
    this.enable.set(enable.map((v, i) => v & this.validBits[i % this.words]));
    this.threshold.set(threshold);
    // every hart's lines told again: the harts being restored know nothing of the old ones
    this.hartLines.fill(-1);
    this.updateOutputs();
  }

  // ---- registers: all 32 bits wide (spec "Memory Map"); unimplemented ones read as zero -----

  read(offset: number, size: number): bigint | undefined {
    if (size !== 4 || (offset & 3) !== 0) return undefined;
    return BigInt(this.readWord(offset) >>> 0);
  }

  write(offset: number, size: number, value: bigint): boolean {
    if (size !== 4 || (offset & 3) !== 0) return false;
    this.writeWord(offset, Number(BigInt.asUintN(32, value)));
    return true;
  }

  private readWord(offset: number): number {
    if (offset < PENDING) {
      const id = offset >> 2;
      return id < this.sources ? this.priority[id] : 0;
    }
    if (offset < ENABLE) {
      const w = (offset - PENDING) >> 2;
      return w < this.words ? this.pending[w] : 0;
    }
    if (offset < CONTEXT) {
      const context = Math.floor((offset - ENABLE) / ENABLE_STRIDE), w = ((offset - ENABLE) % ENABLE_STRIDE) >> 2;
      return context < this.contexts && w < this.words ? this.enable[context * this.words + w] : 0;
    }
    const context = Math.floor((offset - CONTEXT) / CONTEXT_STRIDE), register = (offset - CONTEXT) % CONTEXT_STRIDE;
    if (context >= this.contexts) return 0;
    if (register === 0) return this.threshold[context];
    if (register === CLAIM_COMPLETE) return this.claim(context);
    return 0;
  }

  private writeWord(offset: number, value: number): void {
    if (offset < PENDING) {
      const id = offset >> 2;
      if (id === 0 || id >= this.sources) return;
      this.priority[id] = value & PLIC_MAX_PRIORITY;
      this.updateOutputs();
      return;
    }
    if (offset < ENABLE) return; // pending bits are read-only: a claim clears them
    if (offset < CONTEXT) {
      const context = Math.floor((offset - ENABLE) / ENABLE_STRIDE), w = ((offset - ENABLE) % ENABLE_STRIDE) >> 2;
      if (context >= this.contexts || w >= this.words) return;
      this.enable[context * this.words + w] = value & this.validBits[w];
      this.updateOutputs();
      return;
    }
    const context = Math.floor((offset - CONTEXT) / CONTEXT_STRIDE), register = (offset - CONTEXT) % CONTEXT_STRIDE;
    if (context >= this.contexts) return;
    if (register === 0) {
      this.threshold[context] = value & PLIC_MAX_PRIORITY;
      this.updateOutputs();
    } else if (register === CLAIM_COMPLETE) {
      this.complete(context, value);
    }
  }
}
