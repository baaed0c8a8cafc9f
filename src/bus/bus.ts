// The board's physical memory map: guest memory regions plus MMIO devices.
// Physical addresses are Numbers here: every mapped address is far below 2^53, and an address
// that does not fit resolves to nothing, which is an access fault either way.

import type { MmioDevice } from './device.js';
import type { GuestMemory } from './guest-memory.js';
import { DOUBLE_ZERO } from '../arch/double-field.js';

export const enum PhysKind { NONE = 0, MEMORY = 1, DEVICE = 2 }

export interface DeviceMapping {
  readonly base: number;
  readonly size: number;
  readonly device: MmioDevice;
}

export class Bus {
  readonly memory: GuestMemory;
  readonly devices: DeviceMapping[] = [];

  // Result of the last resolve(): plain fields, so the walker's slow path allocates nothing.
  kind: PhysKind = PhysKind.NONE;
  /** MEMORY: host offset of the resolved byte */
  hostOffset = 0;
  writable = false;
  /** DEVICE: index into `devices` and offset from the device base */
  deviceIndex = 0;
  deviceOffset = DOUBLE_ZERO;

  constructor(memory: GuestMemory) {
    this.memory = memory;
  }

  addDevice(base: number, size: number, device: MmioDevice): void {
    for (const d of this.devices) {
      if (base < d.base + d.size && d.base < base + size) {
        throw new Error(`device ${device.name} at 0x${base.toString(16)} overlaps ${d.device.name}`);
      }
    }
    this.devices.push({ base, size, device });
  }

  /** Looks up physical address `pa`; the answer is left in the fields above. */
  resolve(pa: number): PhysKind {
    const memory = this.memory;
    const regions = memory.regions;
    for (let i = 0; i < regions.length; i++) {
      const r = regions[i];
      const base = r.baseNumber;
      if (pa >= base && pa < base + r.size) {
        // Through the frame table: the VMM may have moved the page (smp/frame-remapper.ts).
        this.hostOffset = memory.hostOffset(r, pa);
        this.writable = r.writable;
        return (this.kind = PhysKind.MEMORY);
      }
    }
    const devices = this.devices;
    for (let i = 0; i < devices.length; i++) {
      const d = devices[i];
      if (pa >= d.base && pa < d.base + d.size) {
        this.deviceIndex = i;
        this.deviceOffset = pa - d.base;
        return (this.kind = PhysKind.DEVICE);
      }
    }
    return (this.kind = PhysKind.NONE);
  }
}
