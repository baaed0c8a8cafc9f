// Compression of a snapshot's sections: zlib's deflate format (RFC 1950), whose Adler-32 check
// tells a corrupt section from a good one. Through CompressionStream, which Node 20 and browsers
// both have, so that the core saves and loads the same files everywhere.

/** Compresses and decompresses sections; a host may give a faster one (Node's zlib). */
export interface SectionCodec {
  deflate(bytes: Uint8Array): Promise<Uint8Array>;
  /** The bytes `stored` holds, which must be exactly `length`; throws on anything else (corrupt data, a wrong length). */
  inflate(stored: Uint8Array, length: number): Promise<Uint8Array>;
}

/** Input handed to a stream at once: the stream copies, so bounded pieces keep the copy small. */
const PIECE = 1 << 20;

export const streamCodec: SectionCodec = {
  async deflate(bytes) {
    const stream = bytesStream(new CompressionStream('deflate'));
    const writing = writeAll(stream.writable, bytes);
    const out = await collect(stream.readable, Infinity);
    await writing;
    return out;
  },
  async inflate(stored, length) {
    const stream = bytesStream(new DecompressionStream('deflate'));
    const writing = writeAll(stream.writable, stored).catch(() => {});
    const out = await collect(stream.readable, length);
    await writing;
    if (out.length !== length) throw new Error(`${out.length} bytes where ${length} were expected`);
    return out;
  },
};

/** The stream as bytes in, bytes out (the DOM's typings take any BufferSource in). */
function bytesStream(stream: CompressionStream | DecompressionStream): TransformStream<Uint8Array, Uint8Array> {
  return stream as unknown as TransformStream<Uint8Array, Uint8Array>;
}

async function writeAll(writable: WritableStream<Uint8Array>, bytes: Uint8Array): Promise<void> {
  const writer = writable.getWriter();
  for (let at = 0; at < bytes.length; at += PIECE) await writer.write(bytes.subarray(at, at + PIECE));
  await writer.close();
}

/** Everything `readable` gives, at most `limit` bytes: more is an error (and the stream is cancelled). */
async function collect(readable: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = readable.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel();
      throw new Error(`more than the ${limit} bytes expected`);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}
