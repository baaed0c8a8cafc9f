// A 9P2000.L file server (the protocol Linux's v9fs speaks with version=9p2000.L) over a
// FileSystemBackend: it keeps the guest's fids, checks every name and bound the guest controls,
// refuses changes to a read-only share, and turns each T-message into back-end calls. Requests
// are independent: handle() may be called again before an earlier call has resolved, and each
// resolves to its reply whenever its back-end calls complete.
//
// Confinement: a fid is a path of checked names below the root (backend.ts). Twalk's ".."
// takes the last name off (at the root it stays at the root), so no name leads out; the back
// end follows no symlink. Link and rename targets are fids and names of this server, hence
// inside the root too.
//
// Bounds: msize (at most MAX_MSIZE) bounds every message both ways; at most MAX_FIDS fids and
// MAX_OPEN_FILES open files (host file descriptors); a name at most MAX_NAME_BYTES, a path at
// most MAX_PATH_DEPTH names. The number of requests in flight is the device's to bound (one per
// virtqueue entry). Nothing a message says makes the server throw: a bad message is
// Rlerror(EPROTO), a bad fid EBADF, a host failure the host's errno.
//
// Not implemented, as QEMU leaves them: host-side locks (Tlock succeeds and Tgetlock reports
// no conflict: the guest kernel already arbitrates its own processes' locks), extended
// attributes (EOPNOTSUPP), authentication.

import {
  AT_REMOVEDIR, DOTL_ACCMODE, DOTL_APPEND, DOTL_CREATE, DOTL_DSYNC, DOTL_EXCL, DOTL_SYNC, DOTL_TRUNC, Errno, GETATTR_BASIC,
  HEADER_BYTES, IO_HEADER_BYTES, LOCK_SUCCESS, LOCK_UNLCK, MAX_WALK_ELEMENTS, MessageReader, MessageWriter, NOFID, P9,
  ProtocolError, QTDIR, QTFILE, QTSYMLINK, SETATTR_ATIME, SETATTR_ATIME_SET, SETATTR_GID, SETATTR_MODE, SETATTR_MTIME,
  SETATTR_MTIME_SET, SETATTR_SIZE, SETATTR_UID, errorReply, stringBytes, type Qid,
} from './protocol.js';
import {
  FsError, S_IFDIR, S_IFLNK, S_IFMT, type AttributeChanges, type DirectoryEntry, type DirectoryStream, type FileAttributes,
  type FileSystemBackend, type OpenFile, type SharePath,
} from './backend.js';

/** The largest msize agreed to: Linux's virtio transport takes up to 500 KiB. */
export const MAX_MSIZE = 512 * 1024;
/** The smallest msize that leaves room for a useful read. */
const MIN_MSIZE = 4096;
export const MAX_FIDS = 16384;
export const MAX_OPEN_FILES = 1024;
export const MAX_NAME_BYTES = 255;
export const MAX_PATH_DEPTH = 256;
export const MAX_SYMLINK_BYTES = 4095;
/** f_type of a v9fs mount, as QEMU reports it */
const V9FS_MAGIC = 0x01021997;

const VERSION = '9P2000.L';
const encoder = new TextEncoder();

/** What a fid stands for: a file or directory of the share, maybe opened. */
interface Fid {
  path: string[];
  /** the user the guest attached as (Tattach's n_uname): files it creates are theirs */
  uid: number;
  /** Tlopen or Tlcreate opened it */
  opened: boolean;
  /** the open file of an opened non-directory */
  file?: OpenFile;
  /** the fid is a directory (known once opened) */
  directory: boolean;
  /** an opened directory's reading */
  listing?: Listing;
  /** requests using it right now; its file closes once the last ends after a clunk */
  busy: number;
  clunked: boolean;
}

/**
 * A directory being read: ".", "..", then the host's entries. `position` is the offset after
 * the last entry sent or skipped; `produced` counts entries taken from that sequence, and
 * `pending` is one taken that did not fit in the last reply.
 */
interface Listing {
  stream: DirectoryStream;
  position: number;
  produced: number;
  pending?: DirectoryEntry;
}

export interface NinePServerOptions {
  /** refuse every change with EROFS (the back end refuses them too, if it is read-only) */
  readOnly?: boolean;
}

export class NinePServer {
  private readonly backend: FileSystemBackend;
  private readonly readOnly: boolean;
  private readonly fids = new Map<number, Fid>();
  private openFiles = 0;
  private msize = MAX_MSIZE;
  /** replies of the requests in flight, by tag, for Tflush to wait for */
  private readonly inFlight = new Map<number, Promise<unknown>>();

  constructor(backend: FileSystemBackend, options: NinePServerOptions = {}) {
    this.backend = backend;
    this.readOnly = (options.readOnly ?? false) || backend.readOnly;
  }

  /** The largest T-message taken: the negotiated msize (MAX_MSIZE before Tversion). */
  get maxMessage(): number {
    return this.msize;
  }

  /** Fids the guest holds. */
  get fidCount(): number {
    return this.fids.size;
  }

  /** Host files held open for the guest. */
  get openFileCount(): number {
    return this.openFiles;
  }

  /**
   * Serves one T-message; resolves to its R-message, at most `room` bytes long (the space the
   * driver gave for it) and at most msize. Never rejects.
   */
  handle(message: Uint8Array, room = MAX_MSIZE): Promise<Uint8Array> {
    if (message.length < HEADER_BYTES) return Promise.resolve(errorReply(0, Errno.EPROTO));
    const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
    const type = view.getUint8(4);
    const tag = view.getUint16(5, true);
    const size = view.getUint32(0, true);
    const body = message.subarray(0, Math.min(size, message.length));
    const reply = this.serve(type, tag, body, Math.min(room, this.msize)).catch((e: unknown) => errorReply(tag, errnoOf(e)));
    const tracked = reply.finally(() => { if (this.inFlight.get(tag) === tracked) this.inFlight.delete(tag); });
    this.inFlight.set(tag, tracked);
    return reply;
  }

  /** The driver reset the device: every fid is forgotten and its file closed. */
  reset(): void {
    for (const fid of this.fids.values()) this.clunk(fid);
    this.fids.clear();
    this.msize = MAX_MSIZE;
  }

  private async serve(type: number, tag: number, message: Uint8Array, room: number): Promise<Uint8Array> {
    if (message.length < HEADER_BYTES || new DataView(message.buffer, message.byteOffset).getUint32(0, true) !== message.length) {
      return errorReply(tag, Errno.EPROTO);
    }
    const r = new MessageReader(message);
    const reply = (t: number) => new MessageWriter(t + 1, tag);
    switch (type) {
      case P9.TVERSION: return this.version(r, tag);
      case P9.TATTACH: return this.attach(r, reply(type));
      case P9.TWALK: return this.walk(r, reply(type));
      case P9.TCLUNK: {
        const id = r.u32();
        this.take(id);
        this.clunkId(id);
        return reply(type).finish();
      }
      case P9.TFLUSH: {
        const pending = this.inFlight.get(r.u16());
        if (pending) await pending;
        return reply(type).finish();
      }
      case P9.TAUTH: return errorReply(tag, Errno.EOPNOTSUPP);
      case P9.TXATTRWALK: return errorReply(tag, Errno.EOPNOTSUPP);
      case P9.TXATTRCREATE: return errorReply(tag, this.readOnly ? Errno.EROFS : Errno.EOPNOTSUPP);
    }
    // 9P2000 and 9P2000.u messages (Topen, Tcreate, Tstat...) are not 9P2000.L's
    if (!ON_A_FID.has(type)) return errorReply(tag, Errno.EOPNOTSUPP);
    if (this.readOnly && CHANGES.has(type)) {
      if (type === P9.TREMOVE) this.clunkId(r.u32()); // Tremove clunks its fid even when it fails
      return errorReply(tag, Errno.EROFS);
    }
    const id = r.u32();
    const fid = this.take(id);
    fid.busy++;
    try {
      switch (type) {
        case P9.TGETATTR: return await this.getattr(fid, reply(type));
        case P9.TSETATTR: return await this.setattr(fid, r, reply(type));
        case P9.TLOPEN: return await this.lopen(fid, r, reply(type));
        case P9.TLCREATE: return await this.lcreate(fid, r, reply(type));
        case P9.TREAD: return await this.read(fid, r, reply(type), room);
        case P9.TWRITE: return await this.write(fid, r, reply(type));
        case P9.TREADDIR: return await this.readdir(fid, r, reply(type), room);
        case P9.TMKDIR: {
          const name = checkName(r.string());
          const mode = r.u32(), gid = r.u32();
          await this.backend.mkdir(fid.path, name, mode, { uid: fid.uid, gid });
          return reply(type).qid(qidOf(await this.backend.stat(child(fid.path, name)))).finish();
        }
        case P9.TSYMLINK: {
          const name = checkName(r.string());
          const target = r.string();
          const gid = r.u32();
          if (target.length === 0 || encoder.encode(target).length > MAX_SYMLINK_BYTES || target.includes('\0')) throw new FsError(Errno.EINVAL);
          await this.backend.symlink(fid.path, name, target, { uid: fid.uid, gid });
          return reply(type).qid(qidOf(await this.backend.stat(child(fid.path, name)))).finish();
        }
        case P9.TMKNOD: {
          const name = checkName(r.string());
          const mode = r.u32(), major = r.u32(), minor = r.u32(), gid = r.u32();
          const rdev = (BigInt(major) << 8n) | BigInt(minor & 0xff) | (BigInt(minor & ~0xff) << 12n);
          await this.backend.mknod(fid.path, name, mode, rdev, { uid: fid.uid, gid });
          return reply(type).qid(qidOf(await this.backend.stat(child(fid.path, name)))).finish();
        }
        case P9.TREADLINK: return reply(type).string(await this.backend.readlink(fid.path)).finish();
        case P9.TLINK: {
          // Tlink dfid fid name: `fid` is the existing file, inside the share as every fid is
          const target = this.take(r.u32());
          const name = checkName(r.string());
          await this.backend.link(target.path, fid.path, name);
          return reply(type).finish();
        }
        case P9.TRENAME: {
          // Trename fid dfid name: the file of `fid` moves into `dfid` as `name`
          const dir = this.take(r.u32());
          const name = checkName(r.string());
          if (fid.path.length === 0) throw new FsError(Errno.EBUSY);
          const from = fid.path.slice(0, -1), fromName = fid.path[fid.path.length - 1];
          await this.rename(from, fromName, dir.path, name);
          return reply(type).finish();
        }
        case P9.TRENAMEAT: {
          const oldName = checkName(r.string());
          const newDir = this.take(r.u32());
          const newName = checkName(r.string());
          await this.rename(fid.path, oldName, newDir.path, newName);
          return reply(type).finish();
        }
        case P9.TUNLINKAT: {
          const name = checkName(r.string());
          const flags = r.u32();
          await this.backend.remove(fid.path, name, (flags & AT_REMOVEDIR) !== 0);
          return reply(type).finish();
        }
        case P9.TREMOVE: {
          try {
            if (fid.path.length === 0) throw new FsError(Errno.EBUSY);
            const attributes = await this.backend.stat(fid.path);
            await this.backend.remove(fid.path.slice(0, -1), fid.path[fid.path.length - 1], (attributes.mode & S_IFMT) === S_IFDIR);
          } finally {
            this.clunkId(id);
          }
          return reply(type).finish();
        }
        case P9.TSTATFS: {
          const s = await this.backend.statfs(fid.path);
          return reply(type).u32(V9FS_MAGIC).u32(s.bsize).u64(s.blocks).u64(s.bfree).u64(s.bavail)
            .u64(s.files).u64(s.ffree).u64(0).u32(Math.min(s.namelen, MAX_NAME_BYTES)).finish();
        }
        case P9.TFSYNC: {
          const dataOnly = r.u32() !== 0;
          if (fid.file) await fid.file.sync(dataOnly);
          else if (!fid.opened) throw new FsError(Errno.EBADF);
          return reply(type).finish();
        }
        case P9.TLOCK: {
          r.u8(); r.u32(); r.u64(); r.u64(); r.u32(); r.string();
          if (!fid.opened) throw new FsError(Errno.EBADF);
          return reply(type).u8(LOCK_SUCCESS).finish();
        }
        case P9.TGETLOCK: {
          r.u8();
          const start = r.u64(), length = r.u64(), procId = r.u32(), client = r.string();
          if (!fid.opened) throw new FsError(Errno.EBADF);
          return reply(type).u8(LOCK_UNLCK).u64(start).u64(length).u32(procId).string(client).finish();
        }
        default:
          return errorReply(tag, Errno.EOPNOTSUPP);
      }
    } finally {
      fid.busy--;
      if (fid.clunked && fid.busy === 0) this.close(fid);
    }
  }

  private version(r: MessageReader, tag: number): Uint8Array {
    const asked = r.u32();
    const version = r.string();
    // A new session: what the old one held is gone (the guest remounts).
    this.reset();
    const known = version === VERSION;
    if (known) this.msize = Math.max(MIN_MSIZE, Math.min(asked, MAX_MSIZE));
    return new MessageWriter(P9.TVERSION + 1, tag).u32(this.msize).string(known ? VERSION : 'unknown').finish();
  }

  private async attach(r: MessageReader, w: MessageWriter): Promise<Uint8Array> {
    const id = r.u32();
    const afid = r.u32();
    r.string(); // uname: n_uname says who
    r.string(); // aname: the share is the whole folder
    const uid = r.u32();
    if (afid !== NOFID) throw new FsError(Errno.EINVAL);
    const attributes = await this.backend.stat([]);
    this.addFid(id, { path: [], uid, opened: false, directory: true, busy: 0, clunked: false });
    return w.qid(qidOf(attributes)).finish();
  }

  private async walk(r: MessageReader, w: MessageWriter): Promise<Uint8Array> {
    const id = r.u32();
    const fid = this.take(id);
    const newId = r.u32();
    const count = r.u16();
    if (count > MAX_WALK_ELEMENTS) throw new FsError(Errno.EINVAL);
    const names: string[] = [];
    for (let i = 0; i < count; i++) names.push(r.string());
    if (newId !== id && this.fids.has(newId)) throw new FsError(Errno.EBADF);
    // an opened fid keeps naming what it opened
    if (newId === id && fid.opened && count > 0) throw new FsError(Errno.EBADF);
    let path = fid.path.slice();
    const qids: Qid[] = [];
    fid.busy++;
    try {
      for (const name of names) {
        let next: string[];
        if (name === '..') next = path.slice(0, -1); // the guest's own "..": at the root it stays there
        else if (name === '.') next = path;
        else next = child(path, checkName(name));
        let attributes: FileAttributes;
        try {
          attributes = await this.backend.stat(next);
        } catch (e) {
          if (qids.length === 0) throw e;
          break; // a partial walk: the qids so far, newfid not made
        }
        qids.push(qidOf(attributes));
        path = next;
      }
    } finally {
      fid.busy--;
    }
    if (qids.length === count) {
      if (newId === id) fid.path = path;
      else this.addFid(newId, { path, uid: fid.uid, opened: false, directory: false, busy: 0, clunked: false });
    }
    w.u16(qids.length);
    for (const q of qids) w.qid(q);
    return w.finish();
  }

  private async getattr(fid: Fid, w: MessageWriter): Promise<Uint8Array> {
    const a = fid.file ? await fid.file.stat() : await this.backend.stat(fid.path);
    const seconds = (ns: bigint) => ns / 1_000_000_000n;
    const nanoseconds = (ns: bigint) => ns % 1_000_000_000n;
    return w.u64(GETATTR_BASIC).qid(qidOf(a)).u32(a.mode).u32(a.uid).u32(a.gid).u64(a.nlink).u64(a.rdev).u64(a.size)
      .u64(a.blksize).u64(a.blocks)
      .u64(seconds(a.atimeNs)).u64(nanoseconds(a.atimeNs)).u64(seconds(a.mtimeNs)).u64(nanoseconds(a.mtimeNs))
      .u64(seconds(a.ctimeNs)).u64(nanoseconds(a.ctimeNs))
      .u64(0).u64(0).u64(0).u64(0) // btime, gen, data_version: not given
      .finish();
  }

  private async setattr(fid: Fid, r: MessageReader, w: MessageWriter): Promise<Uint8Array> {
    const valid = r.u32(), mode = r.u32(), uid = r.u32(), gid = r.u32();
    const size = r.offset();
    const atime = r.u64() * 1_000_000_000n + r.u64() % 1_000_000_000n;
    const mtime = r.u64() * 1_000_000_000n + r.u64() % 1_000_000_000n;
    const changes: AttributeChanges = {};
    if (valid & SETATTR_MODE) changes.mode = mode & 0o7777;
    if (valid & SETATTR_UID) changes.uid = uid;
    if (valid & SETATTR_GID) changes.gid = gid;
    if (valid & SETATTR_SIZE) {
      if (size >= Number.MAX_SAFE_INTEGER) throw new FsError(Errno.EFBIG);
      changes.size = size;
    }
    if (valid & SETATTR_ATIME) changes.atimeNs = valid & SETATTR_ATIME_SET ? atime : 'now';
    if (valid & SETATTR_MTIME) changes.mtimeNs = valid & SETATTR_MTIME_SET ? mtime : 'now';
    // (ctime alone: the host sets it whenever anything changes)
    if (Object.keys(changes).length === 0) return w.finish();
    if (fid.file) await fid.file.setAttributes(changes);
    else await this.backend.setAttributes(fid.path, changes);
    return w.finish();
  }

  private async lopen(fid: Fid, r: MessageReader, w: MessageWriter): Promise<Uint8Array> {
    const flags = r.u32();
    if (fid.opened) throw new FsError(Errno.EBADF);
    const attributes = await this.backend.stat(fid.path);
    const qid = qidOf(attributes);
    if (qid.type === QTDIR) {
      if ((flags & DOTL_ACCMODE) !== 0) throw new FsError(Errno.EISDIR);
      fid.directory = true;
    } else {
      const hostFlags = openFlags(flags);
      if (this.readOnly && changesContent(hostFlags)) throw new FsError(Errno.EROFS);
      this.reserveOpenFile();
      try {
        fid.file = await this.backend.open(fid.path, hostFlags);
      } catch (e) {
        this.openFiles--;
        throw e;
      }
      fid.directory = false;
    }
    fid.opened = true;
    if (fid.clunked) this.close(fid); // clunked while it opened: nobody can close it later
    return w.qid(qid).u32(0).finish();
  }

  private async lcreate(fid: Fid, r: MessageReader, w: MessageWriter): Promise<Uint8Array> {
    const name = checkName(r.string());
    const flags = r.u32(), mode = r.u32(), gid = r.u32();
    if (fid.opened) throw new FsError(Errno.EBADF);
    const path = child(fid.path, name);
    this.reserveOpenFile();
    let file: OpenFile;
    try {
      file = await this.backend.create(fid.path, name, openFlags(flags), mode & 0o7777, { uid: fid.uid, gid });
    } catch (e) {
      this.openFiles--;
      throw e;
    }
    const attributes = await file.stat().catch(async (e: unknown) => { await this.closeFile(file); throw e; });
    fid.path = path;
    fid.file = file;
    fid.opened = true;
    fid.directory = false;
    if (fid.clunked) this.close(fid);
    return w.qid(qidOf(attributes)).u32(0).finish();
  }

  private async read(fid: Fid, r: MessageReader, w: MessageWriter, room: number): Promise<Uint8Array> {
    const offset = r.offset();
    const asked = r.u32();
    if (!fid.file) throw new FsError(fid.directory && fid.opened ? Errno.EISDIR : Errno.EBADF);
    if (offset >= Number.MAX_SAFE_INTEGER) throw new FsError(Errno.EINVAL);
    const count = Math.max(0, Math.min(asked, room - IO_HEADER_BYTES));
    const data = new Uint8Array(count);
    const got = count === 0 ? 0 : await fid.file.read(offset, data);
    return w.u32(got).data(data.subarray(0, got)).finish();
  }

  private async write(fid: Fid, r: MessageReader, w: MessageWriter): Promise<Uint8Array> {
    const offset = r.offset();
    const count = r.u32();
    const data = r.data(count);
    if (!fid.file) throw new FsError(fid.directory && fid.opened ? Errno.EISDIR : Errno.EBADF);
    if (offset + count > Number.MAX_SAFE_INTEGER) throw new FsError(Errno.EFBIG);
    // The message is the device's copy, so the back end may hold it as long as it takes.
    const written = count === 0 ? 0 : await fid.file.write(offset, data);
    return w.u32(written).finish();
  }

  /**
   * Entries from `offset` on ("." and ".." first, then the host's in its order), as many as
   * fit in `count` bytes. The offset of an entry is its place in that order, so reading on
   * from where the last call ended is one stream; any other offset reads the directory anew
   * up to it (as after a rewinddir or a seekdir).
   */
  private async readdir(fid: Fid, r: MessageReader, w: MessageWriter, room: number): Promise<Uint8Array> {
    const offset = r.offset();
    const count = Math.min(r.u32(), room - IO_HEADER_BYTES);
    if (!fid.opened || !fid.directory) throw new FsError(fid.opened ? Errno.ENOTDIR : Errno.EBADF);
    let listing = fid.listing;
    if (!listing || listing.position !== offset) {
      if (listing) {
        fid.listing = undefined;
        await this.closeListing(listing);
      }
      this.reserveOpenFile();
      let stream: DirectoryStream;
      try {
        stream = await this.backend.openDirectory(fid.path);
      } catch (e) {
        this.openFiles--;
        throw e;
      }
      listing = { stream, position: 0, produced: 0 };
      if (fid.clunked) {
        await this.closeListing(listing);
        throw new FsError(Errno.EBADF);
      }
      fid.listing = listing;
    }
    const entries = new MessageWriter(0, 0);
    let bytes = 0;
    for (;;) {
      const entry = await this.nextEntry(fid, listing);
      if (!entry) break;
      if (listing.position < offset) { listing.position++; continue; } // skipping up to a seekdir's offset
      const size = 13 + 8 + 1 + stringBytes(entry.name);
      if (bytes + size > count) {
        listing.pending = entry;
        break;
      }
      listing.position++;
      entries.qid(qidOf({ mode: entry.type, ino: entry.ino })).u64(listing.position).u8((entry.type & S_IFMT) >>> 12).string(entry.name);
      bytes += size;
    }
    if (bytes === 0 && listing.pending) throw new FsError(Errno.EINVAL); // not even one entry fits in count
    const data = entries.finish().subarray(HEADER_BYTES);
    return w.u32(data.length).data(data).finish();
  }

  /** The next entry of a listing: ".", "..", then the host's; null at the end. */
  private async nextEntry(fid: Fid, listing: Listing): Promise<DirectoryEntry | null> {
    if (listing.pending) {
      const entry = listing.pending;
      listing.pending = undefined;
      return entry;
    }
    const index = listing.produced++;
    if (index < 2) {
      const a = await this.backend.stat(index === 0 ? fid.path : fid.path.slice(0, -1));
      return { name: index === 0 ? '.' : '..', type: a.mode, ino: a.ino };
    }
    return listing.stream.next();
  }

  private async rename(fromDir: SharePath, fromName: string, toDir: SharePath, toName: string): Promise<void> {
    await this.backend.rename(fromDir, fromName, toDir, toName);
    // Fids below the old name are below the new one now.
    const from = child(fromDir, fromName), to = child(toDir, toName);
    for (const fid of this.fids.values()) {
      if (fid.path.length >= from.length && from.every((name, i) => fid.path[i] === name)) {
        fid.path = [...to, ...fid.path.slice(from.length)];
      }
    }
  }

  private take(id: number): Fid {
    const fid = this.fids.get(id);
    if (!fid) throw new FsError(Errno.EBADF);
    return fid;
  }

  private addFid(id: number, fid: Fid): void {
    if (id === NOFID || this.fids.has(id)) throw new FsError(Errno.EBADF);
    if (this.fids.size >= MAX_FIDS) throw new FsError(Errno.EMFILE);
    this.fids.set(id, fid);
  }

  private clunkId(id: number): void {
    const fid = this.fids.get(id);
    if (!fid) return;
    this.fids.delete(id);
    this.clunk(fid);
  }

  /** The fid is gone; its file closes now, or when the last request using it ends. */
  private clunk(fid: Fid): void {
    fid.clunked = true;
    if (fid.busy === 0) this.close(fid);
  }

  private close(fid: Fid): void {
    const file = fid.file, listing = fid.listing;
    fid.file = undefined;
    fid.listing = undefined;
    if (file) void this.closeFile(file);
    if (listing) void this.closeListing(listing);
  }

  private async closeFile(file: OpenFile): Promise<void> {
    this.openFiles--;
    await file.close().catch(() => {});
  }

  private async closeListing(listing: Listing): Promise<void> {
    this.openFiles--;
    await listing.stream.close().catch(() => {});
  }

  private reserveOpenFile(): void {
    if (this.openFiles >= MAX_OPEN_FILES) throw new FsError(Errno.EMFILE);
    this.openFiles++;
  }
}

/** The requests that start with the fid they act on. */
const ON_A_FID = new Set<number>([
  P9.TGETATTR, P9.TSETATTR, P9.TLOPEN, P9.TLCREATE, P9.TREAD, P9.TWRITE, P9.TREADDIR, P9.TMKDIR, P9.TSYMLINK, P9.TMKNOD,
  P9.TREADLINK, P9.TLINK, P9.TRENAME, P9.TRENAMEAT, P9.TUNLINKAT, P9.TREMOVE, P9.TSTATFS, P9.TFSYNC, P9.TLOCK, P9.TGETLOCK,
]);

/** Requests that change the share: refused on a read-only one. */
const CHANGES = new Set<number>([
  P9.TLCREATE, P9.TSYMLINK, P9.TMKNOD, P9.TRENAME, P9.TRENAMEAT, P9.TUNLINKAT, P9.TREMOVE, P9.TSETATTR, P9.TWRITE, P9.TMKDIR, P9.TLINK,
]);

/** The open flags passed on to the back end: access mode, truncate, append, exclusive, sync; the rest are the guest kernel's. */
function openFlags(flags: number): number {
  return flags & (DOTL_ACCMODE | DOTL_TRUNC | DOTL_APPEND | DOTL_EXCL | DOTL_DSYNC | DOTL_SYNC);
}

function changesContent(flags: number): boolean {
  return (flags & DOTL_ACCMODE) !== 0 || (flags & (DOTL_TRUNC | DOTL_APPEND | DOTL_CREATE)) !== 0;
}

/**
 * A name the guest gave for a file in a directory: one component, never "." or ".." (Twalk
 * handles those itself), no "/" or NUL, not empty, at most MAX_NAME_BYTES.
 */
function checkName(name: string): string {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) throw new FsError(Errno.EINVAL);
  if (encoder.encode(name).length > MAX_NAME_BYTES) throw new FsError(Errno.ENAMETOOLONG);
  return name;
}

function child(path: SharePath, name: string): string[] {
  if (path.length >= MAX_PATH_DEPTH) throw new FsError(Errno.ENAMETOOLONG);
  return [...path, name];
}

function qidOf(a: { mode: number; ino: bigint }): Qid {
  const type = a.mode & S_IFMT;
  return { type: type === S_IFDIR ? QTDIR : type === S_IFLNK ? QTSYMLINK : QTFILE, version: 0, path: a.ino };
}

function errnoOf(e: unknown): number {
  if (e instanceof FsError) return e.errno;
  if (e instanceof ProtocolError) return Errno.EPROTO;
  return Errno.EIO;
}
