// Writes WebAssembly binary: LEB128 numbers, opcodes and the sections of a small module. Only
// what the translator emits is here; the opcode values are those of the WebAssembly 2.0 core
// specification, binary format.

/** Value types (a plain enum: the text printer reads their names). */
export enum ValType { I32 = 0x7f, I64 = 0x7e, F64 = 0x7c }

/** Block type "no result". */
export const BLOCK_VOID = 0x40;

/** Opcodes, named as in the text format (I64_LOAD8_S is i64.load8_s; wasm-text.ts reads the names). */
export enum Opc {
  UNREACHABLE = 0x00, BLOCK = 0x02, LOOP = 0x03, IF = 0x04, ELSE = 0x05, END = 0x0b, BR = 0x0c, BR_IF = 0x0d,
  BR_TABLE = 0x0e, RETURN = 0x0f, CALL = 0x10, CALL_INDIRECT = 0x11, DROP = 0x1a, SELECT = 0x1b,
  TABLE_GET = 0x25, REF_IS_NULL = 0xd1,
  LOCAL_GET = 0x20, LOCAL_SET = 0x21, LOCAL_TEE = 0x22,
  I32_LOAD = 0x28, I64_LOAD = 0x29, F64_LOAD = 0x2b, I32_LOAD8_S = 0x2c, I32_LOAD8_U = 0x2d, I32_LOAD16_S = 0x2e, I32_LOAD16_U = 0x2f,
  I64_LOAD8_S = 0x30, I64_LOAD8_U = 0x31, I64_LOAD16_S = 0x32, I64_LOAD16_U = 0x33, I64_LOAD32_S = 0x34, I64_LOAD32_U = 0x35,
  GLOBAL_GET = 0x23, GLOBAL_SET = 0x24,
  I32_STORE = 0x36, I64_STORE = 0x37, F64_STORE = 0x39, I32_STORE8 = 0x3a, I32_STORE16 = 0x3b,
  I64_STORE8 = 0x3c, I64_STORE16 = 0x3d, I64_STORE32 = 0x3e,
  I32_CONST = 0x41, I64_CONST = 0x42, F64_CONST = 0x44,
  I32_EQZ = 0x45, I32_EQ = 0x46, I32_NE = 0x47, I32_LT_S = 0x48, I32_LT_U = 0x49, I32_GT_S = 0x4a, I32_GT_U = 0x4b,
  I32_LE_U = 0x4d, I32_GE_S = 0x4e, I32_GE_U = 0x4f,
  I64_EQZ = 0x50, I64_EQ = 0x51, I64_NE = 0x52, I64_LT_S = 0x53, I64_LT_U = 0x54, I64_GT_S = 0x55, I64_GT_U = 0x56,
  I64_LE_S = 0x57, I64_LE_U = 0x58, I64_GE_S = 0x59, I64_GE_U = 0x5a,
  F64_EQ = 0x61, F64_NE = 0x62, F64_LT = 0x63, F64_GT = 0x64, F64_LE = 0x65, F64_GE = 0x66,
  I32_CLZ = 0x67, I32_CTZ = 0x68, I32_POPCNT = 0x69, I32_ADD = 0x6a, I32_SUB = 0x6b, I32_MUL = 0x6c, I32_DIV_S = 0x6d,
  I32_DIV_U = 0x6e, I32_REM_S = 0x6f, I32_REM_U = 0x70, I32_AND = 0x71, I32_OR = 0x72, I32_XOR = 0x73, I32_SHL = 0x74,
  I32_SHR_S = 0x75, I32_SHR_U = 0x76, I32_ROTL = 0x77, I32_ROTR = 0x78,
  I64_CLZ = 0x79, I64_CTZ = 0x7a, I64_POPCNT = 0x7b, I64_ADD = 0x7c, I64_SUB = 0x7d, I64_MUL = 0x7e, I64_DIV_S = 0x7f,
  I64_DIV_U = 0x80, I64_REM_S = 0x81, I64_REM_U = 0x82, I64_AND = 0x83, I64_OR = 0x84, I64_XOR = 0x85, I64_SHL = 0x86,
  I64_SHR_S = 0x87, I64_SHR_U = 0x88, I64_ROTL = 0x89, I64_ROTR = 0x8a,
  F64_ABS = 0x99, F64_NEG = 0x9a, F64_CEIL = 0x9b, F64_FLOOR = 0x9c, F64_TRUNC = 0x9d, F64_NEAREST = 0x9e, F64_SQRT = 0x9f,
  F64_ADD = 0xa0, F64_SUB = 0xa1, F64_MUL = 0xa2, F64_DIV = 0xa3, F64_MIN = 0xa4, F64_MAX = 0xa5,
  I32_WRAP_I64 = 0xa7, I32_TRUNC_F64_S = 0xaa, I32_TRUNC_F64_U = 0xab, I64_EXTEND_I32_S = 0xac, I64_EXTEND_I32_U = 0xad,
  I64_TRUNC_F64_S = 0xb0, I64_TRUNC_F64_U = 0xb1,
  F64_CONVERT_I32_S = 0xb7, F64_CONVERT_I32_U = 0xb8, F64_CONVERT_I64_S = 0xb9, F64_CONVERT_I64_U = 0xba,
  I64_REINTERPRET_F64 = 0xbd, F64_REINTERPRET_I64 = 0xbf,
  /** the prefix of the threads proposal's atomic memory instructions (AtomicOpc) */
  ATOMIC_PREFIX = 0xfe,
  I64_EXTEND8_S = 0xc2, I64_EXTEND16_S = 0xc3, I64_EXTEND32_S = 0xc4,
}

const F64_SCRATCH = new Float64Array(1);
const F64_BYTES = new Uint8Array(F64_SCRATCH.buffer);

/** Atomic memory instructions, after Opc.ATOMIC_PREFIX (named as in the text format, as Opc). */
export enum AtomicOpc {
  I32_ATOMIC_LOAD = 0x10, I64_ATOMIC_LOAD = 0x11,
  I32_ATOMIC_RMW_ADD = 0x1e, I64_ATOMIC_RMW_ADD = 0x1f, I32_ATOMIC_RMW_AND = 0x2c, I64_ATOMIC_RMW_AND = 0x2d,
  I32_ATOMIC_RMW_OR = 0x33, I64_ATOMIC_RMW_OR = 0x34, I32_ATOMIC_RMW_XOR = 0x3a, I64_ATOMIC_RMW_XOR = 0x3b,
  I32_ATOMIC_RMW_XCHG = 0x41, I64_ATOMIC_RMW_XCHG = 0x42, I32_ATOMIC_RMW_CMPXCHG = 0x48, I64_ATOMIC_RMW_CMPXCHG = 0x49,
}

/** A growable byte buffer with the encodings WebAssembly uses. */
export class ByteWriter {
  private buf = new Uint8Array(4096);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): this {
    this.room(1);
    this.buf[this.length++] = b;
    return this;
  }

  bytes(b: ArrayLike<number>): this {
    this.room(b.length);
    for (let i = 0; i < b.length; i++) this.buf[this.length++] = b[i];
    return this;
  }

  /** Unsigned LEB128 of a non-negative integer below 2^32. */
  u32(v: number): this {
    this.room(5);
    v >>>= 0;
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) b |= 0x80;
      this.buf[this.length++] = b;
    } while (v !== 0);
    return this;
  }

  /** Signed LEB128 of an int32. */
  s32(v: number): this {
    this.room(5);
    v |= 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) { this.buf[this.length++] = b; return this; }
      this.buf[this.length++] = b | 0x80;
    }
  }

  /** Signed LEB128 of a 64-bit integer. */
  s64(v: bigint): this {
    this.room(10);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) { this.buf[this.length++] = b; return this; }
      this.buf[this.length++] = b | 0x80;
    }
  }

  /** A double, as its 8 bytes little-endian. */
  f64(v: number): this {
    this.room(8);
    F64_SCRATCH[0] = v;
    this.bytes(F64_BYTES);
    return this;
  }

  /** A name: its UTF-8 length, then its bytes (ASCII here). */
  name(s: string): this {
    this.u32(s.length);
    for (let i = 0; i < s.length; i++) this.byte(s.charCodeAt(i));
    return this;
  }

  /** Appends another writer's bytes. */
  append(w: ByteWriter): this {
    this.room(w.length);
    this.buf.set(w.buf.subarray(0, w.length), this.length);
    this.length += w.length;
    return this;
  }

  /** Appends another writer's bytes, preceded by their length (a section or function body). */
  sized(w: ByteWriter): this {
    return this.u32(w.length).append(w);
  }

  result(): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(this.length);
    out.set(this.buf.subarray(0, this.length));
    return out;
  }
}

export interface FuncType {
  params: readonly ValType[];
  results: readonly ValType[];
}

export interface FunctionImport {
  module: string;
  name: string;
  type: number;
}

/**
 * A module of imported functions, one imported shared memory of `memoryPages` pages (m.memory),
 * with `tableSize` an imported table of that many function references (t.table), `i32Globals`
 * mutable i32 globals (zero), and defined functions; those with a name are exported under it.
 */
export function writeModule(types: readonly FuncType[], imports: readonly FunctionImport[], memoryPages: number,
  i32Globals: number, functions: readonly { name?: string; type: number; body: ByteWriter }[], tableSize?: number): Uint8Array<ArrayBuffer> {
  const out = new ByteWriter().bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  const section = (id: number, fill: (w: ByteWriter) => void) => {
    const w = new ByteWriter();
    fill(w);
    out.byte(id).sized(w);
  };
  section(1, (w) => {
    w.u32(types.length);
    for (const t of types) {
      w.byte(0x60).u32(t.params.length).bytes(t.params).u32(t.results.length).bytes(t.results);
    }
  });
  section(2, (w) => {
    w.u32(imports.length + 1 + (tableSize === undefined ? 0 : 1));
    for (const i of imports) w.name(i.module).name(i.name).byte(0x00).u32(i.type);
    // shared memory: limits flag 3 = has maximum, shared
    w.name('m').name('memory').byte(0x02).byte(0x03).u32(memoryPages).u32(memoryPages);
    // funcref table: limits flag 1 = has maximum
    if (tableSize !== undefined) w.name('t').name('table').byte(0x01).byte(0x70).byte(0x01).u32(tableSize).u32(tableSize);
  });
  section(3, (w) => {
    w.u32(functions.length);
    for (const f of functions) w.u32(f.type);
  });
  if (i32Globals > 0) {
    section(6, (w) => {
      w.u32(i32Globals);
      for (let i = 0; i < i32Globals; i++) w.byte(ValType.I32).byte(0x01).byte(Opc.I32_CONST).s32(0).byte(Opc.END);
    });
  }
  section(7, (w) => {
    const exported = functions.filter((f) => f.name !== undefined);
    w.u32(exported.length);
    functions.forEach((f, i) => { if (f.name !== undefined) w.name(f.name).byte(0x00).u32(imports.length + i); });
  });
  section(10, (w) => {
    w.u32(functions.length);
    for (const f of functions) w.sized(f.body);
  });
  return out.result();
}
