// Fetching the guest's images in the device worker: with progress (bytes of total), and
// gzip-compressed ones (found by their magic number, whatever their name) decompressed with
// DecompressionStream. Every failure is an ImageFetchError with one line for the user.

export class ImageFetchError extends Error {}

export interface Progress {
  /** `unpacked`: once done, the size after decompression (when it was compressed) */
  (loaded: number, total: number | undefined, done: boolean, unpacked?: number): void;
}

/** The last part of a URL's path, to name an image in messages. */
export function imageName(url: string): string {
  try {
    const path = new URL(url).pathname;
    return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)) || url;
  } catch {
    return url;
  }
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

async function readAll(stream: ReadableStream<Uint8Array>, expected: number | undefined, progress: Progress): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  let lastReport = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
    // A report per 256 KiB at most: the page redraws once per frame anyway.
    if (length - lastReport >= 256 * 1024) {
      lastReport = length;
      progress(length, expected, false);
    }
  }
  if (chunks.length === 1) return chunks[0];
  const all = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) { all.set(c, at); at += c.length; }
  return all;
}

/**
 * The bytes at `url`, decompressed if they are gzip data (unless `keepGzip`: an initrd, which
 * the kernel unpacks itself). `what` words the messages ("kernel", "disk").
 */
export async function fetchImage(what: string, url: string, progress: Progress, keepGzip = false): Promise<Uint8Array> {
  const name = imageName(url);
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new ImageFetchError(`cannot load the ${what} ${url}: ${(e as Error).message || 'network error'}`);
  }
  if (!response.ok) {
    const why = response.status === 404 ? 'not found (HTTP 404)' : `HTTP ${response.status} ${response.statusText}`.trim();
    throw new ImageFetchError(`cannot load the ${what} ${url}: ${why}`);
  }
  const header = response.headers.get('Content-Length');
  // With a Content-Encoding the length is of the encoded bytes; the count is of decoded ones.
  const total = header !== null && !response.headers.get('Content-Encoding') ? Number(header) : undefined;
  let bytes: Uint8Array;
  try {
    bytes = response.body ? await readAll(response.body, total, progress) : new Uint8Array(await response.arrayBuffer());
  } catch (e) {
    throw new ImageFetchError(`cannot load the ${what} ${url}: ${(e as Error).message || 'the transfer failed'}`);
  }
  if (!isGzip(bytes) || keepGzip) {
    progress(bytes.length, total ?? bytes.length, true);
    return bytes;
  }
  progress(bytes.length, total ?? bytes.length, false);
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    const unpacked = await readAll(stream as ReadableStream<Uint8Array>, undefined, () => {});
    progress(bytes.length, total ?? bytes.length, true, unpacked.length);
    return unpacked;
  } catch {
    throw new ImageFetchError(`the ${what} ${name} is not valid gzip data (corrupt or truncated): ${url}`);
  }
}
