// Host-target interface (the convention of Spike and QEMU's spike board): the guest writes a
// command to the 64-bit `tohost` word and the host answers in `fromhost`.
//   device 0, command 0, payload odd : exit with status payload >> 1
//   device 0, command 0, payload even: syscall proxy, payload = address of [num, a0, a1, a2, ...]
//                                      (write(64) and exit(93) are served)
//   device 1, command 1              : write the low byte to the console
// The tohost page is "watched": stores to it take the slow path and land here.
//
// Everything the guest names is checked like DMA: tohost and fromhost must lie in RAM (at any
// alignment), a write's buffer outside RAM gets EFAULT, and a syscall block outside RAM, where
// not even the result can be written, ends the run with `fault` saying so.

import type { GuestMemory, MemoryRegion } from '../bus/guest-memory.js';
import { PageFlag } from '../bus/guest-memory.js';

const SYS_WRITE = 64n;
const SYS_EXIT = 93n;
const EFAULT = -14n;
const ENOSYS = -38n;
const WORD = 8;

/** An 8-byte word in guest memory at any alignment, read and written as the guest's stores leave it. */
class GuestWord {
  private readonly memory: GuestMemory;
  private readonly region: MemoryRegion;
  private readonly address: number;

  constructor(memory: GuestMemory, region: MemoryRegion, address: number) {
    this.memory = memory;
    this.region = region;
    this.address = address;
  }

  read(): bigint {
    return new DataView(this.memory.read(this.region, this.address, WORD).buffer).getBigUint64(0, true);
  }

  write(value: bigint): void {
    const bytes = new Uint8Array(WORD);
    new DataView(bytes.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
    this.memory.load(BigInt(this.address), bytes);
  }

  /** Calls `run` for each piece of the word in host memory (two if it straddles pages the VMM keeps apart). */
  forEachRun(run: (hostOffset: number, length: number) => void): void {
    this.memory.forEachRun(this.region, this.address, WORD, run);
  }
}

/** The region that holds all of [address, address + length), if one does. */
function regionHolding(memory: GuestMemory, address: bigint, length: bigint): MemoryRegion | undefined {
  const region = memory.regionAt(address);
  return region && address + length <= region.base + BigInt(region.size) ? region : undefined;
}

/** Whether the 8-byte word at `address` lies wholly in guest memory, as tohost and fromhost must. */
export function isHtifWordInMemory(memory: GuestMemory, address: bigint): boolean {
  return regionHolding(memory, address, BigInt(WORD)) !== undefined;
}

export class Htif {
  private readonly memory: GuestMemory;
  private readonly tohost: GuestWord;
  private readonly fromhost: GuestWord | undefined;
  /** the host ranges of the tohost word, to recognise stores to it */
  private readonly tohostRuns: { hostOffset: number; length: number }[] = [];
  private readonly output: (bytes: Uint8Array) => void;
  /** Set when the guest asked to exit. */
  exitCode: number | undefined;
  /** Set when the guest broke the protocol so that the run cannot go on: why, in one line. */
  fault: string | undefined;

  /** `tohostPa`/`fromhostPa` must each name 8 bytes of guest memory (isHtifWordInMemory). */
  constructor(memory: GuestMemory, tohostPa: bigint, fromhostPa: bigint | undefined, output: (bytes: Uint8Array) => void) {
    const tohost = wordAt(memory, tohostPa);
    const fromhost = fromhostPa === undefined ? undefined : wordAt(memory, fromhostPa);
    if (!tohost || (fromhostPa !== undefined && !fromhost)) throw new RangeError('tohost and fromhost must lie in guest memory');
    this.memory = memory;
    this.tohost = tohost;
    this.fromhost = fromhost;
    this.output = output;
    this.tohost.forEachRun((hostOffset, length) => {
      this.tohostRuns.push({ hostOffset, length });
      memory.pageFlags[hostOffset >>> 12] |= PageFlag.WATCHED;
    });
  }

  /** A store reached a watched page; returns true when the run must stop (exit or fault). */
  watchedWrite(hostOffset: number, size: number): boolean {
    if (!this.tohostRuns.some((r) => hostOffset < r.hostOffset + r.length && r.hostOffset < hostOffset + size)) return false;
    const command = this.tohost.read();
    if (command === 0n) return false;
    const device = Number(command >> 56n), cmd = Number((command >> 48n) & 0xffn);
    const payload = command & ((1n << 48n) - 1n);
    this.tohost.write(0n);
    if (device === 0 && cmd === 0) {
      if (payload & 1n) {
        this.exitCode = Number(payload >> 1n);
        return true;
      }
      return this.syscall(payload);
    }
    if (device === 1 && cmd === 1) {
      this.output(new Uint8Array([Number(payload & 0xffn)]));
      this.respond((1n << 56n) | (1n << 48n));
    }
    return false;
  }

  private respond(value: bigint): void {
    this.fromhost?.write(value);
  }

  /** Serves the syscall whose block of 64-bit words is at `block`; true when the run must stop. */
  private syscall(block: bigint): boolean {
    const arg = (i: number): bigint | undefined => wordAt(this.memory, block + BigInt(WORD * i))?.read();
    const num = arg(0);
    const faulted = (): boolean => {
      this.fault = `the HTIF syscall block at 0x${block.toString(16)} is not inside RAM`;
      return true;
    };
    if (num === undefined) return faulted();
    if (num === SYS_EXIT) {
      const status = arg(1);
      if (status === undefined) return faulted();
      this.exitCode = Number(status & 0xffn);
      return true;
    }
    let result = ENOSYS;
    if (num === SYS_WRITE) {
      const fd = arg(1), buffer = arg(2), length = arg(3);
      if (fd === undefined || buffer === undefined || length === undefined) return faulted();
      if (fd === 1n || fd === 2n) result = this.write(buffer, length);
    }
    wordAt(this.memory, block)!.write(result);
    this.respond(1n);
    return false;
  }

  /** write(2) to the console: the byte count, or EFAULT for a buffer that is not all in RAM. */
  private write(buffer: bigint, length: bigint): bigint {
    const region = regionHolding(this.memory, buffer, length);
    if (!region) return EFAULT;
    this.output(this.memory.read(region, Number(buffer), Number(length)));
    return length;
  }
}

/** The 8-byte word at `address`, or undefined if it is not wholly in guest memory. */
function wordAt(memory: GuestMemory, address: bigint): GuestWord | undefined {
  const region = regionHolding(memory, address, BigInt(WORD));
  return region && new GuestWord(memory, region, Number(address));
}
