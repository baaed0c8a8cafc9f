// The locks QEMU 7.2 takes on a raw disk image, taken the same way, so that hartvm and QEMU
// refuse each other as two QEMUs do. A user of an image holds a shared lock on byte 100 + p for
// each permission p it uses, and on byte 200 + p for each one it lets no one else have. It
// refuses the image when another holder locks byte 200 + p of a permission it uses, or byte
// 100 + p of one it does not share. So a writer excludes everyone, while any number of readers
// share an image.

import { DiskError } from '../../machine/errors.js';
import { lockHolder } from './lock-holder.js';
import { ofdLocks } from './ofd-lock.js';

const enum Perm { CONSISTENT_READ = 0, WRITE = 1, WRITE_UNCHANGED = 2, RESIZE = 3 }

const PERM_NAMES = ['consistent read', 'write', 'write unchanged', 'resize'];
const USED_BASE = 100;
const UNSHARED_BASE = 200;

export interface ImageUse {
  readOnly: boolean;
  snapshot: boolean;
}

/** What QEMU's virtio-blk uses and does not share of a raw image, for each way of opening it. */
function permissionsOf(use: ImageUse): { uses: Perm[]; unshared: Perm[] } {
  // a snapshot's overlay is sized to the image, which must not change under it
  if (use.snapshot) return { uses: [Perm.CONSISTENT_READ], unshared: [Perm.WRITE, Perm.RESIZE] };
  if (use.readOnly) return { uses: [Perm.CONSISTENT_READ], unshared: [Perm.WRITE] };
  return { uses: [Perm.CONSISTENT_READ, Perm.WRITE], unshared: [Perm.WRITE] };
}

/**
 * Locks the image open as `fd` (its fs.Stats in `stat`) for `use`, or throws a DiskError naming
 * what holds it. The locks last until the file is closed; a refused caller closes it too.
 */
export function lockImage(fd: number, stat: { dev: number; ino: number }, file: string, use: ImageUse): void {
  const locks = ofdLocks();
  if (!locks) return;
  const { uses, unshared } = permissionsOf(use);
  const ownBytes = [...uses.map((p) => USED_BASE + p), ...unshared.map((p) => UNSHARED_BASE + p)];
  // the bytes where another holder's lock conflicts, each with what it means
  const conflicts = [
    ...unshared.map((p) => ({ byte: USED_BASE + p, perm: p, theyUse: true })),
    ...uses.map((p) => ({ byte: UNSHARED_BASE + p, perm: p, theyUse: false })),
  ];
  const refuse = (byte: number, why: string, pid?: number): never => {
    throw new DiskError(`-drive ${file}: in use by ${lockHolder({ ...stat, fd }, byte, pid)}, which ${why}`);
  };
  try {
    for (const byte of ownBytes) if (!locks.lockShared(fd, byte)) refuse(byte, 'holds it exclusively');
    for (const { byte, perm, theyUse } of conflicts) {
      const pid = locks.lockedElsewhere(fd, byte);
      if (pid === undefined) continue;
      if (perm === Perm.WRITE) {
        refuse(byte, theyUse ? 'is writing it' : 'lets no one else write it (open it with readonly=on or snapshot=on to share it)', pid);
      }
      refuse(byte, theyUse ? `has its "${PERM_NAMES[perm]}" permission` : `does not share its "${PERM_NAMES[perm]}" permission`, pid);
    }
  } catch (e) {
    if (e instanceof DiskError) throw e;
    // a file system without locks (some network mounts): the image is used unlocked
  }
}
