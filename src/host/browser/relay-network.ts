// The page's network (nic=user): the virtio-net card's frames go over a WebSocket to a relay,
// each binary message one Ethernet frame; `hartvm serve` is one (at /net), which gives each page
// user-mode networking on its machine. A card whose relay cannot be reached or goes away stays
// in the guest with its frames lost, as with a cable pulled, and the page is told once why.

import type { NetBackend, NetPort } from '../../devices/virtio/net.js';

/** Bytes waiting to go to the relay after which frames are dropped, as a card drops them. */
const MAX_BUFFERED = 1 << 20;
/** Frames the guest sends before the relay answers (its first DHCP requests) that are kept for it. */
const MAX_EARLY_FRAMES = 64;

export class RelayNetwork implements NetBackend {
  private readonly socket: WebSocket;
  private port: NetPort | undefined;
  private early: Uint8Array[] | undefined = [];
  private told = false;

  /** Connects to the relay at `url` (ws: or wss:); `onProblem` hears once why the network is gone. */
  constructor(url: string, private readonly onProblem: (message: string) => void) {
    this.socket = new WebSocket(url);
    this.socket.binaryType = 'arraybuffer';
    this.socket.onopen = () => {
      for (const frame of this.early ?? []) this.socket.send(frame);
      this.early = undefined;
    };
    this.socket.onmessage = (event: MessageEvent) => {
      if (event.data instanceof ArrayBuffer) this.port?.receive(new Uint8Array(event.data));
    };
    this.socket.onclose = (event: CloseEvent) => {
      this.early = undefined;
      this.tell(event.reason
        ? `the network relay ${url} closed: ${event.reason}`
        : `the network relay ${url} cannot be reached (close code ${event.code}): the page's network needs hartvm serve, or a relay given with nic=user,relay=URL`);
    };
  }

  connect(port: NetPort): void {
    this.port = port;
  }

  send(frame: Uint8Array): boolean {
    // (a copy: a WebSocket takes no view of shared memory, and the guest's buffer is reused)
    if (this.early !== undefined) {
      if (this.early.length < MAX_EARLY_FRAMES) this.early.push(frame.slice());
    } else if (this.socket.readyState === WebSocket.OPEN && this.socket.bufferedAmount < MAX_BUFFERED) {
      this.socket.send(frame.slice());
    }
    return true;
  }

  close(): void {
    this.told = true;
    this.socket.close();
  }

  private tell(message: string): void {
    if (this.told) return;
    this.told = true;
    this.onProblem(message);
  }
}
