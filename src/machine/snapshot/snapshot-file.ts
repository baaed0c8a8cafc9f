// The file a snapshot of the whole machine is kept in (savevm FILE, loadvm FILE):
//
//   bytes 0..7    "HARTVMSN"
//   bytes 8..11   format version, 32-bit little-endian
//   bytes 12..15  length of the header, 32-bit little-endian
//   header        JSON: the machine's shape, and the sections' table {name, offset, stored, length}
//   sections      each deflated (deflate.ts), at `offset` from the header's end, `stored` bytes
//                 that inflate to `length`
//
// Everything read is checked before it is used: the magic, the version, the header's size and
// form, the shape against the machine that loads it, and each section's lengths against the
// most that section can be for that shape, before anything is allocated or inflated.

import type { SectionCodec } from './deflate.js';

export const SNAPSHOT_MAGIC = 'HARTVMSN';
export const SNAPSHOT_VERSION = 2;
const PREAMBLE_BYTES = 16;
/** The header is a shape and a table of sections (a few hundred for the largest RAM): far below this. */
const MAX_HEADER_BYTES = 1 << 20;

/** What must be the same for a snapshot to load into a machine. */
export interface MachineShape {
  ramSize: number;
  harts: number;
  /** the board's devices in bus order, by name */
  devices: string[];
  /** the disks in order (vda first) */
  disks: { size: number; readOnly: boolean }[];
}

interface SectionEntry {
  name: string;
  offset: number;
  stored: number;
  length: number;
}

interface Header {
  shape: MachineShape;
  sections: SectionEntry[];
}

/** A file that is not a snapshot this machine can load: the message is one line for the user. */
export class SnapshotFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotFormatError';
  }
}

/** The file's bytes, in pieces to write one after the other. */
export async function encodeSnapshot(shape: MachineShape, sections: Map<string, Uint8Array>, codec: SectionCodec): Promise<Uint8Array[]> {
  const entries: SectionEntry[] = [];
  const stored: Uint8Array[] = [];
  let offset = 0;
  // all at once: a host whose codec works off its thread (Node's zlib) deflates them side by side
  const deflated = await Promise.all([...sections.values()].map((bytes) => codec.deflate(bytes)));
  [...sections].forEach(([name, bytes], i) => {
    entries.push({ name, offset, stored: deflated[i].length, length: bytes.length });
    stored.push(deflated[i]);
    offset += deflated[i].length;
  });
  const header = new TextEncoder().encode(JSON.stringify({ shape, sections: entries } satisfies Header));
  const preamble = new Uint8Array(PREAMBLE_BYTES);
  preamble.set(new TextEncoder().encode(SNAPSHOT_MAGIC));
  const view = new DataView(preamble.buffer);
  view.setUint32(8, SNAPSHOT_VERSION, true);
  view.setUint32(12, header.length, true);
  return [preamble, header, ...stored];
}

/**
 * The sections of snapshot `file`, checked: `shape` is the loading machine's (a snapshot of
 * another is refused, saying what differs), `limit(name)` the most bytes section `name` may
 * inflate to (undefined: no such section). Throws SnapshotFormatError.
 */
export async function decodeSnapshot(
  file: Uint8Array, shape: MachineShape, limit: (name: string) => number | undefined, codec: SectionCodec,
): Promise<Map<string, Uint8Array>> {
  if (file.length < PREAMBLE_BYTES || new TextDecoder().decode(file.subarray(0, 8)) !== SNAPSHOT_MAGIC) {
    throw new SnapshotFormatError(file.length < PREAMBLE_BYTES && SNAPSHOT_MAGIC.startsWith(new TextDecoder().decode(file.subarray(0, 8)))
      ? 'it is truncated' : 'it is not a hartvm snapshot');
  }
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const version = view.getUint32(8, true);
  if (version !== SNAPSHOT_VERSION) {
    throw new SnapshotFormatError(version > SNAPSHOT_VERSION
      ? `it was saved by a newer hartvm (snapshot format ${version}; this one reads ${SNAPSHOT_VERSION})`
      : `it is in snapshot format ${version}, which this hartvm does not read`);
  }
  const headerBytes = view.getUint32(12, true);
  if (headerBytes > MAX_HEADER_BYTES) throw new SnapshotFormatError('its header is corrupt');
  if (PREAMBLE_BYTES + headerBytes > file.length) throw new SnapshotFormatError('it is truncated');
  const header = parseHeader(file.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerBytes));
  const difference = shapeDifference(header.shape, shape);
  if (difference) throw new SnapshotFormatError(`it is of another machine: ${difference}`);

  const body = PREAMBLE_BYTES + headerBytes;
  const names = new Set<string>();
  for (const entry of header.sections) {
    const most = limit(entry.name);
    if (most === undefined || names.has(entry.name)) throw new SnapshotFormatError(`its section table is corrupt (${entry.name})`);
    if (entry.length > most) throw new SnapshotFormatError(`its section ${entry.name} is larger than this machine's`);
    if (body + entry.offset + entry.stored > file.length) throw new SnapshotFormatError('it is truncated');
    names.add(entry.name);
  }
  // all at once: a host whose codec works off its thread (Node's zlib) inflates them side by side
  const inflated = await Promise.allSettled(header.sections.map((entry) =>
    codec.inflate(file.subarray(body + entry.offset, body + entry.offset + entry.stored), entry.length)));
  const sections = new Map<string, Uint8Array>();
  header.sections.forEach((entry, i) => {
    const result = inflated[i];
    if (result.status === 'rejected') throw new SnapshotFormatError(`its section ${entry.name} is corrupt`);
    sections.set(entry.name, result.value);
  });
  return sections;
}

function parseHeader(bytes: Uint8Array): Header {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new SnapshotFormatError('its header is corrupt');
  }
  const h = header as Partial<Header>;
  const s = h?.shape as Partial<MachineShape> | undefined;
  const count = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
  const shapeOk = s !== undefined && count(s.ramSize) && count(s.harts)
    && Array.isArray(s.devices) && s.devices.every((d) => typeof d === 'string')
    && Array.isArray(s.disks) && s.disks.every((d) => typeof d === 'object' && d !== null && count(d.size) && typeof d.readOnly === 'boolean');
  const sectionsOk = Array.isArray(h?.sections) && h.sections.every((e) =>
    typeof e === 'object' && e !== null && typeof e.name === 'string' && count(e.offset) && count(e.stored) && count(e.length));
  if (!shapeOk || !sectionsOk) throw new SnapshotFormatError('its header is corrupt');
  return h as Header;
}

/** What differs between the shape a snapshot was saved with and a machine's, as the user would change it; undefined if nothing. */
export function shapeDifference(saved: MachineShape, now: MachineShape): string | undefined {
  if (saved.ramSize !== now.ramSize) return `it has ${mib(saved.ramSize)} of RAM, this machine ${mib(now.ramSize)} (-m)`;
  if (saved.harts !== now.harts) return `it has ${saved.harts} hart${saved.harts === 1 ? '' : 's'}, this machine ${now.harts} (-smp)`;
  if (saved.disks.length !== now.disks.length) return `it has ${saved.disks.length} disk${saved.disks.length === 1 ? '' : 's'}, this machine ${now.disks.length} (-drive)`;
  for (let i = 0; i < saved.disks.length; i++) {
    const a = saved.disks[i], b = now.disks[i];
    const name = `disk ${i + 1} (vd${String.fromCharCode(97 + i)})`;
    if (a.size !== b.size) return `its ${name} has ${a.size} bytes, this machine's ${b.size} (-drive)`;
    if (a.readOnly !== b.readOnly) return `its ${name} is ${a.readOnly ? 'read-only' : 'writable'}, this machine's ${b.readOnly ? 'read-only' : 'writable'} (-drive)`;
  }
  if (saved.devices.join() !== now.devices.join()) {
    return `its devices are ${deviceList(saved.devices)}, this machine's ${deviceList(now.devices)}`;
  }
  return undefined;
}

function deviceList(devices: string[]): string {
  return devices.filter((d) => d !== 'virtio-empty').join(', ');
}

function mib(bytes: number): string {
  return bytes % 2 ** 20 === 0 ? `${bytes / 2 ** 20} MiB` : `${bytes} bytes`;
}
