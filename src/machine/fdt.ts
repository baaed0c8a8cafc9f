// A flattened device tree (DTB) writer: build a tree of nodes and properties, then serialise it
// in the format of the Devicetree Specification (v0.4), chapter 5 "Flattened Devicetree (DTB)
// Format", version 17: a header, the memory reservation block, the structure block and the
// strings block, all big-endian. The blocks' alignment holds relative to the blob's start, so
// whoever places the blob in guest memory must put it at an 8-byte aligned address (spec 5.6).

const FDT_MAGIC = 0xd00dfeed;
const FDT_VERSION = 17;
/** version 16 readers understand a version 17 blob (the header only grew size_dt_struct) */
const FDT_LAST_COMPATIBLE_VERSION = 16;
const HEADER_SIZE = 40;

const enum Token { BEGIN_NODE = 1, END_NODE = 2, PROP = 3, NOP = 4, END = 9 }

/** node-name[@unit-address] (spec 2.2.1): 1 to 31 name characters. */
const NODE_NAME = /^[0-9A-Za-z,._+-]{1,31}(@[0-9A-Za-z,._+-]+)?$/;
/** property names (spec 2.2.4): 1 to 31 characters. */
const PROPERTY_NAME = /^[0-9A-Za-z,._+?#-]{1,31}$/;

export interface FdtProperty {
  readonly name: string;
  /** the raw big-endian value */
  readonly value: Uint8Array;
}

export class FdtNode {
  readonly name: string;
  readonly properties: FdtProperty[] = [];
  readonly children: FdtNode[] = [];

  /** The root node's name is the empty string. */
  constructor(name: string) {
    this.name = name;
  }

  /** Adds a child node at the end of the children. */
  addNode(name: string): FdtNode {
    if (!NODE_NAME.test(name)) throw new Error(`invalid device tree node name "${name}"`);
    if (this.children.some((c) => c.name === name)) throw new Error(`node "${name}" already exists under "${this.name}"`);
    const node = new FdtNode(name);
    this.children.push(node);
    return node;
  }

  child(name: string): FdtNode | undefined {
    return this.children.find((c) => c.name === name);
  }

  property(name: string): FdtProperty | undefined {
    return this.properties.find((p) => p.name === name);
  }

  /** Sets a property to raw bytes; a property set twice keeps its first position. */
  bytes(name: string, value: Uint8Array): this {
    if (!PROPERTY_NAME.test(name)) throw new Error(`invalid device tree property name "${name}"`);
    const i = this.properties.findIndex((p) => p.name === name);
    const property = { name, value: Uint8Array.from(value) };
    if (i >= 0) this.properties[i] = property;
    else this.properties.push(property);
    return this;
  }

  /** A property with no value (a boolean: true when present). */
  empty(name: string): this {
    return this.bytes(name, new Uint8Array(0));
  }

  /** One or more 32-bit cells (<u32 ...>). */
  u32(name: string, ...cells: number[]): this {
    return this.cells(name, cells);
  }

  cells(name: string, cells: readonly number[]): this {
    const value = new Uint8Array(4 * cells.length);
    const view = new DataView(value.buffer);
    cells.forEach((cell, i) => {
      if (!Number.isInteger(cell) || cell < 0 || cell > 0xffffffff) throw new RangeError(`cell ${cell} of "${name}" is not a u32`);
      view.setUint32(4 * i, cell);
    });
    return this.bytes(name, value);
  }

  /** 64-bit values, each as two cells, most significant first. */
  u64(name: string, ...values: bigint[]): this {
    return this.cells(name, values.flatMap((v) => splitU64(v, name)));
  }

  /** The phandle other nodes use to refer to this one. */
  phandle(value: number): this {
    return this.u32('phandle', value);
  }

  string(name: string, value: string): this {
    return this.strings(name, [value]);
  }

  /** A string list: NUL-terminated strings back to back. */
  strings(name: string, values: readonly string[]): this {
    const parts = values.map((v) => {
      if (v.includes('\0')) throw new Error(`string of "${name}" contains NUL`);
      return utf8(v + '\0');
    });
    return this.bytes(name, concat(parts));
  }
}

export interface MemoryReservation {
  address: bigint;
  size: bigint;
}

export class DeviceTree {
  readonly root = new FdtNode('');
  /** regions the client must not use, for the memory reservation block (spec 5.3) */
  readonly reservations: MemoryReservation[] = [];
  /** the header's boot_cpuid_phys */
  bootCpuId = 0;
  private lastPhandle = 0;

  /** A fresh phandle value (1, 2, ...); the caller sets it on its node with FdtNode.phandle. */
  allocatePhandle(): number {
    return ++this.lastPhandle;
  }

  /** Serialises the tree: header, reservations, structure block, strings block, in that order. */
  toBlob(): Uint8Array {
    const strings = new StringsBlock();
    const structure = new ByteWriter();
    writeNode(structure, strings, this.root);
    structure.u32(Token.END);

    // The reservation block is 8-byte aligned and the structure block 4-byte aligned (spec 5.6);
    // the 40-byte header and 16-byte entries give both without padding.
    const offMemRsvmap = HEADER_SIZE;
    const offDtStruct = offMemRsvmap + 16 * (this.reservations.length + 1);
    const offDtStrings = offDtStruct + structure.length;
    const totalSize = offDtStrings + strings.length;

    const out = new ByteWriter();
    out.u32(FDT_MAGIC);
    out.u32(totalSize);
    out.u32(offDtStruct);
    out.u32(offDtStrings);
    out.u32(offMemRsvmap);
    out.u32(FDT_VERSION);
    out.u32(FDT_LAST_COMPATIBLE_VERSION);
    out.u32(this.bootCpuId);
    out.u32(strings.length);
    out.u32(structure.length);
    for (const r of this.reservations) {
      out.u64(r.address);
      out.u64(r.size);
    }
    out.u64(0n); // the terminating entry
    out.u64(0n);
    out.append(structure.finish());
    out.append(strings.finish());
    return out.finish();
  }
}

/** Thrown by parseDeviceTree for a blob that is not a well-formed flattened device tree. */
export class DeviceTreeFormatError extends Error {}

/**
 * Reads a DTB (spec chapter 5, versions 16 and 17) back into a DeviceTree: its reservations,
 * boot CPU and nodes with their properties, in order. Every offset and length is checked against
 * the blob, so any bytes give a tree or a DeviceTreeFormatError.
 */
export function parseDeviceTree(blob: Uint8Array): DeviceTree {
  const fail = (why: string): never => { throw new DeviceTreeFormatError(why); };
  if (blob.length < HEADER_SIZE) fail('too short for a flattened device tree');
  const view = new DataView(blob.buffer, blob.byteOffset, blob.length);
  const header = (i: number): number => view.getUint32(4 * i);
  if (header(0) !== FDT_MAGIC) fail('not a flattened device tree (no 0xd00dfeed magic)');
  const [totalSize, offStruct, offStrings, offReservations, version, lastCompatible] = [1, 2, 3, 4, 5, 6].map(header);
  if (lastCompatible > FDT_VERSION || version < FDT_LAST_COMPATIBLE_VERSION) fail(`version ${version} is not supported (16 or 17)`);
  if (totalSize > blob.length) fail(`its header says ${totalSize} bytes, but it has ${blob.length}`);
  const stringsSize = header(8);
  const structSize = version >= 17 ? header(9) : totalSize - offStruct;
  const within = (offset: number, size: number): boolean => offset + size <= totalSize && offset + size >= offset;
  if (!within(offStrings, stringsSize) || !within(offStruct, structSize) || !within(offReservations, 16)) fail('a block lies outside the blob');

  const tree = new DeviceTree();
  tree.bootCpuId = header(7);
  for (let at = offReservations; ; at += 16) {
    if (!within(at, 16)) fail('the memory reservation block has no end');
    const address = view.getBigUint64(at), size = view.getBigUint64(at + 8);
    if (address === 0n && size === 0n) break;
    tree.reservations.push({ address, size });
  }
  const decoder = new TextDecoder('utf-8', { fatal: false });
  /** The NUL-terminated name at `from`, and the offset of its NUL */
  const text = (from: number, limit: number): [string, number] => {
    const end = blob.indexOf(0, from);
    if (end < 0 || end >= limit) fail('a name has no end');
    return [decoder.decode(blob.subarray(from, end)), end];
  };
  const structEnd = offStruct + structSize;
  let at = offStruct;
  const token = (): number => {
    if (at + 4 > structEnd) fail('the structure block ends early');
    const t = view.getUint32(at);
    at += 4;
    return t;
  };
  const path: FdtNode[] = [];
  let sawRoot = false;
  for (;;) {
    const t = token();
    if (t === Token.NOP) continue;
    if (t === Token.BEGIN_NODE) {
      const [name, nul] = text(at, structEnd);
      at = (nul + 1 + 3) & ~3;
      const parent = path[path.length - 1];
      if (parent === undefined) {
        if (sawRoot) fail('more than one root node');
        if (name !== '') fail(`the root node is named "${name}"`);
        sawRoot = true;
        path.push(tree.root);
      } else {
        try {
          path.push(parent.addNode(name));
        } catch (e) {
          fail((e as Error).message);
        }
      }
    } else if (t === Token.PROP) {
      const node = path[path.length - 1] ?? fail('a property outside any node');
      const length = token(), nameOffset = token();
      if (at + length > structEnd || nameOffset >= stringsSize) fail('a property lies outside its block');
      const [name] = text(offStrings + nameOffset, offStrings + stringsSize);
      try {
        node.bytes(name, blob.subarray(at, at + length));
      } catch (e) {
        fail((e as Error).message);
      }
      at = (at + length + 3) & ~3;
    } else if (t === Token.END_NODE) {
      if (path.pop() === undefined) fail('a node ends that never began');
    } else if (t === Token.END) {
      if (path.length > 0) fail('the structure block ends inside a node');
      if (!sawRoot) fail('no root node');
      return tree;
    } else {
      fail(`unknown token ${t} in the structure block`);
    }
  }
}

function writeNode(out: ByteWriter, strings: StringsBlock, node: FdtNode): void {
  out.u32(Token.BEGIN_NODE);
  out.append(utf8(node.name + '\0'));
  out.alignTo4();
  for (const p of node.properties) {
    out.u32(Token.PROP);
    out.u32(p.value.length);
    out.u32(strings.offsetOf(p.name));
    out.append(p.value);
    out.alignTo4();
  }
  for (const child of node.children) writeNode(out, strings, child);
  out.u32(Token.END_NODE);
}

/** Property names, each stored once (spec 5.5). */
class StringsBlock {
  private readonly offsets = new Map<string, number>();
  private readonly data = new ByteWriter();

  get length(): number {
    return this.data.length;
  }

  offsetOf(name: string): number {
    let offset = this.offsets.get(name);
    if (offset === undefined) {
      offset = this.data.length;
      this.offsets.set(name, offset);
      this.data.append(utf8(name + '\0'));
    }
    return offset;
  }

  finish(): Uint8Array {
    return this.data.finish();
  }
}

/** A growable big-endian byte buffer. */
class ByteWriter {
  private buffer = new Uint8Array(1024);
  private view = new DataView(this.buffer.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const bigger = new Uint8Array(Math.max(2 * this.buffer.length, this.length + n));
    bigger.set(this.buffer.subarray(0, this.length));
    this.buffer = bigger;
    this.view = new DataView(bigger.buffer);
  }

  u32(value: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, value);
    this.length += 4;
  }

  u64(value: bigint): void {
    this.reserve(8);
    this.view.setBigUint64(this.length, BigInt.asUintN(64, value));
    this.length += 8;
  }

  append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Pads with zero bytes to a multiple of 4 (spec 5.4.1: every token is 4-byte aligned). */
  alignTo4(): void {
    const padding = -this.length & 3;
    this.reserve(padding);
    this.buffer.fill(0, this.length, this.length + padding);
    this.length += padding;
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

function splitU64(value: bigint, name: string): number[] {
  if (value < 0n || value >= 1n << 64n) throw new RangeError(`value ${value} of "${name}" is not a u64`);
  return [Number(value >> 32n), Number(value & 0xffffffffn)];
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const encoder = new TextEncoder();

function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}
