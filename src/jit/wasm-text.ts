// Prints a module the translator made in the WebAssembly text format, for --jit-dump and the
// translator's golden tests. It reads what wasm-writer.ts writes (its opcodes and sections) and
// nothing more: anything else is reported, not guessed.

import { AtomicOpc, Opc, ValType } from './wasm-writer.js';

export interface WasmTextOptions {
  /** per function index (imports first): a comment to print before the code at a body offset (one line per line of it) */
  notes?: ReadonlyMap<number, ReadonlyMap<number, string>>;
  /** per function index: names of its parameters and locals (without the `$`) */
  localNames?: ReadonlyMap<number, readonly string[]>;
}

/** The text name of an opcode: I64_LOAD8_S is i64.load8_s, BR_TABLE br_table. */
function opcodeName(code: number): string {
  const key = Opc[code];
  if (key === undefined) throw new Error(`wasm text: opcode 0x${code.toString(16)} is not one the translator writes`);
  const lower = key.toLowerCase();
  return /^(i32|i64|f64|local|global|table|ref)_/.test(lower) ? lower.replace('_', '.') : lower;
}

const typeName = (t: number): string => {
  if (t === 0x70) return 'funcref';
  const key = ValType[t];
  if (key === undefined) throw new Error(`wasm text: value type 0x${t.toString(16)} is not one the translator writes`);
  return key.toLowerCase();
};

/** Natural alignment (log2 bytes) of each load and store. */
const NATURAL_ALIGN: Partial<Record<number, number>> = {
  [Opc.I32_LOAD]: 2, [Opc.I64_LOAD]: 3, [Opc.F64_LOAD]: 3, [Opc.F64_STORE]: 3, [Opc.I32_LOAD8_S]: 0, [Opc.I32_LOAD8_U]: 0, [Opc.I32_LOAD16_S]: 1,
  [Opc.I32_LOAD16_U]: 1, [Opc.I64_LOAD8_S]: 0, [Opc.I64_LOAD8_U]: 0, [Opc.I64_LOAD16_S]: 1, [Opc.I64_LOAD16_U]: 1,
  [Opc.I64_LOAD32_S]: 2, [Opc.I64_LOAD32_U]: 2, [Opc.I32_STORE]: 2, [Opc.I64_STORE]: 3, [Opc.I32_STORE8]: 0,
  [Opc.I32_STORE16]: 1, [Opc.I64_STORE8]: 0, [Opc.I64_STORE16]: 1, [Opc.I64_STORE32]: 2,
};

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}
  byte(): number {
    if (this.pos >= this.bytes.length) throw new Error('wasm text: the module ends early');
    return this.bytes[this.pos++];
  }
  u32(): number {
    let result = 0, shift = 0, b: number;
    do { b = this.byte(); result += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
    return result;
  }
  s64(): bigint {
    let result = 0n, shift = 0n, b: number;
    do { b = this.byte(); result |= BigInt(b & 0x7f) << shift; shift += 7n; } while (b & 0x80);
    if (b & 0x40) result -= 1n << shift;
    return result;
  }
  s32(): number { return Number(this.s64()); }
  f64(): number {
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 8);
    this.pos += 8;
    if (this.pos > this.bytes.length) throw new Error('wasm text: the module ends early');
    return view.getFloat64(0, true);
  }
  name(): string {
    const n = this.u32();
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.byte());
    return s;
  }
}

/** A double in the text format's hexadecimal notation, which names every value exactly. */
function hexFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  if (!Number.isFinite(v)) return `${sign}inf`;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const biased = (view.getUint16(0) >>> 4) & 0x7ff;
  const fraction = view.getBigUint64(0) & ((1n << 52n) - 1n);
  const digits = fraction.toString(16).padStart(13, '0').replace(/0+$/, '');
  const exponent = biased === 0 ? -1022 : biased - 1023;
  return `${sign}0x${biased === 0 ? 0 : 1}${digits === '' ? '' : '.' + digits}p${exponent < 0 ? '' : '+'}${exponent}`;
}

/** Levels of nesting the text shows by indentation; deeper code is indented as much. */
const MAX_INDENT = 12;

interface FuncSig { params: number[]; results: number[] }

const sigText = (t: FuncSig, names?: readonly string[]): string =>
  [...t.params.map((p, i) => names?.[i] !== undefined ? ` (param $${names[i]} ${typeName(p)})` : ` (param ${typeName(p)})`),
    t.results.length > 0 ? ` (result ${t.results.map(typeName).join(' ')})` : ''].join('');

/** The module `bytes` in the text format. */
export function wasmText(bytes: Uint8Array, options: WasmTextOptions = {}): string {
  const r = new Reader(bytes);
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  if (header.some((b) => r.byte() !== b)) {
    throw new Error('wasm text: not a WebAssembly 1.0 module');
  }
  const types: FuncSig[] = [];
  const funcTypes: number[] = [];
  const exports = new Map<number, string>();
  let importedFunctions = 0;
  const out: string[] = ['(module'];
  while (r.pos < bytes.length) {
    const id = r.byte(), size = r.u32(), end = r.pos + size;
    switch (id) {
      case 1: {
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          if (r.byte() !== 0x60) throw new Error('wasm text: a type is not a function type');
          const params = Array.from({ length: r.u32() }, () => r.byte());
          const results = Array.from({ length: r.u32() }, () => r.byte());
          types.push({ params, results });
          out.push(`  (type (;${i};) (func${sigText({ params, results })}))`);
        }
        break;
      }
      case 2: {
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const module = r.name(), name = r.name(), kind = r.byte();
          let what: string;
          if (kind === 0) {
            const t = r.u32();
            funcTypes.push(t);
            what = `(func (;${importedFunctions++};) (type ${t}))`;
          } else if (kind === 1) {
            const element = typeName(r.byte()), flags = r.byte(), min = r.u32(), max = flags & 1 ? ` ${r.u32()}` : '';
            what = `(table (;0;) ${min}${max} ${element})`;
          } else if (kind === 2) {
            const flags = r.byte(), min = r.u32(), max = flags & 1 ? ` ${r.u32()}` : '';
            what = `(memory (;0;) ${min}${max}${flags & 2 ? ' shared' : ''})`;
          } else throw new Error(`wasm text: import kind ${kind}`);
          out.push(`  (import "${module}" "${name}" ${what})`);
        }
        break;
      }
      case 3: {
        const n = r.u32();
        for (let i = 0; i < n; i++) funcTypes.push(r.u32());
        break;
      }
      case 6: {
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const t = typeName(r.byte()), mutable = r.byte() === 1;
          const init = printExpression(r, '');
          out.push(`  (global (;${i};) ${mutable ? `(mut ${t})` : t} (${init.trim()}))`);
        }
        break;
      }
      case 7: {
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const name = r.name(), kind = r.byte(), index = r.u32();
          if (kind !== 0) throw new Error(`wasm text: export kind ${kind}`);
          exports.set(index, name);
        }
        break;
      }
      case 10: {
        const n = r.u32();
        for (let i = 0; i < n; i++) {
          const index = importedFunctions + i, sig = types[funcTypes[index]];
          const bodySize = r.u32(), bodyStart = r.pos;
          const names = options.localNames?.get(index);
          const exported = exports.has(index) ? ` (export "${exports.get(index)}")` : '';
          out.push(`  (func (;${index};)${exported} (type ${funcTypes[index]})${sigText(sig, names)}`);
          let local = sig.params.length;
          const groups = r.u32();
          for (let g = 0; g < groups; g++) {
            const count = r.u32(), t = typeName(r.byte());
            for (let k = 0; k < count; k++, local++) {
              out.push(names?.[local] !== undefined ? `    (local $${names[local]} ${t})` : `    (local ${t})`);
            }
          }
          const notes = options.notes?.get(index);
          const code = printExpression(r, '    ', notes, bodyStart, names);
          if (r.pos !== bodyStart + bodySize) throw new Error(`wasm text: function ${index} does not end where its size says`);
          out.push(code.replace(/\n$/, '') + ')');
        }
        break;
      }
      default:
        throw new Error(`wasm text: section ${id}`);
    }
    if (r.pos !== end) throw new Error(`wasm text: section ${id} does not end where its size says`);
  }
  out.push(')');
  return out.join('\n') + '\n';
}

/**
 * The instructions from the reader's position up to the `end` that closes the expression, one
 * per line; `notes` (by offset from `base`) are printed as comments before the code they name.
 */
function printExpression(r: Reader, indent: string, notes?: ReadonlyMap<number, string>, base = 0,
  localNames?: readonly string[]): string {
  let depth = 0;
  let text = '';
  // A page function nests a block per entry point: indentation stops deepening at MAX_INDENT.
  const pad = (d: number) => indent + '  '.repeat(Math.min(d, MAX_INDENT));
  const local = (i: number) => localNames?.[i] !== undefined ? `$${localNames[i]}` : `${i}`;
  for (;;) {
    const note = notes?.get(r.pos - base);
    if (note !== undefined) for (const line of note.split('\n')) text += `${pad(depth)};; ${line}\n`;
    const code = r.byte();
    if (code === Opc.END) {
      if (depth === 0) return text;
      depth--;
      text += `${pad(depth)}end\n`;
      continue;
    }
    const name = opcodeName(code);
    let line = name;
    switch (code) {
      case Opc.BLOCK: case Opc.LOOP: case Opc.IF: {
        const t = r.byte();
        if (t !== 0x40) line += ` (result ${typeName(t)})`;
        text += `${pad(depth)}${line}\n`;
        depth++;
        continue;
      }
      case Opc.ELSE:
        text += `${pad(depth - 1)}else\n`;
        continue;
      case Opc.BR: case Opc.BR_IF: case Opc.CALL: case Opc.GLOBAL_GET: case Opc.GLOBAL_SET: case Opc.TABLE_GET:
        line += ` ${r.u32()}`;
        break;
      case Opc.LOCAL_GET: case Opc.LOCAL_SET: case Opc.LOCAL_TEE:
        line += ` ${local(r.u32())}`;
        break;
      case Opc.BR_TABLE: {
        const n = r.u32();
        for (let i = 0; i <= n; i++) line += ` ${r.u32()}`;
        break;
      }
      case Opc.CALL_INDIRECT: {
        const type = r.u32(), table = r.u32();
        line += ` ${table} (type ${type})`;
        break;
      }
      case Opc.I32_CONST: line += ` ${r.s32()}`; break;
      case Opc.I64_CONST: line += ` ${r.s64()}`; break;
      case Opc.F64_CONST: line += ` ${hexFloat(r.f64())}`; break;
      case Opc.ATOMIC_PREFIX: {
        const sub = r.u32(), key = AtomicOpc[sub];
        if (key === undefined) throw new Error(`wasm text: atomic opcode 0x${sub.toString(16)} is not one the translator writes`);
        // an atomic access's alignment is always its natural one
        const align = r.u32(), offset = r.u32();
        line = key.toLowerCase().replace(/_/g, '.') + (offset !== 0 ? ` offset=${offset}` : '');
        if (align !== (key.startsWith('I64') ? 3 : 2)) throw new Error(`wasm text: ${line} is not naturally aligned`);
        break;
      }
      default: {
        const natural = NATURAL_ALIGN[code];
        if (natural !== undefined) {
          const align = r.u32(), offset = r.u32();
          if (offset !== 0) line += ` offset=${offset}`;
          if (align !== natural) line += ` align=${2 ** align}`;
        }
      }
    }
    text += `${pad(depth)}${line}\n`;
  }
}
