// A 64-bit checksum of bytes a snapshot keeps as they are (guest RAM, a read-only disk's
// contents): FNV-1a over 32-bit little-endian words, in two lanes. It tells a damaged file from
// a good one, as zlib's Adler-32 does for the deflated sections; it is no defence against a file
// made to fool it, which the loader's checks of every length and state are for.

export class ContentSum {
  private a = 0x811c9dc5 | 0;
  private b: number;

  /** `seed` tells apart sums of different-sized things that hold the same words (a disk's size). */
  constructor(seed = 0) {
    this.b = (0x01000193 ^ seed) | 0;
  }

  /** Adds `bytes` as words; a length that is not a multiple of 4 is taken as padded with zeros. */
  add(bytes: Uint8Array): void {
    // (a view that is not whole aligned words, rare, is summed from a padded copy)
    const aligned = (bytes.byteOffset & 3) === 0 && (bytes.length & 3) === 0 ? bytes : padded(bytes);
    const words = new Int32Array(aligned.buffer, aligned.byteOffset, aligned.length >> 2);
    let a = this.a, b = this.b;
    for (let i = 0; i < words.length; i++) {
      a = Math.imul(a ^ words[i], 0x01000193);
      b = Math.imul(b ^ words[i] ^ (a >>> 13), 0x5bd1e995);
    }
    this.a = a;
    this.b = b;
  }

  /** The sum as 8 bytes. */
  bytes(): Uint8Array {
    const sum = new Uint8Array(8);
    const view = new DataView(sum.buffer);
    view.setInt32(0, this.a, true);
    view.setInt32(4, this.b, true);
    return sum;
  }

  /** The sum as 16 hexadecimal digits. */
  hex(): string {
    return Array.from(this.bytes(), (v) => v.toString(16).padStart(2, '0')).join('');
  }
}

/** `bytes` copied into whole words, zeros after them. */
function padded(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array((bytes.length + 3) & ~3);
  copy.set(bytes);
  return copy;
}
