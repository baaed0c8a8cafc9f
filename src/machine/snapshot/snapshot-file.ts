// The file a snapshot of the whole machine is kept in (savevm FILE, loadvm FILE):
//
//   bytes 0..7    "HARTVMSN"
//   bytes 8..11   format version, 32-bit little-endian
//   bytes 12..15  length of the header, 32-bit little-endian
//   header        JSON: the machine's shape, and the sections' table {name, offset, stored,
//                 length, packing, sum}, padded with spaces so that the sections start on a
//                 multiple of 8 bytes
//   sections      each at `offset` from the header's end (a multiple of 8), `stored` bytes:
//                 packing "deflate": deflated (deflate.ts), inflating to `length`;
//                 packing "raw": the bytes as they are (guest RAM: they go from the file
//                 straight into guest memory), `sum` their ContentSum in hexadecimal
//
// Everything read is checked before it is used: the magic, the version, the header's size and
// form, the shape against the machine that loads it, and each section's lengths against the
// most that section can be for that shape, before anything is allocated or inflated; a raw
// section's sum when its bytes are read.

import type { SectionCodec } from './deflate.js';
import { ContentSum } from './content-sum.js';
import { bytesSource, type SnapshotSource } from './snapshot-source.js';

export const SNAPSHOT_MAGIC = 'HARTVMSN';
export const SNAPSHOT_VERSION = 3;
/** Sections start on multiples of this from the file's start (views of a file in memory are word-aligned). */
const SECTION_ALIGN = 8;
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
  packing: 'deflate' | 'raw';
  /** a raw section's ContentSum */
  sum?: string;
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

/** The file's bytes, in pieces to write one after the other; the sections `raw` names are kept as they are. */
export async function encodeSnapshot(
  shape: MachineShape, sections: Map<string, Uint8Array>, codec: SectionCodec, raw: (name: string) => boolean,
): Promise<Uint8Array[]> {
  const entries: SectionEntry[] = [];
  const stored: Uint8Array[] = [];
  let offset = 0;
  // all at once: a host whose codec works off its thread (Node's zlib) deflates them side by side
  const packed = await Promise.all([...sections].map(([name, bytes]) => (raw(name) ? bytes : codec.deflate(bytes))));
  [...sections].forEach(([name, bytes], i) => {
    const entry: SectionEntry = { name, offset, stored: packed[i].length, length: bytes.length, packing: raw(name) ? 'raw' : 'deflate' };
    if (entry.packing === 'raw') entry.sum = contentSum(bytes);
    entries.push(entry);
    stored.push(packed[i]);
    offset += packed[i].length;
    const padding = -offset & (SECTION_ALIGN - 1);
    if (padding) {
      stored.push(new Uint8Array(padding));
      offset += padding;
    }
  });
  const json = new TextEncoder().encode(JSON.stringify({ shape, sections: entries } satisfies Header));
  // spaces after the JSON, so that the sections start on a multiple of SECTION_ALIGN
  const header = new Uint8Array(json.length + (-(PREAMBLE_BYTES + json.length) & (SECTION_ALIGN - 1))).fill(0x20);
  header.set(json);
  const preamble = new Uint8Array(PREAMBLE_BYTES);
  preamble.set(new TextEncoder().encode(SNAPSHOT_MAGIC));
  const view = new DataView(preamble.buffer);
  view.setUint32(8, SNAPSHOT_VERSION, true);
  view.setUint32(12, header.length, true);
  return [preamble, header, ...stored];
}

function contentSum(bytes: Uint8Array): string {
  const sum = new ContentSum();
  sum.add(bytes);
  return sum.hex();
}

/** A section kept as it is, not yet read: its bytes are read, or copied where they go, when needed. */
export class RawSection {
  constructor(readonly name: string, private readonly source: SnapshotSource, private readonly offset: number,
    readonly length: number, readonly sum: string) {}

  /** The section's bytes, checked against its sum (SnapshotFormatError if they differ). */
  bytes(): Uint8Array {
    const bytes = this.read(0, this.length);
    if (contentSum(bytes) !== this.sum) throw this.corrupt();
    return bytes;
  }

  /** `length` of its bytes from `at`, unchecked (see bytes()). */
  read(at: number, length: number): Uint8Array {
    return this.source.read(this.offset + at, length);
  }

  /** Copies its bytes from `at` into all of `target`, unchecked: the caller sums what it copied. */
  readInto(at: number, target: Uint8Array): void {
    try {
      this.source.readInto(this.offset + at, target);
    } catch (e) {
      throw e instanceof RangeError ? new SnapshotFormatError('it is truncated') : e;
    }
  }

  /** The error for a sum that differs. */
  corrupt(): SnapshotFormatError {
    return new SnapshotFormatError(`its section ${this.name} is corrupt`);
  }
}

/** A section as decodeSnapshot gives it: inflated bytes, or raw ones not read yet. */
export type SnapshotSection = Uint8Array | RawSection;

/**
 * The sections of snapshot `file` (its bytes, or a source to read them from), checked: `shape`
 * is the loading machine's (a snapshot of another is refused, saying what differs),
 * `limit(name)` the most bytes section `name` may hold (undefined: no such section). Deflated
 * sections are inflated; raw ones are left to be read (RawSection). Throws SnapshotFormatError.
 */
export async function decodeSnapshot(
  file: Uint8Array | SnapshotSource, shape: MachineShape, limit: (name: string) => number | undefined, codec: SectionCodec,
): Promise<Map<string, SnapshotSection>> {
  const source = file instanceof Uint8Array ? bytesSource(file) : file;
  const start = source.read(0, Math.min(PREAMBLE_BYTES, source.size));
  if (start.length < PREAMBLE_BYTES || new TextDecoder().decode(start.subarray(0, 8)) !== SNAPSHOT_MAGIC) {
    throw new SnapshotFormatError(start.length < PREAMBLE_BYTES && SNAPSHOT_MAGIC.startsWith(new TextDecoder().decode(start.subarray(0, 8)))
      ? 'it is truncated' : 'it is not a hartvm snapshot');
  }
  const view = new DataView(start.buffer, start.byteOffset, start.byteLength);
  const version = view.getUint32(8, true);
  if (version !== SNAPSHOT_VERSION) {
    throw new SnapshotFormatError(version > SNAPSHOT_VERSION
      ? `it was saved by a newer hartvm (snapshot format ${version}; this one reads ${SNAPSHOT_VERSION})`
      : `it is in snapshot format ${version}, which this hartvm does not read`);
  }
  const headerBytes = view.getUint32(12, true);
  if (headerBytes > MAX_HEADER_BYTES) throw new SnapshotFormatError('its header is corrupt');
  if (PREAMBLE_BYTES + headerBytes > source.size) throw new SnapshotFormatError('it is truncated');
  const header = parseHeader(source.read(PREAMBLE_BYTES, headerBytes));
  const difference = shapeDifference(header.shape, shape);
  if (difference) throw new SnapshotFormatError(`it is of another machine: ${difference}`);

  const body = PREAMBLE_BYTES + headerBytes;
  const names = new Set<string>();
  for (const entry of header.sections) {
    const most = limit(entry.name);
    if (most === undefined || names.has(entry.name)) throw new SnapshotFormatError(`its section table is corrupt (${entry.name})`);
    if (entry.length > most) throw new SnapshotFormatError(`its section ${entry.name} is larger than this machine's`);
    if (entry.packing === 'raw' && entry.stored !== entry.length) throw new SnapshotFormatError(`its section table is corrupt (${entry.name})`);
    if (body + entry.offset + entry.stored > source.size) throw new SnapshotFormatError('it is truncated');
    names.add(entry.name);
  }
  // all at once: a host whose codec works off its thread (Node's zlib) inflates them side by side
  const inflated = await Promise.allSettled(header.sections.map((entry) => (entry.packing === 'raw'
    ? Promise.resolve(new RawSection(entry.name, source, body + entry.offset, entry.length, entry.sum!))
    : codec.inflate(source.read(body + entry.offset, entry.stored), entry.length))));
  const sections = new Map<string, SnapshotSection>();
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
    typeof e === 'object' && e !== null && typeof e.name === 'string' && count(e.offset) && count(e.stored) && count(e.length)
    && (e.packing === 'deflate' || (e.packing === 'raw' && typeof e.sum === 'string' && /^[0-9a-f]{16}$/.test(e.sum))));
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
