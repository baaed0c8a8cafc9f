// What a 9P2000.L server (server.ts) asks of the file system it serves: a host folder on Node
// (host/node/folder-share.ts), something else in a browser. Host-neutral and asynchronous:
// every call returns a Promise, so a slow host file system never holds the device thread.
//
// A file is named by its path below the shared folder's root, as components: the server checks
// every name it was given (no "/", never "." or "..", not empty, not too long) before a path
// reaches a back end, so a path never leaves the root by its names. A back end must not let it
// leave by the host's symlinks either: it resolves a path one component at a time without
// following any symlink, and acts on a symlink itself, never on what it points to (the guest
// reads symlinks and resolves them in its own namespace).
//
// Failures are FsError with a Linux errno, which the guest gets in Rlerror.

/** A path below the share's root: [] is the root itself. */
export type SharePath = readonly string[];

/** A failure the guest sees as Rlerror(errno) (Linux's errno numbers, protocol.ts Errno). */
export class FsError extends Error {
  readonly errno: number;
  constructor(errno: number, message = `errno ${errno}`) {
    super(message);
    this.errno = errno;
  }
}

/** A file's attributes as the guest sees them (Linux's struct stat; mode with Linux's S_IF* type bits). */
export interface FileAttributes {
  mode: number;
  uid: number;
  gid: number;
  nlink: bigint;
  rdev: bigint;
  size: bigint;
  blksize: bigint;
  blocks: bigint;
  /** times in nanoseconds since the epoch */
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  /** stays the file's while it exists (the host's inode number): the guest's inode number */
  ino: bigint;
}

/** One entry of a directory, with what the guest's readdir reports of it. */
export interface DirectoryEntry {
  name: string;
  /** the S_IF* type bits of its mode */
  type: number;
  ino: bigint;
}

/** A directory being read: entries in the host's order, without "." and "..". */
export interface DirectoryStream {
  /** The next entry, or null at the end. */
  next(): Promise<DirectoryEntry | null>;
  close(): Promise<void>;
}

/** A file opened for reading or writing. */
export interface OpenFile {
  /** Reads at `offset` into `into`; resolves to the bytes read (0 at the end). */
  read(offset: number, into: Uint8Array): Promise<number>;
  /** Writes `from` at `offset` (at the end for a file opened to append); resolves to the bytes written. */
  write(offset: number, from: Uint8Array): Promise<number>;
  /** The attributes of the open file (also once it has been unlinked). */
  stat(): Promise<FileAttributes>;
  sync(dataOnly: boolean): Promise<void>;
  /** Changes the open file (Tsetattr on an opened fid: also once the file has been unlinked). */
  setAttributes(changes: AttributeChanges): Promise<void>;
  close(): Promise<void>;
}

/** Who the guest says creates a file (its uid and the gid it asked for). */
export interface Owner {
  uid: number;
  gid: number;
}

/** Tsetattr's changes; a time of 'now' is the host's current time. */
export interface AttributeChanges {
  mode?: number;
  uid?: number;
  gid?: number;
  size?: number;
  atimeNs?: bigint | 'now';
  mtimeNs?: bigint | 'now';
}

/** The file system's statistics (statfs), in blocks of bsize bytes. */
export interface FileSystemStatistics {
  type: number;
  bsize: number;
  blocks: bigint;
  bfree: bigint;
  bavail: bigint;
  files: bigint;
  ffree: bigint;
  namelen: number;
}

/** Open flags the server passes on: Linux's O_ACCMODE bits, O_TRUNC, O_APPEND, O_EXCL, O_DSYNC, O_SYNC (protocol.ts DOTL_*). */
export type OpenFlags = number;

export interface FileSystemBackend {
  /** Refuses every change (EROFS) */
  readonly readOnly: boolean;
  /** The attributes of the file at `path`; a symlink's own. */
  stat(path: SharePath): Promise<FileAttributes>;
  /** Opens the file at `path` (not a directory, never through a symlink). */
  open(path: SharePath, flags: OpenFlags): Promise<OpenFile>;
  /** Creates and opens `name` in `dir` (O_CREAT is implied, O_EXCL as asked). */
  create(dir: SharePath, name: string, flags: OpenFlags, mode: number, owner: Owner): Promise<OpenFile>;
  mkdir(dir: SharePath, name: string, mode: number, owner: Owner): Promise<void>;
  /** A symlink to `target`, which is the guest's to resolve: never read on the host. */
  symlink(dir: SharePath, name: string, target: string, owner: Owner): Promise<void>;
  /** A special file (mode's type bits: FIFO, socket, device) or an empty regular file. */
  mknod(dir: SharePath, name: string, mode: number, rdev: bigint, owner: Owner): Promise<void>;
  /** The target of the symlink at `path`. */
  readlink(path: SharePath): Promise<string>;
  /** A hard link `name` in `dir` to the file at `target`. */
  link(target: SharePath, dir: SharePath, name: string): Promise<void>;
  rename(fromDir: SharePath, fromName: string, toDir: SharePath, toName: string): Promise<void>;
  /** Removes `name` from `dir`: an empty directory when `directory`, else any other file. */
  remove(dir: SharePath, name: string, directory: boolean): Promise<void>;
  openDirectory(path: SharePath): Promise<DirectoryStream>;
  /** Changes the file at `path` (a symlink itself: its mode and size are left alone). */
  setAttributes(path: SharePath, changes: AttributeChanges): Promise<void>;
  statfs(path: SharePath): Promise<FileSystemStatistics>;
}

/** S_IF* type bits of a mode (Linux's values). */
export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;
export const S_IFIFO = 0o010000;
export const S_IFSOCK = 0o140000;
export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;
