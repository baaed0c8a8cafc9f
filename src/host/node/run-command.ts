// `hartvm run`: loads a bare-metal ELF into the spike-like machine and runs it until it exits
// through HTIF, on this (main) thread.

import { writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { CsrSlot } from '../../cpu/csr.js';
import { TRAP_LOOP_LIMIT } from '../../cpu/hart.js';
import type { EngineName } from '../../arch/engine.js';
import { disassemble } from '../../cpu/isa/disassemble.js';
import { CAUSE_NAMES, IrqBit } from '../../arch/traps.js';
import { BareMachine } from '../../machine/bare-machine.js';
import { TIMEBASE_HZ } from '../../machine/virt-layout.js';
import { ElfError, parseElf } from '../../loader/elf.js';
import type { FlushPolicy } from '../../arch/flush-policy.js';
import { boardClock, clockZeroNow } from './board-clock.js';
import { formatSize } from '../../machine/size.js';
import { printable } from '../../machine/printable.js';
import { formatStoreStatistics, machineStatistics } from '../../machine/statistics.js';
import { fileErrorReason } from './user-file.js';
import { UserError } from './user-error.js';
import { translationWriter } from './jit-dump.js';
import { keepTranslatedCodeAtBaseline } from './wasm-tiers.js';
import { readUserFile } from './user-file.js';

export interface RunOptions {
  program: string;
  policy: FlushPolicy;
  /** print statistics at exit: as a text table, or as one JSON object */
  stats: false | 'text' | 'json';
  maxInsns: number | undefined;
  trace: boolean;
  ramSize: number;
  engine?: EngineName;
  /** a directory to write each translation into, as text */
  jitDump?: string;
}

const CHUNK = 1 << 22;
/** The exit status when the program's HTIF request points outside RAM. */
const HTIF_FAULT_STATUS = 5;
/** A timer further away than this is treated as never firing. */
const NEVER_TICKS = 2 ** 62;

/** Runs the program; returns the process exit status. */
export function runProgram(options: RunOptions): number {
  if (options.engine === 'jit') keepTranslatedCodeAtBaseline();
  const image = loadElf(options.program);
  const program = printable(options.program);
  const console = new ConsoleBuffer();
  const start = performance.now();
  const machine = new BareMachine({
    ramSize: options.ramSize,
    policy: options.policy,
    engine: options.engine,
    onTranslate: options.jitDump !== undefined ? translationWriter(options.jitDump) : undefined,
    clock: boardClock(clockZeroNow(), TIMEBASE_HZ),
    output: (bytes) => console.write(bytes),
  });
  try {
    machine.loadProgram(image);
  } catch (e) {
    if (e instanceof ElfError) throw new UserError(`${program}: ${e.message} (RAM is ${formatSize(options.ramSize)}; use -m for more)`);
    throw e;
  }
  if (!machine.htif) {
    process.stderr.write(`hartvm: warning: ${program} has no 'tohost' symbol, so it cannot report an exit status\n`);
  }

  const hart = machine.hart;
  const trace = options.trace ? new Tracer(machine) : undefined;
  let status: number | undefined;
  let failure: UserError | undefined;
  for (;;) {
    let n = CHUNK;
    if (options.maxInsns !== undefined) n = Math.min(n, options.maxInsns - hart.retired);
    if (trace) trace.step(); else if (n > 0) hart.execute(n);
    console.flushIfLarge();
    if (machine.htif?.exitCode !== undefined) { status = machine.htif.exitCode; break; }
    if (machine.htif?.fault !== undefined) {
      failure = new UserError(`${program}: ${machine.htif.fault}`, HTIF_FAULT_STATUS);
      break;
    }
    if (options.maxInsns !== undefined && hart.retired >= options.maxInsns) {
      failure = new UserError(`stopped after ${hart.retired} instructions (--max-insns ${options.maxInsns}) at pc 0x${hart.pc.toString(16)}`, 124);
      break;
    }
    if (hart.trapsWithoutProgress >= TRAP_LOOP_LIMIT) {
      failure = new UserError(describeTrapLoop(machine), 4);
      break;
    }
    if (hart.waiting) {
      const ticks = machine.clint.ticksUntilTimer(0);
      const timerCanWake = (hart.csrs.lo(CsrSlot.MIE) & IrqBit.MTIP) !== 0 && ticks < NEVER_TICKS;
      if (!timerCanWake) {
        failure = new UserError(`hart 0 waits in wfi at pc 0x${hart.pc.toString(16)} with no enabled interrupt that could wake it`, 3);
        break;
      }
      sleepMs(Math.min(100, Math.max(0, ticks / (TIMEBASE_HZ / 1000))));
    }
  }
  console.flush();
  trace?.flush();
  // hartvm's own messages start on a fresh line even when the guest's last line is unfinished.
  if (console.endsMidLine && (options.stats || failure || status !== 0)) process.stderr.write('\n');
  if (options.stats) {
    const seconds = (performance.now() - start) / 1000;
    if (options.stats === 'json') process.stderr.write(`${JSON.stringify(machineStatistics(options.policy, seconds, [hart.statistics()]))}\n`);
    else process.stderr.write(formatStoreStatistics([hart.statistics()], options.policy, seconds));
  }
  if (failure) throw failure;
  if (status !== 0) process.stderr.write(`hartvm: ${program} exited with status ${status}\n`);
  // Exit statuses are 8 bits; a failure must never wrap to 0.
  return status === 0 ? 0 : (status! & 0xff) || 255;
}

/** One line that says why the guest is stuck: the trap it keeps taking and where. */
function describeTrapLoop(machine: BareMachine): string {
  const hart = machine.hart;
  const inS = hart.priv === 1;
  const cause = hart.csrs.get(inS ? CsrSlot.SCAUSE : CsrSlot.MCAUSE);
  const epc = BigInt.asUintN(64, hart.csrs.get(inS ? CsrSlot.SEPC : CsrSlot.MEPC));
  const tval = BigInt.asUintN(64, hart.csrs.get(inS ? CsrSlot.STVAL : CsrSlot.MTVAL));
  const code = Number(BigInt.asUintN(63, cause));
  const name = cause < 0n ? `interrupt ${code}` : CAUSE_NAMES[code] ?? `cause ${code}`;
  const vector = inS ? 'stvec' : 'mtvec';
  return `hart 0 is stuck in a trap loop: ${TRAP_LOOP_LIMIT} traps with no instruction retired; ` +
    `the last was ${name} at pc 0x${epc.toString(16)} (tval 0x${tval.toString(16)}); is ${vector} (0x${hart.pc.toString(16)}) set?`;
}

function loadElf(path: string) {
  const bytes = readUserFile('program', path);
  try {
    return parseElf(bytes);
  } catch (e) {
    if (e instanceof ElfError) throw new UserError(`${printable(path)}: ${e.message}`);
    throw e;
  }
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Collects guest console output and writes it in large pieces. */
class ConsoleBuffer {
  private parts: Uint8Array[] = [];
  private size = 0;
  /** the last byte written was not a newline */
  endsMidLine = false;

  write(bytes: Uint8Array): void {
    if (bytes.length > 0) this.endsMidLine = bytes[bytes.length - 1] !== 10;
    this.parts.push(bytes);
    this.size += bytes.length;
    if (bytes.includes(10) || this.size > 4096) this.flush();
  }

  flushIfLarge(): void {
    if (this.size > 0) this.flush();
  }

  flush(): void {
    if (this.size === 0) return;
    const all = Buffer.concat(this.parts);
    this.parts = [];
    this.size = 0;
    try {
      writeAll(1, all);
    } catch (e) {
      // The reader has gone or the disk is full: the program's output cannot be seen, so the run ends.
      throw new UserError(`cannot write the console output: ${fileErrorReason(e)}`);
    }
  }
}

/** Synchronous, because the hart loop never returns to the event loop until the run ends. */
function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(fd, bytes, done);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

/** --trace: one line per instruction, like Spike's log: hart, privilege, pc, bits, disassembly. */
class Tracer {
  private readonly machine: BareMachine;
  private lines: string[] = [];
  private traps: number;

  constructor(machine: BareMachine) {
    this.machine = machine;
    this.traps = machine.hart.trapsTaken;
  }

  step(): void {
    const hart = this.machine.hart;
    const pc = hart.pc;
    const bits = hart.peekInstruction();
    const mode = 'USHM'[hart.priv];
    const pcText = pc.toString(16).padStart(16, '0');
    if (bits === undefined) {
      this.lines.push(`hart 0 ${mode} 0x${pcText} (fetch faults)`);
    } else {
      const width = (bits & 3) === 3 ? 8 : 4;
      this.lines.push(`hart 0 ${mode} 0x${pcText} (0x${bits.toString(16).padStart(width, '0')}) ${disassemble(bits, pc)}`);
    }
    hart.execute(1);
    if (hart.trapsTaken !== this.traps) {
      this.traps = hart.trapsTaken;
      const cause = hart.csrs.get(hart.priv === 1 ? CsrSlot.SCAUSE : CsrSlot.MCAUSE);
      const tval = hart.csrs.get(hart.priv === 1 ? CsrSlot.STVAL : CsrSlot.MTVAL);
      const interrupt = cause < 0n;
      const code = Number(BigInt.asUintN(63, cause));
      const name = interrupt ? `interrupt ${code}` : CAUSE_NAMES[code] ?? `cause ${code}`;
      this.lines.push(`hart 0 trap: ${name}, tval 0x${BigInt.asUintN(64, tval).toString(16)}, handler 0x${hart.pc.toString(16)}`);
    }
    if (this.lines.length >= 256) this.flush();
  }

  flush(): void {
    if (this.lines.length) writeAll(2, Buffer.from(this.lines.join('\n') + '\n'));
    this.lines = [];
  }
}
