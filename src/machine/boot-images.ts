// Firmware and kernel files as the virt board takes them: an ELF executable (its loadable
// segments, where its headers say) or a raw binary (placed by the board, as QEMU places them).
// Host-neutral: the bytes come from a file, a fetch or a caller's buffer.

import { ElfError, parseElf } from '../loader/elf.js';
import { ImageError } from './errors.js';
import { DeviceTreeFormatError, parseDeviceTree, type DeviceTree } from './fdt.js';
import { printable } from './printable.js';
import { VIRT_RAM_BASE, type BootImages, type LoadedImage } from './virt-machine.js';

/** Offset and value of the magic number in a RISC-V Linux Image header ("RSC\x05"). */
const IMAGE_MAGIC_OFFSET = 0x38;
const IMAGE_MAGIC = [0x52, 0x53, 0x43, 0x05];

export function isLinuxImage(bytes: Uint8Array): boolean {
  return IMAGE_MAGIC.every((b, i) => bytes[IMAGE_MAGIC_OFFSET + i] === b);
}

function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/** `what` and `name` only word the errors: e.g. "kernel", "Image". */
function loadable(what: string, name: string, bytes: Uint8Array): { image: LoadedImage; raw: boolean } {
  if (bytes.length === 0) throw new ImageError(`${what} ${printable(name)} is empty`);
  if (!isElf(bytes)) return { image: { segments: [{ paddr: 0n, data: bytes, memSize: BigInt(bytes.length) }], entry: 0n }, raw: true };
  try {
    const elf = parseElf(bytes);
    return { image: { segments: elf.segments.filter((s) => s.memSize > 0n), entry: elf.entry }, raw: false };
  } catch (e) {
    if (e instanceof ElfError) throw new ImageError(`${what} ${printable(name)}: ${e.message}`);
    throw e;
  }
}

export interface BootFiles {
  /** firmware (OpenSBI), or undefined for none (`-bios none`) */
  firmware?: { name: string; bytes: Uint8Array };
  kernel?: { name: string; bytes: Uint8Array };
  initrd?: { name: string; bytes: Uint8Array };
  bootargs: string;
  /** a DTB to boot with instead of the board's own (QEMU's -dtb) */
  deviceTree?: { name: string; bytes: Uint8Array };
}

/** What the board loads, from the files' bytes; `warnings` are worth telling the user once it runs. */
export function bootImagesFrom(files: BootFiles): { images: BootImages; warnings: string[] } {
  const warnings: string[] = [];
  let firmware: LoadedImage | undefined;
  if (files.firmware) {
    const loaded = loadable('firmware', files.firmware.name, files.firmware.bytes);
    // A raw firmware image starts at the beginning of RAM.
    firmware = loaded.raw
      ? { segments: loaded.image.segments.map((s) => ({ ...s, paddr: VIRT_RAM_BASE })), entry: VIRT_RAM_BASE }
      : loaded.image;
  }
  const kernel = files.kernel ? loadable('kernel', files.kernel.name, files.kernel.bytes) : undefined;
  if (kernel?.raw && firmware && !isLinuxImage(kernel.image.segments[0].data)) {
    warnings.push(`${printable(files.kernel!.name)} is neither an ELF file nor a RISC-V Linux Image; booting it as a raw binary`);
  }
  // An empty initrd would be described to the kernel as a ramdisk of no bytes: refused, as an empty kernel is.
  if (files.initrd?.bytes.length === 0) throw new ImageError(`initrd ${printable(files.initrd.name)} is empty`);
  let deviceTree: DeviceTree | undefined;
  if (files.deviceTree) {
    try {
      deviceTree = parseDeviceTree(files.deviceTree.bytes);
    } catch (e) {
      if (e instanceof DeviceTreeFormatError) throw new ImageError(`device tree ${printable(files.deviceTree.name)}: ${e.message}`);
      throw e;
    }
  }
  return { images: { firmware, kernel, initrd: files.initrd?.bytes, bootargs: files.bootargs, deviceTree }, warnings };
}
