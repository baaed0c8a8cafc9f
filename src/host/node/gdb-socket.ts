// Where gdb reaches the machine (QEMU's -gdb tcp:[HOST]:PORT, -s for tcp::1234): a TCP port on
// the loopback interface only, since the stub reads and writes all of the guest. One client at
// a time, as QEMU's; what it sends is handled as it arrives (debug/gdb-server.ts bounds each
// packet), and the socket is no longer read while too many packets wait for an answer.

import { createServer, type Server, type Socket } from 'node:net';
import { GdbServer, type DebugTarget } from '../../debug/gdb-server.js';
import { printable } from '../../machine/printable.js';
import { UserError } from './user-error.js';

export interface GdbPlace {
  host: string;
  port: number;
  /** as the user gave it, for messages */
  typed: string;
}

/** QEMU's -s */
export const DEFAULT_GDB_PLACE = 'tcp::1234';
const LOOPBACK_NAMES = new Set(['', 'localhost', '127.0.0.1', '::1', '[::1]']);
/** Packets a client may have waiting for an answer before its socket is no longer read. */
const MAX_WAITING = 32;

/** Reads a -gdb value (tcp:[HOST]:PORT, HOST loopback); bad ones are user errors. */
export function parseGdbPlace(text: string): GdbPlace {
  const typed = `-gdb ${printable(text)}`;
  const match = /^tcp:(.*):(\d{1,5})$/.exec(text);
  if (!match) throw new UserError(`${typed}: give tcp:[HOST]:PORT (HOST on the loopback interface, e.g. tcp::1234)`);
  const [, host, portText] = match;
  const port = Number(portText);
  if (port > 65535) throw new UserError(`${typed}: no port ${port}`);
  if (!LOOPBACK_NAMES.has(host) && !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) {
    throw new UserError(`${typed}: hartvm's GDB stub listens on the loopback interface only (127.0.0.1, localhost, ::1)`);
  }
  const address = host === '' || host === 'localhost' ? '127.0.0.1' : host.replace(/^\[(.*)\]$/, '$1');
  return { host: address, port, typed };
}

export interface GdbSocket {
  /** the port listened on */
  readonly port: number;
  /** stops listening and drops the client */
  close(): void;
}

/** Listens at `place` for gdb; each client gets a GdbServer over `target`. */
export async function listenGdb(place: GdbPlace, target: DebugTarget, host: { monitor(line: string): Promise<string>; kill(): void }): Promise<GdbSocket> {
  let client: Socket | undefined;
  const server: Server = createServer((socket) => {
    if (client) {
      socket.destroy(); // one debugger at a time
      return;
    }
    client = socket;
    serveClient(socket, target, host);
    socket.on('close', () => { if (client === socket) client = undefined; });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new UserError(e.code === 'EADDRINUSE'
      ? `${place.typed}: port ${place.port} is in use`
      : `${place.typed}: cannot listen there (${e.code ?? e.message})`)));
    server.listen({ host: place.host, port: place.port }, resolve);
  });
  server.on('error', () => { /* a client's trouble is that client's */ });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : place.port,
    close() {
      server.close();
      client?.destroy();
    },
  };
}

function serveClient(socket: Socket, target: DebugTarget, host: { monitor(line: string): Promise<string>; kill(): void }): void {
  socket.setNoDelay(true);
  socket.setEncoding('latin1');
  const gdb = new GdbServer(target, {
    send: (bytes) => { if (!socket.destroyed) socket.write(bytes, 'latin1'); },
    monitor: (line) => host.monitor(line),
    kill: () => host.kill(),
    close: () => socket.end(),
    waiting: (count) => {
      if (count >= MAX_WAITING) socket.pause();
      else if (socket.isPaused()) socket.resume();
    },
  });
  socket.on('data', (chunk: string) => gdb.receive(chunk));
  socket.on('error', () => socket.destroy());
  socket.on('close', () => gdb.disconnected());
}
