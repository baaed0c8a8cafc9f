// virtio-9p (VIRTIO 1.2 §5: device id 9, "9P transport", specified no further; as Linux's
// net/9p/trans_virtio.c and QEMU's hw/9pfs/virtio-9p-device.c have it): one
// request queue; each request is one chain whose readable stream is a T-message and whose
// writable stream is room for its R-message. The configuration is the mount tag the guest
// names in `mount -t 9p TAG` (le16 tag_len, then the tag, no NUL), offered with
// VIRTIO_9P_MOUNT_TAG.
//
// The file server (server.ts) answers later, whenever the host's file system does: a request
// is taken, its T-message copied out of guest RAM at once, and the chain completed through
// VirtioDeviceHost.service() once the reply is ready, in whatever order replies come (as
// virtio-blk's asynchronous back ends, block.ts). The device thread never waits on the host.
// At most queue-size requests are in flight (stale ones after a reset included), each with at
// most msize bytes each way, so a driver cannot make the device hold more.

import type { VirtioDevice, VirtioDeviceHost } from '../mmio-transport.js';
import { readConfigBytes } from '../mmio-transport.js';
import type { DescriptorChain, Virtqueue } from '../virtqueue.js';
import { Errno, HEADER_BYTES, errorReply } from './protocol.js';
import type { NinePServer } from './server.js';

/** The virtio device id of a 9P transport (Linux's VIRTIO_ID_9P). */
export const VIRTIO_ID_9P = 9;
/** The configuration holds a mount tag. */
export const VIRTIO_9P_MOUNT_TAG = 1n << 0n;
/** The longest mount tag taken (QEMU's bound; Linux reads whatever tag_len says). */
export const MAX_MOUNT_TAG_BYTES = 255;

const QUEUE_SIZE = 128;

export class VirtioNineP implements VirtioDevice {
  readonly name = '9p';
  readonly deviceId = VIRTIO_ID_9P;
  readonly features = VIRTIO_9P_MOUNT_TAG;
  readonly queueSizes: readonly number[] = [QUEUE_SIZE];
  readonly tag: string;
  private readonly server: NinePServer;
  private readonly config: Uint8Array;
  private host: VirtioDeviceHost | undefined;
  /** requests taken and not yet answered, stale ones included */
  private inFlight = 0;
  /** the queue was left with requests untaken because inFlight reached the bound */
  private starved = false;

  constructor(server: NinePServer, tag: string) {
    const bytes = new TextEncoder().encode(tag);
    if (bytes.length === 0 || bytes.length > MAX_MOUNT_TAG_BYTES) throw new RangeError(`virtio-9p: a mount tag has 1 to ${MAX_MOUNT_TAG_BYTES} bytes`);
    this.server = server;
    this.tag = tag;
    this.config = new Uint8Array(2 + bytes.length);
    new DataView(this.config.buffer).setUint16(0, bytes.length, true);
    this.config.set(bytes, 2);
  }

  attach(host: VirtioDeviceHost): void {
    this.host = host;
  }

  readConfig(offset: number, size: number): bigint {
    return readConfigBytes(this.config, offset, size);
  }

  /** The tag is the device's to set. */
  writeConfig(): void {}

  activate(): void {}

  /** The driver let go of the device: its fids are gone, and requests in flight are stale. */
  reset(): void {
    this.server.reset();
  }

  processQueue(index: number, queue: Virtqueue): void {
    this.starved = false;
    while (this.inFlight < queue.size) {
      const chain = queue.pop(true);
      if (!chain) return;
      this.inFlight++;
      void this.serve(index, chain);
    }
    this.starved = true;
  }

  /** One request: its T-message copied out now, its reply written when the server has it. Never rejects. */
  private async serve(index: number, chain: DescriptorChain): Promise<void> {
    let reply: Uint8Array;
    const length = chain.readableLength;
    if (length < HEADER_BYTES) {
      reply = errorReply(0, Errno.EPROTO);
    } else if (length > this.server.maxMessage) {
      // more than msize: answered without being copied
      const header = new Uint8Array(HEADER_BYTES);
      chain.read(0, header);
      reply = errorReply(header[5] | (header[6] << 8), Errno.EPROTO);
    } else {
      const message = new Uint8Array(length);
      chain.read(0, message);
      reply = await this.server.handle(message, chain.writableLength);
    }
    chain.release();
    this.inFlight--;
    this.host?.service(index, (queue) => {
      if (chain.stale) return;
      // A reply that does not fit the driver's room (only an error can: the server bounds the rest) is cut to nothing.
      if (reply.length > chain.writableLength) return queue.push(chain, 0);
      chain.write(0, reply);
      queue.push(chain, reply.length);
    });
    if (this.starved) {
      this.starved = false;
      this.host?.service(index, (queue) => this.processQueue(index, queue));
    }
  }
}
