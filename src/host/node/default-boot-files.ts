// The images `hartvm boot` and createMachine() use when none are named: Debian's OpenSBI, and
// the project's Linux and initramfs from scripts/build-images.sh (found in its cache, or built).

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImageError } from '../../machine/errors.js';

export const DEBIAN_FIRMWARE = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

interface NamedBytes { name: string; bytes: Uint8Array }

function imagesDir(): string {
  const script = path.join(ROOT, 'scripts', 'build-images.sh');
  const probe = spawnSync('bash', [script, '--print-dir'], { encoding: 'utf8' });
  const dir = probe.status === 0 ? probe.stdout.trim().split('\n').pop() ?? '' : '';
  const complete = dir !== '' && ['Image', 'rootfs.cpio.gz'].every((f) => existsSync(path.join(dir, f)));
  if (complete) return dir;
  process.stderr.write('hartvm: the default guest images are not built yet; building them now (this takes a while, once)\n');
  const build = spawnSync('bash', [script], { stdio: ['ignore', 2, 'inherit'] });
  if (build.status !== 0) throw new ImageError('building the default guest images failed (see above); or give -kernel and -initrd');
  const again = spawnSync('bash', [script, '--print-dir'], { encoding: 'utf8' });
  return again.stdout.trim().split('\n').pop() ?? '';
}

/** Debian's OpenSBI (the opensbi package). */
export function defaultFirmware(): NamedBytes {
  if (!existsSync(DEBIAN_FIRMWARE)) {
    throw new ImageError(`no firmware: ${DEBIAN_FIRMWARE} is missing (install Debian's opensbi: npm run setup), or give -bios`);
  }
  return { name: DEBIAN_FIRMWARE, bytes: readFileSync(DEBIAN_FIRMWARE) };
}

/** The project's Linux and initramfs, with the command line they boot with. */
export function defaultGuest(): { kernel: NamedBytes; initrd: NamedBytes; bootargs: string } {
  const dir = imagesDir();
  const read = (file: string): NamedBytes => ({ name: file, bytes: readFileSync(file) });
  return { kernel: read(path.join(dir, 'Image')), initrd: read(path.join(dir, 'rootfs.cpio.gz')), bootargs: 'console=ttyS0' };
}
