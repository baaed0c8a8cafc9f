// Open-file-description byte-range locks (Linux's fcntl F_OFD_SETLK and F_OFD_GETLK), the kind
// QEMU locks disk images with. Node has no fcntl, so libc's is called (libc.ts). Such a lock
// belongs to one open file (one openSync), not to the process: two opens of an image in one
// process conflict like two processes, and closing the file releases its locks, as does the end
// of the process.

import type { LibraryHandle } from 'koffi';
import { loadLibc } from './libc.js';

// <fcntl.h> on Linux, every architecture koffi has a build for
const F_OFD_GETLK = 36;
const F_OFD_SETLK = 37;
const F_RDLCK = 0;
const F_WRLCK = 1;
const F_UNLCK = 2;
const SEEK_SET = 0;

interface Flock {
  l_type: number;
  l_whence: number;
  l_start: number;
  l_len: number;
  l_pid: number;
}

export interface ByteLocks {
  /**
   * Takes a shared lock on byte `offset` of open file `fd`: false if another open file holds an
   * exclusive one there. Throws where the file cannot be locked at all (some network file systems).
   */
  lockShared(fd: number, offset: number): boolean;
  /**
   * Whether another open file holds any lock on byte `offset`: undefined if none does, else the
   * pid fcntl reports (-1 for OFD locks, which belong to no process). Throws as lockShared.
   */
  lockedElsewhere(fd: number, offset: number): number | undefined;
}

let locks: ByteLocks | null | undefined;

/**
 * The byte locks of this host, or undefined where it has none (not Linux, or no glibc): images
 * are then used unlocked, as QEMU's locking=auto does without OFD locks.
 */
export function ofdLocks(): ByteLocks | undefined {
  if (locks === undefined) locks = loadLocks();
  return locks ?? undefined;
}

function loadLocks(): ByteLocks | null {
  const loaded = loadLibc();
  if (!loaded) return null;
  const { koffi, lib: libc } = loaded;
  // fcntl64 takes the 64-bit offsets below on 32-bit systems too; older glibc has only fcntl
  let fcntl: ReturnType<LibraryHandle['func']>;
  try {
    fcntl = libc.func('int fcntl64(int fd, int cmd, ...)');
  } catch {
    fcntl = libc.func('int fcntl(int fd, int cmd, ...)');
  }
  const flockPointer = koffi.inout(koffi.pointer(koffi.struct('hartvm_flock', {
    l_type: 'short', l_whence: 'short', l_start: 'int64_t', l_len: 'int64_t', l_pid: 'int',
  })));
  /** fcntl on a struct flock; returns 0 or the errno's name */
  const call = (fd: number, command: number, lock: Flock): 0 | string => {
    if (fcntl(fd, command, flockPointer, lock) === 0) return 0;
    const errno = koffi.errno();
    return Object.entries(koffi.os.errno).find(([, value]) => value === errno)?.[0] ?? `errno ${errno}`;
  };
  return {
    lockShared(fd, offset) {
      const error = call(fd, F_OFD_SETLK, { l_type: F_RDLCK, l_whence: SEEK_SET, l_start: offset, l_len: 1, l_pid: 0 });
      if (error === 'EAGAIN' || error === 'EACCES') return false;
      if (error !== 0) throw new Error(`fcntl F_OFD_SETLK: ${error}`);
      return true;
    },
    lockedElsewhere(fd, offset) {
      // asks whether an exclusive lock could be had: any other holder's lock stands in its way
      const lock: Flock = { l_type: F_WRLCK, l_whence: SEEK_SET, l_start: offset, l_len: 1, l_pid: 0 };
      const error = call(fd, F_OFD_GETLK, lock);
      if (error !== 0) throw new Error(`fcntl F_OFD_GETLK: ${error}`);
      return lock.l_type === F_UNLCK ? undefined : lock.l_pid;
    },
  };
}
