// Goldfish real-time clock (Android emulator lineage, as on QEMU virt): the wall-clock time in
// nanoseconds since the Unix epoch, read as two 32-bit halves, plus a one-shot alarm. Linux's
// rtc-goldfish driver relies on:
//   - reading TIME_LOW first: that read samples the clock and latches the upper half that a
//     following TIME_HIGH read returns, so the two halves belong together;
//   - setting the time by writing TIME_HIGH, then TIME_LOW (the TIME_LOW write takes effect);
//   - setting an alarm by writing ALARM_HIGH, then ALARM_LOW (the ALARM_LOW write arms it);
//     ALARM_STATUS reads 1 while it is armed, CLEAR_ALARM disarms it;
//   - IRQ_ENABLED gating the interrupt, and CLEAR_INTERRUPT (written by the handler) lowering it.
// An alarm that expires latches an interrupt request, which drives the line while IRQ_ENABLED
// is set, until CLEAR_INTERRUPT.
//
// Alarms are checked on every register access and in poll(): the host calls poll()
// periodically (nsUntilAlarm() says when it next matters), since nothing else would notice an
// alarm expiring while the guest is not touching the device.

import type { MmioDevice } from '../bus/device.js';
import type { InterruptSink } from './interrupt-line.js';
import { big, StateReader, type DeviceState, type SavesState } from './device-state.js';

const enum Reg {
  TIME_LOW = 0x00, TIME_HIGH = 0x04, ALARM_LOW = 0x08, ALARM_HIGH = 0x0c,
  IRQ_ENABLED = 0x10, CLEAR_ALARM = 0x14, ALARM_STATUS = 0x18, CLEAR_INTERRUPT = 0x1c,
}

export class GoldfishRtc implements MmioDevice, SavesState {
  readonly name = 'goldfish-rtc';
  private readonly nowNs: () => bigint;
  private readonly interrupts: InterruptSink;
  private readonly irq: number;

  /** guest time minus host time, after the guest set the clock */
  private offsetNs = 0n;
  /** upper half sampled by the last TIME_LOW read */
  private timeHighLatch = 0n;
  /** upper half written to TIME_HIGH, used by the next TIME_LOW write */
  private timeHighStaged = 0n;
  private alarmNs = 0n;
  private alarmArmed = false;
  private irqEnabled = false;
  private irqRequested = false;
  private irqHigh = false;

  /** `nowNs` is the host's wall clock in nanoseconds since the Unix epoch; `irq` the line it drives. */
  constructor(nowNs: () => bigint, interrupts: InterruptSink, irq: number) {
    this.nowNs = nowNs;
    this.interrupts = interrupts;
    this.irq = irq;
  }

  /** The time the guest sees, in nanoseconds since the epoch. */
  guestTimeNs(): bigint {
    return BigInt.asUintN(64, this.nowNs() + this.offsetNs);
  }

  /**
   * The guest's offset from the host's clock is kept, not the time: a restored machine's RTC
   * reads the host's time now (plus what the guest set), as a real RTC that ran on while the
   * machine was off (QEMU's -rtc clock=host does the same).
   */
  saveState(): DeviceState {
    return {
      offsetNs: big(this.offsetNs), timeHighLatch: big(this.timeHighLatch), timeHighStaged: big(this.timeHighStaged),
      alarmNs: big(this.alarmNs), alarmArmed: this.alarmArmed, irqEnabled: this.irqEnabled, irqRequested: this.irqRequested, irqHigh: this.irqHigh,
    };
  }

  loadState(state: DeviceState): void {
    const r = new StateReader(this.name, state);
    this.offsetNs = BigInt.asIntN(64, r.big('offsetNs'));
    this.timeHighLatch = r.big('timeHighLatch');
    this.timeHighStaged = r.big('timeHighStaged');
    this.alarmNs = r.big('alarmNs');
    this.alarmArmed = r.bool('alarmArmed');
    this.irqEnabled = r.bool('irqEnabled');
    this.irqRequested = r.bool('irqRequested');
    // the line's level is the PLIC's to restore
    this.irqHigh = r.bool('irqHigh');
  }

  /** Fires an expired alarm. */
  poll(): void {
    if (this.alarmArmed && this.guestTimeNs() >= this.alarmNs) {
      this.alarmArmed = false;
      this.irqRequested = true;
      this.updateInterrupt();
    }
  }

  /** Nanoseconds until the armed alarm expires (0 if it already has), or undefined if none is armed. */
  nsUntilAlarm(): bigint | undefined {
    if (!this.alarmArmed) return undefined;
    const left = this.alarmNs - this.guestTimeNs();
    return left > 0n ? left : 0n;
  }

  read(offset: number, size: number): bigint | undefined {
    if (size !== 4 || (offset & 3) !== 0) return undefined;
    this.poll();
    switch (offset) {
      case Reg.TIME_LOW: {
        const now = this.guestTimeNs();
        this.timeHighLatch = now >> 32n;
        return now & 0xffffffffn;
      }
      case Reg.TIME_HIGH: return this.timeHighLatch;
      case Reg.ALARM_LOW: return this.alarmNs & 0xffffffffn;
      case Reg.ALARM_HIGH: return this.alarmNs >> 32n;
      case Reg.IRQ_ENABLED: return this.irqEnabled ? 1n : 0n;
      case Reg.ALARM_STATUS: return this.alarmArmed ? 1n : 0n;
      default: return 0n;
    }
  }

  write(offset: number, size: number, value: bigint): boolean {
    if (size !== 4 || (offset & 3) !== 0) return false;
    const word = BigInt.asUintN(32, value);
    switch (offset) {
      case Reg.TIME_LOW:
        this.offsetNs = ((this.timeHighStaged << 32n) | word) - this.nowNs();
        break;
      case Reg.TIME_HIGH:
        this.timeHighStaged = word;
        break;
      case Reg.ALARM_LOW:
        this.alarmNs = (this.alarmNs & ~0xffffffffn) | word;
        this.alarmArmed = true;
        break;
      case Reg.ALARM_HIGH:
        this.alarmNs = (word << 32n) | (this.alarmNs & 0xffffffffn);
        break;
      case Reg.IRQ_ENABLED:
        this.irqEnabled = (word & 1n) !== 0n;
        break;
      case Reg.CLEAR_ALARM:
        this.alarmArmed = false;
        break;
      case Reg.CLEAR_INTERRUPT:
        this.irqRequested = false;
        break;
      default:
        return true;
    }
    this.poll(); // an alarm set in the past, or a clock set past the alarm, fires now
    this.updateInterrupt();
    return true;
  }

  private updateInterrupt(): void {
    const high = this.irqRequested && this.irqEnabled;
    if (high === this.irqHigh) return;
    this.irqHigh = high;
    this.interrupts.setLevel(this.irq, high);
  }
}
