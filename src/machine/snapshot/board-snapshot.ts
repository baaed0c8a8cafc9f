// What a snapshot holds of a virt board, section by section, and how it goes back:
//   harts         every hart's image (cpu/hart-image.ts), HART_IMAGE_WORDS words each
//   devices       every bus device's state (devices/device-state.ts), in bus order, as JSON
//   memory:NAME:K each memory region (RAM, the boot ROM) in pieces of MEMORY_PIECE bytes, the
//                 K-th packed (page-image.ts), kept raw in the file: a board that has not run
//                 reads their pages straight into guest memory, and sums them there
//   disk:N        each writable disk's contents, packed: loading puts the disk back as it was,
//                 so that the guest's page cache in RAM and the disk under it always agree
//   disk-sum:N    each read-only disk's checksum: the guest cannot change it, the host might
// The caller holds every hart and waits for the devices' requests in flight first.

import type { BlockBackend } from '../../devices/virtio/block.js';
import { savesState, StateError, type DeviceState } from '../../devices/device-state.js';
import { HART_IMAGE_WORDS, hartImageProblem } from '../../cpu/hart-image.js';
import type { VirtMachine } from '../virt-machine.js';
import { bitmapBytes, IMAGE_PAGE, packedLayoutProblem, packedLimit, packedProblem, packPages, presentRuns, unpackPages } from './page-image.js';
import { RawSection, SnapshotFormatError, type MachineShape, type SnapshotSection } from './snapshot-file.js';
import { ContentSum } from './content-sum.js';

/** The device states of a board fit in far less (a UART's input queue is the largest part). */
const MAX_DEVICES_BYTES = 8 << 20;
/** A read-only disk's checksum (diskChecksum). */
const CHECKSUM_BYTES = 8;
/** A memory region is saved in sections of this many bytes (the last may be smaller). */
const MEMORY_PIECE = 8 << 20;
/** Disks are read and written in pieces of this many bytes. */
const DISK_PIECE = 1 << 20;

/** The board as a snapshot sees it. */
export interface SnapshotBoard {
  readonly machine: VirtMachine;
  readonly disks: readonly BlockBackend[];
  readonly harts: number;
  /** every hart's image, HART_IMAGE_WORDS words each; the harts are held */
  readHartImages(): BigInt64Array;
  /** gives every hart its image; resolves once every hart has taken it */
  writeHartImages(images: BigInt64Array): Promise<void>;
}

export function boardShape(board: SnapshotBoard): MachineShape {
  return {
    ramSize: board.machine.ramSize,
    harts: board.harts,
    devices: board.machine.deviceList().map((d) => d.name),
    disks: board.disks.map((d) => ({ size: d.size, readOnly: d.readOnly })),
  };
}

/** The board's devices that cannot be saved, by name. */
export function unsavableDevices(board: SnapshotBoard): string[] {
  return board.machine.deviceList().filter((d) => !savesState(d) || ('canSaveState' in d && d.canSaveState === false)).map((d) => d.name);
}

/** The sections a snapshot of a board of `shape` holds, each with the most bytes it may: the one list of them. */
function sectionSizes(shape: MachineShape, memory: readonly { name: string; size: number }[]): Map<string, number> {
  const sizes = new Map<string, number>([['harts', shape.harts * HART_IMAGE_WORDS * 8], ['devices', MAX_DEVICES_BYTES]]);
  for (const region of memory) for (const piece of memoryPieces(region)) sizes.set(piece.section, packedLimit(piece.pages));
  shape.disks.forEach((disk, i) => sizes.set(diskSection(disk, i), disk.readOnly ? CHECKSUM_BYTES : packedLimit(Math.ceil(disk.size / IMAGE_PAGE))));
  return sizes;
}

/** A region's pieces: each one's section, its first page in the region and its pages. */
function memoryPieces(region: { name: string; size: number }): { section: string; first: number; pages: number }[] {
  const pages = region.size / IMAGE_PAGE;
  const perPiece = MEMORY_PIECE / IMAGE_PAGE;
  return Array.from({ length: Math.ceil(pages / perPiece) }, (_, k) =>
    ({ section: `memory:${region.name}:${k}`, first: k * perPiece, pages: Math.min(perPiece, pages - k * perPiece) }));
}

const diskSection = (disk: { readOnly: boolean }, i: number): string => (disk.readOnly ? `disk-sum:${i}` : `disk:${i}`);

/** The sections a snapshot keeps raw (not deflated): guest memory's. */
export const storedRaw = (name: string): boolean => name.startsWith('memory:');

/**
 * The sections with every raw one read and checked against its sum, but for guest memory when
 * `memoryIsZero` (a board that has not run, see restoreSections): those go straight into guest
 * memory as they load, and are summed there. Throws SnapshotFormatError.
 */
export function readRawSections(sections: Map<string, SnapshotSection>, memoryIsZero: boolean): Map<string, SnapshotSection> {
  return new Map([...sections].map(([name, section]) =>
    [name, section instanceof RawSection && !(memoryIsZero && storedRaw(name)) ? section.bytes() : section]));
}

/** A section's bytes (a raw one read and checked). */
function bytesOf(section: SnapshotSection): Uint8Array {
  return section instanceof RawSection ? section.bytes() : section;
}

/** The most bytes each section of a snapshot of a board of `shape` may hold (undefined: no such section). */
export function sectionLimits(shape: MachineShape, memory: readonly { name: string; size: number }[]): (name: string) => number | undefined {
  const sizes = sectionSizes(shape, memory);
  return (name) => sizes.get(name);
}

/** The most bytes a snapshot file of a board of `shape` takes: every section at its largest, deflate's small overhead, the header. */
export function snapshotFileLimit(shape: MachineShape, memory: readonly { name: string; size: number }[]): number {
  const sections = [...sectionSizes(shape, memory).values()].reduce((sum, size) => sum + size, 0);
  return Math.ceil(sections * 1.01) + (2 << 20);
}

/** Every section of the board's snapshot; the harts are held and no request is in flight. */
export async function captureSections(board: SnapshotBoard): Promise<Map<string, Uint8Array>> {
  const machine = board.machine;
  const sections = new Map<string, Uint8Array>();
  const images = board.readHartImages();
  sections.set('harts', new Uint8Array(images.buffer, images.byteOffset, images.byteLength).slice());
  const states = machine.deviceList().map((d) => {
    if (!savesState(d)) throw new StateError(`${d.name} cannot be saved`);
    return d.saveState();
  });
  sections.set('devices', new TextEncoder().encode(JSON.stringify(states)));
  const memory = machine.memory;
  for (const region of memory.regions) {
    for (const piece of memoryPieces(region)) {
      sections.set(piece.section, packPages(piece.pages, (page) => {
        const host = memory.hostOffset(region, region.baseNumber + (piece.first + page) * IMAGE_PAGE);
        return memory.bytes.subarray(host, host + IMAGE_PAGE);
      }));
    }
  }
  for (const [i, disk] of board.disks.entries()) sections.set(diskSection(disk, i), await (disk.readOnly ? diskChecksum(disk) : readDisk(disk)));
  return sections;
}

/**
 * Checks every section against the board before anything changes: a snapshot that would fail
 * halfway is refused with the machine untouched (device states are checked by loading them,
 * and the board's own put back should one fail).
 */
export async function sectionsProblem(board: SnapshotBoard, sections: Map<string, SnapshotSection>): Promise<string | undefined> {
  const machine = board.machine;
  for (const name of sectionSizes(boardShape(board), machine.memory.regions).keys()) if (!sections.has(name)) return `its section ${name} is missing`;
  const harts = bytesOf(sections.get('harts')!);
  if (harts.length !== board.harts * HART_IMAGE_WORDS * 8) return 'its section harts is cut short';
  const images = hartWords(harts);
  for (let h = 0; h < board.harts; h++) {
    const problem = hartImageProblem(images, h * HART_IMAGE_WORDS);
    if (problem) return `hart ${h}'s ${problem} is corrupt`;
  }
  for (const region of machine.memory.regions) {
    for (const piece of memoryPieces(region)) {
      const section = sections.get(piece.section)!;
      const problem = section instanceof RawSection
        ? packedLayoutProblem(section.read(0, Math.min(section.length, bitmapBytes(piece.pages))), section.length, piece.pages)
        : packedProblem(section, piece.pages);
      if (problem) return `its section ${piece.section} is corrupt: ${problem}`;
    }
  }
  for (const [i, disk] of board.disks.entries()) {
    if (disk.readOnly) {
      const now = await diskChecksum(disk);
      if (!equalBytes(now, bytesOf(sections.get(diskSection(disk, i))!))) return `read-only disk ${i + 1} (vd${String.fromCharCode(97 + i)}) changed since the snapshot was saved`;
      continue;
    }
    const problem = packedProblem(bytesOf(sections.get(diskSection(disk, i))!), Math.ceil(disk.size / IMAGE_PAGE));
    if (problem) return `its section ${diskSection(disk, i)} is corrupt: ${problem}`;
  }
  return undefined;
}

/**
 * Puts the board back as the sections (found right by sectionsProblem) say. `memoryIsZero`: every
 * memory region holds only zeros now (a board just built, nothing placed, nothing run), so only
 * the snapshot's pages that are not zero need writing; a raw memory section (readRawSections)
 * is then read straight into guest memory and summed there, and a sum that differs fails the
 * load with the board half loaded, which a board that never ran can be (its start ends).
 */
export async function restoreSections(board: SnapshotBoard, sections: Map<string, SnapshotSection>, memoryIsZero = false): Promise<void> {
  const machine = board.machine;
  const devices = machine.deviceList();
  let states: unknown;
  try {
    states = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytesOf(sections.get('devices')!)));
  } catch {
    throw new SnapshotFormatError('its section devices is corrupt');
  }
  if (!Array.isArray(states) || states.length !== devices.length) throw new SnapshotFormatError('its section devices is corrupt');
  const saved = devices.map((d) => (savesState(d) ? d.saveState() : {}));
  // Devices first: one that refuses its state is put back with the rest, and nothing else has
  // changed yet (no device reads guest memory as it loads: queues are only mapped; nor drives
  // a line: each line's level is the PLIC's own state).
  try {
    devices.forEach((d, i) => {
      if (!savesState(d)) throw new StateError(`${d.name} cannot be restored`);
      d.loadState(states[i] as DeviceState);
    });
  } catch (e) {
    devices.forEach((d, i) => { if (savesState(d)) try { d.loadState(saved[i]); } catch { /* as good as it gets */ } });
    throw new SnapshotFormatError(`its device state is corrupt: ${(e as Error).message}`);
  }
  const memory = machine.memory;
  for (const region of memory.regions) {
    for (const piece of memoryPieces(region)) {
      const section = sections.get(piece.section)!;
      if (section instanceof RawSection && memoryIsZero) {
        readPagesInPlace(section, piece.pages, (first, count, page) =>
          memory.forEachRun(region, region.baseNumber + (piece.first + first) * IMAGE_PAGE, count * IMAGE_PAGE, (host, length) =>
            page(memory.bytes.subarray(host, host + length))));
        continue;
      }
      unpackPages(bytesOf(section), piece.pages, (page, bytes) => {
        memory.bytes.set(bytes, memory.hostOffset(region, region.baseNumber + (piece.first + page) * IMAGE_PAGE));
      }, memoryIsZero ? 'skip' : 'put');
    }
  }
  for (const [i, disk] of board.disks.entries()) if (!disk.readOnly) await writeDisk(disk, bytesOf(sections.get(diskSection(disk, i))!));
  await board.writeHartImages(hartWords(bytesOf(sections.get('harts')!)));
}

/**
 * Reads the pages of a raw packed image of `pages` pages where they go: for each run of present
 * pages, `place(first, count, page)` calls page(target) for each stretch of memory the run
 * fills, in order. Sums what it read; throws SnapshotFormatError if that is not the section's sum.
 */
function readPagesInPlace(section: RawSection, pages: number, place: (first: number, count: number, page: (target: Uint8Array) => void) => void): void {
  const sum = new ContentSum();
  const bitmap = section.read(0, bitmapBytes(pages));
  sum.add(bitmap);
  let at = bitmap.length;
  presentRuns(bitmap, pages, (first, count) => place(first, count, (target) => {
    section.readInto(at, target);
    sum.add(target);
    at += target.length;
  }));
  if (sum.hex() !== section.sum) throw section.corrupt();
}

function hartWords(bytes: Uint8Array): BigInt64Array {
  const copy = bytes.slice();
  return new BigInt64Array(copy.buffer, 0, copy.length / 8);
}

/** The disk's contents, packed, read a piece at a time (only the pages that are not zero are kept). */
async function readDisk(disk: BlockBackend): Promise<Uint8Array> {
  const pages = Math.ceil(disk.size / IMAGE_PAGE);
  const piece = new Uint8Array(DISK_PIECE);
  const kept: Uint8Array[] = [];
  const bitmap = new Uint8Array(bitmapBytes(pages));
  for (let at = 0; at < disk.size; at += DISK_PIECE) {
    piece.fill(0);
    const pending = disk.read(at, piece.subarray(0, Math.min(DISK_PIECE, disk.size - at)));
    if (pending) await pending;
    const first = at / IMAGE_PAGE;
    const packed = packPages(Math.min(DISK_PIECE / IMAGE_PAGE, pages - first), (page) => piece.subarray(page * IMAGE_PAGE, (page + 1) * IMAGE_PAGE));
    const pieceBitmap = bitmapBytes(Math.min(DISK_PIECE / IMAGE_PAGE, pages - first));
    // DISK_PIECE is a whole number of bitmap words, so a piece's bitmap lands on word boundaries
    bitmap.set(packed.subarray(0, pieceBitmap), first / 8);
    if (packed.length > pieceBitmap) kept.push(packed.subarray(pieceBitmap));
  }
  const out = new Uint8Array(bitmap.length + kept.reduce((sum, k) => sum + k.length, 0));
  out.set(bitmap);
  let at = bitmap.length;
  for (const k of kept) { out.set(k, at); at += k.length; }
  return out;
}

/**
 * Puts a packed image back as the whole disk's contents, a piece at a time: each piece is read
 * first, and only the runs of pages that differ from the image are written (a disk that has not
 * changed since the save, the usual case of -loadvm, takes no writes; a snapshot=on disk's
 * overlay no copy of every sector). Flushes what it wrote.
 */
async function writeDisk(disk: BlockBackend, packed: Uint8Array): Promise<void> {
  const pagesPerPiece = DISK_PIECE / IMAGE_PAGE;
  const present: { page: number; bytes: Uint8Array }[] = [];
  unpackPages(packed, Math.ceil(disk.size / IMAGE_PAGE), (page, bytes) => present.push({ page, bytes }), 'skip');
  const wanted = new Uint8Array(DISK_PIECE);
  const now = new Uint8Array(DISK_PIECE);
  let next = 0;
  let wrote = false;
  for (let start = 0; start < disk.size; start += DISK_PIECE) {
    const length = Math.min(DISK_PIECE, disk.size - start);
    wanted.fill(0);
    for (; next < present.length && present[next].page < (start + DISK_PIECE) / IMAGE_PAGE; next++) {
      const { page, bytes } = present[next];
      const at = (page % pagesPerPiece) * IMAGE_PAGE;
      wanted.set(bytes.subarray(0, Math.min(IMAGE_PAGE, length - at)), at);
    }
    const reading = disk.read(start, now.subarray(0, length));
    if (reading) await reading;
    for (let at = 0; at < length;) {
      if (samePage(wanted, now, at, length)) { at += IMAGE_PAGE; continue; }
      let end = at + IMAGE_PAGE;
      while (end < length && !samePage(wanted, now, end, length)) end += IMAGE_PAGE;
      end = Math.min(end, length);
      const writing = disk.write(start + at, wanted.subarray(at, end));
      if (writing) await writing;
      wrote = true;
      at = end;
    }
  }
  if (!wrote) return;
  const flushed = disk.flush();
  if (flushed) await flushed;
}

/** Whether `a` and `b` (pieces of a disk, `length` bytes of them used) hold the same page at `at`. */
function samePage(a: Uint8Array, b: Uint8Array, at: number, length: number): boolean {
  const end = Math.min(at + IMAGE_PAGE, length);
  if ((end - at) % 4 === 0) {
    const x = new Int32Array(a.buffer, a.byteOffset + at, (end - at) / 4), y = new Int32Array(b.buffer, b.byteOffset + at, (end - at) / 4);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  for (let i = at; i < end; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The disk's contents' ContentSum, its size the seed. */
async function diskChecksum(disk: BlockBackend): Promise<Uint8Array> {
  const piece = new Uint8Array(DISK_PIECE);
  const sum = new ContentSum(disk.size);
  for (let at = 0; at < disk.size; at += DISK_PIECE) {
    const view = piece.subarray(0, Math.min(DISK_PIECE, disk.size - at));
    const pending = disk.read(at, view);
    if (pending) await pending;
    sum.add(view);
  }
  return sum.bytes();
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
