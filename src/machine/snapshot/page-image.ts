// Memory and disks in a snapshot: most pages of a guest's RAM (and many blocks of a disk) are
// zero, so an image keeps a bitmap of the 4 KiB pages that are not, then those pages in order.
// The bitmap takes whole 32-bit words, so that the pages after it lie on word boundaries (a
// ContentSum of the image is the sum of its bitmap and then of its pages).

export const IMAGE_PAGE = 4096;

/** The bytes of the bitmap of `pages` pages. */
export function bitmapBytes(pages: number): number {
  return Math.ceil(pages / 32) * 4;
}

/** The largest packed image of `pages` pages: every page present. */
export function packedLimit(pages: number): number {
  return bitmapBytes(pages) + pages * IMAGE_PAGE;
}

/** Packs `pages` pages, page `i` being `pageAt(i)` (IMAGE_PAGE bytes, copied at once). */
export function packPages(pages: number, pageAt: (page: number) => Uint8Array): Uint8Array {
  const bitmap = bitmapBytes(pages);
  const present: number[] = [];
  for (let page = 0; page < pages; page++) if (!isZero(pageAt(page))) present.push(page);
  const packed = new Uint8Array(bitmap + present.length * IMAGE_PAGE);
  present.forEach((page, i) => {
    packed[page >> 3] |= 1 << (page & 7);
    packed.set(pageAt(page), bitmap + i * IMAGE_PAGE);
  });
  return packed;
}

/**
 * Checks that `packed` is an image of `pages` pages (the bitmap and the pages it announces, no
 * more, no less); returns the problem, or undefined.
 */
export function packedProblem(packed: Uint8Array, pages: number): string | undefined {
  if (packed.length < bitmapBytes(pages)) return 'its page bitmap is cut short';
  return packedLayoutProblem(packed.subarray(0, bitmapBytes(pages)), packed.length, pages);
}

/** packedProblem() of an image of `length` bytes whose bitmap is `bitmap`, its pages not read. */
export function packedLayoutProblem(bitmap: Uint8Array, length: number, pages: number): string | undefined {
  const bytes = bitmapBytes(pages);
  if (bitmap.length < bytes || length < bytes) return 'its page bitmap is cut short';
  let present = 0;
  for (let page = 0; page < pages; page++) if (bitmap[page >> 3] & (1 << (page & 7))) present++;
  for (let page = pages; page < bytes * 8; page++) if (bitmap[page >> 3] & (1 << (page & 7))) return 'its page bitmap names pages past the end';
  if (length !== bytes + present * IMAGE_PAGE) return `it holds ${length - bytes} bytes of pages where the bitmap says ${present * IMAGE_PAGE}`;
  return undefined;
}

/** Calls `run(first, count)` for each run of pages present in `bitmap` (of `pages` pages), in order. */
export function presentRuns(bitmap: Uint8Array, pages: number, run: (first: number, count: number) => void): void {
  for (let page = 0; page < pages;) {
    if (!(bitmap[page >> 3] & (1 << (page & 7)))) { page++; continue; }
    const first = page;
    while (page < pages && bitmap[page >> 3] & (1 << (page & 7))) page++;
    run(first, page - first);
  }
}

/**
 * Unpacks an image packedProblem() found right: `put(page, bytes)` for each page, zero ones
 * included (a shared zero page) unless `zeroPages` is 'skip' (the place it goes is zero already).
 */
export function unpackPages(packed: Uint8Array, pages: number, put: (page: number, bytes: Uint8Array) => void, zeroPages: 'put' | 'skip' = 'put'): void {
  const zero = new Uint8Array(IMAGE_PAGE);
  let at = bitmapBytes(pages);
  for (let page = 0; page < pages; page++) {
    if (packed[page >> 3] & (1 << (page & 7))) {
      put(page, packed.subarray(at, at + IMAGE_PAGE));
      at += IMAGE_PAGE;
    } else if (zeroPages === 'put') {
      put(page, zero);
    }
  }
}

function isZero(page: Uint8Array): boolean {
  // whole words where the view is aligned (guest memory always is), bytes otherwise
  if (page.byteOffset % 4 === 0 && page.length % 4 === 0) {
    const words = new Int32Array(page.buffer, page.byteOffset, page.length / 4);
    for (let i = 0; i < words.length; i++) if (words[i] !== 0) return false;
    return true;
  }
  for (let i = 0; i < page.length; i++) if (page[i] !== 0) return false;
  return true;
}
