// The `hartvm` command line (Node host).

import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { HartvmError } from '../../machine/errors.js';
import { escapeControls, printable } from '../../machine/printable.js';
import { DEFAULT_RAM, flushPolicyOption, ramSizeOption, type FlushPolicyName } from '../../machine/machine-options.js';
import { MAX_DISKS } from '../../machine/session.js';
import { FLUSH_POLICY_NAMES } from '../../arch/flush-policy.js';
import { ENGINE_NAMES, type EngineName } from '../../arch/engine.js';
import { bootMachine } from './boot-command.js';
import { runProgram } from './run-command.js';
import { registerServeCommand } from './serve-command.js';
import { usageErrorLine, UserError } from './user-error.js';
import { makeJitDumpDirectory } from './jit-dump.js';
import { translateQemuOptions } from './qemu-command-line.js';
import { nicOption } from '../../machine/network-options.js';
import { virtfsOption } from '../../machine/share-options.js';
import { checkShareFolder } from './folder-share.js';

/** The version in package.json, the one place it is written. */
const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function sizeOption(text: string): number {
  try {
    return ramSizeOption(text);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

function countOption(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return Number(text);
}

/** The options of `hartvm` itself; any other first argument that is an option is QEMU's, for boot. */
const TOP_LEVEL_OPTIONS = new Set(['-h', '--help', '-V', '--version']);

/**
 * The arguments commander reads: `boot`'s with QEMU's options translated (qemu-command-line.ts),
 * `boot` put first when QEMU's options come with no command, as they do to qemu-system-riscv64;
 * --stats=json becomes a flag of its own. Undefined when -version asked only for the version.
 */
function hartvmArguments(argv: string[]): string[] | undefined {
  let args = argv.slice(2).map((arg) => (arg === '--stats=json' ? '--stats-json' : arg));
  if (args[0]?.startsWith('-') && !TOP_LEVEL_OPTIONS.has(args[0])) args = ['boot', ...args];
  if (args[0] === 'boot') {
    const translated = translateQemuOptions(args.slice(1));
    if (translated.version) return undefined;
    args = ['boot', ...translated.args];
  }
  return [...argv.slice(0, 2), ...args];
}

/** --engine: translate hot code to WebAssembly (faster from a few hundred thousand instructions on), or interpret everything. */
const ENGINE_OPTION = () => new Option('--engine <engine>', 'how instructions run: hot code translated to WebAssembly, or the interpreter alone')
  .choices(ENGINE_NAMES).default('jit');
const JIT_DUMP_OPTION = () => new Option('--jit-dump <dir>', 'write each translation of a page (--engine=jit) into dir, as WebAssembly text');

/** --jit-dump without the engine that translates: a mistake worth one line. */
function jitDumpOption(dir: string | undefined, engine: EngineName): string | undefined {
  if (dir === undefined) return undefined;
  if (engine !== 'jit') throw new UserError('--jit-dump needs --engine=jit: the interpreter translates nothing');
  return makeJitDumpDirectory(dir);
}

export async function main(argv: string[]): Promise<number> {
  // A stderr that fails (its reader gone) leaves nowhere to say anything: not a reason to crash.
  process.stderr.on('error', () => {});
  let status = 0;
  const program = new Command('hartvm')
    .description('A RISC-V 64 virtual machine monitor with a per-hart translation store')
    .version(VERSION)
    // Usage errors are one line: "hartvm: error: ... (see hartvm --help)".
    .configureOutput({ outputError: (text, write) => write(usageErrorLine(text, 'hartvm --help')) });

  program.command('run')
    .configureOutput({ outputError: (text, write) => write(usageErrorLine(text, 'hartvm run --help')) })
    .description('run a bare-metal RISC-V ELF program (HTIF tohost/fromhost for console and exit)')
    .argument('<program>', 'RV64 ELF executable')
    .addOption(new Option('--tlb-flush <policy>', 'when the translation store is invalidated').choices(FLUSH_POLICY_NAMES).default('fence'))
    .option('--stats', 'print translation-store statistics per hart at exit (--stats=json: as one JSON object)', false)
    .addOption(new Option('--stats-json').hideHelp())
    .option('--max-insns <n>', 'stop with an error after n instructions', countOption)
    .option('--trace', 'print every executed instruction (pc, bits, disassembly) to stderr', false)
    .option('-m, --memory <size>', 'RAM size, e.g. 128M or 1G (at most 2G)', sizeOption, 128 * 2 ** 20)
    .addOption(ENGINE_OPTION())
    .addOption(JIT_DUMP_OPTION())
    .action((file: string, opts: { tlbFlush: string; stats: boolean; statsJson?: boolean; maxInsns?: number; trace: boolean; memory: number; engine: EngineName; jitDump?: string }) => {
      status = runProgram({
        program: file,
        policy: flushPolicyOption(opts.tlbFlush),
        stats: opts.statsJson ? 'json' : opts.stats ? 'text' : false,
        maxInsns: opts.maxInsns,
        trace: opts.trace,
        ramSize: opts.memory,
        engine: opts.engine,
        jitDump: jitDumpOption(opts.jitDump, opts.engine),
      });
    });

  program.command('boot')
    .description('boot firmware, a Linux kernel and a shell on the virt board (options may be spelled as in QEMU: -kernel, -append, ...)')
    .configureOutput({ outputError: (text, write) => write(usageErrorLine(text, 'hartvm boot --help')) })
    .option('-m, --memory <size>', 'RAM size, e.g. 256M or 1G (at most 2G)', sizeOption, DEFAULT_RAM)
    .option('--smp <n>', 'number of harts', countOption, 1)
    .option('--bios <file>', `firmware, or "none" (default: the shipped OpenSBI, images/fw_dynamic.bin.gz)`)
    .option('--kernel <file>', 'kernel: a raw Image (placed 2 MiB after the firmware) or an ELF')
    .option('--initrd <file>', 'initial ramdisk')
    .option('--append <cmdline>', 'kernel command line')
    .option('--dtb <file>', "a device tree blob for the firmware instead of the board's own; its /chosen gets the command line and the initrd")
    .option('--drive <spec>', `disk: file=IMG,format=raw[,readonly=on][,snapshot=on]; at most ${MAX_DISKS}`, (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--nographic', 'accepted for QEMU compatibility: the console is always the terminal')
    .option('--virtio-console', 'add a virtio console (Linux\'s hvc0; -append console=hvc0 makes it the console): it gets the terminal\'s input', false)
    .option('--nic <spec>', 'a network card (eth0) on user-mode networking through passt: user[,hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-:GUESTPORT]... (HOSTADDR 127.0.0.1 when empty)')
    .option('--virtfs <spec>', 'share a host folder over virtio-9p: local,path=DIR,mount_tag=TAG,security_model=none|mapped-xattr[,readonly=on] (the guest: mount -t 9p -o trans=virtio,version=9p2000.L TAG /mnt)',
      (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--monitor <where>', 'the monitor: stdio (Ctrl-A C on the terminal, the default), none, or unix:PATH,server,nowait')
    .option('--gdb <where>', 'a GDB stub for target remote, on the loopback interface: tcp:[HOST]:PORT (QEMU\'s -gdb; -s is tcp::1234)')
    .option('--start-held', 'hold every hart at reset until gdb (or the monitor\'s cont) lets it go (QEMU\'s -S)', false)
    .option('--loadvm <file>', 'start from a snapshot the monitor\'s savevm wrote into file, instead of booting (QEMU\'s -loadvm takes a name; the other options must give a machine of the same shape)')
    .option('--no-reboot', 'exit instead of rebooting when the guest resets')
    .addOption(new Option('--tlb-flush <policy>', 'when the translation store is invalidated').choices(FLUSH_POLICY_NAMES).default('fence'))
    .option('--stats', 'print statistics at exit (--stats=json: as one JSON object)', false)
    .addOption(new Option('--stats-json').hideHelp())
    .option('--dump-dtb <file>', 'write the generated device tree blob to file and exit')
    .option('--hart-threads', 'run each hart on a worker thread of its own also at -smp 1 (always so from -smp 2; one hart is faster on the main thread)', false)
    .addOption(ENGINE_OPTION())
    .addOption(JIT_DUMP_OPTION())
    .action(async (opts: { memory: number; smp: number; bios?: string; kernel?: string; initrd?: string; append?: string; dtb?: string;
      drive: string[]; reboot: boolean; tlbFlush: string; stats: boolean; statsJson?: boolean; dumpDtb?: string; hartThreads: boolean;
      engine: EngineName; jitDump?: string; monitor?: string; virtioConsole: boolean; nic?: string; virtfs: string[]; gdb?: string; startHeld: boolean;
      loadvm?: string }) => {
      status = await bootMachine({
        ramSize: opts.memory, smp: opts.smp, bios: opts.bios, kernel: opts.kernel, initrd: opts.initrd, append: opts.append,
        dtb: opts.dtb, drives: opts.drive, reboot: opts.reboot, policy: opts.tlbFlush as FlushPolicyName,
        stats: opts.statsJson ? 'json' : opts.stats ? 'text' : false, dumpDtb: opts.dumpDtb,
        hartThreads: opts.hartThreads,
        monitor: opts.monitor,
        virtioConsole: opts.virtioConsole,
        network: opts.nic === undefined ? undefined : nicOption(opts.nic),
        shares: opts.virtfs.map((spec) => {
          const share = virtfsOption(spec, '--virtfs');
          checkShareFolder(share.path, `--virtfs ${printable(spec)}`);
          return share;
        }),
        gdb: opts.gdb,
        startHeld: opts.startHeld,
        loadvm: opts.loadvm,
        engine: opts.engine,
        jitDump: jitDumpOption(opts.jitDump, opts.engine),
      });
    });

  registerServeCommand(program);

  try {
    const args = hartvmArguments(argv);
    if (args === undefined) {
      process.stdout.write(`hartvm ${VERSION}\n`);
      return 0;
    }
    await program.parseAsync(args);
  } catch (e) {
    // Messages quote user text with printable(); escaping here keeps any that slipped through one line.
    if (e instanceof HartvmError) {
      process.stderr.write(`hartvm: ${escapeControls(e.message)}\n`);
      return e instanceof UserError ? e.exitCode : 1;
    }
    // A bug in hartvm, not a problem with the user's input: one line, the stack on request.
    if (process.env.HARTVM_DEBUG) throw e;
    process.stderr.write(`hartvm: internal error: ${escapeControls(String((e as Error).message ?? e))} (set HARTVM_DEBUG=1 for details; please report it)\n`);
    return 70;
  }
  return status;
}
