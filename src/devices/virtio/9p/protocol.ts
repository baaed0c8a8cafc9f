// The 9P2000.L wire format (Linux's net/9p, diod's protocol description): every message is
// size[4] type[1] tag[2] then its fields, little-endian; strings are len[2] and UTF-8 bytes; a
// qid is type[1] version[4] path[8]. Host-neutral: the server (server.ts) reads T-messages with
// MessageReader and builds R-messages with MessageWriter; neither throws past a message's end
// unnoticed: a short or malformed message is a ProtocolError, which the server answers with
// Rlerror(EPROTO).

/** Message types (T = request, R = its reply, always T + 1). */
export const enum P9 {
  RLERROR = 7,
  TSTATFS = 8,
  TLOPEN = 12,
  TLCREATE = 14,
  TSYMLINK = 16,
  TMKNOD = 18,
  TRENAME = 20,
  TREADLINK = 22,
  TGETATTR = 24,
  TSETATTR = 26,
  TXATTRWALK = 30,
  TXATTRCREATE = 32,
  TREADDIR = 40,
  TFSYNC = 50,
  TLOCK = 52,
  TGETLOCK = 54,
  TLINK = 70,
  TMKDIR = 72,
  TRENAMEAT = 74,
  TUNLINKAT = 76,
  TVERSION = 100,
  TAUTH = 102,
  TATTACH = 104,
  TFLUSH = 108,
  TWALK = 110,
  TREAD = 116,
  TWRITE = 118,
  TCLUNK = 120,
  TREMOVE = 122,
}

/** size[4] type[1] tag[2] */
export const HEADER_BYTES = 7;
/** The tag of Tversion, which has no other request beside it. */
export const NOTAG = 0xffff;
/** The fid that names no fid (Tattach's afid when there is no authentication). */
export const NOFID = 0xffffffff;
/** Twalk names at most this many elements at once. */
export const MAX_WALK_ELEMENTS = 16;
/** size[4] type[1] tag[2] count[4]: what Rread and Rreaddir put before their data. */
export const IO_HEADER_BYTES = 11;

/** qid.type bits */
export const QTDIR = 0x80;
export const QTSYMLINK = 0x02;
export const QTFILE = 0;

/** Tgetattr's and Rgetattr's mask: the basic fields (mode through blocks) */
export const GETATTR_BASIC = 0x7ffn;

/** Tsetattr's valid bits */
export const SETATTR_MODE = 0x1;
export const SETATTR_UID = 0x2;
export const SETATTR_GID = 0x4;
export const SETATTR_SIZE = 0x8;
export const SETATTR_ATIME = 0x10;
export const SETATTR_MTIME = 0x20;
export const SETATTR_CTIME = 0x40;
export const SETATTR_ATIME_SET = 0x80;
export const SETATTR_MTIME_SET = 0x100;

/** Tlopen's and Tlcreate's flags (Linux's generic O_* values, whatever the host's are) */
export const DOTL_ACCMODE = 0o3;
export const DOTL_WRONLY = 0o1;
export const DOTL_RDWR = 0o2;
export const DOTL_CREATE = 0o100;
export const DOTL_EXCL = 0o200;
export const DOTL_TRUNC = 0o1000;
export const DOTL_APPEND = 0o2000;
export const DOTL_DSYNC = 0o10000;
export const DOTL_SYNC = 0o4000000;

/** Tunlinkat's flag for a directory */
export const AT_REMOVEDIR = 0x200;

/** Tlock's types and Rlock's status */
export const LOCK_UNLCK = 2;
export const LOCK_SUCCESS = 0;

/** Linux errno values, which Rlerror carries whatever the host's own numbers are. */
export const enum Errno {
  EPERM = 1,
  ENOENT = 2,
  EIO = 5,
  EBADF = 9,
  EAGAIN = 11,
  ENOMEM = 12,
  EACCES = 13,
  EBUSY = 16,
  EEXIST = 17,
  EXDEV = 18,
  ENODEV = 19,
  ENOTDIR = 20,
  EISDIR = 21,
  EINVAL = 22,
  ENFILE = 23,
  EMFILE = 24,
  ETXTBSY = 26,
  EFBIG = 27,
  ENOSPC = 28,
  ESPIPE = 29,
  EROFS = 30,
  EMLINK = 31,
  ERANGE = 34,
  ENAMETOOLONG = 36,
  ENOLCK = 37,
  ENOSYS = 38,
  ENOTEMPTY = 39,
  ELOOP = 40,
  ENODATA = 61,
  EPROTO = 71,
  EOVERFLOW = 75,
  EOPNOTSUPP = 95,
  ESTALE = 116,
  EDQUOT = 122,
}

/** A message that does not parse: answered with Rlerror(EPROTO). */
export class ProtocolError extends Error {}

export interface Qid {
  type: number;
  version: number;
  path: bigint;
}

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** Reads the fields of one T-message, after its header. */
export class MessageReader {
  private readonly view: DataView;
  private readonly bytes: Uint8Array;
  private at: number;

  constructor(message: Uint8Array, at = HEADER_BYTES) {
    this.bytes = message;
    this.view = new DataView(message.buffer, message.byteOffset, message.byteLength);
    this.at = at;
  }

  private need(n: number): number {
    const at = this.at;
    if (at + n > this.bytes.length) throw new ProtocolError('message too short');
    this.at = at + n;
    return at;
  }

  u8(): number { return this.view.getUint8(this.need(1)); }
  u16(): number { return this.view.getUint16(this.need(2), true); }
  u32(): number { return this.view.getUint32(this.need(4), true); }
  u64(): bigint { return this.view.getBigUint64(this.need(8), true); }

  /** A u64 the host uses as a Number (an offset, a size); larger is EINVAL's to answer, so it is clamped to a value past every limit. */
  offset(): number {
    const v = this.u64();
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  }

  /** A string; one that is not UTF-8 is a protocol error (host names are UTF-8 here). */
  string(): string {
    const length = this.u16();
    const at = this.need(length);
    try {
      return decoder.decode(this.bytes.subarray(at, at + length));
    } catch {
      throw new ProtocolError('a string is not UTF-8');
    }
  }

  /** `length` raw bytes (a view of the message). */
  data(length: number): Uint8Array {
    const at = this.need(length);
    return this.bytes.subarray(at, at + length);
  }
}

/** Builds one R-message in a buffer that grows as needed (a reply is at most msize bytes: the server bounds it). */
export class MessageWriter {
  private bytes: Uint8Array;
  private view: DataView;
  private at = HEADER_BYTES;

  constructor(type: number, tag: number, capacity = 64) {
    this.bytes = new Uint8Array(Math.max(capacity, HEADER_BYTES));
    this.view = new DataView(this.bytes.buffer);
    this.view.setUint8(4, type);
    this.view.setUint16(5, tag, true);
  }

  get length(): number {
    return this.at;
  }

  private room(n: number): number {
    if (this.at + n > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.at + n));
      grown.set(this.bytes.subarray(0, this.at));
      this.bytes = grown;
      this.view = new DataView(grown.buffer);
    }
    const at = this.at;
    this.at += n;
    return at;
  }

  // (room() may grow the buffer, so it is called before this.view is read)
  u8(v: number): this { const at = this.room(1); this.view.setUint8(at, v); return this; }
  u16(v: number): this { const at = this.room(2); this.view.setUint16(at, v, true); return this; }
  u32(v: number): this { const at = this.room(4); this.view.setUint32(at, v >>> 0, true); return this; }
  u64(v: bigint | number): this { const at = this.room(8); this.view.setBigUint64(at, BigInt.asUintN(64, BigInt(v)), true); return this; }

  string(s: string): this {
    const encoded = encoder.encode(s);
    this.u16(encoded.length);
    return this.data(encoded);
  }

  qid(q: Qid): this {
    return this.u8(q.type).u32(q.version).u64(q.path);
  }

  data(d: Uint8Array): this {
    const at = this.room(d.length); // (room() may grow the buffer)
    this.bytes.set(d, at);
    return this;
  }

  /** The finished message, its size field set. */
  finish(): Uint8Array {
    this.view.setUint32(0, this.at, true);
    return this.bytes.subarray(0, this.at);
  }
}

/** The bytes a string takes on the wire. */
export function stringBytes(s: string): number {
  return 2 + encoder.encode(s).length;
}

/** Rlerror(errno) for `tag`. */
export function errorReply(tag: number, errno: number): Uint8Array {
  return new MessageWriter(P9.RLERROR, tag, 11).u32(errno).finish();
}
