// virtio-rng, the entropy device (VIRTIO 1.2 §5.4): one queue of device-writable buffers,
// each filled with random bytes from a host-supplied source (the host passes
// crypto.getRandomValues). No feature bits, no configuration space.

import type { DeviceState } from '../device-state.js';
import type { VirtioDevice } from './mmio-transport.js';
import type { Virtqueue } from './virtqueue.js';

/** The virtio device id of an entropy source (§5.4.1). */
export const VIRTIO_ID_ENTROPY = 4;

/** Web Crypto's getRandomValues fills at most 65536 bytes per call. */
const RANDOM_CHUNK = 65536;
/**
 * Bytes served per request at most: §5.4.6.2 lets the device fill less than the buffer, and a
 * driver asking for megabytes would otherwise make one notify arbitrarily slow.
 */
export const VIRTIO_RNG_MAX_REQUEST = 65536;
const DEFAULT_QUEUE_SIZE = 64;

export interface VirtioRngOptions {
  /** maximum size of the request queue (power of 2, default 64) */
  queueSize?: number;
}

export class VirtioRng implements VirtioDevice {
  readonly name = 'rng';
  readonly deviceId = VIRTIO_ID_ENTROPY;
  readonly features = 0n;
  readonly queueSizes: readonly number[];
  private readonly randomBytes: (into: Uint8Array) => void;

  /** `randomBytes` fills its argument (at most 65536 bytes, a view of guest RAM) with random bytes. */
  constructor(randomBytes: (into: Uint8Array) => void, options: VirtioRngOptions = {}) {
    this.randomBytes = randomBytes;
    this.queueSizes = [options.queueSize ?? DEFAULT_QUEUE_SIZE];
  }

  readConfig(): bigint {
    return 0n;
  }

  writeConfig(): void {}

  activate(): void {}

  reset(): void {}

  /** It keeps nothing between requests. */
  saveState(): DeviceState {
    return {};
  }

  loadState(): void {}

  processQueue(_index: number, queue: Virtqueue): void {
    for (let chain = queue.pop(); chain; chain = queue.pop()) {
      // Readable buffers are a driver error (§5.4.6.1); they are simply not looked at.
      const length = Math.min(chain.writableLength, VIRTIO_RNG_MAX_REQUEST);
      chain.fillWritable(0, length, (view) => {
        for (let at = 0; at < view.length; at += RANDOM_CHUNK) this.randomBytes(view.subarray(at, at + RANDOM_CHUNK));
      });
      queue.push(chain, length);
    }
  }
}
