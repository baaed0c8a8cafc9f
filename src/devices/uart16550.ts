// An ns16550a UART, as on QEMU virt: eight 8-bit registers at consecutive bytes (reg-shift 0).
// Every byte written to THR goes straight to the output sink. While the host keeps up, the
// transmitter is empty again at once (LSR.THRE and LSR.TEMT set); while the host's output is
// behind (setTransmitterBusy), the transmitter shows busy, as on a line slower than its
// writer, so that a driver waits before it writes more. Input comes from the host through
// pushInput() into a queue the guest reads through RBR.
//
// Interrupt rules, after the 16550 datasheets' interrupt control table:
//   - received data available: while IER.ERBFI and the receiver holds a byte; reading RBR
//     until it is empty clears it.
//   - THR empty: raised when the holding register becomes empty (after each THR write while
//     the host keeps up, else when the host has drained) and when IER.ETBEI is switched on
//     while it is empty; cleared by reading IIR while it is the source IIR reports, or by
//     writing THR. Linux's 8250 driver checks at startup that
//     enabling ETBEI raises it again after an IIR read cleared it, and otherwise falls back to
//     polling with a timer.
//   - modem status: while IER.EDSSI and a delta bit of MSR is set; reading MSR clears it.
// Receiver line status errors never happen (nothing is lost or garbled on this wire).

import type { MmioDevice } from '../bus/device.js';
import type { InterruptSink } from './interrupt-line.js';
import { StateReader, type DeviceState, type SavesState } from './device-state.js';

/** the input clock the device tree advertises (the classic 1.8432 MHz x 2) */
export const UART_CLOCK_HZ = 3686400;

/** Host-side input queue: larger than the 16-byte hardware FIFO so pasted text is not dropped. */
const INPUT_CAPACITY = 4096;
/** What "clear the receive FIFO" discards: the hardware FIFO, not the host's backlog behind it. */
const HARDWARE_FIFO = 16;

/** the registers a hart on another thread serves itself (smp/uart-channel.ts) */
export const UART_THR = 0;
export const UART_LSR = 5;

/** What channelStatus() packs into one word: LSR as it reads now, and whether THR goes straight out. */
export const enum UartStatus { LSR_MASK = 0xff, TRANSMITTER_EMPTY = 0x60, POSTABLE = 0x100 }

const enum Reg { RBR_THR_DLL = 0, IER_DLM = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 }
const enum Ier { ERBFI = 1, ETBEI = 2, ELSI = 4, EDSSI = 8, MASK = 0x0f }
const enum Iid { MODEM_STATUS = 0x0, NONE = 0x1, THR_EMPTY = 0x2, RX_DATA = 0x4, LINE_STATUS = 0x6 }
const IIR_FIFOS_ENABLED = 0xc0;
const enum Fcr { ENABLE = 1, CLEAR_RX = 2 }
const LCR_DLAB = 0x80;
const enum Mcr { DTR = 1, RTS = 2, OUT1 = 4, OUT2 = 8, LOOP = 0x10, MASK = 0x1f }
const enum Lsr { DR = 0x01, BI = 0x10, THRE = 0x20, TEMT = 0x40 }
/** In the receive FIFO: a break, which reads as a NUL character with LSR.BI set while it is first. */
const BREAK = 0x100;
const enum Msr { DCTS = 0x01, DDSR = 0x02, TERI = 0x04, DDCD = 0x08, DELTAS = 0x0f, CTS = 0x10, DSR = 0x20, RI = 0x40, DCD = 0x80 }
/** With no loopback, the far end is a terminal that is always there and ready. */
const MSR_CONNECTED = Msr.CTS | Msr.DSR | Msr.DCD;

export class Uart16550 implements MmioDevice, SavesState {
  readonly name = 'uart';
  private readonly output: (byte: number) => void;
  private readonly interrupts: InterruptSink;
  private readonly irq: number;

  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private scr = 0;
  private dll = 0;
  private dlm = 0;
  private fifosEnabled = false;
  /** MSR delta bits since the last MSR read */
  private msrDeltas = 0;
  /** the THR-empty interrupt condition, before IER gating */
  private thrEmptyEvent = false;
  /** the host's output is behind: the transmitter is not empty (see setTransmitterBusy) */
  private transmitterBusy = false;
  private irqHigh = false;

  /** Called after anything that may change channelStatus(). */
  onStatusChange: (() => void) | undefined;

  private readonly input = new Uint16Array(INPUT_CAPACITY);
  private inputHead = 0;
  private inputCount = 0;

  constructor(output: (byte: number) => void, interrupts: InterruptSink, irq: number) {
    this.output = output;
    this.interrupts = interrupts;
    this.irq = irq;
  }

  // ---- host side ---------------------------------------------------------------------------

  /** Queues bytes typed on the host; returns how many fit (the rest is for the host to retry). */
  pushInput(bytes: Uint8Array): number {
    const accepted = Math.min(bytes.length, INPUT_CAPACITY - this.inputCount);
    for (let i = 0; i < accepted; i++) this.enqueue(bytes[i]);
    if (accepted > 0) this.updateInterrupt();
    this.onStatusChange?.();
    return accepted;
  }

  /** A break on the line (QEMU's Ctrl-A B; Linux takes it for SysRq); false when the FIFO is full. */
  sendBreak(): boolean {
    if (this.inputCount >= INPUT_CAPACITY) return false;
    this.enqueue(BREAK);
    this.updateInterrupt();
    this.onStatusChange?.();
    return true;
  }

  hasRoomForInput(): boolean {
    return this.inputCount < INPUT_CAPACITY;
  }

  /**
   * The host's output is behind (busy) or has drained. While busy, LSR shows the transmitter
   * full; once free, the THR-empty interrupt is raised, which an interrupt-driven driver waits for.
   */
  setTransmitterBusy(busy: boolean): void {
    if (busy === this.transmitterBusy) return;
    this.transmitterBusy = busy;
    if (!busy) {
      this.thrEmptyEvent = true;
      this.updateInterrupt();
    }
    this.onStatusChange?.();
  }

  /**
   * Takes the bytes received that the guest has not read (a break as a break), emptying the
   * receiver: what the host typed while a state is loaded goes after the loaded bytes (requeue).
   */
  takeUnread(): number[] {
    const unread: number[] = [];
    for (let i = 0; i < this.inputCount; i++) unread.push(this.input[(this.inputHead + i) % INPUT_CAPACITY]);
    this.inputCount = 0;
    this.updateInterrupt();
    return unread;
  }

  /** Puts what takeUnread() took after the bytes the receiver holds (as many as fit). */
  requeue(unread: readonly number[]): void {
    for (const value of unread.slice(0, INPUT_CAPACITY - this.inputCount)) this.enqueue(value);
    this.updateInterrupt();
    this.onStatusChange?.();
  }

  /** The registers and the bytes received and not yet read; whether the host is behind stays the host's. */
  saveState(): DeviceState {
    const input: number[] = [];
    for (let i = 0; i < this.inputCount; i++) input.push(this.input[(this.inputHead + i) % INPUT_CAPACITY]);
    return {
      ier: this.ier, lcr: this.lcr, mcr: this.mcr, scr: this.scr, dll: this.dll, dlm: this.dlm, fifosEnabled: this.fifosEnabled,
      msrDeltas: this.msrDeltas, thrEmptyEvent: this.thrEmptyEvent, irqHigh: this.irqHigh, input,
    };
  }

  loadState(state: DeviceState): void {
    const r = new StateReader(this.name, state);
    const queued = state.input;
    const input = r.ints('input', Array.isArray(queued) ? Math.min(queued.length, INPUT_CAPACITY) : 0, 0, BREAK);
    this.ier = r.int('ier', 0, Ier.MASK);
    this.lcr = r.int('lcr', 0, 0xff);
    this.mcr = r.int('mcr', 0, Mcr.MASK);
    this.scr = r.int('scr', 0, 0xff);
    this.dll = r.int('dll', 0, 0xff);
    this.dlm = r.int('dlm', 0, 0xff);
    this.msrDeltas = r.int('msrDeltas', 0, Msr.DELTAS);
    this.fifosEnabled = r.bool('fifosEnabled');
    this.thrEmptyEvent = r.bool('thrEmptyEvent');
    // the line's level is the PLIC's to restore
    this.irqHigh = r.bool('irqHigh');
    this.inputHead = 0;
    this.inputCount = 0;
    for (const byte of input) this.enqueue(byte);
    this.onStatusChange?.();
  }

  private enqueue(byte: number): void {
    this.input[(this.inputHead + this.inputCount) % INPUT_CAPACITY] = byte;
    this.inputCount++;
  }

  private dequeue(): number {
    if (this.inputCount === 0) return 0;
    const byte = this.input[this.inputHead];
    this.inputHead = (this.inputHead + 1) % INPUT_CAPACITY;
    this.inputCount--;
    return byte & 0xff;
  }

  private discardInput(count: number): void {
    const n = Math.min(count, this.inputCount);
    this.inputHead = (this.inputHead + n) % INPUT_CAPACITY;
    this.inputCount -= n;
  }

  // ---- registers ---------------------------------------------------------------------------

  // The registers are bytes; a wider access is served as a byte access to its first register.
  read(offset: number, _size: number): bigint | undefined {
    const value = this.readRegister(offset);
    this.onStatusChange?.();
    return BigInt(value);
  }

  write(offset: number, _size: number, value: bigint): boolean {
    this.writeRegister(offset, Number(value & 0xffn));
    this.onStatusChange?.();
    return true;
  }

  /** A THR byte a hart posted while channelStatus() said POSTABLE: it leaves as a THR write would. */
  transmitPosted(byte: number): void {
    this.transmit(byte);
    this.onStatusChange?.();
  }

  /** LSR, and POSTABLE while a THR write only sends its byte out (no divisor latch, no loopback). */
  channelStatus(): number {
    const postable = (this.lcr & LCR_DLAB) === 0 && (this.mcr & Mcr.LOOP) === 0;
    return this.lineStatus() | (postable ? UartStatus.POSTABLE : 0);
  }

  private lineStatus(): number {
    return (this.transmitterBusy ? 0 : Lsr.THRE | Lsr.TEMT) | (this.inputCount > 0 ? Lsr.DR : 0) | (this.breakFirst() ? Lsr.BI : 0);
  }

  private readRegister(offset: number): number {
    const dlab = (this.lcr & LCR_DLAB) !== 0;
    switch (offset) {
      case Reg.RBR_THR_DLL: {
        if (dlab) return this.dll;
        const byte = this.dequeue();
        this.updateInterrupt();
        return byte;
      }
      case Reg.IER_DLM: return dlab ? this.dlm : this.ier;
      case Reg.IIR_FCR: {
        const id = this.pendingInterrupt();
        if (id === Iid.THR_EMPTY) {
          this.thrEmptyEvent = false;
          this.updateInterrupt();
        }
        return (this.fifosEnabled ? IIR_FIFOS_ENABLED : 0) | id;
      }
      case Reg.LCR: return this.lcr;
      case Reg.MCR: return this.mcr;
      case Reg.LSR: return this.lineStatus();
      case Reg.MSR: {
        const value = this.modemStatus() | this.msrDeltas;
        this.msrDeltas = 0;
        this.updateInterrupt();
        return value;
      }
      case Reg.SCR: return this.scr;
      default: return 0;
    }
  }

  private writeRegister(offset: number, value: number): void {
    const dlab = (this.lcr & LCR_DLAB) !== 0;
    switch (offset) {
      case Reg.RBR_THR_DLL:
        if (dlab) this.dll = value;
        else this.transmit(value);
        return;
      case Reg.IER_DLM: {
        if (dlab) {
          this.dlm = value;
          return;
        }
        const before = this.ier;
        this.ier = value & Ier.MASK;
        if ((this.ier & ~before & Ier.ETBEI) !== 0 && !this.transmitterBusy) this.thrEmptyEvent = true; // the holding register is empty
        this.updateInterrupt();
        return;
      }
      case Reg.IIR_FCR:
        this.fifoControl(value);
        return;
      case Reg.LCR:
        this.lcr = value;
        return;
      case Reg.MCR:
        this.modemControl(value & Mcr.MASK);
        return;
      case Reg.SCR:
        this.scr = value;
        return;
      default:
        return; // LSR and MSR are read-only
    }
  }

  private transmit(byte: number): void {
    if (this.mcr & Mcr.LOOP) {
      if (this.inputCount < INPUT_CAPACITY) this.enqueue(byte);
    } else {
      this.output(byte);
    }
    // Writing THR clears the THR-empty interrupt; the byte leaves at once, which raises it again,
    // unless the host is behind (then setTransmitterBusy raises it once the host has drained).
    this.thrEmptyEvent = !this.transmitterBusy;
    this.updateInterrupt();
  }

  private fifoControl(value: number): void {
    const enable = (value & Fcr.ENABLE) !== 0;
    // Switching the FIFOs on or off empties them, as does the receive-clear bit; the transmit
    // side holds nothing here (what the guest wrote has gone to the host).
    if (enable !== this.fifosEnabled || (value & Fcr.CLEAR_RX)) this.discardInput(HARDWARE_FIFO);
    this.fifosEnabled = enable;
    this.updateInterrupt();
  }

  private modemControl(value: number): void {
    const before = this.modemStatus();
    this.mcr = value;
    const after = this.modemStatus();
    const changed = before ^ after;
    if (changed & Msr.CTS) this.msrDeltas |= Msr.DCTS;
    if (changed & Msr.DSR) this.msrDeltas |= Msr.DDSR;
    if (before & ~after & Msr.RI) this.msrDeltas |= Msr.TERI; // trailing edge only
    if (changed & Msr.DCD) this.msrDeltas |= Msr.DDCD;
    this.updateInterrupt();
  }

  /** MSR's upper nibble: the far end, or in loopback the MCR outputs wired back in. */
  private modemStatus(): number {
    const mcr = this.mcr;
    if ((mcr & Mcr.LOOP) === 0) return MSR_CONNECTED;
    return (mcr & Mcr.RTS ? Msr.CTS : 0) | (mcr & Mcr.DTR ? Msr.DSR : 0)
      | (mcr & Mcr.OUT1 ? Msr.RI : 0) | (mcr & Mcr.OUT2 ? Msr.DCD : 0);
  }

  // ---- interrupt -------------------------------------------------------------------------------

  /** A break is first in the receive FIFO. */
  private breakFirst(): boolean {
    return this.inputCount > 0 && this.input[this.inputHead] === BREAK;
  }

  /** The interrupt IIR reports, highest priority first. */
  private pendingInterrupt(): number {
    const ier = this.ier;
    if ((ier & Ier.ELSI) !== 0 && this.breakFirst()) return Iid.LINE_STATUS;
    if ((ier & Ier.ERBFI) !== 0 && this.inputCount > 0) return Iid.RX_DATA;
    if ((ier & Ier.ETBEI) !== 0 && this.thrEmptyEvent) return Iid.THR_EMPTY;
    if ((ier & Ier.EDSSI) !== 0 && (this.msrDeltas & Msr.DELTAS) !== 0) return Iid.MODEM_STATUS;
    return Iid.NONE;
  }

  private updateInterrupt(): void {
    const high = this.pendingInterrupt() !== Iid.NONE;
    if (high === this.irqHigh) return;
    this.irqHigh = high;
    this.interrupts.setLevel(this.irq, high);
  }
}
