// The packed page images of snapshots (RAM and disks): only the pages that are not zero are
// kept, behind a bitmap; an image is checked whole before it is unpacked; unpacking puts every
// page back, or, into a place that is zero already, only the pages the image holds.
import test from 'node:test';
import assert from 'node:assert/strict';
import { IMAGE_PAGE, packedLimit, packedProblem, packPages, unpackPages } from '../../dist/machine/snapshot/page-image.js';

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
  assert.equal(packed.length, 2 + 3 * IMAGE_PAGE, 'two bytes of bitmap for 13 pages, then three pages');
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
});
