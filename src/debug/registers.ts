// The registers a debugger sees, numbered as gdb numbers RISC-V registers (x0-x31 0-31, pc 32,
// f0-f31 33-64, a CSR 65 + its number, priv 65 + 4096), each read from and written into a
// hart's snapshot. Declared from the tables the project has: the ABI names of the
// disassembler, the CSRs of the snapshot.

import { fRegName, xRegName } from '../cpu/isa/disassemble.js';
import { csrNumber } from '../cpu/csr-table.js';
import { SNAPSHOT_CSRS, type HartSnapshot } from '../cpu/hart-snapshot.js';
import type { Priv } from '../arch/privilege.js';

/** The target description's features (org.gnu.gdb.riscv.<feature>). */
export type RegisterFeature = 'cpu' | 'fpu' | 'csr' | 'virtual';

export interface DebugRegister {
  name: string;
  /** gdb's number, in p/P packets and the target description */
  number: number;
  bits: 32 | 64;
  /** the target description's type */
  type: 'int' | 'code_ptr' | 'data_ptr' | 'ieee_double';
  feature: RegisterFeature;
  read(s: HartSnapshot): bigint;
  write(s: HartSnapshot, value: bigint): void;
}

const FIRST_F = 33;
const FIRST_CSR = 65;
/** fcsr's fields, which gdb shows as registers of their own */
const FFLAGS_BITS = 5, FRM_SHIFT = 5, FRM_BITS = 3;

function xRegister(i: number): DebugRegister {
  const type = i === 1 ? 'code_ptr' : i === 2 ? 'data_ptr' : 'int';
  // x0 reads zero and ignores writes, as the hart does
  return { name: xRegName(i), number: i, bits: 64, type, feature: 'cpu', read: (s) => s.x[i], write: (s, v) => { if (i !== 0) s.x[i] = v; } };
}

function fcsrField(name: string, shift: number, bits: number): DebugRegister {
  const mask = (1n << BigInt(bits)) - 1n;
  return {
    name, number: FIRST_CSR + csrNumber(name), bits: 32, type: 'int', feature: 'fpu',
    read: (s) => (s.csrs.fcsr >> BigInt(shift)) & mask,
    write: (s, v) => { s.csrs.fcsr = (s.csrs.fcsr & ~(mask << BigInt(shift))) | ((v & mask) << BigInt(shift)); },
  };
}

/** Every register, in gdb's numbering order. */
export const DEBUG_REGISTERS: readonly DebugRegister[] = [
  ...Array.from({ length: 32 }, (_, i) => xRegister(i)),
  { name: 'pc', number: 32, bits: 64, type: 'code_ptr', feature: 'cpu', read: (s) => s.pc, write: (s, v) => { s.pc = v; } },
  ...Array.from({ length: 32 }, (_, i): DebugRegister => ({
    name: fRegName(i), number: FIRST_F + i, bits: 64, type: 'ieee_double', feature: 'fpu',
    read: (s) => s.f[i], write: (s, v) => { s.f[i] = v; },
  })),
  fcsrField('fflags', 0, FFLAGS_BITS),
  fcsrField('frm', FRM_SHIFT, FRM_BITS),
  fcsrField('fcsr', 0, FRM_SHIFT + FRM_BITS),
  ...SNAPSHOT_CSRS.filter((name) => name !== 'fcsr').map((name): DebugRegister => ({
    name, number: FIRST_CSR + csrNumber(name), bits: 64, type: 'int', feature: 'csr',
    read: (s) => s.csrs[name], write: (s, v) => { s.csrs[name] = v; },
  })),
  {
    name: 'priv', number: FIRST_CSR + 4096, bits: 64, type: 'int', feature: 'virtual',
    read: (s) => BigInt(s.priv), write: (s, v) => { s.priv = Number(v & 3n) as Priv; },
  },
];

/** The registers of a `g` packet: x0-x31 and pc, as QEMU's (gdb asks for the rest with p). */
export const GENERAL_REGISTERS: readonly DebugRegister[] = DEBUG_REGISTERS.slice(0, 33);

const BY_NUMBER = new Map(DEBUG_REGISTERS.map((r) => [r.number, r]));

export function debugRegister(number: number): DebugRegister | undefined {
  return BY_NUMBER.get(number);
}
