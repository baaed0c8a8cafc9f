// Extended attributes (Linux's getxattr family), which Node has no API for, through libc
// (libc.ts), on koffi's worker threads so that a slow file system does not hold the caller.
// For virtio-9p's security_model=mapped-xattr, which keeps the guest's owner and mode of a
// file in user.virtfs.* attributes as QEMU does.

import { promisify } from 'node:util';
import { loadLibc } from './libc.js';

export interface ExtendedAttributes {
  /**
   * The attribute `name` of the file at `path`, or undefined if it has none; `follow`: a
   * symlink at the end of `path` is followed (as /proc/self/fd/N must be), else it is not.
   */
  get(path: string, name: string, size: number, follow: boolean): Promise<Uint8Array | undefined>;
  /** Sets it; false where it cannot be (no user attributes on that file system, or on that kind of file). */
  set(path: string, name: string, value: Uint8Array, follow: boolean): Promise<boolean>;
}

let attributes: ExtendedAttributes | null | undefined;

/** The host's extended attributes, or undefined where libc cannot be loaded. */
export function extendedAttributes(): ExtendedAttributes | undefined {
  if (attributes === undefined) {
    attributes = null;
    const libc = loadLibc();
    if (libc) {
      type Get = (path: string, name: string, value: Buffer, size: number) => Promise<number>;
      type Set = (path: string, name: string, value: Buffer, size: number, flags: number) => Promise<number>;
      const get = (fn: string) => promisify(libc.lib.func(`long ${fn}(const char *path, const char *name, void *value, size_t size)`).async) as Get;
      const set = (fn: string) => promisify(libc.lib.func(`int ${fn}(const char *path, const char *name, void *value, size_t size, int flags)`).async) as Set;
      const gets = { follow: get('getxattr'), not: get('lgetxattr') };
      const sets = { follow: set('setxattr'), not: set('lsetxattr') };
      attributes = {
        async get(path, name, size, follow) {
          const value = Buffer.alloc(size);
          const got = await (follow ? gets.follow : gets.not)(path, name, value, size);
          return got >= 0 ? new Uint8Array(value.subarray(0, got)) : undefined;
        },
        async set(path, name, value, follow) {
          return (await (follow ? sets.follow : sets.not)(path, name, Buffer.from(value), value.length, 0)) === 0;
        },
      };
    }
  }
  return attributes ?? undefined;
}
