// Disk images for -drive: QEMU's `file=IMG,format=raw[,readonly=on][,snapshot=on]`, backed by a
// host file with synchronous reads and writes, so each guest request reaches the file before
// the guest sees it complete, in order; flush is fsync. snapshot=on keeps writes in memory. The
// image is locked as QEMU locks it (image-lock.ts) for as long as it is open.

import { closeSync, constants, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import type { BlockBackend } from '../../devices/virtio/block.js';
import { DiskError, OptionError } from '../../machine/errors.js';
import { printable } from '../../machine/printable.js';
import { qemuListParts } from '../../machine/qemu-list.js';
import { lockImage } from './image-lock.js';

export interface DriveSpec {
  file: string;
  readOnly: boolean;
  snapshot: boolean;
}

const ON_OFF: Record<string, boolean> = { on: true, off: false, true: true, false: false, yes: true, no: false };

/** Parses one -drive argument; bad ones are user errors. */
export function parseDrive(text: string): DriveSpec {
  const spec: DriveSpec = { file: '', readOnly: false, snapshot: false };
  for (const part of qemuListParts(text)) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? 'on' : part.slice(eq + 1);
    const flag = (): boolean => {
      if (!(value in ON_OFF)) throw new OptionError(`-drive ${printable(text)}: ${printable(key)}=${printable(value)} must be on or off`);
      return ON_OFF[value];
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

/** A raw image file; snapshot writes live in memory and never reach the file. */
export class FileDisk implements BlockBackend {
  readonly size: number;
  readonly readOnly: boolean;
  private fd: number | undefined;
  private readonly overlay: Map<number, Uint8Array> | undefined;
  private dirty = false;

  constructor(spec: DriveSpec) {
    const writable = !spec.readOnly && !spec.snapshot;
    try {
      // O_NONBLOCK: opening a FIFO returns at once (and is refused below) instead of waiting for a writer.
      this.fd = openSync(spec.file, (writable ? constants.O_RDWR : constants.O_RDONLY) | constants.O_NONBLOCK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EROFS' || code === 'EPERM'
        ? `cannot open it for ${writable ? 'writing (use readonly=on or snapshot=on)' : 'reading'}` : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
      throw new DiskError(`-drive ${printable(spec.file)}: ${reason}`);
    }
    const stat = fstatSync(this.fd);
    try {
      if (!stat.isFile() && !stat.isBlockDevice()) throw new DiskError(`-drive ${printable(spec.file)}: not a regular file`);
      if (stat.size < 512) throw new DiskError(`-drive ${printable(spec.file)}: too small for a disk (${stat.size} bytes)`);
      lockImage(this.fd, stat, spec.file, spec);
    } catch (e) {
      closeSync(this.fd);
      throw e;
    }
    this.size = stat.size;
    this.readOnly = spec.readOnly;
    this.overlay = spec.snapshot ? new Map() : undefined;
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
    let done = 0;
    while (done < from.length) done += writeSync(fd, from, done, from.length - done, offset + done);
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

function readFully(fd: number, offset: number, into: Uint8Array): void {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, into.length - done, offset + done);
    if (n === 0) { into.fill(0, done); return; }
    done += n;
  }
}
