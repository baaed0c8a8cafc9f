// Fetching the guest's images: downloaded with progress (bytes of total), then, when they are
// gzip data (found by their magic number, whatever their name), unpacked with
// DecompressionStream, in the device worker or the image worker. Every failure is an
// ImageFetchError with one line for the user.

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

/** An image's bytes as they came over the wire: gzip data stays packed (see unpackImage). */
export interface Download {
  what: string;
  url: string;
  bytes: Uint8Array;
  /** the transfer's length, for progress */
  total: number;
}

/** Fetches the bytes at `url` (`what` words the messages: "kernel", "disk 0"). */
export async function downloadImage(what: string, url: string, progress: Progress): Promise<Download> {
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
  return { what, url, bytes, total: total ?? bytes.length };
}

export function isPacked(download: Download): boolean {
  return isGzip(download.bytes);
}

/**
 * The size a downloaded image has once unpacked, known before unpacking it: for gzip data what
 * its trailer (ISIZE: the length modulo 2^32 of the last member) says, which unpackImage's
 * caller checks against the bytes.
 */
export function unpackedSize(download: Download): number {
  const { bytes } = download;
  if (!isGzip(bytes)) return bytes.length;
  return bytes.length >= 18 ? new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true) : 0;
}

/** The image's bytes, decompressed if they are gzip data. */
export async function unpackImage(download: Download, progress: Progress): Promise<Uint8Array> {
  const { what, url, bytes, total } = download;
  if (!isGzip(bytes)) {
    progress(bytes.length, total, true);
    return bytes;
  }
  progress(bytes.length, total, false);
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    const unpacked = await readAll(stream as ReadableStream<Uint8Array>, undefined, () => {});
    progress(bytes.length, total, true, unpacked.length);
    return unpacked;
  } catch {
    throw new ImageFetchError(`the ${what} ${imageName(url)} is not valid gzip data (corrupt or truncated): ${url}`);
  }
}
