// Core-local interruptor (SiFive CLINT layout, as on QEMU's virt and spike boards): per-hart
// msip words at +0, mtimecmp at +0x4000, the shared mtime at +0xbff8. It drives MSIP and MTIP.
//
// Its registers live in a SharedArrayBuffer, so that with one thread per hart every hart has a
// Clint of its own over the same registers and reaches it without leaving its thread: an IPI is
// one Atomics.store into the target's msip plus a wake-up of that hart (onInputChanged).

import type { MmioDevice } from '../bus/device.js';
import { IrqBit } from '../arch/traps.js';
import { big, StateReader, type DeviceState, type SavesState } from './device-state.js';

const MTIMECMP = 0x4000;
const MTIME = 0xbff8;
/** Ticks the board clock, a double counting from zero, does not reach (centuries at the timebase). */
const UNREACHABLE_TICKS = 2 ** 53;

/** Bytes of the shared register buffer for `harts` harts. */
export function clintBufferBytes(harts: number): number {
  return 8 * (Math.ceil(harts / 2) + 2 * harts + 1);
}

export class Clint implements MmioDevice, SavesState {
  readonly name = 'clint';
  /** the registers, for another thread's Clint */
  readonly buffer: SharedArrayBuffer;
  private readonly msip: Int32Array;
  private readonly mtimecmp: BigInt64Array;
  /** mtimecmp as Numbers, for the per-slice compare (values past 2^53 just mean "never") */
  private readonly mtimecmpNumber: Float64Array;
  /** [0]: added to the clock when software writes mtime */
  private readonly timeOffset: Float64Array;
  private readonly clock: () => number;
  private readonly onInputChanged: (hartId: number) => void;

  /**
   * `clock`: the platform clock in timebase ticks; `shared`: the buffer of another Clint (the
   * same registers seen from another thread); `onInputChanged`: a hart's msip or mtimecmp was
   * written (a sleeping hart must look at its interrupts and timer again).
   */
  constructor(harts: number, clock: () => number, shared?: SharedArrayBuffer, onInputChanged: (hartId: number) => void = () => {}) {
    const words = Math.ceil(harts / 2);
    this.buffer = shared ?? new SharedArrayBuffer(clintBufferBytes(harts));
    if (this.buffer.byteLength !== clintBufferBytes(harts)) throw new Error('clint: shared buffer of the wrong size');
    this.msip = new Int32Array(this.buffer, 0, harts);
    this.mtimecmp = new BigInt64Array(this.buffer, 8 * words, harts);
    this.mtimecmpNumber = new Float64Array(this.buffer, 8 * (words + harts), harts);
    this.timeOffset = new Float64Array(this.buffer, 8 * (words + 2 * harts), 1);
    if (!shared) {
      this.mtimecmp.fill(-1n);
      this.mtimecmpNumber.fill(Infinity);
    }
    this.clock = clock;
    this.onInputChanged = onInputChanged;
  }

  mtime(): number {
    return Math.floor(this.clock() + this.timeOffset[0]);
  }

  /** MSIP/MTIP lines of a hart. */
  lines(hartId: number): number {
    // A timer compare the clock (a double) cannot reach, as firmware leaves it under Sstc, needs no reading of the clock.
    const compare = this.mtimecmpNumber[hartId];
    return (Atomics.load(this.msip, hartId) ? IrqBit.MSIP : 0) | (compare < UNREACHABLE_TICKS && this.mtime() >= compare ? IrqBit.MTIP : 0);
  }

  /** Ticks until hart `hartId`'s timer fires (Infinity if it is not armed). */
  ticksUntilTimer(hartId: number): number {
    return this.mtimecmpNumber[hartId] - this.mtime();
  }

  /** msip, mtimecmp and the time: a snapshot's clock goes on from mtime as it was saved. */
  saveState(): DeviceState {
    return {
      msip: Array.from(this.msip),
      mtimecmp: Array.from(this.mtimecmp, (v) => big(v)),
      mtime: big(BigInt(this.mtime())),
    };
  }

  loadState(state: DeviceState): void {
    const r = new StateReader(this.name, state);
    const harts = this.msip.length;
    const msip = r.ints('msip', harts, 0, 1);
    const mtimecmp = r.bigs('mtimecmp', harts);
    const mtime = r.big('mtime');
    for (let hart = 0; hart < harts; hart++) {
      Atomics.store(this.msip, hart, msip[hart]);
      this.mtimecmp[hart] = BigInt.asIntN(64, mtimecmp[hart]);
      this.mtimecmpNumber[hart] = Number(mtimecmp[hart]);
    }
    this.timeOffset[0] = Number(mtime) - this.clock();
    for (let hart = 0; hart < harts; hart++) this.onInputChanged(hart);
  }

  read(offset: number, size: number): bigint | undefined {
    if (offset < MTIMECMP) {
      const hart = offset >> 2;
      return size === 4 && hart < this.msip.length ? BigInt(Atomics.load(this.msip, hart)) : undefined;
    }
    if (offset >= MTIMECMP && offset < MTIMECMP + 8 * this.mtimecmp.length) {
      return slice(BigInt.asUintN(64, this.mtimecmp[(offset - MTIMECMP) >> 3]), offset & 7, size);
    }
    if (offset >= MTIME && offset < MTIME + 8) return slice(BigInt(this.mtime()), offset & 7, size);
    return undefined;
  }

  write(offset: number, size: number, value: bigint): boolean {
    if (offset < MTIMECMP) {
      const hart = offset >> 2;
      if (size !== 4 || hart >= this.msip.length) return false;
      Atomics.store(this.msip, hart, Number(value & 1n));
      this.onInputChanged(hart);
      return true;
    }
    if (offset >= MTIMECMP && offset < MTIMECMP + 8 * this.mtimecmp.length) {
      if (size !== 4 && size !== 8) return false;
      const hart = (offset - MTIMECMP) >> 3;
      const merged = merge(BigInt.asUintN(64, this.mtimecmp[hart]), offset & 7, size, value);
      this.mtimecmp[hart] = BigInt.asIntN(64, merged);
      this.mtimecmpNumber[hart] = Number(merged);
      this.onInputChanged(hart);
      return true;
    }
    if (offset >= MTIME && offset < MTIME + 8) {
      if (size !== 4 && size !== 8) return false;
      const merged = merge(BigInt(this.mtime()), offset & 7, size, value);
      this.timeOffset[0] += Number(merged) - this.mtime();
      for (let hart = 0; hart < this.msip.length; hart++) this.onInputChanged(hart);
      return true;
    }
    return false;
  }
}

/** The `size` bytes at byte `at` of a 64-bit register. */
function slice(register: bigint, at: number, size: number): bigint | undefined {
  if (size !== 4 && size !== 8) return undefined;
  return BigInt.asUintN(size * 8, register >> BigInt(at * 8));
}

function merge(register: bigint, at: number, size: number, value: bigint): bigint {
  const shift = BigInt(at * 8);
  const mask = ((1n << BigInt(size * 8)) - 1n) << shift;
  return BigInt.asUintN(64, (register & ~mask) | ((value << shift) & mask));
}
