// A disk kept in the browser's origin private file system (OPFS), for `persist`: the guest's
// writes reach the file synchronously (FileSystemSyncAccessHandle, available in workers only),
// so they survive a reload; flush is the handle's flush. The first time (or with
// persist=fresh) the image fetched from its URL is copied there; later loads use the saved copy.

import type { BlockBackend } from '../../devices/virtio/block.js';

/** The parts of FileSystemSyncAccessHandle used here (the DOM typings lack some). */
interface SyncAccessHandle {
  read(into: Uint8Array, options: { at: number }): number;
  write(from: Uint8Array, options: { at: number }): number;
  truncate(size: number): void;
  getSize(): number;
  flush(): void;
  close(): void;
}

export class OpfsDiskError extends Error {}

export class OpfsDisk implements BlockBackend {
  readonly size: number;
  readonly readOnly: boolean;
  private readonly handle: SyncAccessHandle;

  private constructor(handle: SyncAccessHandle, readOnly: boolean) {
    this.handle = handle;
    this.size = handle.getSize();
    this.readOnly = readOnly;
  }

  /** The file name under which a disk from `url` is kept. */
  static fileName(url: string): string {
    return 'disk-' + url.replace(/[^A-Za-z0-9._-]+/g, '_').slice(-120);
  }

  /** Whether a saved copy of the disk from `url` exists. */
  static async saved(url: string): Promise<boolean> {
    try {
      const dir = await navigator.storage.getDirectory();
      await dir.getFileHandle(OpfsDisk.fileName(url));
      return true;
    } catch {
      return false;
    }
  }

  /** Opens the saved copy; with `initial`, first replaces it with those bytes. */
  static async open(url: string, readOnly: boolean, initial?: Uint8Array): Promise<OpfsDisk> {
    let handle: SyncAccessHandle;
    try {
      const dir = await navigator.storage.getDirectory();
      const file = await dir.getFileHandle(OpfsDisk.fileName(url), { create: true });
      handle = await (file as unknown as { createSyncAccessHandle(): Promise<SyncAccessHandle> }).createSyncAccessHandle();
    } catch (e) {
      const name = (e as Error)?.name;
      if (name === 'NoModificationAllowedError' || name === 'InvalidStateError') {
        throw new OpfsDiskError('the saved disk is in use by another tab of this page: close it, or drop persist from the URL');
      }
      throw new OpfsDiskError(`cannot keep the disk in the browser's storage: ${(e as Error)?.message ?? e}`);
    }
    if (initial) {
      try {
        handle.truncate(0);
        for (let at = 0; at < initial.length;) at += handle.write(initial.subarray(at), { at });
        handle.flush();
      } catch (e) {
        handle.close();
        throw new OpfsDiskError(`cannot save the disk in the browser's storage: ${(e as Error)?.message ?? e}`);
      }
    }
    return new OpfsDisk(handle, readOnly);
  }

  read(offset: number, into: Uint8Array): void {
    let done = 0;
    while (done < into.length) {
      const n = this.handle.read(into.subarray(done), { at: offset + done });
      if (n <= 0) { into.fill(0, done); return; }
      done += n;
    }
  }

  write(offset: number, from: Uint8Array): void {
    if (this.readOnly) throw new Error('read-only disk');
    let done = 0;
    while (done < from.length) done += this.handle.write(from.subarray(done), { at: offset + done });
  }

  flush(): void {
    this.handle.flush();
  }

  /** The whole disk, for a download. */
  contents(): Uint8Array {
    const bytes = new Uint8Array(this.size);
    this.read(0, bytes);
    return bytes;
  }

  close(): void {
    try {
      this.handle.flush();
      this.handle.close();
    } catch {
      // already closed
    }
  }
}
