// The device worker's side of the image worker (image-worker.ts): hands it a downloaded image
// (transferred, not copied) and gets the unpacked bytes back. Where the image worker cannot
// start (a page that does not serve image-worker.js), images are unpacked here instead.

import { ImageFetchError, unpackImage, type Download } from './images.js';

export interface UnpackRequest {
  id: number;
  download: Download;
}

export type UnpackReply =
  | { id: number; type: 'done'; bytes: Uint8Array }
  | { id: number; type: 'error'; message: string; known: boolean };

interface Pending {
  download: Download;
  done(bytes: Uint8Array): void;
  failed(error: Error): void;
}

export class BackgroundUnpacker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private unavailable = false;

  /** Unpacks `download` in the image worker (copied there: packed images are small). */
  unpack(download: Download): Promise<Uint8Array> {
    return new Promise((done, failed) => {
      const pending = { download, done, failed };
      const worker = this.start();
      if (!worker) return this.unpackHere(pending);
      const id = this.nextId++;
      this.pending.set(id, pending);
      worker.postMessage({ id, download } satisfies UnpackRequest);
    });
  }

  close(): void {
    this.worker?.terminate();
    this.worker = undefined;
  }

  /** Starts the image worker (if it is not running): done early, it is ready when the first image arrives. */
  start(): Worker | undefined {
    if (this.worker || this.unavailable) return this.worker;
    try {
      this.worker = new Worker(new URL('./image-worker.js', import.meta.url), { type: 'module', name: 'images' });
    } catch {
      return undefined;
    }
    this.worker.onmessage = (event: MessageEvent) => this.receive(event.data as UnpackReply);
    this.worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.fallBack();
    };
    return this.worker;
  }

  private receive(message: UnpackReply): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (message.type === 'done') pending.done(message.bytes);
    else pending.failed(message.known ? new ImageFetchError(message.message) : new Error(message.message));
  }

  /** The image worker could not start: unpack here what it was given. */
  private fallBack(): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.unavailable = true;
    console.warn('hartvm: image-worker.js could not start (serve it next to device-worker.js); unpacking on the device worker');
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const pending of waiting) this.unpackHere(pending);
  }

  private unpackHere(pending: Pending): void {
    unpackImage(pending.download, () => {}).then(pending.done, pending.failed);
  }
}
