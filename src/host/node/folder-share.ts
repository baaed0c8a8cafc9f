// A host folder as virtio-9p's file system (devices/virtio/9p/backend.ts), on Linux.
//
// Confinement: nothing outside the folder is reachable whatever the guest names or has made in
// it. The folder is held open (an O_PATH descriptor) and every path is resolved from it one
// name at a time, each directory opened O_PATH | O_NOFOLLOW | O_DIRECTORY relative to the one
// before it (through /proc/self/fd/N/NAME, which is openat(N, NAME) for Node's path calls), so
// a symlink anywhere on the way stops the walk instead of leading out, also one the guest or
// the host swaps in meanwhile. The last name is acted on without following it (lstat, lchown,
// O_NOFOLLOW, link, rename, unlink); calls that follow their path (chmod, truncate, utimes)
// are made on an O_PATH descriptor of the file itself, after checking it is no symlink. The
// names themselves were checked by the server (no "/", ".", ".."). Symlinks are created with
// whatever target the guest gives and never read on the host.
//
// security_model=none: files get the guest's modes, and its owners where the host lets this
// process give them (failures ignored, as QEMU's none). mapped-xattr: files are created
// private to the host user (0600, directories 0700), and the guest's owner, group, mode and
// device number live in user.virtfs.uid, .gid, .mode and .rdev, as QEMU keeps them; the
// guest's symlinks and special files are regular host files then (a symlink's target as
// content), so the host never sees a symlink the guest made.

import { constants, openSync, closeSync, fstatSync, statSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import type { BigIntStats, Dir } from 'node:fs';
import {
  FsError, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, type AttributeChanges, type DirectoryEntry, type DirectoryStream,
  type FileAttributes, type FileSystemBackend, type FileSystemStatistics, type OpenFile, type Owner, type SharePath,
} from '../../devices/virtio/9p/backend.js';
import { DOTL_ACCMODE, DOTL_APPEND, DOTL_DSYNC, DOTL_EXCL, DOTL_SYNC, DOTL_TRUNC, Errno } from '../../devices/virtio/9p/protocol.js';
import { extendedAttributes, type ExtendedAttributes } from './xattr.js';
import { OptionError } from '../../machine/errors.js';
import { printable } from '../../machine/printable.js';
import type { ShareOption } from '../../machine/share-options.js';
import { fileErrorReason } from './user-file.js';

export type SecurityModel = 'none' | 'mapped-xattr';

/** Linux's O_PATH (the same on every architecture Node runs on there) */
const O_PATH = 0o10000000;
const { O_NOFOLLOW, O_DIRECTORY, O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_NONBLOCK, O_DSYNC, O_SYNC, O_WRONLY, O_RDONLY } = constants;
/** Host file modes under mapped-xattr: the host user's only */
const MAPPED_FILE_MODE = 0o600;
const MAPPED_DIRECTORY_MODE = 0o700;
const MAX_SYMLINK_BYTES = 4095;

/** Host error codes as Linux's errno numbers (the guest's). */
const ERRNO: Record<string, number> = {
  EPERM: Errno.EPERM, ENOENT: Errno.ENOENT, EIO: Errno.EIO, EBADF: Errno.EBADF, EAGAIN: Errno.EAGAIN, ENOMEM: Errno.ENOMEM,
  EACCES: Errno.EACCES, EBUSY: Errno.EBUSY, EEXIST: Errno.EEXIST, EXDEV: Errno.EXDEV, ENODEV: Errno.ENODEV,
  ENOTDIR: Errno.ENOTDIR, EISDIR: Errno.EISDIR, EINVAL: Errno.EINVAL, ENFILE: Errno.ENFILE, EMFILE: Errno.EMFILE,
  ETXTBSY: Errno.ETXTBSY, EFBIG: Errno.EFBIG, ENOSPC: Errno.ENOSPC, ESPIPE: Errno.ESPIPE, EROFS: Errno.EROFS,
  EMLINK: Errno.EMLINK, ERANGE: Errno.ERANGE, ENAMETOOLONG: Errno.ENAMETOOLONG, ENOLCK: Errno.ENOLCK, ENOSYS: Errno.ENOSYS,
  ENOTEMPTY: Errno.ENOTEMPTY, ELOOP: Errno.ELOOP, ENODATA: Errno.ENODATA, EOVERFLOW: Errno.EOVERFLOW,
  ENOTSUP: Errno.EOPNOTSUPP, EOPNOTSUPP: Errno.EOPNOTSUPP, ESTALE: Errno.ESTALE, EDQUOT: Errno.EDQUOT, ENXIO: 6,
};

/** A host failure as the guest's FsError. */
function guestError(e: unknown): FsError {
  if (e instanceof FsError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  return new FsError(code !== undefined ? ERRNO[code] ?? Errno.EIO : Errno.EIO, (e as Error)?.message);
}

async function hostCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw guestError(e);
  }
}

/** The path of NAME inside the directory held open as `fd`: openat(fd, NAME) for Node's path calls. */
function at(fd: number, name: string): string {
  return `/proc/self/fd/${fd}/${name}`;
}

/** The file held open (O_PATH) as `fd` itself, for calls that follow their path. */
function held(fd: number): string {
  return `/proc/self/fd/${fd}`;
}

export interface FolderShareOptions {
  readOnly?: boolean;
  securityModel?: SecurityModel;
}

/** user.virtfs.* values: native-endian uid_t, gid_t, mode_t (32 bits) and dev_t (64 bits), as QEMU writes them */
const XATTR_UID = 'user.virtfs.uid';
const XATTR_GID = 'user.virtfs.gid';
const XATTR_MODE = 'user.virtfs.mode';
const XATTR_RDEV = 'user.virtfs.rdev';

export class FolderShare implements FileSystemBackend {
  readonly root: string;
  readonly readOnly: boolean;
  readonly securityModel: SecurityModel;
  private rootFd: number;
  /** the folder's device: files on another one (a mount inside the folder) get their inode numbers mixed with theirs */
  private readonly rootDevice: bigint;
  /** calls using rootFd right now: closed only once none is, so its number is never reused under one */
  private users = 0;
  private closing = false;
  private readonly xattrs: ExtendedAttributes | undefined;

  /** Opens `root`, which must be a directory (throws Node's error otherwise). */
  constructor(root: string, options: FolderShareOptions = {}) {
    this.root = root;
    this.readOnly = options.readOnly ?? false;
    this.securityModel = options.securityModel ?? 'none';
    if (this.securityModel === 'mapped-xattr') {
      this.xattrs = extendedAttributes();
      if (!this.xattrs) throw new Error('security_model=mapped-xattr needs libc\'s extended attributes (Linux with glibc)');
    }
    this.rootFd = openSync(root, O_PATH | O_DIRECTORY);
    const s = fstatSync(this.rootFd, { bigint: true });
    if (!s.isDirectory()) {
      closeSync(this.rootFd);
      throw Object.assign(new Error(`${root}: not a directory`), { code: 'ENOTDIR' });
    }
    this.rootDevice = s.dev;
  }

  /** Lets go of the folder (once the calls under way have ended); every later call fails. */
  close(): void {
    this.closing = true;
    if (this.users === 0 && this.rootFd >= 0) {
      closeSync(this.rootFd);
      this.rootFd = -1;
    }
  }

  private get mapped(): boolean {
    return this.xattrs !== undefined;
  }

  private writable(): void {
    if (this.readOnly) throw new FsError(Errno.EROFS);
  }

  /**
   * Runs `use` with the directory `path` held open (O_PATH), resolved one name at a time
   * without following a symlink; closes what it opened.
   */
  private async inDirectory<T>(path: SharePath, use: (fd: number) => Promise<T>): Promise<T> {
    if (this.closing) throw new FsError(Errno.EIO);
    let handle: fsp.FileHandle | undefined;
    this.users++;
    try {
      let fd = this.rootFd;
      for (const name of path) {
        const next = await fsp.open(at(fd, name), O_PATH | O_NOFOLLOW | O_DIRECTORY);
        await handle?.close();
        handle = next;
        fd = next.fd;
      }
      return await use(fd);
    } catch (e) {
      throw guestError(e);
    } finally {
      await handle?.close().catch(() => {});
      if (--this.users === 0 && this.closing) this.close();
    }
  }

  /** Runs `use` with the host path of the file `path` names: its directory held open, its last name not followed. */
  private async named<T>(path: SharePath, use: (hostPath: string) => Promise<T>): Promise<T> {
    if (path.length === 0) return this.inDirectory([], (fd) => use(at(fd, '.')));
    return this.inDirectory(path.slice(0, -1), (fd) => use(at(fd, path[path.length - 1])));
  }

  async stat(path: SharePath): Promise<FileAttributes> {
    return this.named(path, async (hostPath) => this.attributes(await fsp.lstat(hostPath, { bigint: true }), hostPath));
  }

  /**
   * Host stats as the guest's attributes; under mapped-xattr, with the guest's owner and mode
   * from `xattrPath`'s attributes (`follow`: it is a /proc/self/fd/N of the file itself).
   */
  private async attributes(s: BigIntStats, xattrPath: string, follow = false): Promise<FileAttributes> {
    const a: FileAttributes = {
      mode: Number(s.mode), uid: Number(s.uid), gid: Number(s.gid), nlink: s.nlink, rdev: s.rdev, size: s.size,
      blksize: s.blksize, blocks: s.blocks, atimeNs: s.atimeNs, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs,
      // the guest tells files apart by this alone: two devices' inode numbers must not meet
      ino: s.dev === this.rootDevice ? s.ino : s.ino ^ (BigInt.asUintN(15, s.dev * 0x9e3779b1n) + 1n) << 48n,
    };
    if (this.xattrs && (a.mode & S_IFMT) !== S_IFLNK) {
      const [uid, gid, mode, rdev] = await Promise.all([XATTR_UID, XATTR_GID, XATTR_MODE, XATTR_RDEV].map((name) =>
        this.xattrs!.get(xattrPath, name, 8, follow).catch(() => undefined)));
      const u32 = (v: Uint8Array | undefined) => v && v.length >= 4 ? new DataView(v.buffer, v.byteOffset).getUint32(0, true) : undefined;
      a.uid = u32(uid) ?? a.uid;
      a.gid = u32(gid) ?? a.gid;
      const m = u32(mode);
      if (m !== undefined) a.mode = m;
      if (rdev && rdev.length >= 8) a.rdev = new DataView(rdev.buffer, rdev.byteOffset).getBigUint64(0, true);
    }
    return a;
  }

  /** Under mapped-xattr, records the guest's view of a file (only the fields given); `follow` as attributes(). */
  private async record(hostPath: string, fields: { uid?: number; gid?: number; mode?: number; rdev?: bigint }, follow = false): Promise<void> {
    if (!this.xattrs) return;
    const u32 = (v: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v >>> 0, true); return b; };
    const sets: [string, Uint8Array][] = [];
    if (fields.uid !== undefined) sets.push([XATTR_UID, u32(fields.uid)]);
    if (fields.gid !== undefined) sets.push([XATTR_GID, u32(fields.gid)]);
    if (fields.mode !== undefined) sets.push([XATTR_MODE, u32(fields.mode)]);
    if (fields.rdev !== undefined) {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, fields.rdev, true);
      sets.push([XATTR_RDEV, b]);
    }
    for (const [name, value] of sets) {
      if (!await this.xattrs.set(hostPath, name, value, follow)) throw new FsError(Errno.EOPNOTSUPP, `cannot set ${name}`);
    }
  }

  /**
   * Under none, gives a new file the guest's owner where the host lets us (QEMU's none ignores
   * failures) and, unless it is a symlink, exactly the guest's mode (the guest applied its umask
   * already; this process's must not take bits off again). `path` is the file held open
   * (/proc/self/fd/N), or a symlink's own path.
   */
  private async own(path: string, owner: Owner, mode?: number): Promise<void> {
    if (this.mapped) return;
    if (mode === undefined) {
      await fsp.lchown(path, owner.uid, owner.gid).catch(() => {});
      return;
    }
    await fsp.chown(path, owner.uid, owner.gid).catch(() => {});
    await fsp.chmod(path, mode & 0o7777); // after chown, which clears set-user-ID
  }

  async open(path: SharePath, flags: number): Promise<OpenFile> {
    if ((flags & DOTL_ACCMODE) !== 0 || (flags & (DOTL_TRUNC | DOTL_APPEND)) !== 0) this.writable();
    return this.named(path, async (hostPath) => {
      const handle = await fsp.open(hostPath, hostFlags(flags) | O_NOFOLLOW | O_NONBLOCK);
      return this.openFile(handle);
    });
  }

  async create(dir: SharePath, name: string, flags: number, mode: number, owner: Owner): Promise<OpenFile> {
    this.writable();
    return this.inDirectory(dir, async (fd) => {
      const hostPath = at(fd, name);
      let handle: fsp.FileHandle;
      try {
        handle = await fsp.open(hostPath, hostFlags(flags) | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK, this.mapped ? MAPPED_FILE_MODE : mode);
      } catch (e) {
        // there already (the guest did not know): opened as it is, its owner and mode left alone
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || (flags & DOTL_EXCL) !== 0) throw e;
        return this.openFile(await fsp.open(hostPath, hostFlags(flags) | O_NOFOLLOW | O_NONBLOCK));
      }
      try {
        await this.record(held(handle.fd), { uid: owner.uid, gid: owner.gid, mode: S_IFREG | mode }, true);
        await this.own(held(handle.fd), owner, mode);
      } catch (e) {
        await handle.close();
        throw e;
      }
      return this.openFile(handle);
    });
  }

  private openFile(handle: fsp.FileHandle): OpenFile {
    const share = this;
    return {
      read: (offset, into) => hostCall(async () => (await handle.read(into, 0, into.length, offset)).bytesRead),
      write: (offset, from) => hostCall(async () => (await handle.write(from, 0, from.length, offset)).bytesWritten),
      stat: () => hostCall(async () => share.attributes(await handle.stat({ bigint: true }), held(handle.fd), true)),
      sync: (dataOnly) => hostCall(() => dataOnly ? handle.datasync() : handle.sync()),
      setAttributes: (changes) => hostCall(async () => {
        const itself = held(handle.fd);
        const current = await share.attributes(await handle.stat({ bigint: true }), itself, true);
        await share.change(changes, current, {
          mode: (mode) => handle.chmod(mode), owner: (uid, gid) => handle.chown(uid, gid), xattrs: itself,
          size: (size) => handle.truncate(size), times: (atime, mtime) => handle.utimes(atime, mtime),
        });
      }),
      close: () => handle.close(),
    };
  }

  async mkdir(dir: SharePath, name: string, mode: number, owner: Owner): Promise<void> {
    this.writable();
    return this.inDirectory(dir, async (fd) => {
      const hostPath = at(fd, name);
      await fsp.mkdir(hostPath, this.mapped ? MAPPED_DIRECTORY_MODE : mode);
      // the new directory held open itself, so that what follows acts on it whatever is renamed meanwhile
      const handle = await fsp.open(hostPath, O_PATH | O_NOFOLLOW | O_DIRECTORY);
      try {
        await this.record(held(handle.fd), { uid: owner.uid, gid: owner.gid, mode: S_IFDIR | mode }, true);
        await this.own(held(handle.fd), owner, mode);
      } finally {
        await handle.close();
      }
    });
  }

  async symlink(dir: SharePath, name: string, target: string, owner: Owner): Promise<void> {
    this.writable();
    return this.inDirectory(dir, async (fd) => {
      const hostPath = at(fd, name);
      if (!this.mapped) {
        await fsp.symlink(target, hostPath);
        await this.own(hostPath, owner);
        return;
      }
      // mapped-xattr: a regular file holding the target, which only the guest reads as a link
      const handle = await fsp.open(hostPath, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, MAPPED_FILE_MODE);
      try {
        await handle.writeFile(target);
        await this.record(held(handle.fd), { uid: owner.uid, gid: owner.gid, mode: S_IFLNK | 0o777 }, true);
      } finally {
        await handle.close();
      }
    });
  }

  async mknod(dir: SharePath, name: string, mode: number, rdev: bigint, owner: Owner): Promise<void> {
    this.writable();
    const type = mode & S_IFMT;
    // Node cannot make special files; under mapped-xattr they are regular files anyway
    if (type !== 0 && type !== S_IFREG && !this.mapped) throw new FsError(Errno.EPERM);
    return this.inDirectory(dir, async (fd) => {
      const hostPath = at(fd, name);
      const handle = await fsp.open(hostPath, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, this.mapped ? MAPPED_FILE_MODE : mode & 0o7777);
      try {
        await this.record(held(handle.fd), { uid: owner.uid, gid: owner.gid, mode: type === 0 ? S_IFREG | mode : mode, rdev }, true);
        await this.own(held(handle.fd), owner, mode);
      } finally {
        await handle.close();
      }
    });
  }

  async readlink(path: SharePath): Promise<string> {
    return this.named(path, async (hostPath) => {
      const s = await fsp.lstat(hostPath);
      if (s.isSymbolicLink()) return fsp.readlink(hostPath);
      const a = await this.attributes(await fsp.lstat(hostPath, { bigint: true }), hostPath);
      if (!this.mapped || (a.mode & S_IFMT) !== S_IFLNK || !s.isFile()) throw new FsError(Errno.EINVAL);
      const handle = await fsp.open(hostPath, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
      try {
        const target = new Uint8Array(MAX_SYMLINK_BYTES);
        const { bytesRead } = await handle.read(target, 0, target.length, 0);
        return new TextDecoder().decode(target.subarray(0, bytesRead));
      } finally {
        await handle.close();
      }
    });
  }

  async link(target: SharePath, dir: SharePath, name: string): Promise<void> {
    this.writable();
    if (target.length === 0) throw new FsError(Errno.EPERM);
    return this.named(target, (from) => this.inDirectory(dir, (fd) => fsp.link(from, at(fd, name))));
  }

  async rename(fromDir: SharePath, fromName: string, toDir: SharePath, toName: string): Promise<void> {
    this.writable();
    return this.inDirectory(fromDir, (from) => this.inDirectory(toDir, (to) => fsp.rename(at(from, fromName), at(to, toName))));
  }

  async remove(dir: SharePath, name: string, directory: boolean): Promise<void> {
    this.writable();
    return this.inDirectory(dir, (fd) => directory ? fsp.rmdir(at(fd, name)) : fsp.unlink(at(fd, name)));
  }

  async openDirectory(path: SharePath): Promise<DirectoryStream> {
    // the directory stays held open while it is read, so its entries are looked up in it
    let dirFd = -1;
    let handle: fsp.FileHandle | undefined;
    await this.inDirectory(path, async (fd) => {
      handle = await fsp.open(`${held(fd)}/.`, O_PATH | O_DIRECTORY);
      dirFd = handle.fd;
    });
    let dir: Dir;
    try {
      dir = await fsp.opendir(held(dirFd), { bufferSize: 64 });
    } catch (e) {
      await handle!.close();
      throw guestError(e);
    }
    return {
      next: async (): Promise<DirectoryEntry | null> => {
        for (;;) {
          const entry = await hostCall(() => dir.read());
          if (!entry) return null;
          try {
            const hostPath = at(dirFd, entry.name);
            const a = await this.attributes(await fsp.lstat(hostPath, { bigint: true }), hostPath);
            return { name: entry.name, type: a.mode & S_IFMT, ino: a.ino };
          } catch {
            continue; // gone since the directory was read
          }
        }
      },
      close: async () => {
        await dir.close().catch(() => {});
        await handle!.close().catch(() => {});
      },
    };
  }

  async setAttributes(path: SharePath, changes: AttributeChanges): Promise<void> {
    this.writable();
    return this.named(path, async (hostPath) => {
      // held open itself, so that calls which follow their path act on this very file
      const handle = await fsp.open(hostPath, O_PATH | O_NOFOLLOW);
      try {
        const s = await handle.stat({ bigint: true });
        const itself = held(handle.fd);
        if ((Number(s.mode) & S_IFMT) === S_IFLNK) {
          // a symlink itself: its owner and times only (what it points to is the guest's to resolve)
          if (changes.size !== undefined) throw new FsError(Errno.EINVAL);
          const current = await this.attributes(s, hostPath);
          await this.change({ uid: changes.uid, gid: changes.gid, atimeNs: changes.atimeNs, mtimeNs: changes.mtimeNs }, current, {
            owner: (uid, gid) => fsp.lchown(hostPath, uid, gid), times: (atime, mtime) => fsp.lutimes(hostPath, atime, mtime),
          });
          return;
        }
        const current = await this.attributes(s, itself, true);
        await this.change(changes, current, {
          mode: (mode) => fsp.chmod(itself, mode), owner: (uid, gid) => fsp.chown(itself, uid, gid), xattrs: itself,
          size: (size) => (Number(s.mode) & S_IFMT) === S_IFREG ? fsp.truncate(itself, size) : Promise.reject(new FsError(Errno.EINVAL)),
          times: (atime, mtime) => fsp.utimes(itself, atime, mtime),
        });
      } finally {
        await handle.close().catch(() => {});
      }
    });
  }

  /**
   * Applies Tsetattr's changes to a file through `on`'s calls (each absent one: that change is
   * refused); under mapped-xattr, the owner and mode go into `on.xattrs`' attributes instead.
   */
  private async change(changes: AttributeChanges, current: FileAttributes, on: {
    mode?: (mode: number) => Promise<void>; owner?: (uid: number, gid: number) => Promise<void>; xattrs?: string;
    size?: (size: number) => Promise<void>; times?: (atime: number, mtime: number) => Promise<void>;
  }): Promise<void> {
    const xattrs = this.mapped ? on.xattrs : undefined;
    if (changes.mode !== undefined && (on.mode || xattrs)) {
      if (xattrs) await this.record(xattrs, { mode: (current.mode & S_IFMT) | changes.mode }, true);
      else await on.mode!(changes.mode);
    }
    if (changes.uid !== undefined || changes.gid !== undefined) {
      if (xattrs) await this.record(xattrs, { uid: changes.uid, gid: changes.gid }, true);
      else if (!this.mapped) {
        // none: as QEMU's, a host that does not let us give the file away is no error
        await on.owner?.(changes.uid ?? current.uid, changes.gid ?? current.gid).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'EPERM') throw e; });
      }
    }
    if (changes.size !== undefined) {
      if (!on.size) throw new FsError(Errno.EINVAL);
      await on.size(changes.size);
    }
    if ((changes.atimeNs !== undefined || changes.mtimeNs !== undefined) && on.times) {
      const time = (t: bigint | 'now' | undefined, keep: bigint) => t === 'now' ? Date.now() / 1000 : Number(t ?? keep) / 1e9;
      await on.times(time(changes.atimeNs, current.atimeNs), time(changes.mtimeNs, current.mtimeNs));
    }
  }

  async statfs(path: SharePath): Promise<FileSystemStatistics> {
    return this.inDirectory(path.length === 0 ? [] : path.slice(0, -1), async (fd) => {
      const s = await fsp.statfs(`${held(fd)}/.`, { bigint: true });
      return { type: Number(s.type), bsize: Number(s.bsize), blocks: s.blocks, bfree: s.bfree, bavail: s.bavail, files: s.files, ffree: s.ffree, namelen: 255 };
    });
  }
}

/** The server's open flags (Linux's values) as the host's. */
function hostFlags(flags: number): number {
  let host = flags & DOTL_ACCMODE; // O_RDONLY 0, O_WRONLY 1, O_RDWR 2 everywhere
  if (flags & DOTL_TRUNC) host |= O_TRUNC;
  if (flags & DOTL_APPEND) host |= O_APPEND;
  if (flags & DOTL_EXCL) host |= O_EXCL;
  if (flags & DOTL_DSYNC) host |= O_DSYNC;
  if (flags & DOTL_SYNC) host |= O_SYNC;
  return host;
}

/**
 * The folder of a share option, opened; throws OptionError naming the option as `typed` (the
 * share's folder and tag by default) when it is no folder that can be opened.
 */
export function openFolderShare(share: ShareOption, typed = `shared folder ${printable(share.path)} (mount_tag ${printable(share.tag)})`): FolderShare {
  try {
    return new FolderShare(share.path, { readOnly: share.readOnly, securityModel: share.securityModel });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code === 'ENOTDIR') throw new OptionError(`${typed}: ${printable(share.path)} is not a directory`);
    if (code !== undefined) throw new OptionError(`${typed}: cannot open ${printable(share.path)}: ${fileErrorReason(e)}`);
    throw new OptionError(`${typed}: ${(e as Error).message}`);
  }
}

/** Checks that `path` is a folder that can be shared; throws OptionError naming the option as typed. */
export function checkShareFolder(path: string, typed: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (e) {
    throw new OptionError(`${typed}: cannot open ${printable(path)}: ${fileErrorReason(e)}`);
  }
  if (!isDirectory) throw new OptionError(`${typed}: ${printable(path)} is not a directory`);
}
