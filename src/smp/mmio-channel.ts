// How a hart on its own thread reaches the devices, which all live on the device thread: one
// request slot per hart in the board's signal buffer (board-signals.ts), used with Atomics.
//
// The hart fills its slot, marks it REQUEST, bumps the board's DOORBELL and sleeps on the slot;
// the device thread, woken by the doorbell, performs every pending request on the real device
// and marks the slot DONE. One access costs a round trip between threads (tens of
// microseconds), never a postMessage. Harts never wait for each other here, only for the
// device thread, which does nothing else that takes long.

import type { MmioDevice } from '../bus/device.js';
import { Board, HartWord, type BoardSignals } from './board-signals.js';

const enum Slot { STATE = 0, DEVICE = 1, OFFSET = 2, SIZE = 3, WRITE = 4, LO = 5, HI = 6, OK = 7 }
const enum State { FREE = 0, REQUEST = 1, DONE = 2 }

/** The hart's end: a stand-in MmioDevice per real device, for the hart's own bus. */
export class MmioPort {
  private readonly words: Int32Array;
  private readonly slot: number;
  private readonly signals: BoardSignals;
  private readonly hartId: number;
  /**
   * Milliseconds this hart spent waiting for the device thread. A double from the start: a field
   * that first held a small integer would change this object's shape when it took a fraction,
   * and throw away the compiled interpreter code that calls into the port.
   */
  private readonly waited = new Float64Array(1);
  requests = 0;

  constructor(signals: BoardSignals, hartId: number) {
    this.signals = signals;
    this.hartId = hartId;
    this.words = signals.words;
    this.slot = signals.at(hartId, HartWord.MMIO);
  }

  get waitMs(): number {
    return this.waited[0];
  }

  /** An MmioDevice that forwards to device `index` of the device thread's list. */
  device(index: number, name: string): MmioDevice {
    return {
      name,
      read: (offset, size) => {
        if (!this.call(index, offset, size, 0, 0n)) return undefined;
        const lo = BigInt(this.words[this.slot + Slot.LO] >>> 0), hi = BigInt(this.words[this.slot + Slot.HI] >>> 0);
        return (hi << 32n) | lo;
      },
      write: (offset, size, value) => this.call(index, offset, size, 1, value),
    };
  }

  private call(device: number, offset: number, size: number, write: number, value: bigint): boolean {
    const w = this.words, s = this.slot;
    w[s + Slot.DEVICE] = device;
    w[s + Slot.OFFSET] = offset;
    w[s + Slot.SIZE] = size;
    w[s + Slot.WRITE] = write;
    w[s + Slot.LO] = Number(BigInt.asIntN(32, value));
    w[s + Slot.HI] = Number(BigInt.asIntN(32, value >> 32n));
    Atomics.store(w, s + Slot.STATE, State.REQUEST);
    this.signals.ringDoorbell();
    this.requests++;
    const begin = performance.now();
    while (Atomics.load(w, s + Slot.STATE) === State.REQUEST) {
      // The timeout only guards against a device thread that has gone away.
      if (this.signals.stopRequested(this.hartId)) break;
      Atomics.wait(w, s + Slot.STATE, State.REQUEST, 100);
    }
    this.waited[0] += performance.now() - begin;
    const ok = Atomics.load(w, s + Slot.STATE) === State.DONE && w[s + Slot.OK] !== 0;
    Atomics.store(w, s + Slot.STATE, State.FREE);
    return ok;
  }
}

/** The device thread's end: performs the harts' pending requests on the real devices. */
export class MmioServer {
  private readonly signals: BoardSignals;
  private readonly devices: readonly MmioDevice[];
  private readonly drainPosted: () => void;
  served = 0;

  /** `drainPosted`: performs what harts posted without waiting (uart-channel.ts), before any request. */
  constructor(signals: BoardSignals, devices: readonly MmioDevice[], drainPosted: () => void = () => {}) {
    this.signals = signals;
    this.devices = devices;
    this.drainPosted = drainPosted;
  }

  /** The doorbell's value now: wait for it to change (after serve()) to learn of new requests. */
  doorbell(): number {
    return Atomics.load(this.signals.words, Board.DOORBELL);
  }

  /** Performs every pending request; returns how many there were. */
  serve(): number {
    const before = this.served;
    const w = this.signals.words;
    this.drainPosted();
    for (let h = 0; h < this.signals.harts; h++) {
      const s = this.signals.at(h, HartWord.MMIO);
      if (Atomics.load(w, s + Slot.STATE) !== State.REQUEST) continue;
      const device = this.devices[w[s + Slot.DEVICE]];
      const offset = w[s + Slot.OFFSET], size = w[s + Slot.SIZE];
      let ok = false;
      if (device) {
        if (w[s + Slot.WRITE]) {
          const value = (BigInt(w[s + Slot.HI] >>> 0) << 32n) | BigInt(w[s + Slot.LO] >>> 0);
          ok = device.write(offset, size, value);
        } else {
          const value = device.read(offset, size);
          if (value !== undefined) {
            w[s + Slot.LO] = Number(BigInt.asIntN(32, value));
            w[s + Slot.HI] = Number(BigInt.asIntN(32, value >> 32n));
            ok = true;
          }
        }
      }
      w[s + Slot.OK] = ok ? 1 : 0;
      Atomics.store(w, s + Slot.STATE, State.DONE);
      Atomics.notify(w, s + Slot.STATE);
      this.served++;
    }
    return this.served - before;
  }
}
