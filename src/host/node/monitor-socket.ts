// Where the monitor is (QEMU's -monitor): on the terminal behind Ctrl-A C (stdio, the default),
// nowhere (none), or on a UNIX socket that hartvm listens on (unix:PATH,server,nowait). Every
// client of the socket gets the banner and a prompt, and its lines run one after the other.

import { lstatSync, unlinkSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { MONITOR_BANNER, MONITOR_PROMPT } from '../../machine/monitor.js';
import { printable } from '../../machine/printable.js';
import { qemuListParts, qemuSwitch } from '../../machine/qemu-list.js';
import { fileErrorReason } from './user-file.js';
import { UserError } from './user-error.js';

export type MonitorPlace = { kind: 'stdio' } | { kind: 'none' } | { kind: 'unix'; path: string; wait: boolean };

/** The longest command line a client may send; a longer one is refused, not buffered. */
const MAX_LINE = 4096;
/** Command lines a client may have waiting before its socket is no longer read. */
const MAX_QUEUED = 16;

/** Reads a -monitor value; bad ones are user errors. */
export function parseMonitorPlace(text: string): MonitorPlace {
  if (text === 'stdio' || text === 'mon:stdio') return { kind: 'stdio' };
  if (text === 'none') return { kind: 'none' };
  const refuse = (why: string): never => {
    throw new UserError(`-monitor ${printable(text)}: ${why}`);
  };
  if (!text.startsWith('unix:')) refuse('the monitor goes to stdio (Ctrl-A C), a UNIX socket (unix:PATH,server,nowait) or none');
  const [first, ...options] = qemuListParts(text);
  const path = first.slice('unix:'.length);
  if (path === '') refuse('no socket path given');
  let server = false, wait = true;
  for (const option of options) {
    const eq = option.indexOf('=');
    const key = eq < 0 ? option : option.slice(0, eq);
    const value = eq < 0 ? 'on' : option.slice(eq + 1);
    if (key === 'nowait') { wait = false; continue; }
    const on = qemuSwitch(value);
    if (on === undefined) refuse(`${printable(key)}=${printable(value)} must be on or off`);
    if (key === 'server') server = on!;
    else if (key === 'wait') wait = on!;
    else refuse(`unknown option '${printable(key)}'`);
  }
  if (!server) refuse('hartvm listens on the socket: add server (server,nowait, or server,wait to start once a client is there)');
  return { kind: 'unix', path, wait };
}

export interface MonitorSocket {
  /** resolves once a first client has connected */
  readonly connected: Promise<void>;
  /** stops listening, drops the clients and removes the socket file */
  close(): void;
}

/** Listens on `path` for monitor clients; `run` runs a command line and resolves to what it prints. */
export async function listenMonitor(path: string, run: (line: string) => Promise<string>): Promise<MonitorSocket> {
  removeStaleSocket(path);
  const clients = new Set<Socket>();
  let connected!: () => void;
  const firstClient = new Promise<void>((resolve) => { connected = resolve; });
  const server = createServer((socket) => {
    clients.add(socket);
    connected();
    serveClient(socket, run);
    socket.on('close', () => clients.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new UserError(`-monitor unix:${printable(path)}: cannot listen there: ${fileErrorReason(e)}`)));
    server.listen(path, resolve);
  });
  server.on('error', () => { /* a client's trouble is that client's */ });
  return {
    connected: firstClient,
    close() {
      server.close();
      for (const client of clients) client.destroy();
      try { unlinkSync(path); } catch { /* already gone */ }
    },
  };
}

/** A socket file left by an earlier run goes; anything else at the path is the user's, and refused. */
function removeStaleSocket(path: string): void {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return;
  }
  if (!isSocket) throw new UserError(`-monitor unix:${printable(path)}: something other than a socket is there`);
  unlinkSync(path);
}

function serveClient(socket: Socket, run: (line: string) => Promise<string>): void {
  const write = (text: string): void => { if (!socket.destroyed) socket.write(text.replace(/\r?\n/g, '\r\n')); };
  write(`${MONITOR_BANNER}\n${MONITOR_PROMPT}`);
  let buffered = '';
  let queue = Promise.resolve();
  let queued = 0;
  const enqueue = (job: () => Promise<void> | void): void => {
    if (++queued >= MAX_QUEUED) socket.pause();
    queue = queue.then(job).finally(() => { if (--queued < MAX_QUEUED) socket.resume(); });
  };
  socket.setEncoding('latin1');
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
      const line = buffered.slice(0, newline).replace(/\r$/, '');
      buffered = buffered.slice(newline + 1);
      enqueue(async () => write(`${await run(line)}${MONITOR_PROMPT}`));
    }
    if (buffered.length > MAX_LINE) {
      buffered = '';
      enqueue(() => write(`the line is longer than ${MAX_LINE} characters: not run\n${MONITOR_PROMPT}`));
    }
  });
}
