// A disk whose bytes are still arriving: its size is known (a gzip image's trailer says it) and
// the guest may boot meanwhile; a request that comes before the bytes waits for them. Once they
// are there, every request completes at once. If they never come, or are not the size that was
// announced, requests fail (the guest sees I/O errors) and `failure` says why.

import type { BlockBackend } from '../../devices/virtio/block.js';

export class ArrivingDisk implements BlockBackend {
  readonly asynchronous = true;
  readonly size: number;
  readonly readOnly: boolean;
  private data: Uint8Array | undefined;
  private readonly arrival: Promise<Uint8Array>;

  /** `failure` resolves to a message if the bytes fail to arrive or are not `size` long. */
  readonly failure: Promise<string>;

  constructor(name: string, size: number, bytes: Promise<Uint8Array>, readOnly: boolean) {
    this.size = size;
    this.readOnly = readOnly;
    this.arrival = bytes.then((data) => {
      if (data.length !== size) {
        throw new Error(`the disk ${name} unpacked to ${data.length} bytes, not the ${size} its gzip trailer says`);
      }
      this.data = data;
      return data;
    });
    this.failure = this.arrival.then(() => new Promise<string>(() => {}), (e: unknown) => (e as Error)?.message ?? String(e));
  }

  /** The bytes, once they are there. */
  contents(): Promise<Uint8Array> {
    return this.arrival.then((data) => data.slice());
  }

  read(offset: number, into: Uint8Array): void | Promise<void> {
    if (this.data) return void into.set(this.data.subarray(offset, offset + into.length));
    return this.arrival.then((data) => into.set(data.subarray(offset, offset + into.length)));
  }

  write(offset: number, from: Uint8Array): void | Promise<void> {
    if (this.readOnly) throw new Error('read-only disk');
    if (this.data) return void this.data.set(from, offset);
    return this.arrival.then((data) => data.set(from, offset));
  }

  flush(): void {}
}
