// The image worker: unpacks gzip images for the device worker in the background, so that a
// disk (tens of megabytes, most of it zeros, a few hundred milliseconds to inflate) unpacks
// beside the guest's boot instead of before it. Started by the device worker.

import { ImageFetchError, unpackImage, type Download } from './images.js';
import type { UnpackReply, UnpackRequest } from './background-unpacker.js';
import { scope } from './worker-scope.js';

function reply(message: UnpackReply, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

scope.onmessage = (event: MessageEvent) => {
  const { id, download } = event.data as UnpackRequest;
  unpackImage(download as Download, () => {})
    .then((bytes) => reply({ id, type: 'done', bytes }, [bytes.buffer]))
    .catch((e: unknown) => reply({ id, type: 'error', message: (e as Error)?.message ?? String(e), known: e instanceof ImageFetchError }));
};
