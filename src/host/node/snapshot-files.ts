// Snapshots of the machine as files on Node (savevm FILE, loadvm FILE, -loadvm FILE): the bytes
// the session gives, written to a temporary file beside the target and renamed over it, so
// that a failed save never leaves half a snapshot under the name; and read back piece by piece
// as the session asks, from a file no larger than a snapshot of this machine can be (guest
// memory goes from the file into guest RAM). Deflated sections are compressed with Node's zlib,
// off the event loop, at a low level: a snapshot is written far more often than it is shipped.

import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { deflate, inflate, constants } from 'node:zlib';
import type { SectionCodec } from '../../machine/snapshot/deflate.js';
import type { SnapshotSource } from '../../machine/snapshot/snapshot-source.js';
import { ImageError, SnapshotError } from '../../machine/errors.js';
import { printable } from '../../machine/printable.js';
import { fileErrorReason, openUserFile, readAt } from './user-file.js';

const deflateAsync = promisify(deflate);
const inflateAsync = promisify(inflate);
/** The largest piece of output zlib is asked to allocate at once. */
const MAX_CHUNK = 1 << 30;

export const zlibCodec: SectionCodec = {
  async deflate(bytes) {
    return new Uint8Array(await deflateAsync(bytes, { level: constants.Z_BEST_SPEED }));
  },
  async inflate(stored, length) {
    // maxOutputLength bounds what a corrupt or hostile section makes us allocate; output in one
    // chunk of the size expected spares zlib's many small chunks and joining them (twice as fast)
    const out = await inflateAsync(stored, { maxOutputLength: Math.max(1, length), chunkSize: Math.min(Math.max(constants.Z_MIN_CHUNK, length), MAX_CHUNK) });
    if (out.length !== length) throw new Error(`${out.length} bytes where ${length} were expected`);
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  },
};

/** Writes `pieces` into `file` as a whole (a temporary file renamed over it). */
export function writeSnapshotFile(file: string, pieces: Uint8Array[]): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    const fd = openSync(temporary, 'w');
    try {
      for (const piece of pieces) for (let at = 0; at < piece.length;) at += writeSync(fd, piece, at);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } catch (e) {
    rmSync(temporary, { force: true });
    throw new SnapshotError(`cannot save the machine into ${printable(file)}: ${fileErrorReason(e)}`);
  }
}

/** A snapshot file open for reading, as a SnapshotSource. */
export interface SnapshotFile extends SnapshotSource {
  close(): void;
}

/**
 * Opens snapshot `file`, which may hold at most `limit` bytes (the most a snapshot of this
 * machine takes). Throws SnapshotError, one line, when it cannot be read or is larger.
 */
export function openSnapshotFile(file: string, limit: number): SnapshotFile {
  let opened;
  try {
    opened = openUserFile('snapshot', file, { bytes: limit, described: 'any snapshot of this machine' });
  } catch (e) {
    if (e instanceof ImageError) throw new SnapshotError(e.message);
    throw e;
  }
  const { fd, size, fail } = opened;
  /** Fills `target` from `offset`: the bytes read, fewer where the file ends (or shrank). */
  const fill = (offset: number, target: Uint8Array): number => {
    try {
      return readAt(fd, offset, target);
    } catch (e) {
      throw new SnapshotError(fail(fileErrorReason(e)).message);
    }
  };
  return {
    size,
    read(offset, length) {
      const bytes = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      return bytes.subarray(0, fill(offset, bytes));
    },
    readInto(offset, target) {
      if (fill(offset, target) < target.length) throw new RangeError('past the end of the file');
    },
    close: () => closeSync(fd),
  };
}
