// Interpreter warm-up. V8 compiles `interpret` with the type feedback it has seen so far; every
// instruction kind a guest uses for the first time afterwards throws the optimised code away
// (a deoptimisation) and the interpreter runs slowly until it is compiled again. A Linux boot
// reaches about twenty new kinds that way. Running every instruction kind once, on a scratch
// hart over a scratch memory, before the guest starts, gives the compiler complete feedback.
// Nothing here touches the guest: the scratch machine is dropped afterwards.

import { Bus } from '../bus/bus.js';
import { GuestMemory } from '../bus/guest-memory.js';
import { FlushPolicy } from '../arch/flush-policy.js';
import { Hart } from './hart.js';
import type { HartHost } from './hart-host.js';
import type { MmioDevice } from '../bus/device.js';
import { PageFlag } from '../bus/guest-memory.js';
import { ENCODINGS, instructionInfo, Op } from './isa/encodings.js';
import { Format } from './isa/instruction-info.js';
import type { InstructionInfo } from './isa/instruction-info.js';
import { expandCompressed } from './isa/compressed.js';
import { StoreStat } from '../mmu/translation-store.js';
import { csrNumber } from './csr-table.js';
import { Mstatus } from '../arch/mstatus.js';
import { Pte } from '../arch/pte.js';
import { SatpMode } from '../arch/satp.js';

const BASE = 0x80000000n;
const RAM = 64 * 1024;
/** data the generated loads, stores and AMOs use, far from the code */
const DATA_OFFSET = 0x8000;
/** host page of the data area in the scratch memory (its only region starts at host offset 0) */
const DATA_PAGE = DATA_OFFSET >>> 12;

/**
 * Whether a sample of `e` with fixed operands runs in line: not the kinds that would leave the
 * program or stop the hart (the CSR instructions share their path), nor jalr, whose target is a
 * register (sampled separately).
 */
function sampledInLine(e: InstructionInfo): boolean {
  return e.control === 'sequential' || e.control === 'branch' || e.control === 'jump';
}

const enum Reg { T0 = 5, T1 = 6, T2 = 7, S0 = 8, S1 = 9, A0 = 10, A1 = 11, A2 = 12, A3 = 13, A4 = 14, T3 = 28, T4 = 29, T5 = 30, T6 = 31 }
const CSR_SSTATUS = csrNumber('sstatus'), CSR_SCOUNTEREN = csrNumber('scounteren'), CSR_STVEC = csrNumber('stvec');
const CSR_SEPC = csrNumber('sepc'), CSR_SIP = csrNumber('sip'), CSR_STIMECMP = csrNumber('stimecmp'), CSR_SATP = csrNumber('satp');
const CSR_MSTATUS = csrNumber('mstatus'), CSR_MEDELEG = csrNumber('medeleg'), CSR_MIDELEG = csrNumber('mideleg');
const CSR_MIE = csrNumber('mie'), CSR_MTVEC = csrNumber('mtvec'), CSR_MCOUNTEREN = csrNumber('mcounteren');
const CSR_MENVCFG = csrNumber('menvcfg'), CSR_MSCRATCH = csrNumber('mscratch'), CSR_MEPC = csrNumber('mepc'), CSR_MIP = csrNumber('mip');
const CSR_PMPCFG0 = csrNumber('pmpcfg0'), CSR_PMPADDR0 = csrNumber('pmpaddr0');
const CSR_CYCLE = csrNumber('cycle'), CSR_TIME = csrNumber('time'), CSR_INSTRET = csrNumber('instret');
/** medeleg: misaligned and faulting accesses, illegal instructions, page faults and U-mode ecalls */
const DELEGATED_EXCEPTIONS = 0xb1f4n;
/** pmpcfg: R, W, X, A = NAPOT */
const PMP_NAPOT_RWX = 0x1f;

function iType(op: Op, rd: number, rs1: number, imm: number): number {
  return (instructionInfo(op).match | ((imm & 0xfff) << 20) | (rs1 << 15) | (rd << 7)) >>> 0;
}

function uType(op: Op, rd: number, imm20: number): number {
  return (instructionInfo(op).match | ((imm20 & 0xfffff) << 12) | (rd << 7)) >>> 0;
}

/**
 * One instance of each instruction kind, with harmless operands: a0 points at the data area.
 * Each FP instruction comes after a `csrrc mstatus, t5`: with t5 = 0 that changes nothing; with
 * t5 = FS's low bit it leaves the FPU clean, so that every FP instruction's marking it dirty runs.
 */
function sampleInstructions(): number[] {
  const words: number[] = [];
  for (const e of ENCODINGS) {
    if (!sampledInLine(e)) continue;
    if (e.fp) words.push(FS_CLEANER);
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
  // a pure CSR read, which stays in the slice; the counters, read from every privilege
  words.push(iType(Op.CSRRS, Reg.T2, 0, CSR_MSCRATCH));
  for (const counter of [CSR_CYCLE, CSR_TIME, CSR_INSTRET]) words.push(iType(Op.CSRRS, Reg.T2, 0, counter));
  // as a kernel brackets its accesses to user memory: SUM cleared (s1: SUM or 0) and set again
  words.push(iType(Op.CSRRC, 0, Reg.S1, CSR_SSTATUS), iType(Op.CSRRS, 0, Reg.S1, CSR_SSTATUS));
  return words;
}

export interface WarmUpResult {
  /** instruction kinds in the sample */
  kinds: number;
  retired: number;
  /** traps taken where none should be (M-mode passes over aligned RAM) */
  traps: number;
  /** page-table walks and failed ones cached, in the paging passes */
  walks: number;
  negativeFills: number;
}

/**
 * One warm-up pass: the register values and machine state under which the sample program runs.
 * The passes between them take both ways of every branch (a1 below, equal to and above a0, and
 * negative), send accesses of every width down the slow path (a0 misaligned by one) and to a
 * device (whose writes end the slice), and find the FPU clean before each FP instruction.
 */
interface Pass {
  a1: bigint | 'a0';
  /** where a0 points: 'user' is the data page through a U mapping */
  data: 'ram' | 'misaligned' | 'device' | 'code-page' | 'watched' | 'unmapped' | 'user';
  fpClean: boolean;
  /** the privilege the body runs in (M if absent) */
  privilege?: 'S' | 'U';
  /** under Sv39 (see pageTables): walks, store fills, context keys and fences */
  paging?: boolean;
  /** exceptions go to an S-mode handler (medeleg) */
  delegate?: boolean;
  /** sstatus.SUM set around the body's accesses (S-mode reaching U pages) */
  sum?: boolean;
}
const PASSES: readonly Pass[] = [
  { a1: 5n, data: 'ram', fpClean: false },
  { a1: 'a0', data: 'ram', fpClean: true },
  // (a1's words are beyond 31 bits: what the slow path then loads back, as a device's
  // registers often are, is a number a browser's V8 boxes)
  { a1: -0x3f3f3f3f3f3f3f40n, data: 'misaligned', fpClean: false },
  { a1: 0x7fffffffffffffffn, data: 'ram', fpClean: false },
  { a1: 3n, data: 'device', fpClean: false },
  // Stores into a page that holds decoded code (the trampoline's), which end the slice.
  { a1: 7n, data: 'code-page', fpClean: false },
  // Stores into a watched page whose host asks the hart to stop (HTIF's tohost), after each.
  { a1: 11n, data: 'watched', fpClean: false },
  // S-mode: M-mode CSRs trap, interrupt checks take their supervisor paths.
  { a1: 9n, data: 'ram', fpClean: false, privilege: 'S' },
  // Under Sv39: accesses through 4 KiB pages, a device through a gigapage, and page faults on an
  // unmapped address (negative entries). The store's and the MMU's fields take the kinds of
  // values a guest's satp gives them here, not first in the guest.
  { a1: 13n, data: 'ram', fpClean: false, privilege: 'S', paging: true },
  { a1: 1n, data: 'device', fpClean: false, privilege: 'S', paging: true },
  { a1: 15n, data: 'unmapped', fpClean: false, privilege: 'S', paging: true, delegate: true },
  // What a kernel and its processes add: U-mode code and data, with its traps taken in S-mode,
  // and S-mode reaching U pages under SUM.
  { a1: 17n, data: 'user', fpClean: false, privilege: 'U', paging: true, delegate: true },
  { a1: 19n, data: 'user', fpClean: false, privilege: 'S', paging: true, sum: true },
];
/** The watched pass is on: the hosts' watchedWrite asks the hart to stop. */
let watching = false;
/**
 * Two hosts whose functions come from different places in the source, one per policy: the
 * hart's calls into its host see more than one target during the warm-up, so the compiler does
 * not specialise them to the warm-up's host (and throw that code away for the machine's).
 */
const HOSTS: readonly HartHost[] = [
  { mtime: () => 0, interruptLines: () => 0, watchedWrite: () => watching },
  { mtime: () => 1, interruptLines: () => 0 | 0, watchedWrite: () => watching && true },
];
/** csrrc x0, mstatus, t5: placed before each FP sample (see sampleInstructions). */
const FS_CLEANER = iType(Op.CSRRC, 0, Reg.T5, CSR_MSTATUS);
/**
 * A device for the device pass: takes every write, and reads a value with both words beyond 31
 * bits, as a virtio transport's magic number is.
 */
const DEVICE_BASE = 0x10000000;
const DEVICE_WORDS = 0xc0c0c0c074726976n;
const SCRATCH_DEVICE: MmioDevice = { name: 'warm-up', read: (_offset, size) => BigInt.asUintN(size * 8, DEVICE_WORDS), write: () => true };

/** Where the program's pieces sit, as byte offsets from BASE. */
const TRAMPOLINE_AT = 0x1ff8; // on the next page: reached by a jal that leaves the body's page
const HANDLER_AT = 0x3000;
/** a page of code entered only by a jalr from another page */
const FAR_PAGE_AT = 0x7000;
/** c.addi t2, -1 */
const C_ADDI_T2_MINUS_ONE = 0x13fd;
const SUPERVISOR_HANDLER_AT = 0x3100;
/** The scratch RAM seen again through U pages, this far above itself. */
const USER_ALIAS = BigInt(RAM);
/** Sv39 tables: the root, a level-1 table and a level-0 table. */
const ROOT_TABLE_AT = 0x4000, LEVEL1_TABLE_AT = 0x5000, LEVEL0_TABLE_AT = 0x6000;
/** The paging passes' ASID. */
const WARM_UP_ASID = 1n;
/** A virtual address no table maps (the root's second gigapage is invalid). */
const UNMAPPED_VA = 0x40000000n;

/**
 * Runs the sample program under flush policy `policy` in each pass; returns the totals.
 * The program: setup; the body (every instruction kind once); a jal to a trampoline on the next
 * page, which runs an instruction straddling two pages and returns to the body through a page
 * of its own, by jalr; and a trap handler that skips whatever trapped. A pass only changes
 * registers, so the program is decoded once per policy. `abandon` is asked before each pass:
 * true gives up the rest (the machine was told to stop before its guest ran).
 */
export function warmUpInterpreter(policy: FlushPolicy = FlushPolicy.FENCE, abandon: () => boolean = () => false): WarmUpResult {
  const passes = warmUpPasses(policy);
  let pass = passes.next();
  while (!pass.done) pass = passes.next(abandon());
  return pass.value;
}

/**
 * The warm-up a pass at a time, for a thread whose events must run in between (a browser
 * worker that is also fetching the guest's images): it pauses before each pass, and the value
 * it is resumed with says whether to give up the rest.
 */
export function* warmUpPasses(policy: FlushPolicy = FlushPolicy.FENCE): Generator<void, WarmUpResult, boolean> {
  // traps: those taken in the aligned passes (none expected)
  let retired = 0, traps = 0, walks = 0, negativeFills = 0;
  // The RVC expander's every path: cheap to call directly over all 16-bit encodings.
  for (let h = 0; h < 0x10000; h++) if ((h & 3) !== 3) expandCompressed(h);
  const body = sampleInstructions();
  const image = programImage(body);
  // The policy the guest will run under (the others take paths it never will), and a second host
  // for one pass.
  const machines = [PASSES, PASSES.slice(0, 1)].map((passes, round) => {
    const memory = new GuestMemory([{ name: 'scratch', base: BASE, size: RAM, writable: true }]);
    memory.load(BASE, image);
    const bus = new Bus(memory);
    bus.addDevice(DEVICE_BASE, 0x1000, SCRATCH_DEVICE);
    return { memory, passes, hart: new Hart(bus, HOSTS[round], { hartId: 0, policy, sstc: true }) };
  });
  // The decoder over every encoding with its free bits clear, set, and in patterns that make the
  // instruction an int32 beyond 31 bits (bit 31 and not 30, or 30 and not 31), which a browser's
  // V8 boxes: a guest's instructions are such numbers.
  const decoder = machines[0].hart.code;
  for (const e of ENCODINGS) {
    for (const free of [0, -1, 0xa5a5a5a5 | 0, 0x5a5a5a5a]) decoder.decodeScratch((e.match | (free & ~e.mask)) | 0);
  }
  // Two sweeps over every pass of both hosts: a first, short run under each, so that every path
  // has fed the compiler before the interpreter is hot enough to be optimized (a hart thread
  // compiles at once, on its own thread, and code made from the first passes alone is soon
  // thrown away), then the rest of the runs.
  sweeps: for (const runs of [1, 3]) for (const { memory, passes, hart } of machines) for (const pass of passes) {
    if (yield) break sweeps;
    watching = pass.data === 'watched';
    memory.pageFlags[DATA_PAGE] = watching ? PageFlag.WATCHED : 0;
    const a0 = pass.data === 'device' ? BigInt(DEVICE_BASE)
      : pass.data === 'code-page' ? BASE + BigInt(TRAMPOLINE_AT & -4096)
      : pass.data === 'unmapped' ? UNMAPPED_VA + BigInt(DATA_OFFSET)
      : pass.data === 'user' ? BASE + USER_ALIAS + BigInt(DATA_OFFSET)
      : BASE + BigInt(DATA_OFFSET + (pass.data === 'misaligned' ? 1 : 0));
    hart.reset(BASE, a0, pass.a1 === 'a0' ? a0 : pass.a1);
    const x = hart.state.x64;
    x[Reg.S0] = a0;
    // setup ORs it into mstatus: FS dirty, MPP = the privilege its mret enters the body in
    x[Reg.T0] = BigInt(3 << 13 | (pass.privilege === 'S' ? 1 : pass.privilege === 'U' ? 0 : 3) << 11);
    x[Reg.T5] = pass.fpClean ? BigInt(1 << 13) : 0n; // cleared before each FP instruction
    // satp, written just before the mret into the body
    x[Reg.A2] = pass.paging ? BigInt(SatpMode.SV39) << 60n | WARM_UP_ASID << 44n | (BASE + BigInt(ROOT_TABLE_AT)) >> 12n : 0n;
    x[Reg.A3] = pass.delegate ? DELEGATED_EXCEPTIONS : 0n;
    // U-mode code runs from the U alias
    x[Reg.A4] = pass.privilege === 'U' ? USER_ALIAS : 0n;
    x[Reg.S1] = pass.sum ? BigInt(Mstatus.SUM) : 0n;
    // Four runs of the body in all: feedback needs each path run once; the round trip needs the
    // whole body. In S-mode the M-mode CSR accesses trap, and each costs the handler's
    // instructions too.
    const bodyRuns = runs * (pass.privilege ? 2 : 1);
    const trapsBefore = hart.trapsTaken;
    for (let steps = body.length * bodyRuns; steps > 0;) {
      hart.stopRequested = false;
      steps -= Math.max(1, hart.execute(steps));
    }
    // Misaligned AMOs and LR/SC, and AMOs on a device, trap by design; anything else trapping
    // is a malformed sample.
    watching = false;
    memory.pageFlags[DATA_PAGE] = 0;
    if (pass.data === 'ram' && !pass.privilege) traps += hart.trapsTaken - trapsBefore;
  }
  for (const { hart } of machines) {
    retired += hart.retired;
    walks += hart.store.stats[StoreStat.WALKS];
    negativeFills += hart.store.stats[StoreStat.FILLS_NEGATIVE];
  }
  return { kinds: body.length - body.filter((w) => w === FS_CLEANER).length, retired, traps, walks, negativeFills };
}

/** The warm-up program's bytes, to be loaded at BASE. */
function programImage(body: number[]): Uint8Array {
  const image = new Uint8Array(DATA_OFFSET);
  const view = new DataView(image.buffer);
  const put = (at: number, words: number[]) => words.forEach((w, i) => view.setUint32(at + i * 4, w, true));
  const setup: number[] = [
    iType(Op.CSRRS, 0, Reg.T0, CSR_MSTATUS), // FP on, and MPP (both in t0)
    iType(Op.ADDI, Reg.T6, 0, -1), iType(Op.CSRRS, 0, Reg.T6, CSR_MENVCFG), // Sstc on (STCE, bit 63)
    // SSIP pending, enabled and delegated, but SIE off: interrupt checks run to the end, none is taken
    iType(Op.ADDI, Reg.T6, 0, 2), iType(Op.CSRRS, 0, Reg.T6, CSR_MIDELEG), iType(Op.CSRRS, 0, Reg.T6, CSR_MIE), iType(Op.CSRRS, 0, Reg.T6, CSR_MIP),
    // PMP: all of memory, RWX, for the S- and U-mode passes (one NAPOT region, pmpaddr0 all ones)
    iType(Op.ADDI, Reg.T6, 0, -1), iType(Op.CSRRW, 0, Reg.T6, CSR_PMPADDR0),
    iType(Op.ADDI, Reg.T6, 0, PMP_NAPOT_RWX), iType(Op.CSRRW, 0, Reg.T6, CSR_PMPCFG0),
    // the counters readable below M-mode; a timer compare far away (its first write in the
    // guest then changes nothing the compiled code relies on)
    iType(Op.ADDI, Reg.T6, 0, 7), iType(Op.CSRRW, 0, Reg.T6, CSR_MCOUNTEREN), iType(Op.CSRRW, 0, Reg.T6, CSR_SCOUNTEREN),
    uType(Op.LUI, Reg.T6, 0x10000), iType(Op.CSRRW, 0, Reg.T6, CSR_STIMECMP),
    iType(Op.CSRRW, 0, Reg.A3, CSR_MEDELEG),
  ];
  // mtvec = the handler (auipc's own offset taken back off)
  setup.push(uType(Op.AUIPC, Reg.T0, HANDLER_AT >> 12), iType(Op.ADDI, Reg.T0, Reg.T0, -setup.length * 4), iType(Op.CSRRW, 0, Reg.T0, CSR_MTVEC));
  // stvec = the S-mode handler
  setup.push(uType(Op.AUIPC, Reg.T0, SUPERVISOR_HANDLER_AT >> 12), iType(Op.ADDI, Reg.T0, Reg.T0, (SUPERVISOR_HANDLER_AT & 0xfff) - setup.length * 4),
    iType(Op.CSRRW, 0, Reg.T0, CSR_STVEC));
  // mret into the body (24 bytes on, plus a4), in the privilege MPP names, under the satp in a2
  setup.push(uType(Op.AUIPC, Reg.T0, 0), iType(Op.ADDI, Reg.T0, Reg.T0, 24), instructionInfo(Op.ADD).match | Reg.T0 << 7 | Reg.T0 << 15 | Reg.A4 << 20,
    iType(Op.CSRRW, 0, Reg.T0, CSR_MEPC), iType(Op.CSRRW, 0, Reg.A2, CSR_SATP), instructionInfo(Op.MRET).match);
  const bodyAt = setup.length * 4;
  const jumpAt = bodyAt + body.length * 4;
  if (jumpAt >= TRAMPOLINE_AT) throw new Error('warm-up: the body runs into the trampoline');
  put(0, [...setup, ...body, jal(0, TRAMPOLINE_AT - jumpAt)]);
  // nop; c.nop; an addi straddling the page boundary; c.addi t2, -1 (whose expansion, with bit 31
  // set, is a number V8 does not hold as a Smi); then a jalr to a page reached no other way, which
  // the store misses on every pass (hart.reset empties it), and from there a jalr back to the body.
  put(TRAMPOLINE_AT, [iType(Op.ADDI, 0, 0, 0)]);
  view.setUint16(TRAMPOLINE_AT + 4, 0x0001, true);
  view.setUint32(TRAMPOLINE_AT + 6, iType(Op.ADDI, Reg.T2, Reg.T2, 1), true);
  view.setUint16(TRAMPOLINE_AT + 10, C_ADDI_T2_MINUS_ONE, true);
  put(TRAMPOLINE_AT + 12, farJump(TRAMPOLINE_AT + 12, FAR_PAGE_AT));
  put(FAR_PAGE_AT, farJump(FAR_PAGE_AT, bodyAt));
  put(HANDLER_AT, [ // skip whatever trapped: mepc += 4
    iType(Op.CSRRS, Reg.T0, 0, CSR_MEPC), iType(Op.ADDI, Reg.T0, Reg.T0, 4), iType(Op.CSRRW, 0, Reg.T0, CSR_MEPC),
    instructionInfo(Op.MRET).match,
  ]);
  // The same in S-mode, which also takes the software interrupt pending since the setup (U-mode
  // cannot mask it): clear it, so that U-mode gets to run.
  put(SUPERVISOR_HANDLER_AT, [
    iType(Op.CSRRCI, 0, 2, CSR_SIP),
    iType(Op.CSRRS, Reg.T0, 0, CSR_SEPC), iType(Op.ADDI, Reg.T0, Reg.T0, 4), iType(Op.CSRRW, 0, Reg.T0, CSR_SEPC),
    instructionInfo(Op.SRET).match,
  ]);
  pageTables(view);
  return image;
}

/**
 * Sv39 tables that map the scratch RAM onto itself through 4 KiB pages (a walk of every level;
 * the data page global), again just above itself through U pages, and the first gigabyte, where
 * the device is, through one gigapage.
 */
function pageTables(view: DataView): void {
  const pte = (physical: bigint, flags: number) => (physical >> 12n) << 10n | BigInt(flags);
  const put = (table: number, index: number, entry: bigint) => view.setBigUint64(table + index * 8, entry, true);
  const leaf = Pte.V | Pte.R | Pte.W | Pte.X | Pte.A | Pte.D;
  put(ROOT_TABLE_AT, 0, pte(0n, leaf));
  put(ROOT_TABLE_AT, Number(BASE >> 30n), pte(BASE + BigInt(LEVEL1_TABLE_AT), Pte.V));
  put(LEVEL1_TABLE_AT, Number((BASE >> 21n) & 511n), pte(BASE + BigInt(LEVEL0_TABLE_AT), Pte.V));
  for (let page = 0; page < RAM / 4096; page++) {
    const at = BASE + BigInt(page * 4096);
    put(LEVEL0_TABLE_AT, page, pte(at, page === DATA_PAGE ? leaf | Pte.G : leaf));
    // without A and D: the first accesses set them, as a kernel's fresh PTEs leave it to
    put(LEVEL0_TABLE_AT, Number(USER_ALIAS >> 12n) + page, pte(at, (leaf | Pte.U) & ~(Pte.A | Pte.D)));
  }
}

/** auipc t3 and a jalr x0 through it: from `at` to `to`. */
function farJump(at: number, to: number): number[] {
  const delta = to - at;
  const hi = (delta + 0x800) >> 12;
  return [uType(Op.AUIPC, Reg.T3, hi), iType(Op.JALR, 0, Reg.T3, delta - hi * 4096)];
}

function jal(rd: number, offset: number): number {
  const imm = offset & 0x1fffff;
  const bits = ((imm >>> 20) & 1) << 31 | ((imm >>> 1) & 0x3ff) << 21 | ((imm >>> 11) & 1) << 20 | ((imm >>> 12) & 0xff) << 12;
  return (instructionInfo(Op.JAL).match | bits | (rd << 7)) >>> 0;
}
