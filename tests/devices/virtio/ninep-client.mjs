// A small 9P2000.L client for tests: builds T-messages, sends them to a NinePServer (or any
// function from message bytes to reply bytes) and reads the replies.

export const T = {
  statfs: 8, lopen: 12, lcreate: 14, symlink: 16, mknod: 18, rename: 20, readlink: 22, getattr: 24, setattr: 26,
  xattrwalk: 30, readdir: 40, fsync: 50, lock: 52, getlock: 54, link: 70, mkdir: 72, renameat: 74, unlinkat: 76,
  version: 100, auth: 102, attach: 104, flush: 108, walk: 110, read: 116, write: 118, clunk: 120, remove: 122,
};
export const RLERROR = 7;
export const NOFID = 0xffffffff;
export const ERRNO = { EPERM: 1, ENOENT: 2, EBADF: 9, EACCES: 13, EEXIST: 17, EXDEV: 18, ENOTDIR: 20, EISDIR: 21, EINVAL: 22, EMFILE: 24, EROFS: 30, ENAMETOOLONG: 36, ENOTEMPTY: 39, ELOOP: 40, EPROTO: 71, EOPNOTSUPP: 95 };

const enc = new TextEncoder();

/** Field writers: ['u8', v], ['u16', v], ['u32', v], ['u64', v], ['s', string], ['d', bytes] */
export function message(type, tag, fields) {
  const parts = [];
  for (const [kind, v] of fields) {
    if (kind === 's') {
      const b = enc.encode(v);
      const p = new Uint8Array(2 + b.length);
      new DataView(p.buffer).setUint16(0, b.length, true);
      p.set(b, 2);
      parts.push(p);
    } else if (kind === 'd') parts.push(v);
    else {
      const size = { u8: 1, u16: 2, u32: 4, u64: 8 }[kind];
      const p = new Uint8Array(size);
      const dv = new DataView(p.buffer);
      if (kind === 'u8') dv.setUint8(0, v);
      else if (kind === 'u16') dv.setUint16(0, v, true);
      else if (kind === 'u32') dv.setUint32(0, v >>> 0, true);
      else dv.setBigUint64(0, BigInt(v), true);
      parts.push(p);
    }
  }
  const length = 7 + parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, length, true);
  dv.setUint8(4, type);
  dv.setUint16(5, tag, true);
  let at = 7;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** Reads a reply's fields in order. */
export class Reply {
  constructor(bytes) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.size = this.view.getUint32(0, true);
    this.type = this.view.getUint8(4);
    this.tag = this.view.getUint16(5, true);
    this.at = 7;
  }
  get errno() { return this.type === RLERROR ? this.view.getUint32(7, true) : 0; }
  u8() { return this.view.getUint8(this.at++); }
  u16() { const v = this.view.getUint16(this.at, true); this.at += 2; return v; }
  u32() { const v = this.view.getUint32(this.at, true); this.at += 4; return v; }
  u64() { const v = this.view.getBigUint64(this.at, true); this.at += 8; return v; }
  s() { const n = this.u16(); const v = new TextDecoder().decode(this.bytes.subarray(this.at, this.at + n)); this.at += n; return v; }
  d(n) { const v = this.bytes.subarray(this.at, this.at + n); this.at += n; return v; }
  qid() { return { type: this.u8(), version: this.u32(), path: this.u64() }; }
}

/** A client on `send(bytes) -> Promise<bytes>`, with one method per request it needs. */
export class Client {
  constructor(send) {
    this.send = send;
    this.tag = 1;
    this.nextFid = 100;
  }
  async rpc(type, fields) {
    const tag = this.tag++ & 0x7fff;
    const r = new Reply(await this.send(message(type, tag, fields)));
    if (r.tag !== tag) throw new Error(`reply tag ${r.tag} for ${tag}`);
    if (r.type !== type + 1 && r.type !== RLERROR) throw new Error(`reply type ${r.type} for ${type}`);
    return r;
  }
  /** Like rpc, but an Rlerror throws an Error with `errno`. */
  async ok(type, fields) {
    const r = await this.rpc(type, fields);
    if (r.type === RLERROR) throw Object.assign(new Error(`9P request ${type}: errno ${r.errno}`), { errno: r.errno });
    return r;
  }
  fid() { return this.nextFid++; }
  async version(msize = 512 * 1024) { const r = await this.ok(T.version, [['u32', msize], ['s', '9P2000.L']]); return { msize: r.u32(), version: r.s() }; }
  async attach(fid = 0, uid = 0) { return (await this.ok(T.attach, [['u32', fid], ['u32', NOFID], ['s', 'root'], ['s', ''], ['u32', uid]])).qid(); }
  /** Walks `names` from `fid` to a new fid; resolves to { fid, qids } (qids shorter on a partial walk). */
  async walk(fid, names, newfid = this.fid()) {
    const r = await this.ok(T.walk, [['u32', fid], ['u32', newfid], ['u16', names.length], ...names.map((n) => ['s', n])]);
    const n = r.u16();
    const qids = [];
    for (let i = 0; i < n; i++) qids.push(r.qid());
    return { fid: newfid, qids };
  }
  async lopen(fid, flags) { return (await this.ok(T.lopen, [['u32', fid], ['u32', flags]])).qid(); }
  async lcreate(fid, name, flags = 0o2, mode = 0o644, gid = 0) { return (await this.ok(T.lcreate, [['u32', fid], ['s', name], ['u32', flags], ['u32', mode], ['u32', gid]])).qid(); }
  async read(fid, offset, count) { const r = await this.ok(T.read, [['u32', fid], ['u64', offset], ['u32', count]]); return r.d(r.u32()).slice(); }
  async write(fid, offset, data) { return (await this.ok(T.write, [['u32', fid], ['u64', offset], ['u32', data.length], ['d', data]])).u32(); }
  async clunk(fid) { await this.ok(T.clunk, [['u32', fid]]); }
  async mkdir(fid, name, mode = 0o755) { return (await this.ok(T.mkdir, [['u32', fid], ['s', name], ['u32', mode], ['u32', 0]])).qid(); }
  async symlink(fid, name, target) { return (await this.ok(T.symlink, [['u32', fid], ['s', name], ['s', target], ['u32', 0]])).qid(); }
  async readlink(fid) { return (await this.ok(T.readlink, [['u32', fid]])).s(); }
  async link(dfid, fid, name) { await this.ok(T.link, [['u32', dfid], ['u32', fid], ['s', name]]); }
  async renameat(olddir, oldname, newdir, newname) { await this.ok(T.renameat, [['u32', olddir], ['s', oldname], ['u32', newdir], ['s', newname]]); }
  async rename(fid, dfid, name) { await this.ok(T.rename, [['u32', fid], ['u32', dfid], ['s', name]]); }
  async unlinkat(dfid, name, flags = 0) { await this.ok(T.unlinkat, [['u32', dfid], ['s', name], ['u32', flags]]); }
  async fsync(fid) { await this.ok(T.fsync, [['u32', fid], ['u32', 0]]); }
  async getattr(fid) {
    const r = await this.ok(T.getattr, [['u32', fid], ['u64', 0x3fff]]);
    const valid = r.u64(), qid = r.qid(), mode = r.u32(), uid = r.u32(), gid = r.u32(), nlink = r.u64(), rdev = r.u64(), size = r.u64();
    r.u64(); r.u64();
    const atime = r.u64(); r.u64();
    const mtime = r.u64(); const mtimeNs = r.u64();
    return { valid, qid, mode, uid, gid, nlink, rdev, size, atime, mtime, mtimeNs };
  }
  async setattr(fid, { valid, mode = 0, uid = 0, gid = 0, size = 0, atime = 0, mtime = 0 }) {
    await this.ok(T.setattr, [['u32', fid], ['u32', valid], ['u32', mode], ['u32', uid], ['u32', gid], ['u64', size], ['u64', atime], ['u64', 0], ['u64', mtime], ['u64', 0]]);
  }
  async statfs(fid) { const r = await this.ok(T.statfs, [['u32', fid]]); return { type: r.u32(), bsize: r.u32(), blocks: r.u64() }; }
  /** Every entry name of an opened directory fid, reading `count` bytes at a time. */
  async readdir(fid, count = 8192) {
    const names = [];
    let offset = 0n;
    for (;;) {
      const r = await this.ok(T.readdir, [['u32', fid], ['u64', offset], ['u32', count]]);
      const end = r.at + 4 + r.u32();
      if (end === r.at) break;
      while (r.at < end) {
        r.qid();
        offset = r.u64();
        r.u8();
        names.push(r.s());
      }
    }
    return names;
  }
}
