// User-mode networking on Node through passt (Debian's package passt, which QEMU uses the same
// way): an unprivileged process that gives the guest DHCP, DNS and NDP answers and carries the
// guest's TCP, UDP and ICMP over ordinary sockets of the host. The guest's gateway address
// reaches the host's loopback; each hostfwd rule is a port passt listens on. passt and hartvm
// speak over a UNIX socket pair (passt's -F), each frame after its length as a 32-bit
// big-endian word, as QEMU's stream netdev does; when hartvm ends, for whatever reason, the
// pair closes and passt ends with it.

import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { NetBackend, NetPort } from '../../devices/virtio/net.js';
import { VIRTIO_NET_MAX_FRAME } from '../../devices/virtio/net.js';
import type { HostForward, UserNetwork } from '../../machine/network-options.js';
import { NetworkError } from '../../machine/errors.js';

const PASST = 'passt';
/** The MTU passt's DHCP gives the guest: frames then fit the card's receive buffers (net.ts). */
const GUEST_MTU = 1500;
/** passt's own lines kept for a failure's message. */
const MAX_LOG = 4096;

/** Whether `name` is an executable file on the PATH. */
function onPath(name: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch { /* not here */ }
  }
  return false;
}

/** Fails with one line when a rule's host port is taken: passt would only warn. */
function checkFree(f: HostForward): Promise<void> {
  if (f.protocol === 'udp') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(new NetworkError(`hostfwd=tcp:${f.hostAddress}:${f.hostPort}-:${f.guestPort}: ` +
        (e.code === 'EADDRINUSE' ? `port ${f.hostPort} on ${f.hostAddress} is in use` : `cannot listen on ${f.hostAddress}:${f.hostPort} (${e.code ?? e.message})`)));
    });
    server.listen({ port: f.hostPort, host: f.hostAddress, exclusive: true }, () => server.close(() => resolve()));
  });
}

/** passt's options for the rules: -t and -u, ADDR/HOSTPORT:GUESTPORT each. */
function forwardArgs(forwards: readonly HostForward[]): string[] {
  return forwards.flatMap((f) => [f.protocol === 'tcp' ? '-t' : '-u', `${f.hostAddress}/${f.hostPort}:${f.guestPort}`]);
}

export class PasstNetwork implements NetBackend {
  private readonly network: UserNetwork;
  private port: NetPort | undefined;
  private child: ChildProcess | undefined;
  private socket: Duplex | undefined;
  private closed = false;
  /** received bytes not yet a whole frame */
  private pending = Buffer.alloc(0);
  private log = '';
  /** told once when passt fails or ends while the machine runs */
  private readonly onFailure: (message: string) => void;

  /** Checks that passt is installed (one line if not); start() runs it. */
  constructor(network: UserNetwork, onFailure: (message: string) => void) {
    if (!onPath(PASST)) throw new NetworkError('user networking needs passt, which is not installed (Debian\'s package passt: npm run setup installs it)');
    this.network = network;
    this.onFailure = onFailure;
  }

  connect(port: NetPort): void {
    this.port = port;
  }

  /** Runs passt, once every hostfwd port is known to be free. */
  async start(): Promise<void> {
    for (const f of this.network.hostForwards) await checkFree(f);
    if (this.closed) return;
    const args = ['--foreground', '--quiet', '--stderr', '--fd', '3', '--mtu', String(GUEST_MTU), ...forwardArgs(this.network.hostForwards)];
    const child = spawn(PASST, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stderr!.on('data', (d: Buffer) => {
      if (this.log.length < MAX_LOG) this.log += d.toString('utf8', 0, Math.min(d.length, MAX_LOG));
    });
    child.once('error', (e) => this.fail(`passt could not be started: ${e.message}`));
    child.once('exit', (code, signal) => {
      if (!this.closed) this.fail(`passt ended (${signal ?? `status ${code}`})${this.lastWords()}`);
    });
    const socket = child.stdio[3] as Duplex;
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('drain', () => this.port?.resume());
    socket.on('error', () => { /* the exit handler reports */ });
  }

  send(frame: Uint8Array): boolean {
    const socket = this.socket;
    if (!socket || this.closed) return true; // not connected yet, or ended: the frame is lost, as on a cable pulled
    const packet = Buffer.allocUnsafe(4 + frame.length);
    packet.writeUInt32BE(frame.length, 0);
    packet.set(frame, 4);
    return socket.write(packet);
  }

  /** Ends passt; the machine has ended. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket?.destroy();
    this.child?.kill();
  }

  private received(chunk: Buffer): void {
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    while (data.length >= 4) {
      const length = data.readUInt32BE(0);
      if (length > VIRTIO_NET_MAX_FRAME + 64 * 1024) {
        this.fail(`passt sent a frame of ${length} bytes: the network is closed`);
        return;
      }
      if (data.length < 4 + length) break;
      // (a copy: the chunk's memory is Node's to reuse)
      this.port?.receive(new Uint8Array(data.subarray(4, 4 + length)));
      data = data.subarray(4 + length);
    }
    this.pending = Buffer.from(data);
  }

  private fail(message: string): void {
    if (this.closed) return;
    this.close();
    this.onFailure(message);
  }

  private lastWords(): string {
    const lines = this.log.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('Failed to send') && !l.startsWith('Don\'t run as root'));
    return lines.length > 0 ? `: ${lines[lines.length - 1]}` : '';
  }
}
