// The default guest images, shipped with hartvm in images/ (made by scripts/build-images.sh
// --ship, checked by --check): OpenSBI's fw_dynamic.bin, the Linux Image, the initramfs and the
// ext2 disk, each gzip-compressed, and images/manifest.json with the Debian package versions they
// were built from and every file's size and SHA-256, compressed and uncompressed. Every read is
// checked against the manifest: a missing or corrupt file is an ImageError of one line naming it.
//
// The initrd is rootfs.cpio.gz as shipped (the kernel unpacks it); the firmware, the kernel and
// the disk are gunzipped.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { ImageError } from '../../machine/errors.js';

/** The package root: this file is dist/host/node/default-images.js. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Where the shipped images are: <package root>/images. */
export const SHIPPED_IMAGES_DIR = path.join(PACKAGE_ROOT, 'images');
/** The kernel command line the default images boot with. */
export const DEFAULT_BOOTARGS = 'console=ttyS0';

export type ImagePart = 'firmware' | 'kernel' | 'initrd' | 'disk';
export const IMAGE_PARTS: readonly ImagePart[] = ['firmware', 'kernel', 'initrd', 'disk'];

/** A file's name, size in bytes and SHA-256 (hex). */
export interface FileSum {
  file: string;
  bytes: number;
  sha256: string;
}

/** A shipped file (gzip) and what it holds. */
export interface ShippedFile extends FileSum {
  uncompressed: FileSum;
}

/** images/manifest.json */
export interface ShippedManifest {
  /** Debian package versions that went in (src:busybox is a source package) */
  versions: Record<string, string>;
  /** every time stamp in the images */
  sourceDateEpoch: number;
  /** object files a kernel build compiles, and busybox's (for the build's progress percentages) */
  kernelObjects: number;
  busyboxObjects: number;
  bootargs: string;
  files: Record<ImagePart, ShippedFile>;
}

/** The default boot inputs, as bytes. */
export interface DefaultImages {
  /** OpenSBI generic fw_dynamic.bin (a raw image, loaded at the start of RAM) */
  firmware: Uint8Array;
  /** the Linux Image (raw, 2 MiB after the firmware) */
  kernel: Uint8Array;
  /** the initramfs: a gzip-compressed cpio archive */
  initrd: Uint8Array;
  /** the ext2 disk for the first virtio-blk device */
  disk: Uint8Array;
  bootargs: string;
  versions: Record<string, string>;
}

export interface ImagesOptions {
  /** the folder holding the shipped images and manifest.json (default: <package root>/images) */
  dir?: string;
}

/** The file name each part is unpacked to (as scripts/build-images.sh names them). */
export const UNPACKED_NAMES: Readonly<Record<ImagePart, string>> = {
  firmware: 'fw_dynamic.bin', kernel: 'Image', initrd: 'rootfs.cpio.gz', disk: 'disk.ext2',
};

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function isFileSum(v: unknown): v is FileSum {
  const o = v as FileSum;
  return typeof o === 'object' && o !== null && typeof o.file === 'string' && /^[\w.+-]+$/.test(o.file) &&
    Number.isSafeInteger(o.bytes) && o.bytes >= 0 && typeof o.sha256 === 'string' && /^[0-9a-f]{64}$/.test(o.sha256);
}

function manifestFile(dir: string): string {
  return path.join(dir, 'manifest.json');
}

/** images/manifest.json, checked for the fields this module uses. */
export function shippedManifest(options: ImagesOptions = {}): ShippedManifest {
  const file = manifestFile(options.dir ?? SHIPPED_IMAGES_DIR);
  let manifest: ShippedManifest;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8')) as ShippedManifest;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'is missing' : e instanceof SyntaxError ? 'is not valid JSON' : `cannot be read (${(e as Error).message})`;
    throw new ImageError(`the default images' manifest ${file} ${reason}: reinstall hartvm, or give -bios and -kernel`);
  }
  const ok = typeof manifest === 'object' && manifest !== null && typeof manifest.versions === 'object' &&
    typeof manifest.files === 'object' && manifest.files !== null &&
    IMAGE_PARTS.every((p) => isFileSum(manifest.files[p]) && isFileSum(manifest.files[p].uncompressed));
  if (!ok) throw new ImageError(`the default images' manifest ${file} does not describe ${IMAGE_PARTS.join(', ')}: reinstall hartvm`);
  return manifest;
}

/** One part's bytes (see DefaultImages), checked against the manifest. */
function readPart(dir: string, manifest: ShippedManifest, part: ImagePart): Uint8Array {
  const entry = manifest.files[part];
  const file = path.join(dir, entry.file);
  const corrupt = (what: string): ImageError =>
    new ImageError(`the default ${part} ${file} is corrupt (${what}, not as in manifest.json): reinstall hartvm, or rebuild it with scripts/build-images.sh --ship`);
  let packed: Uint8Array;
  try {
    packed = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ImageError(`the default ${part} ${file} ${code === 'ENOENT' ? 'is missing' : `cannot be read (${(e as Error).message})`}: reinstall hartvm, or give ${part === 'firmware' ? '-bios' : '-kernel'}`);
  }
  if (packed.length !== entry.bytes) throw corrupt(`${packed.length} bytes instead of ${entry.bytes}`);
  // The compressed file's SHA-256 fixes what it unpacks to (the tests check the manifest's sums
  // of the contents against the shipped files), so the contents are not hashed again here.
  if (sha256(packed) !== entry.sha256) throw corrupt('its SHA-256 differs');
  // the initrd goes to the guest compressed, as the kernel unpacks it
  if (part === 'initrd') return packed;
  let bytes: Uint8Array;
  try {
    bytes = gunzipSync(packed);
  } catch (e) {
    throw corrupt(`gunzip: ${(e as Error).message}`);
  }
  if (bytes.length !== entry.uncompressed.bytes) throw corrupt(`${bytes.length} bytes uncompressed instead of ${entry.uncompressed.bytes}`);
  return bytes;
}

/** One of the default boot inputs, e.g. only the firmware when -kernel was given. */
export function defaultImage(part: ImagePart, options: ImagesOptions = {}): Uint8Array {
  const dir = options.dir ?? SHIPPED_IMAGES_DIR;
  return readPart(dir, shippedManifest(options), part);
}

/** All the default boot inputs, each checked against images/manifest.json. */
export function defaultImages(options: ImagesOptions = {}): DefaultImages {
  const dir = options.dir ?? SHIPPED_IMAGES_DIR;
  const manifest = shippedManifest(options);
  return {
    firmware: readPart(dir, manifest, 'firmware'),
    kernel: readPart(dir, manifest, 'kernel'),
    initrd: readPart(dir, manifest, 'initrd'),
    disk: readPart(dir, manifest, 'disk'),
    bootargs: DEFAULT_BOOTARGS,
    versions: { ...manifest.versions },
  };
}

/** Writes `bytes` to `file` through a temporary file in the same folder, so `file` is whole or absent. */
function writeWhole(file: string, bytes: Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new ImageError(`cannot write ${file}: ${(e as Error).message}`);
  }
}

/** Writes the default disk, decompressed (an ext2 image for -drive file=...,format=raw), to `file`. */
export function writeDefaultDisk(file: string, options: ImagesOptions = {}): void {
  writeWhole(file, defaultImage('disk', options));
}

/** The hartvm cache folder, as scripts/build-images.sh finds it. */
export function cacheRoot(): string {
  const env = process.env;
  return env.HARTVM_CACHE || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'hartvm');
}

export interface UnpackedImages {
  /** the folder: <cache>/shipped/<first 16 hex digits of manifest.json's SHA-256> */
  dir: string;
  firmware: string;
  kernel: string;
  initrd: string;
  disk: string;
  versions: Record<string, string>;
}

/**
 * The default images as files, for tools that take file names (the boot tests, the benchmark,
 * QEMU): unpacked once into <cache>/shipped/<manifest hash>/ as fw_dynamic.bin, Image,
 * rootfs.cpio.gz and disk.ext2, and checked against the manifest on every call (unpacked again
 * when a file there is not as it should be, e.g. a disk something booted read-write).
 */
export function unpackDefaultImages(options: ImagesOptions & { cache?: string } = {}): UnpackedImages {
  const dir = options.dir ?? SHIPPED_IMAGES_DIR;
  const manifest = shippedManifest(options);
  const key = sha256(readFileSync(manifestFile(dir))).slice(0, 16);
  const out = path.join(options.cache ?? cacheRoot(), 'shipped', key);
  try {
    mkdirSync(out, { recursive: true });
  } catch (e) {
    throw new ImageError(`cannot make ${out}: ${(e as Error).message}`);
  }
  const files = {} as Record<ImagePart, string>;
  for (const part of IMAGE_PARTS) {
    const file = path.join(out, UNPACKED_NAMES[part]);
    files[part] = file;
    const want = part === 'initrd' ? manifest.files[part] : manifest.files[part].uncompressed;
    const good = existsSync(file) && statSync(file).size === want.bytes && sha256(readFileSync(file)) === want.sha256;
    if (!good) writeWhole(file, readPart(dir, manifest, part));
  }
  return { dir: out, ...files, versions: { ...manifest.versions } };
}
