// The interface every memory-mapped device implements. Accesses arrive with the offset from
// the device's base and a size of 1, 2, 4 or 8 bytes. MMIO is rare next to RAM traffic, so a
// BigInt value here is affordable and keeps 64-bit registers (mtime) simple and exact.

export interface MmioDevice {
  readonly name: string;
  /** Returns the value read, zero-extended to 64 bits, or undefined for an access fault. */
  read(offset: number, size: number): bigint | undefined;
  /** Returns false for an access fault. */
  write(offset: number, size: number, value: bigint): boolean;
}
