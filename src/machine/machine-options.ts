// The machine's options as every host spells them (the CLI's flags, the library's options, the
// browser page's URL query): checked here once, so each says the same thing about a bad value.

import { ENGINE_NAMES, type EngineName } from '../arch/engine.js';
import { FAST_HOST_LIMIT } from '../bus/guest-memory.js';
import { FLUSH_POLICY_NAMES, type FlushPolicy } from '../arch/flush-policy.js';
import { OptionError } from './errors.js';
import { maxDisks, MAX_HARTS, type OptionalVirtioDevices } from './session.js';
import { VIRT_MEMMAP } from './virt-layout.js';
import { printable } from './printable.js';
import { parseSize } from './size.js';

/** RAM the board can hold: all of it within the interpreter's fast reach. */
export const MAX_RAM = FAST_HOST_LIMIT;
export const DEFAULT_RAM = 256 * 2 ** 20;

export type FlushPolicyName = typeof FLUSH_POLICY_NAMES[number];

/** A RAM size: bytes, or QEMU's spelling ("256M", "1G", a bare number of MiB). */
export function ramSizeOption(value: number | string): number {
  let bytes: number;
  if (typeof value === 'number') bytes = value;
  else {
    try {
      bytes = parseSize(value);
    } catch (e) {
      throw new OptionError((e as Error).message);
    }
  }
  if (!Number.isInteger(bytes) || bytes < 4096 || bytes % 4096 !== 0) throw new OptionError('memory size must be a multiple of 4 KiB');
  if (bytes > MAX_RAM) throw new OptionError('at most 2G of RAM is supported');
  return bytes;
}

export function hartsOption(value: number | string): number {
  const n = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_HARTS) throw new OptionError(`-smp ${printable(String(value))}: the board has 1 to ${MAX_HARTS} harts`);
  return n;
}

/** How many disks were given (`spelling`: how the host names its drive option, e.g. "-drive"). */
export function driveCountOption(count: number, spelling = '-drive', devices: OptionalVirtioDevices = {}): number {
  const most = maxDisks(devices);
  const shares = devices.shares?.length ?? 0;
  const others = ['the entropy device\'s', ...devices.virtioConsole ? ['the virtio console\'s'] : [], ...devices.network !== undefined ? ['the network card\'s'] : []];
  const slots = `it has ${VIRT_MEMMAP.virtio.slots} virtio-mmio slots`;
  if (most < 0) {
    throw new OptionError(`${shares} shared folders: the board takes at most ${shares + most} (${slots}, and ${others.map((o) => `one is ${o}`).join(', ')})`);
  }
  if (count > most) {
    const taken = [...others, ...Array.from({ length: shares }, () => 'a shared folder\'s')];
    throw new OptionError(`${count} ${spelling} options: the board takes at most ${most} disks ` +
      `(${slots}, and ${taken.map((o) => `one is ${o}`).join(', ')})`);
  }
  return count;
}

/** An engine's name (--engine): interp or jit. */
export function engineOption(name: string): EngineName {
  if (!ENGINE_NAMES.includes(name as EngineName)) throw new OptionError(`--engine ${printable(name)}: expected one of ${ENGINE_NAMES.join(', ')}`);
  return name as EngineName;
}

export function flushPolicyOption(name: string): FlushPolicy {
  const index = FLUSH_POLICY_NAMES.indexOf(name as FlushPolicyName);
  if (index < 0) throw new OptionError(`--tlb-flush ${printable(name)}: expected one of ${FLUSH_POLICY_NAMES.join(', ')}`);
  return index as FlushPolicy;
}
