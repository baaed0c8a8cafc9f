// The monitor: QEMU's human monitor commands for a running machine, one line in, text out. The
// host decides where it lives (the terminal behind Ctrl-A C, a UNIX socket); this only reads
// commands and asks its target.

import { FLUSH_POLICY_NAMES, type FlushPolicy } from '../arch/flush-policy.js';
import { Priv } from '../arch/privilege.js';
import { fRegName, xRegName } from '../cpu/isa/disassemble.js';
import { SNAPSHOT_CSRS, type HartSnapshot } from '../cpu/hart-snapshot.js';
import { formatStoreStatistics, type MachineStatistics } from './statistics.js';
import type { BusWindow } from './virt-machine.js';

/** What the monitor drives. */
export interface MonitorTarget {
  readonly harts: number;
  readonly paused: boolean;
  /** holds every hart; resolves once they are */
  pause(): Promise<void>;
  resume(): void;
  /** every hart's registers, while paused */
  snapshots(): HartSnapshot[];
  statistics(): MachineStatistics;
  memoryMap(): BusWindow[];
  /** the board resets (and runs) */
  reset(): void;
}

/** Where the host keeps snapshots of the machine (savevm, loadvm): files, named by path. */
export interface MonitorSnapshots {
  /** Saves the whole machine into `file`; rejects with a one-line message. */
  save(file: string): Promise<void>;
  /** Puts the machine back as `file` has it; rejects with a one-line message, the machine untouched. */
  load(file: string): Promise<void>;
}

export const MONITOR_BANNER = "hartvm monitor - type 'help' for more information";
export const MONITOR_PROMPT = '(hartvm) ';

interface Command {
  names: string[];
  args?: string;
  help: string;
  run(monitor: Monitor, args: string[]): Promise<string> | string;
}

const COMMANDS: Command[] = [
  { names: ['help', '?'], args: '[cmd]', help: 'show the commands, or one', run: (m, args) => m.help(args[0]) },
  { names: ['info'], args: 'subcommand', help: 'show something about the machine (info with no subcommand lists them)', run: (m, args) => m.info(args) },
  { names: ['stop', 's'], help: 'hold every hart (and the guest\'s clock)', run: async (m) => { await m.target.pause(); return ''; } },
  { names: ['cont', 'c'], help: 'let the harts run on', run: (m) => { m.target.resume(); return ''; } },
  { names: ['cpu'], args: 'index', help: 'the hart info registers shows', run: (m, args) => m.selectCpu(args[0]) },
  { names: ['system_reset'], help: 'reset the board (it boots again; stopped, it stays stopped)', run: (m) => { m.target.reset(); return ''; } },
  {
    names: ['system_powerdown'], help: 'press the power button',
    run: () => 'The virt board has no power button to press (neither has QEMU\'s): use poweroff in the guest, or quit.\n',
  },
  {
    names: ['savevm'], args: 'file', help: 'save the whole machine into a file (QEMU names a snapshot in its disk; hartvm takes a file path)',
    run: (m, args) => m.snapshot('savevm', args, (snapshots, file) => snapshots.save(file)),
  },
  {
    names: ['loadvm'], args: 'file', help: 'put the whole machine back as savevm saved it in the file',
    run: (m, args) => m.snapshot('loadvm', args, (snapshots, file) => snapshots.load(file)),
  },
  { names: ['quit', 'q'], help: 'end the machine (its disks flushed and closed)', run: (m) => { m.quit(); return ''; } },
];

interface InfoCommand {
  name: string;
  args?: string;
  help: string;
  run(monitor: Monitor, args: string[]): Promise<string> | string;
}

const INFO: InfoCommand[] = [
  { name: 'status', help: 'whether the harts run', run: (m) => `VM status: ${m.target.paused ? 'paused' : 'running'}\n` },
  { name: 'cpus', help: 'the harts and their pcs', run: (m) => m.withSnapshots((all) => all.map((s) => `${s.hartId === m.cpu ? '*' : ' '} CPU #${s.hartId}: pc=0x${hex(s.pc)}\n`).join('')) },
  {
    name: 'registers', args: '[-a]', help: 'the registers of the current hart (-a: of every hart)',
    run: (m, args) => m.withSnapshots((all) => (args[0] === '-a' ? all : [all[m.cpu]]).map(formatRegisters).join('\n')),
  },
  { name: 'store', help: 'the translation stores\' statistics, per hart', run: (m) => formatStore(m.target.statistics()) },
  { name: 'mtree', help: 'the board\'s memory map', run: (m) => formatMemoryMap(m.target.memoryMap()) },
];

export class Monitor {
  readonly target: MonitorTarget;
  /** ends the machine (quit) */
  readonly quit: () => void;
  /** the hart info registers shows */
  cpu = 0;
  private readonly snapshots: MonitorSnapshots | undefined;

  constructor(target: MonitorTarget, quit: () => void, snapshots?: MonitorSnapshots) {
    this.target = target;
    this.quit = quit;
    this.snapshots = snapshots;
  }

  /** savevm or loadvm FILE (the rest of the line: a path may hold spaces). */
  async snapshot(name: string, args: string[], act: (snapshots: MonitorSnapshots, file: string) => Promise<void>): Promise<string> {
    if (!this.snapshots) return `${name}: this machine's host keeps no snapshots\n`;
    const file = args.join(' ');
    if (file === '') return `${name}: give a file: ${name} FILE\n`;
    await act(this.snapshots, file);
    return '';
  }

  /** Runs one command line; resolves to what it prints (empty, or lines each ending in \n). Never rejects. */
  async execute(line: string): Promise<string> {
    const [name, ...args] = line.trim().split(/\s+/);
    if (!name) return '';
    const command = COMMANDS.find((c) => c.names.includes(name));
    if (!command) return `unknown command: '${name}'\n`;
    try {
      return await command.run(this, args);
    } catch (e) {
      // the machine changed under the command (it ended, it reset): say so, and take the next
      return `${name}: ${(e as Error)?.message ?? e}\n`;
    }
  }

  help(name?: string): string {
    const line = (names: string, args: string | undefined, help: string): string => `${names}${args ? ` ${args}` : ''} -- ${help}\n`;
    const chosen = name === undefined ? COMMANDS : COMMANDS.filter((c) => c.names.includes(name));
    if (chosen.length === 0) return `unknown command: '${name}'\n`;
    return chosen.map((c) => line(c.names.join('|'), c.args, c.help)).join('');
  }

  info(args: string[]): string | Promise<string> {
    const [what, ...rest] = args;
    const info = INFO.find((i) => i.name === what);
    if (!info) {
      const list = INFO.map((i) => `info ${i.name}${i.args ? ` ${i.args}` : ''} -- ${i.help}\n`).join('');
      return what === undefined ? list : `unknown info subcommand: '${what}'\n${list}`;
    }
    return info.run(this, rest);
  }

  selectCpu(index: string | undefined): string {
    const n = Number(index);
    if (index === undefined || !Number.isInteger(n) || n < 0 || n >= this.target.harts) return `cpu: the harts are 0 to ${this.target.harts - 1}\n`;
    this.cpu = n;
    return '';
  }

  /** The harts' registers: a running machine is held for as long as it takes to read them. */
  async withSnapshots(format: (all: HartSnapshot[]) => string): Promise<string> {
    const running = !this.target.paused;
    if (running) await this.target.pause();
    try {
      if (!this.target.paused) return 'The machine has ended.\n';
      return format(this.target.snapshots());
    } finally {
      if (running) this.target.resume();
    }
  }
}

function hex(value: bigint): string {
  return value.toString(16).padStart(16, '0');
}

const PRIV_NAMES: Record<number, string> = { [Priv.U]: 'U', [Priv.S]: 'S', [Priv.M]: 'M' };

/** One hart's registers, laid out as QEMU's info registers lays out a RISC-V CPU's. */
function formatRegisters(s: HartSnapshot): string {
  const lines = [`CPU#${s.hartId}`, ` priv     ${PRIV_NAMES[s.priv] ?? s.priv}`, ` pc       ${hex(s.pc)}`];
  for (const name of SNAPSHOT_CSRS) lines.push(` ${name.padEnd(8)} ${hex(s.csrs[name])}`);
  const grid = (values: bigint[], label: (i: number) => string): void => {
    for (let i = 0; i < 32; i += 4) {
      lines.push([0, 1, 2, 3].map((k) => ` ${label(i + k).padEnd(8)} ${hex(values[i + k])}`).join(''));
    }
  };
  grid(s.x, (i) => `x${i}/${xRegName(i)}`);
  grid(s.f, (i) => `f${i}/${fRegName(i)}`);
  return lines.join('\n') + '\n';
}

function formatStore(s: MachineStatistics): string {
  return formatStoreStatistics(s.harts, FLUSH_POLICY_NAMES.indexOf(s.policy) as FlushPolicy, s.seconds);
}

/** The bus, as QEMU's info mtree lists the system address space. */
function formatMemoryMap(windows: BusWindow[]): string {
  const range = (w: BusWindow): string => `${hex(w.base)}-${hex(w.base + BigInt(w.size) - 1n)}`;
  return 'address-space: memory\n' + windows.map((w) => `  ${range(w)} (${w.kind}): ${w.name}\n`).join('');
}
