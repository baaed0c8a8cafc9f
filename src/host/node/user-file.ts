// Files the user names (a program, firmware, a kernel, an initrd), read whole. Only regular
// files: a device such as /dev/zero or /dev/urandom never ends, and a FIFO would block the
// open itself. Even a regular file is read no further than a limit (one can grow while it is
// read, and /proc's claim to be empty): whatever the user names, the read ends.

import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { ImageError } from '../../machine/errors.js';
import { printable } from '../../machine/printable.js';

/** How much of a file hartvm reads, and how a message names that bound. */
export interface ReadLimit {
  bytes: number;
  /** e.g. "the RAM (256 MiB); use -m for more" */
  described: string;
}

/** The largest file hartvm reads whole: as much as the board's largest RAM. */
export const MAX_USER_FILE: ReadLimit = { bytes: 2 ** 31, described: '2 GiB, the most hartvm reads' };
const FIRST_READ_BYTES = 1 << 20;

/**
 * The bytes of the file at `path`, which the user gave as `what` (e.g. "kernel"). Throws an
 * ImageError of one line naming both when it cannot be read, is not a regular file, or holds
 * more than `limit` allows.
 */
export function readUserFile(what: string, path: string, limit = MAX_USER_FILE): Uint8Array {
  const file = openUserFile(what, path, limit);
  try {
    const bytes = readAtMost(file.fd, limit.bytes, file.size);
    if (!bytes) throw file.fail(`larger than ${limit.described}`);
    return bytes;
  } catch (e) {
    if (e instanceof ImageError) throw e;
    throw file.fail(fileErrorReason(e));
  } finally {
    closeSync(file.fd);
  }
}

/** A regular file the user named, open for reading. */
export interface UserFile {
  fd: number;
  /** its size when opened */
  size: number;
  /** The error that names the file with `reason`. */
  fail(reason: string): ImageError;
}

/**
 * Opens the file at `path` (see readUserFile) to be read piece by piece; the caller closes its fd.
 * Throws an ImageError of one line when it cannot be opened, is not a regular file, or is
 * larger than `limit` allows.
 */
export function openUserFile(what: string, path: string, limit = MAX_USER_FILE): UserFile {
  const fail = (reason: string): ImageError => new ImageError(`cannot read ${what} ${printable(path)}: ${reason}`);
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO returns at once (and fstat refuses it) instead of waiting for a writer.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw fail(fileErrorReason(e));
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw fail(stat.isDirectory() ? 'is a directory' : `not a regular file (${fileKind(stat)})`);
    if (stat.size > limit.bytes) throw fail(`larger than ${limit.described}`);
    return { fd, size: stat.size, fail };
  } catch (e) {
    closeSync(fd);
    if (e instanceof ImageError) throw e;
    throw fail(fileErrorReason(e));
  }
}

/** Reads to the end of the file: its bytes, or undefined if there are more than `limit`. */
function readAtMost(fd: number, limit: number, sizeHint: number): Uint8Array | undefined {
  let buffer = new Uint8Array(Math.min(limit + 1, Math.max(sizeHint + 1, FIRST_READ_BYTES)));
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length > limit) return undefined;
      const larger = new Uint8Array(Math.min(limit + 1, 2 * length));
      larger.set(buffer);
      buffer = larger;
    }
    const n = readSync(fd, buffer, length, buffer.length - length, null);
    if (n === 0) return buffer.subarray(0, length);
    length += n;
  }
}

/** Reads into `into` from `offset` of the file, to its end at most: the bytes read (fewer where the file ends). */
export function readAt(fd: number, offset: number, into: Uint8Array): number {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, into.length - done, offset + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

function fileKind(stat: Stats): string {
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  return 'not a file';
}

/** The short reason for a failed file operation, for one-line messages. */
export function fileErrorReason(e: unknown): string {
  switch ((e as NodeJS.ErrnoException).code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EISDIR': return 'is a directory';
    case 'ENOTDIR': return 'a part of the path is not a directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EROFS': return 'read-only file system';
    case 'ENOSPC': return 'no space left on the device';
    case 'ENXIO': return 'no such device';
    case 'EPIPE': return 'broken pipe (its reader has gone)';
    default: return (e as Error).message;
  }
}
