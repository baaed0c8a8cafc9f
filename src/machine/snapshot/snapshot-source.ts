// Where a snapshot file's bytes come from: the whole file in memory (a page's download, the
// library's bytes), or a file a host reads piece by piece as they are needed, so that guest RAM
// stored as it is goes from the file straight into guest memory, through no buffer of its own.

/** A snapshot file, read where asked. */
export interface SnapshotSource {
  /** the file's length in bytes */
  readonly size: number;
  /** `length` bytes from `offset`: a view where the source holds them, else a copy */
  read(offset: number, length: number): Uint8Array;
  /** Copies the bytes from `offset` into all of `target`; throws if the file ends first. */
  readInto(offset: number, target: Uint8Array): void;
}

/** A file held whole in memory. */
export function bytesSource(bytes: Uint8Array): SnapshotSource {
  return {
    size: bytes.length,
    read: (offset, length) => bytes.subarray(offset, offset + length),
    readInto(offset, target) {
      if (offset + target.length > bytes.length) throw new RangeError('past the end of the file');
      target.set(bytes.subarray(offset, offset + target.length));
    },
  };
}
