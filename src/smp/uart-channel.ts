// Console output from harts on threads of their own without a round trip per byte. A UART
// driver polls LSR and writes THR for every byte it sends; through the MMIO channel each of
// those is a wait for the device thread. Here the hart answers LSR from a status word the
// device thread keeps current, and posts THR bytes into a ring the device thread drains, in
// order, before it serves any other request: to the guest the bytes left at once, as they do
// on the calling thread. Every other UART register still goes through the MMIO channel.
//
// The ring has many producers (the harts) and one consumer (the device thread). Producers take
// a short spin lock around an append; one that finds it taken, or the ring full, uses the
// synchronous path instead, which the device thread serves after draining the ring, so the
// order of bytes is kept either way. The ring being full reads as a busy transmitter (LSR).

import type { MmioDevice } from '../bus/device.js';
import { UART_LSR, UART_THR, UartStatus, type Uart16550 } from '../devices/uart16550.js';

const enum Word { LOCK = 0, HEAD = 1, TAIL = 2, STATUS = 3, COUNT = 4 }
const RING_BYTES = 4096;
const RING_MASK = RING_BYTES - 1;
const HEADER_BYTES = Word.COUNT * 4;

export function uartChannelBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + RING_BYTES);
}

/** The hart's end: the UART as the hart's bus sees it. */
export class UartPort implements MmioDevice {
  readonly name = 'uart';
  private readonly words: Int32Array;
  private readonly ring: Uint8Array;
  private readonly forward: MmioDevice;
  private readonly ringDoorbell: () => void;
  /** bytes posted, and bytes that took the synchronous path because the ring was full or busy */
  posted = 0;
  forwarded = 0;

  /** `forward`: the UART through the MMIO channel; `ringDoorbell`: wakes the device thread. */
  constructor(buffer: SharedArrayBuffer, forward: MmioDevice, ringDoorbell: () => void) {
    this.words = new Int32Array(buffer, 0, Word.COUNT);
    this.ring = new Uint8Array(buffer, HEADER_BYTES, RING_BYTES);
    this.forward = forward;
    this.ringDoorbell = ringDoorbell;
  }

  read(offset: number, size: number): bigint | undefined {
    if (offset !== UART_LSR) return this.forward.read(offset, size);
    const w = this.words;
    let lsr = Atomics.load(w, Word.STATUS) & UartStatus.LSR_MASK;
    if (((Atomics.load(w, Word.HEAD) - Atomics.load(w, Word.TAIL)) | 0) >= RING_BYTES) lsr &= ~UartStatus.TRANSMITTER_EMPTY;
    return BigInt(lsr);
  }

  write(offset: number, size: number, value: bigint): boolean {
    if (offset === UART_THR && this.post(Number(value & 0xffn))) return true;
    if (offset === UART_THR) this.forwarded++;
    return this.forward.write(offset, size, value);
  }

  /** Appends a THR byte to the ring if the UART sends THR bytes straight out; false if it cannot. */
  private post(byte: number): boolean {
    const w = this.words;
    if ((Atomics.load(w, Word.STATUS) & UartStatus.POSTABLE) === 0) return false;
    if (Atomics.compareExchange(w, Word.LOCK, 0, 1) !== 0) return false;
    const head = w[Word.HEAD];
    if (((head - Atomics.load(w, Word.TAIL)) | 0) >= RING_BYTES) {
      Atomics.store(w, Word.LOCK, 0);
      return false;
    }
    this.ring[head & RING_MASK] = byte;
    Atomics.store(w, Word.HEAD, (head + 1) | 0);
    Atomics.store(w, Word.LOCK, 0);
    this.posted++;
    // The device thread had taken every byte before this one, so it may be going to sleep. If it
    // has not stored that tail yet, it reads this head after storing it and drains again.
    if (Atomics.load(w, Word.TAIL) === head) this.ringDoorbell();
    return true;
  }
}

/** The device thread's end: publishes the UART's status and sends the posted bytes. */
export class UartChannel {
  readonly buffer: SharedArrayBuffer;
  private readonly words: Int32Array;
  private readonly ring: Uint8Array;
  private readonly uart: Uart16550;

  constructor(uart: Uart16550, buffer = uartChannelBuffer()) {
    this.buffer = buffer;
    this.words = new Int32Array(buffer, 0, Word.COUNT);
    this.ring = new Uint8Array(buffer, HEADER_BYTES, RING_BYTES);
    this.uart = uart;
    uart.onStatusChange = () => this.publish();
    this.publish();
  }

  /** Sends every posted byte through the UART (before any other request of the harts). */
  drain(): void {
    const w = this.words;
    let tail = w[Word.TAIL];
    for (;;) {
      const head = Atomics.load(w, Word.HEAD);
      if (head === tail) return;
      while (tail !== head) {
        this.uart.transmitPosted(this.ring[tail & RING_MASK]);
        tail = (tail + 1) | 0; // the counters are int32 words that wrap
      }
      Atomics.store(w, Word.TAIL, tail);
    }
  }

  private publish(): void {
    Atomics.store(this.words, Word.STATUS, this.uart.channelStatus());
  }
}
