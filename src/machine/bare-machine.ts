// The machine of `hartvm run`: one hart, RAM and a CLINT where the virt board has them
// (virt-layout.ts; Spike and QEMU's spike board put them there too), and HTIF through the
// program's tohost/fromhost symbols. It runs bare-metal test programs; the Linux-capable
// board is the virt machine.

import { Bus } from '../bus/bus.js';
import { GuestMemory } from '../bus/guest-memory.js';
import { Hart } from '../cpu/hart.js';
import type { EngineName } from '../arch/engine.js';
import type { TranslationListener } from '../jit/jit-engine.js';
import type { HartHost } from '../cpu/hart-host.js';
import { Clint } from '../devices/clint.js';
import { Htif, isHtifWordInMemory } from '../devices/htif.js';
import { checkSegmentsFit, ElfError, type ElfImage } from '../loader/elf.js';
import type { FlushPolicy } from '../arch/flush-policy.js';
import { VIRT_MEMMAP, VIRT_RAM_BASE } from './virt-layout.js';

export const RAM_BASE = VIRT_RAM_BASE;

export interface BareMachineOptions {
  ramSize: number;
  policy: FlushPolicy;
  /** the platform clock in timebase ticks (10 MHz) */
  clock: () => number;
  /** console output (HTIF) */
  output: (bytes: Uint8Array) => void;
  /** how the hart runs instructions (default: the interpreter) */
  engine?: EngineName;
  /** told each translation the JIT makes */
  onTranslate?: TranslationListener;
}

export class BareMachine {
  readonly memory: GuestMemory;
  readonly bus: Bus;
  readonly clint: Clint;
  readonly hart: Hart;
  htif: Htif | undefined;

  constructor(options: BareMachineOptions) {
    this.memory = new GuestMemory([{ name: 'ram', base: RAM_BASE, size: options.ramSize, writable: true }]);
    this.bus = new Bus(this.memory);
    this.clint = new Clint(1, options.clock);
    this.bus.addDevice(VIRT_MEMMAP.clint.base, VIRT_MEMMAP.clint.size, this.clint);
    const host: HartHost = {
      mtime: () => this.clint.mtime(),
      interruptLines: (hartId) => this.clint.lines(hartId),
      watchedWrite: (_hartId, hostOffset, size) => this.htif?.watchedWrite(hostOffset, size) ?? false,
    };
    this.hart = new Hart(this.bus, host, { hartId: 0, policy: options.policy, engine: options.engine, onTranslate: options.onTranslate });
    this.output = options.output;
  }

  private readonly output: (bytes: Uint8Array) => void;

  /**
   * Loads an ELF program and points the hart at its entry. Throws ElfError if its segments, or
   * its tohost and fromhost words, are not inside RAM.
   */
  loadProgram(image: ElfImage): void {
    const ramSize = BigInt(this.memory.regions[0].size);
    checkSegmentsFit(image, RAM_BASE, ramSize);
    const tohost = image.symbols.get('tohost');
    const fromhost = image.symbols.get('fromhost');
    for (const [name, address] of [['tohost', tohost], ['fromhost', fromhost]] as const) {
      if (tohost !== undefined && address !== undefined && !isHtifWordInMemory(this.memory, address)) {
        throw new ElfError(`the '${name}' word at 0x${address.toString(16)} is outside RAM 0x${RAM_BASE.toString(16)}-0x${(RAM_BASE + ramSize - 1n).toString(16)}`);
      }
    }
    for (const segment of image.segments) {
      if (segment.memSize === 0n) continue;
      this.memory.load(segment.paddr, segment.data);
      // the rest up to memSize is already zero: RAM starts zeroed
    }
    if (tohost !== undefined) this.htif = new Htif(this.memory, tohost, fromhost, this.output);
    this.hart.reset(image.entry, 0n, 0n);
  }
}
