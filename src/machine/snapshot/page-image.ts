// Memory and disks in a snapshot: most pages of a guest's RAM (and many blocks of a disk) are
// zero, so an image keeps a bitmap of the 4 KiB pages that are not, then those pages in order.

export const IMAGE_PAGE = 4096;

/** The largest packed image of `pages` pages: every page present. */
export function packedLimit(pages: number): number {
  return Math.ceil(pages / 8) + pages * IMAGE_PAGE;
}

/** Packs `pages` pages, page `i` being `pageAt(i)` (IMAGE_PAGE bytes, copied at once). */
export function packPages(pages: number, pageAt: (page: number) => Uint8Array): Uint8Array {
  const bitmapBytes = Math.ceil(pages / 8);
  const present: number[] = [];
  for (let page = 0; page < pages; page++) if (!isZero(pageAt(page))) present.push(page);
  const packed = new Uint8Array(bitmapBytes + present.length * IMAGE_PAGE);
  present.forEach((page, i) => {
    packed[page >> 3] |= 1 << (page & 7);
    packed.set(pageAt(page), bitmapBytes + i * IMAGE_PAGE);
  });
  return packed;
}

/**
 * Checks that `packed` is an image of `pages` pages (the bitmap and the pages it announces, no
 * more, no less); returns the problem, or undefined.
 */
export function packedProblem(packed: Uint8Array, pages: number): string | undefined {
  const bitmapBytes = Math.ceil(pages / 8);
  if (packed.length < bitmapBytes) return 'its page bitmap is cut short';
  let present = 0;
  for (let page = 0; page < pages; page++) if (packed[page >> 3] & (1 << (page & 7))) present++;
  for (let page = pages; page < bitmapBytes * 8; page++) if (packed[page >> 3] & (1 << (page & 7))) return 'its page bitmap names pages past the end';
  if (packed.length !== bitmapBytes + present * IMAGE_PAGE) return `it holds ${packed.length - bitmapBytes} bytes of pages where the bitmap says ${present * IMAGE_PAGE}`;
  return undefined;
}

/**
 * Unpacks an image packedProblem() found right: `put(page, bytes)` for each page, zero ones
 * included (a shared zero page) unless `zeroPages` is 'skip' (the place it goes is zero already).
 */
export function unpackPages(packed: Uint8Array, pages: number, put: (page: number, bytes: Uint8Array) => void, zeroPages: 'put' | 'skip' = 'put'): void {
  const bitmapBytes = Math.ceil(pages / 8);
  const zero = new Uint8Array(IMAGE_PAGE);
  let at = bitmapBytes;
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
