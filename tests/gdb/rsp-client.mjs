// A small GDB Remote Serial Protocol client for the stub's tests: it frames packets, checks
// the stub's checksums, acknowledges, and hands out reply packets in order.
import net from 'node:net';
import { spawn, spawnSync } from 'node:child_process';
import { HARTVM, ROOT } from '../guest/harness.mjs';
import path from 'node:path';

export const COUNTING = path.join(ROOT, 'build', 'guest', 'gdb', 'counting.elf');

/** Addresses in counting.elf (guest/gdb/counting.S); the tests check them against nm-free facts they rely on. */
export const SYMBOLS = {
  hotLoop: 0x8000002cn, compressedAdd: 0x80000030n, store: 0x80000032n, branch: 0x80000036n,
  doEcall: 0x8000003en, trapHandler: 0x80000048n, counters: 0x80001000n, scratch: 0x80001040n,
};

export const WATCHING = path.join(ROOT, 'build', 'guest', 'gdb', 'watching.elf');

/** Addresses in watching.elf (guest/gdb/watching.S): each access instruction, and the data they access. */
export const WATCH_SYMBOLS = {
  loop: 0x80000040n, store: 0x80000044n, load: 0x80000048n, amo: 0x8000004cn, lr: 0x80000050n, sc: 0x80000054n,
  straddleLoad: 0x80000058n, loopEnd: 0x8000005cn,
  slots: 0x80001000n, amoCounters: 0x80002000n, lrWords: 0x80003000n, straddle: 0x80004ffcn,
};

/** gdb's register numbers */
export const REG = {
  s0: 8, s1: 9, s2: 18, s7: 23, s8: 24, s9: 25, s10: 26, s11: 27, pc: 32, ft0: 33, fflags: 66, frm: 67, fcsr: 68,
  mstatus: 65 + 0x300, mie: 65 + 0x304, mepc: 65 + 0x341, mcause: 65 + 0x342, mip: 65 + 0x344, priv: 65 + 4096,
};

export function checksum(payload) {
  let sum = 0;
  for (const ch of Buffer.from(payload, 'latin1')) sum = (sum + ch) & 0xff;
  return sum.toString(16).padStart(2, '0');
}

export const frame = (payload) => `$${payload}#${checksum(payload)}`;

/** A free TCP port on the loopback interface. */
export function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts hartvm with a gdb stub on `port`; resolves to the child and a client connected to it. */
export async function startHartvm(args, port) {
  const child = spawn(process.execPath, [HARTVM, ...args, '-gdb', `tcp::${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.output = '';
  child.stdout.on('data', (d) => { child.output += d; });
  child.stderr.on('data', (d) => { child.output += d; });
  child.exited = new Promise((resolve) => child.on('close', (status) => resolve(status)));
  for (let i = 0; i < 400; i++) {
    try {
      return { vm: child, gdb: await RspClient.connect(port) };
    } catch {
      if (child.exitCode !== null) throw new Error(`hartvm exited: ${child.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('the gdb port never answered');
}

export class RspClient {
  constructor(socket) {
    this.socket = socket;
    this.buffer = '';
    this.packets = [];
    this.acks = [];
    this.waiters = [];
    this.ackMode = true;
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => { this.buffer += chunk; this.parse(); });
  }

  static connect(port) {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(new RspClient(socket)));
      socket.once('error', reject);
    });
  }

  parse() {
    for (;;) {
      while (this.buffer[0] === '+' || this.buffer[0] === '-') {
        this.acks.push(this.buffer[0]);
        this.buffer = this.buffer.slice(1);
      }
      const start = this.buffer.indexOf('$');
      if (start < 0) return;
      const end = this.buffer.indexOf('#', start);
      if (end < 0 || this.buffer.length < end + 3) return;
      const payload = this.buffer.slice(start + 1, end);
      const sum = this.buffer.slice(end + 1, end + 3);
      this.buffer = this.buffer.slice(end + 3);
      if (sum !== checksum(payload)) throw new Error(`bad checksum from the stub: ${payload}`);
      if (this.ackMode) this.socket.write('+');
      this.packets.push(payload);
      this.waiters.shift()?.();
    }
  }

  /** The next packet from the stub (within `ms`). */
  async next(ms = 10000) {
    const deadline = Date.now() + ms;
    while (this.packets.length === 0) {
      if (Date.now() > deadline) throw new Error('no packet from the stub');
      await new Promise((resolve) => { this.waiters.push(resolve); setTimeout(resolve, 50); });
    }
    return this.packets.shift();
  }

  /** Sends a packet; resolves to the reply. */
  async request(payload, ms) {
    this.socket.write(frame(payload), 'latin1');
    return this.next(ms);
  }

  raw(text) {
    this.socket.write(text, 'latin1');
  }

  close() {
    this.socket.destroy();
  }

  /** A register's value (little-endian hex to BigInt). */
  async register(number) {
    const hex = await this.request(`p${number.toString(16)}`);
    if (!/^[0-9a-f]+$/.test(hex)) throw new Error(`p${number.toString(16)}: ${hex}`);
    return BigInt(`0x${hex.match(/../g).reverse().join('')}`);
  }

  async setRegister(number, value, bytes = 8) {
    const hex = Array.from({ length: bytes }, (_, i) => Number((BigInt(value) >> BigInt(8 * i)) & 0xffn).toString(16).padStart(2, '0')).join('');
    return this.request(`P${number.toString(16)}=${hex}`);
  }
}

/** Runs gdb-multiarch -batch with `commands` against the stub on `port` (with `file`'s symbols, if given); its output. */
export function gdbBatch(port, commands, file) {
  const args = ['-batch', '-nx', '-ex', 'set confirm off', '-ex', 'set architecture riscv:rv64', '-ex', `target remote 127.0.0.1:${port}`];
  for (const command of commands) args.push('-ex', command);
  if (file) args.push(file);
  const r = spawnSync('gdb-multiarch', args, { encoding: 'utf8', timeout: 60000 });
  return `${r.stdout}${r.stderr}`;
}
