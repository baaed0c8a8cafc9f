// Interpreter warm-up. V8 compiles `interpret` with the type feedback it has seen so far; every
// instruction kind a guest uses for the first time afterwards throws the optimised code away
// (a deoptimisation) and the interpreter runs slowly until it is compiled again. A Linux boot
// reaches about twenty new kinds that way. Running every instruction kind once, on a scratch
// hart over a scratch memory, before the guest starts, gives the compiler complete feedback.
// Nothing here touches the guest: the scratch machine is dropped afterwards.

import { Bus } from '../bus/bus.js';
import { GuestMemory } from '../bus/guest-memory.js';
import { FlushPolicy } from '../mmu/translation-store.js';
import { Hart } from './hart.js';
import type { HartHost } from './hart-host.js';
import { ENCODINGS, Format, Op } from './isa/encodings.js';

const BASE = 0x80000000n;
const RAM = 64 * 1024;
/** data the generated loads, stores and AMOs use, far from the code */
const DATA_OFFSET = 0x8000;

/** Kinds that would leave the program or stop the hart; the CSR instructions share their path. */
const SKIPPED = new Set<Op>([Op.ECALL, Op.EBREAK, Op.MRET, Op.SRET, Op.WFI]);

const enum Reg { T0 = 5, T1 = 6, T2 = 7, A0 = 10, A1 = 11, T3 = 28, T4 = 29 }
const CSR_MSCRATCH = 0x340, CSR_MSTATUS = 0x300, CSR_MTVEC = 0x305, CSR_MEPC = 0x341;

function encoding(op: Op) {
  const e = ENCODINGS.find((x) => x.op === op);
  if (!e) throw new Error(`no encoding for op ${op}`);
  return e;
}

function iType(op: Op, rd: number, rs1: number, imm: number): number {
  return (encoding(op).match | ((imm & 0xfff) << 20) | (rs1 << 15) | (rd << 7)) >>> 0;
}

function uType(op: Op, rd: number, imm20: number): number {
  return (encoding(op).match | ((imm20 & 0xfffff) << 12) | (rd << 7)) >>> 0;
}

/** One instance of each instruction kind, with harmless operands: a0 points at the data area. */
function sampleInstructions(): number[] {
  const words: number[] = [];
  for (const e of ENCODINGS) {
    if (SKIPPED.has(e.op) || e.op === Op.JALR) continue;
    const rd = Reg.T1 << 7, rs1 = Reg.A0 << 15, rs2 = Reg.A1 << 20;
    let operands: number;
    switch (e.format) {
      case Format.I: operands = rd | rs1 | (8 << 20); break; // loads: a0 + 8; arithmetic: imm 8
      case Format.S: operands = rs1 | rs2 | (8 << 7); break; // offset 8
      case Format.B: operands = rs1 | rs2 | (4 << 7); break; // +4: the next instruction either way
      case Format.J: operands = rd | (2 << 21); break; // +4
      case Format.SHIFT: case Format.SHIFTW: operands = rd | rs1 | (3 << 20); break;
      case Format.CSR: case Format.CSRI: operands = rd | (Reg.A1 << 15) | (CSR_MSCRATCH << 20); break;
      case Format.U: operands = rd; break;
      case Format.R4: operands = rd | rs1 | rs2 | (12 << 27); break;
      default: operands = rd | rs1 | rs2;
    }
    words.push((e.match | (operands & ~e.mask)) >>> 0);
  }
  // jalr to the instruction after it: auipc t3, 0; jalr t4, 8(t3)
  words.push(uType(Op.AUIPC, Reg.T3, 0), iType(Op.JALR, Reg.T4, Reg.T3, 8));
  // a pure CSR read, which stays in the slice
  words.push(iType(Op.CSRRS, Reg.T2, 0, CSR_MSCRATCH));
  return words;
}

/** Runs the sample program a few times under each flush policy; returns what the last run did. */
export function warmUpInterpreter(): { kinds: number; retired: number; traps: number } {
  let result = { kinds: 0, retired: 0, traps: 0 };
  for (const policy of [FlushPolicy.FENCE, FlushPolicy.BLOCK]) {
    const memory = new GuestMemory([{ name: 'scratch', base: BASE, size: RAM, writable: true }]);
    const host: HartHost = { mtime: () => 0, interruptLines: () => 0, watchedWrite: () => false };
    const hart = new Hart(new Bus(memory), host, { hartId: 0, policy });
    const setup = [
      uType(Op.LUI, Reg.T0, 0x6), // mstatus.FS = dirty: FP instructions run
      iType(Op.CSRRS, 0, Reg.T0, CSR_MSTATUS),
      uType(Op.AUIPC, Reg.A0, DATA_OFFSET >> 12), // a0 = data area (setup starts at BASE)
      iType(Op.ADDI, Reg.A1, 0, 5),
    ];
    const handler = [ // skip whatever trapped: mepc += 4
      iType(Op.CSRRS, Reg.T0, 0, CSR_MEPC), iType(Op.ADDI, Reg.T0, Reg.T0, 4), iType(Op.CSRRW, 0, Reg.T0, CSR_MEPC),
      0x30200073, // mret
    ];
    const body = sampleInstructions();
    // Layout: setup, mtvec = handler (3 words), the body, a jump back to the body, the handler.
    const bodyAt = (setup.length + 3) * 4;
    const jumpAt = bodyAt + body.length * 4;
    const handlerAt = jumpAt + 4;
    const mtvecAt = setup.length * 4;
    const program = [
      ...setup,
      uType(Op.AUIPC, Reg.T0, 0), iType(Op.ADDI, Reg.T0, Reg.T0, handlerAt - mtvecAt), iType(Op.CSRRW, 0, Reg.T0, CSR_MTVEC),
      ...body,
      jal(0, bodyAt - jumpAt),
      ...handler,
    ];
    const bytes = new Uint8Array(program.length * 4 + 4);
    const view = new DataView(bytes.buffer);
    program.forEach((w, i) => view.setUint32(i * 4, w, true));
    memory.load(BASE, bytes);
    hart.reset(BASE);
    hart.execute(body.length * 40);
    result = { kinds: body.length, retired: hart.retired, traps: hart.trapsTaken };
  }
  return result;
}

function jal(rd: number, offset: number): number {
  const imm = offset & 0x1fffff;
  const bits = ((imm >>> 20) & 1) << 31 | ((imm >>> 1) & 0x3ff) << 21 | ((imm >>> 11) & 1) << 20 | ((imm >>> 12) & 0xff) << 12;
  return (encoding(Op.JAL).match | bits | (rd << 7)) >>> 0;
}
