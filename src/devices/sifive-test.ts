// SiFive test finisher (as on QEMU virt): the guest powers the board off, fails a test run or
// resets the board by writing one 32-bit word at offset 0. The low 16 bits say what to do and
// the high 16 bits carry the exit code. Linux reaches it through the syscon-poweroff
// (0x5555) and syscon-reboot (0x7777) nodes, OpenSBI through its own sifive,test driver.

import type { MmioDevice } from '../bus/device.js';
import type { DeviceState, SavesState } from './device-state.js';

export const enum FinisherCommand { FAIL = 0x3333, PASS = 0x5555, RESET = 0x7777 }

export type FinisherEvent = 'poweroff' | 'reset' | 'fail';

export class SifiveTest implements MmioDevice, SavesState {
  readonly name = 'sifive-test';
  private readonly onEvent: (event: FinisherEvent, code: number) => void;

  constructor(onEvent: (event: FinisherEvent, code: number) => void) {
    this.onEvent = onEvent;
  }

  read(_offset: number, _size: number): bigint | undefined {
    return 0n;
  }

  /** It holds nothing: each write acts at once. */
  saveState(): DeviceState {
    return {};
  }

  loadState(): void {}

  /** Only offset 0 does anything; other writes, and unknown commands, are ignored. */
  write(offset: number, _size: number, value: bigint): boolean {
    if (offset !== 0) return true;
    const word = Number(BigInt.asUintN(32, value));
    const command = word & 0xffff, code = word >>> 16;
    switch (command) {
      case FinisherCommand.PASS: this.onEvent('poweroff', code); break;
      case FinisherCommand.FAIL: this.onEvent('fail', code); break;
      case FinisherCommand.RESET: this.onEvent('reset', code); break;
    }
    return true;
  }
}
