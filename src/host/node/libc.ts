// The C library, for the few calls Node has no API for (fcntl's open-file-description locks,
// _exit), through koffi, a foreign function interface with prebuilt binaries. Linux with glibc
// only; elsewhere the callers do without.

import { createRequire } from 'node:module';
import type { LibraryHandle } from 'koffi';

export interface Libc {
  koffi: typeof import('koffi');
  lib: LibraryHandle;
}

let libc: Libc | null | undefined;

/** libc through koffi, or undefined where it cannot be loaded. */
export function loadLibc(): Libc | undefined {
  if (libc === undefined) {
    libc = null;
    if (process.platform === 'linux') {
      try {
        const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
        libc = { koffi, lib: koffi.load('libc.so.6') };
      } catch {
        // no koffi build for this platform, or no glibc
      }
    }
  }
  return libc ?? undefined;
}
