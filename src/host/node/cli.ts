// The `hartvm` command line (Node host).

import { Command, InvalidArgumentError, Option } from 'commander';
import { FLUSH_POLICY_NAMES, type FlushPolicy } from '../../mmu/translation-store.js';
import { runProgram } from './run-command.js';
import { parseSize } from './size.js';
import { UserError } from './user-error.js';

const MAX_RAM = 2 ** 31;

function sizeOption(text: string): number {
  let bytes: number;
  try {
    bytes = parseSize(text);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
  if (bytes < 4096 || bytes % 4096 !== 0) throw new InvalidArgumentError('memory size must be a multiple of 4 KiB');
  if (bytes > MAX_RAM) throw new InvalidArgumentError('at most 2G of RAM is supported');
  return bytes;
}

function countOption(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return Number(text);
}

export function main(argv: string[]): number {
  let status = 0;
  const program = new Command('hartvm')
    .description('A RISC-V 64 virtual machine monitor with a per-hart translation store')
    .version('0.1.0')
    // Usage errors are one line: "hartvm: error: ... (see hartvm --help)".
    .configureOutput({ outputError: (text, write) => write(`hartvm: ${text.trim().replace(/\n+/g, ' ')} (see hartvm --help)\n`) });

  program.command('run')
    .configureOutput({ outputError: (text, write) => write(`hartvm: ${text.trim().replace(/\n+/g, ' ')} (see hartvm run --help)\n`) })
    .description('run a bare-metal RISC-V ELF program (HTIF tohost/fromhost for console and exit)')
    .argument('<program>', 'RV64 ELF executable')
    .addOption(new Option('--tlb-flush <policy>', 'when the translation store is invalidated').choices(FLUSH_POLICY_NAMES).default('fence'))
    .option('--stats', 'print translation-store statistics per hart at exit', false)
    .option('--max-insns <n>', 'stop with an error after n instructions', countOption)
    .option('--trace', 'print every executed instruction (pc, bits, disassembly) to stderr', false)
    .option('-m, --memory <size>', 'RAM size, e.g. 128M or 1G', sizeOption, 128 * 2 ** 20)
    .action((file: string, opts: { tlbFlush: string; stats: boolean; maxInsns?: number; trace: boolean; memory: number }) => {
      status = runProgram({
        program: file,
        policy: FLUSH_POLICY_NAMES.indexOf(opts.tlbFlush as typeof FLUSH_POLICY_NAMES[number]) as FlushPolicy,
        stats: opts.stats,
        maxInsns: opts.maxInsns,
        trace: opts.trace,
        ramSize: opts.memory,
      });
    });

  try {
    program.parse(argv);
  } catch (e) {
    if (e instanceof UserError) {
      process.stderr.write(`hartvm: ${e.message}\n`);
      return e.exitCode;
    }
    // A bug in hartvm, not a problem with the user's input: one line, the stack on request.
    if (process.env.HARTVM_DEBUG) throw e;
    process.stderr.write(`hartvm: internal error: ${(e as Error).message ?? e} (set HARTVM_DEBUG=1 for details; please report it)\n`);
    return 70;
  }
  return status;
}
