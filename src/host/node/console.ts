// The keyboard side of the guest's serial console on the host terminal (its output is piped to
// stdout by boot-command.ts). On a TTY, stdin goes raw (every key to the guest, restored on every
// exit path) and Ctrl-A starts an escape as in QEMU: Ctrl-A X quits, Ctrl-A H lists the escapes,
// Ctrl-A S writes snapshot=on disks back to their files, Ctrl-A T toggles timestamps on the
// output, Ctrl-A B sends a break, Ctrl-A C switches the keyboard between the guest and the
// monitor, Ctrl-A Ctrl-A sends a Ctrl-A. From a pipe, input is passed through as it arrives, so
// that scripts can drive the guest.

import { MONITOR_BANNER, MONITOR_PROMPT } from '../../machine/monitor.js';

const CTRL_A = 0x01;
const CTRL_C = 0x03;
const BACKSPACE = 0x08;
const DELETE = 0x7f;
/** The longest monitor command line kept; keys past it are not taken. */
const MAX_MONITOR_LINE = 1024;

export interface ConsoleHandlers {
  /** bytes typed for the guest */
  input(bytes: Uint8Array): void;
  /** the user asked to quit (Ctrl-A X) */
  quit(): void;
  /** the user sent a break (Ctrl-A B) */
  sendBreak(): void;
  /** the user asked for the snapshot=on disks to be written back to their files (Ctrl-A S) */
  commitSnapshots(): void;
  /** the user toggled timestamps on the console's output (Ctrl-A T) */
  toggleTimestamps(): void;
  /** a monitor command line (Ctrl-A C); resolves to what it prints. Absent: the monitor is elsewhere or none. */
  monitorCommand?(line: string): Promise<string>;
}

export class HostConsole {
  private readonly handlers: ConsoleHandlers;
  private readonly raw: boolean;
  private escapePending = false;
  private pending: number[] = [];
  /** whether the keyboard talks to the monitor (Ctrl-A C) */
  private inMonitor = false;
  private monitorGreeted = false;
  private monitorLine = '';
  /** monitor commands run one after the other */
  private monitorQueue: Promise<void> = Promise.resolve();
  private readonly onData = (chunk: Buffer): void => this.received(chunk);

  constructor(handlers: ConsoleHandlers) {
    this.handlers = handlers;
    this.raw = process.stdin.isTTY === true;
  }

  start(): void {
    if (this.raw) process.stdin.setRawMode(true);
    process.stdin.on('data', this.onData);
    process.stdin.on('error', () => { /* a closed input is not the guest's problem */ });
    process.stdin.resume();
  }

  /** Restores the terminal; safe to call more than once. */
  stop(): void {
    process.stdin.off('data', this.onData);
    if (this.raw && process.stdin.isTTY) process.stdin.setRawMode(false);
    process.stdin.pause();
  }

  private received(chunk: Buffer): void {
    if (!this.raw) {
      this.handlers.input(chunk);
      return;
    }
    for (const byte of chunk) {
      if (this.escapePending) {
        this.escapePending = false;
        const key = String.fromCharCode(byte).toLowerCase();
        if (key === 'x') { this.flushPending(); this.handlers.quit(); return; }
        if (key === 'h') { this.help(); continue; }
        if (key === 'b') { this.flushPending(); this.handlers.sendBreak(); continue; }
        if (key === 's') { this.flushPending(); this.handlers.commitSnapshots(); continue; }
        if (key === 't') { this.handlers.toggleTimestamps(); continue; }
        if (key === 'c') { this.flushPending(); this.switchMonitor(); continue; }
        if (byte === CTRL_A) { this.pending.push(CTRL_A); continue; }
        continue; // unknown escape: ignored, like QEMU
      }
      if (byte === CTRL_A) { this.escapePending = true; continue; }
      if (this.inMonitor) this.monitorKey(byte);
      else this.pending.push(byte);
    }
    this.flushPending();
  }

  private flushPending(): void {
    if (this.pending.length === 0) return;
    this.handlers.input(Uint8Array.from(this.pending));
    this.pending = [];
  }

  private switchMonitor(): void {
    if (!this.handlers.monitorCommand) return; // -monitor none, or the monitor is on a socket
    this.inMonitor = !this.inMonitor;
    if (!this.inMonitor) {
      process.stderr.write('\r\n');
      return;
    }
    process.stderr.write(`\r\n${this.monitorGreeted ? '' : `${MONITOR_BANNER}\r\n`}${MONITOR_PROMPT}${this.monitorLine}`);
    this.monitorGreeted = true;
  }

  /** A key typed to the monitor: a line editor with backspace and Ctrl-C. */
  private monitorKey(byte: number): void {
    if (byte === 0x0d || byte === 0x0a) {
      const line = this.monitorLine;
      this.monitorLine = '';
      process.stderr.write('\r\n');
      const run = this.handlers.monitorCommand!;
      this.monitorQueue = this.monitorQueue.then(async () => {
        const text = await run(line);
        process.stderr.write(text.replace(/\n/g, '\r\n') + (this.inMonitor ? MONITOR_PROMPT : ''));
      });
    } else if (byte === BACKSPACE || byte === DELETE) {
      if (this.monitorLine.length > 0) {
        this.monitorLine = this.monitorLine.slice(0, -1);
        process.stderr.write('\b \b');
      }
    } else if (byte === CTRL_C) {
      this.monitorLine = '';
      process.stderr.write(`\r\n${MONITOR_PROMPT}`);
    } else if (byte >= 0x20 && byte < 0x7f && this.monitorLine.length < MAX_MONITOR_LINE) {
      this.monitorLine += String.fromCharCode(byte);
      process.stderr.write(String.fromCharCode(byte));
    }
  }

  private help(): void {
    process.stderr.write('\r\nC-a h    print this help\r\nC-a x    exit hartvm\r\nC-a s    write snapshot=on disks back to their files\r\n' +
      'C-a t    toggle timestamps on the console\r\nC-a b    send a break (Linux: SysRq with the next key)\r\n' +
      'C-a c    switch between the console and the monitor\r\nC-a C-a  send C-a to the guest\r\n');
  }
}
