// virtio-net (VIRTIO 1.2 §5.1) with one queue pair and no offloads: the guest computes its own
// checksums and sends frames no larger than its MTU, and every receive buffer holds one whole
// frame (no MRG_RXBUF: Linux then posts buffers of a 1518-byte frame, so the network must not
// offer the guest a larger MTU). The MAC address and the link status are in the configuration.
// Frames go to and come from a NetBackend, which is the host's: user-mode networking on Node
// (host/node/passt.ts), a relay in a browser.

import type { VirtioDevice, VirtioDeviceHost } from './mmio-transport.js';
import { readConfigBytes } from './mmio-transport.js';
import type { Virtqueue } from './virtqueue.js';

/** The virtio device id of a network card (§5.1.1). */
export const VIRTIO_ID_NET = 1;

/** Feature bits (§5.1.3): the configuration has a MAC address, and a status word. */
const VIRTIO_NET_F_MAC = 1n << 5n;
const VIRTIO_NET_F_STATUS = 1n << 16n;
const VIRTIO_NET_S_LINK_UP = 1;

const RECEIVEQ = 0;
const TRANSMITQ = 1;
const QUEUE_SIZE = 256;
/** struct virtio_net_hdr with num_buffers, which VIRTIO_F_VERSION_1 always has (§5.1.6) */
export const VIRTIO_NET_HDR_BYTES = 12;
/** The largest frame either way: a 1500-byte MTU, the Ethernet header and a VLAN tag. */
export const VIRTIO_NET_MAX_FRAME = 1518;
/** Frames from the network kept while the driver has no receive buffer posted; more are dropped, as a card drops them. */
const RECEIVE_BACKLOG = 256;

/** What the device offers its host side. */
export interface NetPort {
  /** A frame for the guest (an Ethernet frame without FCS); dropped if it does not fit or the guest has no room. */
  receive(frame: Uint8Array): void;
  /** The backend can take frames again after send() said false. */
  resume(): void;
}

/** The network a card is plugged into. */
export interface NetBackend {
  /** The card plugs in: frames from the network go to `port`. */
  connect(port: NetPort): void;
  /** A frame the guest sent; false says the backend is behind (no more is sent until port.resume()). */
  send(frame: Uint8Array): boolean;
}

/** A MAC address as QEMU gives its first card: 52:54:00:12:34:56. */
export const DEFAULT_MAC = Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, 0x56);

export class VirtioNet implements VirtioDevice, NetPort {
  readonly name = 'net';
  readonly deviceId = VIRTIO_ID_NET;
  readonly features = VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS;
  readonly queueSizes: readonly number[] = [QUEUE_SIZE, QUEUE_SIZE];
  private readonly backend: NetBackend;
  private readonly config: Uint8Array;
  private host: VirtioDeviceHost | undefined;
  /** the backend is behind: transmit buffers wait in the queue */
  private behind = false;
  private readonly backlog: Uint8Array[] = [];
  /** frames the network sent that the guest had no room for, or that were too large */
  dropped = 0;

  constructor(backend: NetBackend, mac: Uint8Array = DEFAULT_MAC) {
    if (mac.length !== 6) throw new RangeError('virtio-net: a MAC address has six bytes');
    this.backend = backend;
    this.config = new Uint8Array(8);
    this.config.set(mac, 0);
    this.config[6] = VIRTIO_NET_S_LINK_UP;
    backend.connect(this);
  }

  attach(host: VirtioDeviceHost): void {
    this.host = host;
  }

  readConfig(offset: number, size: number): bigint {
    return readConfigBytes(this.config, offset, size);
  }

  /** The MAC address and the status are the device's to set. */
  writeConfig(): void {}

  activate(): void {}

  reset(): void {
    this.behind = false;
    this.backlog.length = 0;
  }

  processQueue(index: number, queue: Virtqueue): void {
    if (index === TRANSMITQ) this.transmit(queue);
    else if (index === RECEIVEQ) this.deliver(queue);
  }

  receive(frame: Uint8Array): void {
    if (frame.length > VIRTIO_NET_MAX_FRAME || this.backlog.length >= RECEIVE_BACKLOG) {
      this.dropped++;
      return;
    }
    this.backlog.push(frame);
    this.host?.service(RECEIVEQ, (queue) => this.deliver(queue));
  }

  resume(): void {
    if (!this.behind) return;
    this.behind = false;
    this.host?.service(TRANSMITQ, (queue) => this.transmit(queue));
  }

  /** The waiting frames into the receive buffers the driver has posted, one frame per buffer. */
  private deliver(queue: Virtqueue): void {
    while (this.backlog.length > 0) {
      const chain = queue.pop();
      if (!chain) return;
      const frame = this.backlog.shift()!;
      if (chain.writableLength < VIRTIO_NET_HDR_BYTES + frame.length) {
        // a buffer too small for the frame: the driver sees an empty buffer and drops it
        this.dropped++;
        queue.push(chain, 0);
        continue;
      }
      const header = new Uint8Array(VIRTIO_NET_HDR_BYTES);
      header[10] = 1; // num_buffers
      chain.write(0, header);
      chain.write(VIRTIO_NET_HDR_BYTES, frame);
      queue.push(chain, VIRTIO_NET_HDR_BYTES + frame.length);
    }
  }

  /** Each transmit buffer: its header skipped (no offloads were offered), its frame to the backend. */
  private transmit(queue: Virtqueue): void {
    while (!this.behind) {
      const chain = queue.pop();
      if (!chain) return;
      const length = chain.readableLength - VIRTIO_NET_HDR_BYTES;
      let frame: Uint8Array | undefined;
      if (length > 0 && length <= VIRTIO_NET_MAX_FRAME) {
        frame = new Uint8Array(length);
        chain.read(VIRTIO_NET_HDR_BYTES, frame);
      }
      queue.push(chain, 0);
      if (frame !== undefined && !this.backend.send(frame)) this.behind = true;
    }
  }
}
