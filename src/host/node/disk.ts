// Disk images for -drive: QEMU's `file=IMG,format=raw[,readonly=on][,snapshot=on]`, backed by a
// host file with synchronous reads and writes, so each guest request reaches the file before
// the guest sees it complete, in order; flush is fsync. snapshot=on keeps writes in memory until
// they are written back (Ctrl-A S). The image is locked as QEMU locks it (image-lock.ts) for as
// long as it is open.

import { closeSync, constants, fstatSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { BlockBackend } from '../../devices/virtio/block.js';
import { DiskError, OptionError } from '../../machine/errors.js';
import { printable } from '../../machine/printable.js';
import { qemuListParts, qemuSwitch } from '../../machine/qemu-list.js';
import { lockImage, type ImageUse } from './image-lock.js';
import { readAt } from './user-file.js';

export interface DriveSpec {
  file: string;
  readOnly: boolean;
  snapshot: boolean;
}

/** Parses one -drive argument; bad ones are user errors. */
export function parseDrive(text: string): DriveSpec {
  const spec: DriveSpec = { file: '', readOnly: false, snapshot: false };
  for (const part of qemuListParts(text)) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? 'on' : part.slice(eq + 1);
    const flag = (): boolean => {
      const on = qemuSwitch(value);
      if (on === undefined) throw new OptionError(`-drive ${printable(text)}: ${printable(key)}=${printable(value)} must be on or off`);
      return on;
    };
    switch (key) {
      case 'file': spec.file = value; break;
      case 'format': if (value !== 'raw') throw new OptionError(`-drive ${printable(text)}: only format=raw is supported`); break;
      case 'readonly': spec.readOnly = flag(); break;
      case 'snapshot': spec.snapshot = flag(); break;
      case 'if': case 'id': case 'media': case 'cache': break; // accepted for QEMU compatibility
      default: throw new OptionError(`-drive ${printable(text)}: unknown option '${printable(key)}'`);
    }
  }
  if (!spec.file) throw new OptionError(`-drive ${printable(text)}: no file= given`);
  return spec;
}

/**
 * A raw image file; snapshot writes live in memory and reach the file only when written back
 * (commitSnapshot, QEMU's Ctrl-A S).
 */
export class FileDisk implements BlockBackend {
  readonly size: number;
  readonly readOnly: boolean;
  private readonly spec: DriveSpec;
  private fd: number | undefined;
  private readonly overlay: Map<number, Uint8Array> | undefined;
  private dirty = false;

  constructor(spec: DriveSpec) {
    this.spec = spec;
    ({ fd: this.fd, size: this.size } = openImage(spec.file, spec));
    this.readOnly = spec.readOnly;
    this.overlay = spec.snapshot ? new Map() : undefined;
  }

  /** The image's file name, as given. */
  get file(): string {
    return this.spec.file;
  }

  /** Whether writes stay in memory (snapshot=on). */
  get snapshot(): boolean {
    return this.overlay !== undefined;
  }

  /**
   * Writes the snapshot's writes into the image and empties the snapshot, as QEMU's Ctrl-A S
   * does; returns the sectors written. The image is opened for writing as a writer would open
   * it, so this is refused (a DiskError, the image untouched) while anything else has it open.
   */
  commitSnapshot(): number {
    if (!this.overlay) return 0;
    const name = printable(this.spec.file);
    if (this.readOnly) throw new DiskError(`-drive ${name}: read-only (readonly=on): its snapshot cannot be written back`);
    if (this.overlay.size === 0) return 0;
    // This disk's own locks (a reader that lets no one write) would refuse its writer: they go
    // while it writes, and come back whatever happens.
    closeSync(this.openFd());
    this.fd = undefined;
    try {
      const { fd } = openImage(this.spec.file, { readOnly: false, snapshot: false });
      try {
        for (const sector of [...this.overlay.keys()].sort((a, b) => a - b)) writeFully(fd, this.overlay.get(sector)!, sector * 512);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      const written = this.overlay.size;
      this.overlay.clear();
      return written;
    } finally {
      const reopened = openImage(this.spec.file, this.spec);
      this.fd = reopened.fd;
      if (reopened.size !== this.size) throw new DiskError(`-drive ${name}: its size changed while it was written back (${reopened.size} bytes, was ${this.size})`);
    }
  }

  read(offset: number, into: Uint8Array): void {
    const fd = this.openFd();
    if (this.overlay) return this.readThroughOverlay(fd, offset, into);
    readFully(fd, offset, into);
  }

  write(offset: number, from: Uint8Array): void {
    if (this.readOnly) throw new Error('read-only disk');
    const fd = this.openFd();
    if (this.overlay) {
      for (let done = 0; done < from.length; done += 512) {
        this.overlay.set((offset + done) / 512, from.slice(done, done + 512));
      }
      return;
    }
    writeFully(fd, from, offset);
    this.dirty = true;
  }

  flush(): void {
    if (this.fd !== undefined && this.dirty) {
      fsyncSync(this.fd);
      this.dirty = false;
    }
  }

  /** Makes everything durable and closes the file (every exit path calls this). */
  close(): void {
    if (this.fd === undefined) return;
    this.flush();
    closeSync(this.fd);
    this.fd = undefined;
  }

  private openFd(): number {
    if (this.fd === undefined) throw new Error('disk is closed');
    return this.fd;
  }

  private readThroughOverlay(fd: number, offset: number, into: Uint8Array): void {
    readFully(fd, offset, into);
    for (let done = 0; done < into.length; done += 512) {
      const sector = this.overlay!.get((offset + done) / 512);
      if (sector) into.set(sector.subarray(0, Math.min(512, into.length - done)), done);
    }
  }
}

/** Opens and locks the image for `use`, or throws a DiskError that says why it cannot. */
function openImage(file: string, use: ImageUse): { fd: number; size: number } {
  const writable = !use.readOnly && !use.snapshot;
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO returns at once (and is refused below) instead of waiting for a writer.
    fd = openSync(file, (writable ? constants.O_RDWR : constants.O_RDONLY) | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EROFS' || code === 'EPERM'
      ? `cannot open it for ${writable ? 'writing (use readonly=on or snapshot=on)' : 'reading'}` : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new DiskError(`-drive ${printable(file)}: ${reason}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() && !stat.isBlockDevice()) throw new DiskError(`-drive ${printable(file)}: not a regular file`);
    if (stat.size < 512) throw new DiskError(`-drive ${printable(file)}: too small for a disk (${stat.size} bytes)`);
    lockImage(fd, stat, file, use);
    return { fd, size: stat.size };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

function writeFully(fd: number, from: Uint8Array, offset: number): void {
  let done = 0;
  while (done < from.length) done += writeSync(fd, from, done, from.length - done, offset + done);
}

/** Fills `into` from `offset`, zeros past the file's end. */
function readFully(fd: number, offset: number, into: Uint8Array): void {
  into.fill(0, readAt(fd, offset, into));
}
