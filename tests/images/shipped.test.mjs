// The default guest images shipped in images/: every file is as images/manifest.json says (size
// and SHA-256, compressed and uncompressed), the manifest holds nothing host- or time-specific,
// scripts/build-images.sh builds the very same bytes (--check, against the images `npm test` built
// in the cache), and src/host/node/default-images.ts reads them, rejecting a corrupt or missing
// file with one line that names it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ROOT } from '../guest/harness.mjs';
import {
  DEFAULT_BOOTARGS, IMAGE_PARTS, SHIPPED_IMAGES_DIR, defaultImage, defaultImages, shippedManifest, unpackDefaultImages, writeDefaultDisk,
} from '../../dist/host/node/default-images.js';
import { ImageError } from '../../dist/machine/errors.js';

const IMAGES = path.join(ROOT, 'images');
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const manifestText = readFileSync(path.join(IMAGES, 'manifest.json'), 'utf8');
const manifest = JSON.parse(manifestText);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'hartvm-images-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

test('the module finds images/ at the package root', () => {
  assert.equal(SHIPPED_IMAGES_DIR, IMAGES);
});

test('images/manifest.json: versions, source date, object counts, one entry per image, nothing host- or time-specific', () => {
  assert.deepEqual(Object.keys(manifest).sort(),
    ['about', 'bootargs', 'busyboxObjects', 'files', 'kernelObjects', 'sourceDateEpoch', 'versions'].sort());
  for (const pkg of ['linux-source-6.1', 'src:busybox', 'libc6-dev-riscv64-cross', 'opensbi', 'e2fsprogs', 'gzip']) {
    assert.match(manifest.versions[pkg] ?? '', /^\S+$/, `the version of ${pkg}`);
  }
  assert.ok(Object.keys(manifest.versions).some((p) => /^gcc-\d+-riscv64-linux-gnu$/.test(p)), 'the cross compiler package');
  assert.ok(Object.keys(manifest.versions).some((p) => /^binutils-riscv64-linux-gnu$/.test(p)), 'the cross binutils package');
  assert.ok(Number.isSafeInteger(manifest.sourceDateEpoch) && manifest.sourceDateEpoch > 1.6e9);
  assert.ok(manifest.kernelObjects > 500 && manifest.busyboxObjects > 100);
  assert.equal(manifest.bootargs, DEFAULT_BOOTARGS);
  assert.deepEqual(Object.keys(manifest.files), ['firmware', 'kernel', 'initrd', 'disk']);
  assert.doesNotMatch(manifestText, /\/(root|home|tmp|work|usr)\//, 'no host path');
  assert.deepEqual(shippedManifest(), manifest);
});

test('every shipped file has the size and SHA-256 of the manifest, compressed and uncompressed', () => {
  const shipped = [];
  for (const part of IMAGE_PARTS) {
    const entry = manifest.files[part];
    const packed = readFileSync(path.join(IMAGES, entry.file));
    assert.equal(packed.length, entry.bytes, `${entry.file}: size`);
    assert.equal(sha256(packed), entry.sha256, `${entry.file}: SHA-256`);
    // gzip -9 -n: no file name, no time stamp in the header (bytes 4-7 are the mtime).
    assert.deepEqual([...packed.subarray(0, 4)], [0x1f, 0x8b, 8, 0], `${entry.file}: gzip without a name`);
    assert.equal(packed.readUInt32LE(4), 0, `${entry.file}: gzip without a time stamp`);
    const raw = gunzipSync(packed);
    assert.equal(raw.length, entry.uncompressed.bytes, `${entry.uncompressed.file}: size`);
    assert.equal(sha256(raw), entry.uncompressed.sha256, `${entry.uncompressed.file}: SHA-256`);
    shipped.push(entry.file);
  }
  assert.deepEqual(shipped.sort(), ['Image.gz', 'disk.ext2.gz', 'fw_dynamic.bin.gz', 'rootfs.cpio.gz']);
  const total = shipped.reduce((sum, f) => sum + statSync(path.join(IMAGES, f)).size, 0);
  assert.ok(total < 8 << 20, `images/ stays small: ${total} bytes`);
});

test('defaultImages(): the boot inputs as bytes, as the manifest describes them', () => {
  const images = defaultImages();
  assert.equal(images.bootargs, 'console=ttyS0');
  assert.deepEqual(images.versions, manifest.versions);
  assert.equal(sha256(images.firmware), manifest.files.firmware.uncompressed.sha256);
  assert.equal(sha256(images.kernel), manifest.files.kernel.uncompressed.sha256);
  assert.equal(sha256(images.disk), manifest.files.disk.uncompressed.sha256);
  // The initrd is the gzip-compressed cpio as shipped: the kernel unpacks it.
  assert.equal(sha256(images.initrd), manifest.files.initrd.sha256);
  assert.deepEqual([...images.kernel.subarray(0x38, 0x3c)], [0x52, 0x53, 0x43, 0x05], 'a RISC-V Linux Image');
  assert.equal(sha256(defaultImage('firmware')), manifest.files.firmware.uncompressed.sha256);
});

test('writeDefaultDisk() writes the ext2 disk; unpackDefaultImages() unpacks once and repairs a changed file', () => {
  const disk = path.join(tmp, 'disk.ext2');
  writeDefaultDisk(disk);
  const bytes = readFileSync(disk);
  assert.equal(sha256(bytes), manifest.files.disk.uncompressed.sha256);
  assert.equal(bytes.readUInt16LE(1024 + 56), 0xef53, 'the ext2 magic number');

  const cache = path.join(tmp, 'cache');
  const unpacked = unpackDefaultImages({ cache });
  const key = sha256(Buffer.from(manifestText)).slice(0, 16);
  assert.equal(unpacked.dir, path.join(cache, 'shipped', key));
  assert.deepEqual([unpacked.firmware, unpacked.kernel, unpacked.initrd, unpacked.disk].map((f) => path.basename(f)),
    ['fw_dynamic.bin', 'Image', 'rootfs.cpio.gz', 'disk.ext2']);
  assert.equal(sha256(readFileSync(unpacked.kernel)), manifest.files.kernel.uncompressed.sha256);
  assert.equal(sha256(readFileSync(unpacked.initrd)), manifest.files.initrd.sha256);
  const mtime = statSync(unpacked.kernel).mtimeMs;
  writeFileSync(unpacked.disk, 'written by a guest');
  const again = unpackDefaultImages({ cache });
  assert.equal(statSync(again.kernel).mtimeMs, mtime, 'a good file is not unpacked again');
  assert.equal(sha256(readFileSync(again.disk)), manifest.files.disk.uncompressed.sha256, 'a changed file is unpacked again');
});

/** images/ copied to a temporary folder, changed by `change(dir)`. */
function changedCopy(name, change) {
  const dir = path.join(tmp, name);
  cpSync(IMAGES, dir, { recursive: true });
  change(dir);
  return dir;
}

function assertOneLineError(fn, pattern) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof ImageError && e.code === 'ERR_HARTVM_IMAGE', `an ImageError, not ${e}`);
    assert.doesNotMatch(e.message, /\n/, 'one line');
    assert.match(e.message, pattern);
    return true;
  });
}

test('a corrupt, truncated or missing image is a one-line ImageError naming the file', () => {
  const flipped = changedCopy('flipped', (dir) => {
    const file = path.join(dir, 'Image.gz');
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] ^= 0x01;
    writeFileSync(file, bytes);
  });
  assertOneLineError(() => defaultImages({ dir: flipped }), new RegExp(`default kernel ${path.join(flipped, 'Image.gz')} is corrupt`));
  // The other parts still read.
  assert.equal(sha256(defaultImage('firmware', { dir: flipped })), manifest.files.firmware.uncompressed.sha256);

  const truncated = changedCopy('truncated', (dir) => {
    const file = path.join(dir, 'disk.ext2.gz');
    writeFileSync(file, readFileSync(file).subarray(0, 1000));
  });
  assertOneLineError(() => defaultImage('disk', { dir: truncated }), /default disk .*disk\.ext2\.gz is corrupt \(1000 bytes instead of/);
  assertOneLineError(() => unpackDefaultImages({ dir: truncated, cache: path.join(tmp, 'cache2') }), /disk\.ext2\.gz is corrupt/);

  const missing = changedCopy('missing', (dir) => rmSync(path.join(dir, 'fw_dynamic.bin.gz')));
  assertOneLineError(() => defaultImage('firmware', { dir: missing }), /default firmware .*fw_dynamic\.bin\.gz is missing/);

  const noManifest = changedCopy('no-manifest', (dir) => rmSync(path.join(dir, 'manifest.json')));
  assertOneLineError(() => defaultImages({ dir: noManifest }), /manifest .*manifest\.json is missing/);

  const badManifest = changedCopy('bad-manifest', (dir) => writeFileSync(path.join(dir, 'manifest.json'), '{"files": {}}'));
  assertOneLineError(() => defaultImages({ dir: badManifest }), /manifest\.json does not describe firmware, kernel, initrd, disk/);
});

test('scripts/build-images.sh --check: the images it builds (in the cache) are images/, byte for byte', { timeout: 3_600_000 }, () => {
  const r = spawnSync('bash', [path.join(ROOT, 'scripts/build-images.sh'), '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `build-images.sh --check failed:\n${r.stdout}${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines.at(-1), /^images: images\/ is what this script builds, byte for byte \(/);
});
