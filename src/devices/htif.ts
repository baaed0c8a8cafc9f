// Host-target interface (the convention of Spike and QEMU's spike board): the guest writes a
// command to the 64-bit `tohost` word and the host answers in `fromhost`.
//   device 0, command 0, payload odd : exit with status payload >> 1
//   device 0, command 0, payload even: syscall proxy, payload = address of [num, a0, a1, a2, ...]
//                                      (write(64) and exit(93) are served)
//   device 1, command 1              : write the low byte to the console
// The tohost page is "watched": stores to it take the slow path and land here.

import type { GuestMemory } from '../bus/guest-memory.js';
import { PageFlag } from '../mmu/mmu.js';

const SYS_WRITE = 64n;
const SYS_EXIT = 93n;

export class Htif {
  private readonly memory: GuestMemory;
  private readonly tohost: number;
  private readonly fromhost: number | undefined;
  private readonly output: (bytes: Uint8Array) => void;
  /** Set when the guest asked to exit. */
  exitCode: number | undefined;

  /** `tohostPa`/`fromhostPa` are physical addresses inside guest memory. */
  constructor(memory: GuestMemory, tohostPa: bigint, fromhostPa: bigint | undefined, output: (bytes: Uint8Array) => void) {
    this.memory = memory;
    this.tohost = hostOffsetOf(memory, tohostPa);
    this.fromhost = fromhostPa === undefined ? undefined : hostOffsetOf(memory, fromhostPa);
    this.output = output;
    memory.pageFlags[this.tohost >>> 12] |= PageFlag.WATCHED;
  }

  /** A store reached the watched page; returns true when the guest asked to exit. */
  watchedWrite(hostOffset: number, size: number): boolean {
    if (hostOffset + size <= this.tohost || hostOffset >= this.tohost + 8) return false;
    const i64 = this.memory.i64;
    const command = BigInt.asUintN(64, Atomics.load(i64, this.tohost >>> 3));
    if (command === 0n) return false;
    const device = Number(command >> 56n), cmd = Number((command >> 48n) & 0xffn);
    const payload = command & ((1n << 48n) - 1n);
    Atomics.store(i64, this.tohost >>> 3, 0n);
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
    if (this.fromhost !== undefined) Atomics.store(this.memory.i64, this.fromhost >>> 3, value);
  }

  private syscall(argsPa: bigint): boolean {
    const args = this.memory.regionAt(argsPa) ? hostOffsetOf(this.memory, argsPa) : -1;
    if (args < 0 || (args & 7) !== 0) {
      this.exitCode = 1;
      return true;
    }
    const i64 = this.memory.i64;
    const arg = (i: number) => BigInt.asUintN(64, i64[(args >>> 3) + i]);
    const num = arg(0);
    if (num === SYS_EXIT) {
      this.exitCode = Number(arg(1) & 0xffn);
      return true;
    }
    let result = -38n; // ENOSYS
    if (num === SYS_WRITE && (arg(1) === 1n || arg(1) === 2n)) {
      const buf = arg(2), len = Number(arg(3));
      const region = this.memory.regionAt(buf);
      if (region && buf + BigInt(len) <= region.base + BigInt(region.size)) {
        this.output(this.memory.read(region, Number(buf), len));
        result = BigInt(len);
      } else {
        result = -14n; // EFAULT
      }
    }
    i64[args >>> 3] = result;
    this.respond(1n);
    return false;
  }
}

function hostOffsetOf(memory: GuestMemory, pa: bigint): number {
  const region = memory.regionAt(pa);
  if (!region) throw new Error(`HTIF address 0x${pa.toString(16)} is not in guest memory`);
  return memory.hostOffset(region, Number(pa));
}
