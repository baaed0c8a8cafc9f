// The network relay of `hartvm serve`: a page's virtio-net card (the browser host's nic=user)
// reaches user-mode networking on this machine through a WebSocket at /net, each binary message
// one Ethernet frame, and each connection gets a passt of its own (passt.ts), as `hartvm boot
// --nic user` does: DHCP gives the guest its address and the gateway reaches this machine's
// loopback. Only the page's own origin may connect: any other site open in the same browser
// could otherwise use the relay to reach this machine's services.

import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { VIRTIO_NET_MAX_FRAME, type NetPort } from '../../devices/virtio/net.js';
import { PasstNetwork } from './passt.js';

/** The relay's path on the server. */
export const RELAY_PATH = '/net';
/** Pages relayed at once; more are refused. */
const MAX_RELAYS = 8;
/** Bytes waiting to go to a page after which frames for it are dropped, as a card drops them. */
const MAX_BUFFERED = 1 << 20;
/** A close reason fits in 123 bytes of a WebSocket close frame. */
const MAX_REASON = 120;

/** Whether the request comes from a page of this server (its Origin is the Host it asked). */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin, host = req.headers.host;
  return origin !== undefined && host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function closeWith(ws: WebSocket, code: number, reason: string): void {
  ws.close(code, Buffer.from(reason).subarray(0, MAX_REASON).toString());
}

/** Takes WebSocket upgrades at RELAY_PATH on `server`; returns a function that ends every relay. */
export function attachNetworkRelay(server: Server, log?: (line: string) => void): () => void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: VIRTIO_NET_MAX_FRAME, perMessageDeflate: false });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== RELAY_PATH) return refuse(socket, '404 Not Found');
    if (!sameOrigin(req)) {
      log?.(`network relay: refused a page of another origin (${req.headers.origin ?? 'none'})`);
      return refuse(socket, '403 Forbidden');
    }
    if (wss.clients.size >= MAX_RELAYS) return refuse(socket, '503 Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => relay(ws, log));
  });
  return () => { for (const ws of wss.clients) ws.terminate(); wss.close(); };
}

/** Carries one page's frames to and from a passt of its own until either side ends. */
function relay(ws: WebSocket, log?: (line: string) => void): void {
  let network: PasstNetwork;
  try {
    network = new PasstNetwork({ hostForwards: [] }, (message) => closeWith(ws, 1011, message));
  } catch (e) {
    closeWith(ws, 1011, (e as Error).message);
    return;
  }
  const port: NetPort = {
    receive: (frame) => { if (ws.bufferedAmount < MAX_BUFFERED) ws.send(frame); },
    // passt takes frames again
    resume: () => ws.resume(),
  };
  network.connect(port);
  ws.on('message', (data, isBinary) => {
    if (!isBinary) return closeWith(ws, 1003, 'frames only, as binary messages');
    const frame = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
    // passt is behind: read no more from the page until it drains
    if (!network.send(frame)) ws.pause();
  });
  ws.on('close', () => network.close());
  ws.on('error', () => network.close());
  network.start().then(() => log?.('network relay: a page is connected'), (e: Error) => closeWith(ws, 1011, e.message));
}
