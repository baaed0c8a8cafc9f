// The packed page images of snapshots (RAM and disks): only the pages that are not zero are
// kept, behind a bitmap of whole words; an image is checked whole before it is unpacked;
// unpacking puts every page back, or, into a place that is zero already, only the pages the
// image holds. And the ContentSum of the images kept raw in a snapshot file.
import test from 'node:test';
import assert from 'node:assert/strict';
import { bitmapBytes, IMAGE_PAGE, packedLayoutProblem, packedLimit, packedProblem, packPages, presentRuns, unpackPages } from '../../dist/machine/snapshot/page-image.js';
import { ContentSum } from '../../dist/machine/snapshot/content-sum.js';

/** 13 pages, a few of them not zero (one with a single byte set at its very end). */
function samplePages() {
  const pages = Array.from({ length: 13 }, () => new Uint8Array(IMAGE_PAGE));
  pages[0].fill(0x11);
  pages[5][IMAGE_PAGE - 1] = 1;
  pages[12].set([1, 2, 3, 4], 100);
  return pages;
}

test('packPages keeps a bitmap and the pages that are not zero; unpackPages puts every page back', () => {
  const pages = samplePages();
  const packed = packPages(pages.length, (i) => pages[i]);
  assert.equal(packed.length, 4 + 3 * IMAGE_PAGE, 'a word of bitmap for 13 pages, then three pages');
  assert.ok(packed.length <= packedLimit(pages.length));
  assert.equal(packedProblem(packed, pages.length), undefined);
  const out = Array.from({ length: pages.length }, () => new Uint8Array(IMAGE_PAGE).fill(0xee));
  const put = [];
  unpackPages(packed, pages.length, (i, bytes) => { put.push(i); out[i].set(bytes); });
  assert.deepEqual(put, [...pages.keys()], 'every page, zero ones included, over what was there');
  out.forEach((page, i) => assert.deepEqual(page, pages[i], `page ${i}`));
});

test("unpackPages with 'skip' puts only the pages the image holds (the place is zero already)", () => {
  const pages = samplePages();
  const packed = packPages(pages.length, (i) => pages[i]);
  const out = Array.from({ length: pages.length }, () => new Uint8Array(IMAGE_PAGE));
  const put = [];
  unpackPages(packed, pages.length, (i, bytes) => { put.push(i); out[i].set(bytes); }, 'skip');
  assert.deepEqual(put, [0, 5, 12]);
  out.forEach((page, i) => assert.deepEqual(page, pages[i], `page ${i}`));
});

test('packedProblem refuses an image cut short, with pages past the end, or with pages the bitmap does not announce', () => {
  const pages = samplePages();
  const packed = packPages(pages.length, (i) => pages[i]);
  assert.match(packedProblem(packed.subarray(0, 1), pages.length), /bitmap is cut short/);
  assert.match(packedProblem(packed.subarray(0, packed.length - 1), pages.length), /bytes of pages where the bitmap says/);
  const extra = new Uint8Array(packed.length + IMAGE_PAGE);
  extra.set(packed);
  assert.match(packedProblem(extra, pages.length), /bytes of pages where the bitmap says/);
  const past = packed.slice();
  past[1] |= 0x80; // page 15 of 13
  assert.match(packedProblem(past, pages.length), /past the end/);
  const inPadding = packed.slice();
  inPadding[3] |= 0x01; // page 24 of 13, in the bitmap's padding
  assert.match(packedProblem(inPadding, pages.length), /past the end/);
  // the layout checked from the bitmap and the length alone, the pages not read
  assert.equal(packedLayoutProblem(packed.subarray(0, 4), packed.length, pages.length), undefined);
  assert.match(packedLayoutProblem(packed.subarray(0, 4), packed.length - IMAGE_PAGE, pages.length), /bytes of pages where the bitmap says/);
  assert.match(packedLayoutProblem(packed.subarray(0, 3), packed.length, pages.length), /bitmap is cut short/);
});

test('bitmapBytes takes whole words; presentRuns gives the runs of present pages in order', () => {
  assert.deepEqual([1, 32, 33, 256, 2048].map(bitmapBytes), [4, 4, 8, 32, 256]);
  const bitmap = new Uint8Array(8);
  for (const page of [0, 1, 2, 7, 8, 31, 32, 39]) bitmap[page >> 3] |= 1 << (page & 7);
  const runs = [];
  presentRuns(bitmap, 40, (first, count) => runs.push([first, count]));
  assert.deepEqual(runs, [[0, 3], [7, 2], [31, 2], [39, 1]]);
});

test('ContentSum: a packed image summed whole is summed as its bitmap then its pages, aligned or not; one flipped bit changes it', () => {
  const pages = samplePages();
  const packed = packPages(pages.length, (i) => pages[i]);
  const sum = (...parts) => { const s = new ContentSum(); for (const p of parts) s.add(p); return s.hex(); };
  const whole = sum(packed);
  assert.match(whole, /^[0-9a-f]{16}$/);
  assert.equal(sum(packed.subarray(0, 4), packed.subarray(4)), whole);
  assert.equal(sum(packed.subarray(0, 4), ...[0, 1, 2].map((i) => packed.subarray(4 + i * IMAGE_PAGE, 4 + (i + 1) * IMAGE_PAGE))), whole);
  const shifted = new Uint8Array(packed.length + 1);
  shifted.set(packed, 1);
  assert.equal(sum(shifted.subarray(1)), whole, 'an unaligned view sums the same words');
  for (const at of [0, 5, 4 + IMAGE_PAGE + 17, packed.length - 1]) {
    const flipped = packed.slice();
    flipped[at] ^= 0x10;
    assert.notEqual(sum(flipped), whole, `bit flipped at ${at}`);
  }
  // a tail that is not a whole word counts as padded with zeros; the seed tells sizes apart
  assert.equal(sum(new Uint8Array([1, 2, 3])), sum(new Uint8Array([1, 2, 3, 0])));
  const seeded = new ContentSum(4096);
  seeded.add(pages[0]);
  assert.notEqual(seeded.hex(), sum(pages[0]));
});
