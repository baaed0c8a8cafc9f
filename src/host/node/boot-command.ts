// `hartvm boot`: the virt board with real firmware (OpenSBI), a Linux kernel and a shell on the
// terminal, built on the library's createMachine(). Options follow QEMU's spelling. With no
// -kernel, the project's default images are used.

import type { EngineName } from '../../arch/engine.js';
import { writeFileSync } from 'node:fs';
import type { FlushPolicyName } from '../../machine/machine-options.js';
import { formatMachineStatistics } from '../../machine/statistics.js';
import { HostConsole } from './console.js';
import { exitNow } from './exit-now.js';
import { ConsoleTimestamps } from './console-timestamps.js';
import type { NetworkOption } from '../../machine/network-options.js';
import type { ShareOption } from '../../machine/share-options.js';
import { createMachine, type MachineExit, type SnapshotCommit } from './machine.js';
import { listenMonitor, parseMonitorPlace, type MonitorSocket } from './monitor-socket.js';
import { printable } from '../../machine/printable.js';
import { fileErrorReason } from './user-file.js';
import { UserError } from './user-error.js';

export interface BootOptions {
  ramSize: number;
  smp: number;
  bios?: string;
  kernel?: string;
  initrd?: string;
  append?: string;
  /** a device tree blob instead of the board's (QEMU's -dtb) */
  dtb?: string;
  drives: string[];
  reboot: boolean;
  policy: FlushPolicyName;
  engine?: EngineName;
  /** a directory to write each translation into, as text */
  jitDump?: string;
  /** print statistics at exit: as text tables, or as one JSON object */
  stats: false | 'text' | 'json';
  dumpDtb?: string;
  /** every hart on a worker thread of its own even at -smp 1 (the rule from -smp 2 on) */
  hartThreads?: boolean;
  /** where the monitor is (QEMU's -monitor): stdio (Ctrl-A C, the default), none, unix:PATH,server,nowait */
  monitor?: string;
  /** the board also has a virtio console (hvc0), which takes the terminal's input */
  virtioConsole?: boolean;
  /** user-mode networking (--nic user,...) */
  network?: NetworkOption;
  /** host folders shared over virtio-9p (--virtfs) */
  shares?: ShareOption[];
  /** a GDB stub: tcp:[HOST]:PORT (QEMU's -gdb) */
  gdb?: string;
  /** every hart held at reset until gdb or the monitor lets it go (QEMU's -S) */
  startHeld?: boolean;
  /** start from the snapshot in this file instead of booting (QEMU's -loadvm) */
  loadvm?: string;
}

/** Boots the guest; resolves to the process exit status. */
export async function bootMachine(options: BootOptions): Promise<number> {
  const monitorPlace = parseMonitorPlace(options.monitor ?? 'stdio');
  const machine = createMachine({
    memory: options.ramSize,
    smp: options.smp,
    bios: options.bios,
    kernel: options.kernel,
    initrd: options.initrd,
    append: options.append,
    dtb: options.dtb,
    drives: options.drives,
    reboot: options.reboot,
    tlbFlush: options.policy,
    engine: options.engine,
    jitDump: options.jitDump,
    hartThreads: options.hartThreads,
    virtioConsole: options.virtioConsole,
    network: options.network,
    shares: options.shares,
    gdb: options.gdb,
    startHeld: options.startHeld,
    // -M dumpdtb= writes the device tree and ends: nothing is loaded
    loadvm: options.dumpDtb ? undefined : options.loadvm,
    // HARTVM_NO_WARMUP=1 skips the warm-up, to measure what it buys.
    warmUp: process.env.HARTVM_NO_WARMUP ? false : undefined,
  });
  if (options.dumpDtb) {
    await machine.stop();
    try {
      writeFileSync(options.dumpDtb, machine.deviceTree);
    } catch (e) {
      throw new UserError(`cannot write ${printable(options.dumpDtb)}: ${fileErrorReason(e)}`);
    }
    return 0;
  }
  for (const warning of machine.warnings) process.stderr.write(`hartvm: warning: ${warning}\n`);

  const timestamps = new ConsoleTimestamps();
  const terminal = new HostConsole({
    input: (bytes) => machine.input(bytes),
    quit: () => void machine.stop(0),
    sendBreak: () => machine.sendBreak(),
    commitSnapshots: () => process.stderr.write(snapshotCommitLines(machine.commitSnapshots())),
    toggleTimestamps: () => timestamps.toggle(),
    ...(monitorPlace.kind === 'stdio' ? { monitorCommand: (line: string) => machine.monitorCommand(line) } : {}),
  });
  // Piped, so that a reader slower than the guest holds the guest's UART busy instead of
  // letting its output pile up here. An output that fails (its reader gone, a full disk) ends
  // the run: nothing the guest writes could be seen any more.
  let outputError: unknown;
  const onOutputError = (e: unknown): void => {
    outputError ??= e;
    void machine.stop(1);
  };
  process.stdout.on('error', onOutputError);
  writeWithoutBlocking(process.stdout);
  machine.console.pipe(timestamps).pipe(process.stdout);
  machine.on('output-dropped', () => process.stderr.write('\r\nhartvm: warning: the guest writes to its console faster than the output is read, without waiting for its transmitter: dropping what does not fit\r\n'));
  machine.on('virtio-error', (message) => process.stderr.write(`\r\nhartvm: virtio: ${message}\r\n`));
  machine.on('network-error', (message) => process.stderr.write(`\r\nhartvm: network: ${message}\r\n`));
  // A signal ends the run as QEMU's does, with the disks flushed and closed: 128 + its number.
  const SIGNAL_STATUS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
  // A signal before the machine starts (while it waits for a monitor client) ends the wait.
  let signalled: ((status: number) => void) | undefined;
  const beforeStart = new Promise<number>((resolve) => { signalled = resolve; });
  const onSignal = (signal: NodeJS.Signals): void => {
    signalled?.(SIGNAL_STATUS[signal] ?? 1);
    void machine.stop(SIGNAL_STATUS[signal] ?? 1);
  };
  for (const signal of Object.keys(SIGNAL_STATUS)) process.on(signal, onSignal);
  let monitorSocket: MonitorSocket | undefined;
  let exit: MachineExit;
  try {
    if (monitorPlace.kind === 'unix') monitorSocket = await listenMonitor(monitorPlace.path, (line) => machine.monitorCommand(line));
    const status = monitorSocket && monitorPlace.kind === 'unix' && monitorPlace.wait
      ? await waitForClient(monitorSocket, monitorPlace.path, beforeStart) : undefined;
    signalled = undefined;
    if (status !== undefined) {
      exit = { status, reason: 'stopped' };
    } else {
      terminal.start();
      await machine.start();
      exit = await machine.wait();
    }
  } catch (e) {
    await machine.stop();
    throw e;
  } finally {
    monitorSocket?.close();
    terminal.stop();
    for (const signal of Object.keys(SIGNAL_STATUS)) process.off(signal, onSignal);
  }
  if (options.stats === 'json') process.stderr.write(`${JSON.stringify(machine.statistics())}\n`);
  else if (options.stats) process.stderr.write('\n' + formatMachineStatistics(machine.statistics()));
  if (outputError) process.stderr.write(`hartvm: cannot write the console output: ${fileErrorReason(outputError)}\n`);
  else if (exit.message && exit.reason !== 'stopped') process.stderr.write(`\nhartvm: ${exit.message}\n`);
  // Quit, a signal or a failed output: the user wants the prompt back now, so output a slow
  // reader has not taken yet is not waited for, nor a hart thread still busy in a compile. The
  // disks are closed already.
  if (exit.reason === 'stopped') exitNow(exit.status);
  return exit.status;
}

/** QEMU's wait=on: the guest starts once a monitor client is there. Resolves to a signal's status, if one came first. */
async function waitForClient(socket: MonitorSocket, path: string, signalled: Promise<number>): Promise<number | undefined> {
  process.stderr.write(`hartvm: waiting for a connection on the monitor socket ${printable(path)}\n`);
  return Promise.race([socket.connected.then(() => undefined), signalled]);
}

/** What Ctrl-A S did, a line per snapshot=on disk (for a raw terminal). */
function snapshotCommitLines(commits: SnapshotCommit[]): string {
  if (commits.length === 0) return '\r\nhartvm: no snapshot=on disk to write back\r\n';
  return commits.map(({ file, sectors, error }) => error
    ? `\r\nhartvm: ${printable(file)}: not written back: ${error.message}\r\n`
    : `\r\nhartvm: ${printable(file)}: ${sectors} sector${sectors === 1 ? '' : 's'} written back from the snapshot\r\n`).join('');
}

/**
 * Node writes to a terminal with blocking writes: a terminal that reads slowly (a slow link) or
 * not at all would hold this thread, and with it Ctrl-A X and the signals. Without blocking, a
 * terminal holds the guest back as a pipe does. libuv writes to a terminal through a descriptor
 * of its own, and Node restores the flags of stdio at exit, so the shell's terminal is untouched.
 */
function writeWithoutBlocking(stream: NodeJS.WriteStream): void {
  if (!stream.isTTY) return;
  (stream as unknown as { _handle?: { setBlocking?(blocking: boolean): unknown } })._handle?.setBlocking?.(false);
}
