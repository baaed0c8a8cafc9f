// Drives a guest through its serial console: hartvm boot with stdin/stdout as pipes. Also finds
// the guest images for the boot tests: the ones shipped in images/, what `hartvm boot` boots.
import { spawn } from 'node:child_process';
import { HARTVM } from '../guest/harness.mjs';
import { unpackDefaultImages } from '../../dist/host/node/default-images.js';

/**
 * The directory of the default guest images, unpacked from images/ (checked against its
 * manifest) into the cache once: Image, rootfs.cpio.gz, disk.ext2 and fw_dynamic.bin.
 */
export function imagesDir() {
  return unpackDefaultImages().dir;
}

/** A kernel message on the console: `[    5.302027] hrtimer: interrupt took 14472500 ns`. */
const KERNEL_MESSAGE = /\[\s*\d+\.\d+\] [^\n]*\n/g;

/** `text` without the kernel messages in it (carriage returns taken out). */
export function withoutKernelMessages(text) {
  return text.replace(/\r/g, '').replace(KERNEL_MESSAGE, '');
}

/**
 * What follows the echo of `command` in `text` (carriage returns taken out), or undefined where
 * there is no echo. A kernel message may come before the echo or into the middle of it (the
 * console prints it between two echoed characters); after the echo, everything is the command's.
 */
export function outputAfterEcho(text, command) {
  const lines = text.replace(/\r/g, '');
  for (let end = lines.indexOf('\n'); end >= 0; end = lines.indexOf('\n', end + 1)) {
    if (withoutKernelMessages(lines.slice(0, end + 1)).endsWith(`${command}\n`)) return lines.slice(end + 1);
  }
  return undefined;
}

export class SerialSession {
  constructor(args, { log = false } = {}) {
    this.output = '';
    this.seen = 0;
    this.log = log;
    this.child = spawn(process.execPath, [HARTVM, 'boot', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.stderr = '';
    this.child.stdout.on('data', (d) => { this.output += d; if (this.log) process.stderr.write(d); this.waiter?.(); });
    this.child.stderr.on('data', (d) => { this.stderr += d; });
    this.exited = new Promise((resolve) => this.child.on('close', (status, signal) => { this.status = status; this.signal = signal; this.waiter?.(); resolve(status); }));
  }

  /** Waits until `pattern` appears in output not consumed yet; returns the text up to and including it. */
  async expect(pattern, timeoutMs = 120000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.output.slice(this.seen);
      const m = typeof pattern === 'string' ? (rest.includes(pattern) ? { index: rest.indexOf(pattern), 0: pattern } : null) : pattern.exec(rest);
      if (m) {
        const end = this.seen + m.index + m[0].length;
        const text = this.output.slice(this.seen, end);
        this.seen = end;
        return text;
      }
      if (this.status !== undefined || this.signal) throw new Error(`guest ended (status ${this.status}) before ${pattern}\n--- output tail:\n${this.output.slice(-3000)}\n--- stderr:\n${this.stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${pattern}\n--- output tail:\n${this.output.slice(-3000)}`);
      await new Promise((resolve) => { const t = setTimeout(resolve, Math.min(left, 1000)); this.waiter = () => { clearTimeout(t); resolve(); }; });
    }
  }

  send(text) { this.child.stdin.write(text); }

  /** Runs a shell command and returns what it printed before the next prompt (see outputAfterEcho). */
  async run(command, prompt = '~ # ', timeoutMs = 120000) {
    this.send(command + '\n');
    const text = await this.expect(prompt, timeoutMs);
    // drop the echoed command line and the prompt
    const body = text.slice(0, -prompt.length);
    const output = outputAfterEcho(body, command);
    if (output !== undefined) return output;
    const firstNewline = body.indexOf('\n');
    return firstNewline >= 0 ? body.slice(firstNewline + 1).replace(/\r/g, '') : '';
  }

  kill() { this.child.kill('SIGKILL'); }
}
