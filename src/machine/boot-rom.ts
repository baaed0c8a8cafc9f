// The reset code of the virt board's boot ROM (at 0x1000), which enters the firmware the way
// QEMU's virt machine does, so that unmodified OpenSBI and kernels start:
//   a0 = hart id (mhartid), a1 = device-tree address, a2 = address of the fw_dynamic info block,
//   then a jump to the firmware's start address.
// The instructions are encoded from the project's one encoding table.

import { instructionInfo, Op } from '../cpu/isa/encodings.js';

/** fw_dynamic_info (OpenSBI's include/sbi/fw_dynamic.h layout): magic "OSBI", version 2. */
const FW_DYNAMIC_MAGIC = 0x4942534fn;
const FW_DYNAMIC_VERSION = 2n;
/** next_mode values */
export const enum NextMode { U = 0, S = 1, M = 3 }

const enum Reg { T0 = 5, A0 = 10, A1 = 11, A2 = 12 }

function iType(op: Op, rd: number, rs1: number, imm: number): number {
  return (instructionInfo(op).match | ((imm & 0xfff) << 20) | (rs1 << 15) | (rd << 7)) >>> 0;
}

function uType(op: Op, rd: number, imm20: number): number {
  return (instructionInfo(op).match | ((imm20 & 0xfffff) << 12) | (rd << 7)) >>> 0;
}

const CSR_MHARTID = 0xf14;

export interface BootRomLayout {
  /** where the ROM sits (the reset vector) */
  base: bigint;
  /** firmware entry (e.g. OpenSBI at the start of RAM) */
  firmwareEntry: bigint;
  /** device tree in guest RAM */
  fdtAddress: bigint;
  /** what the firmware starts next (the kernel) and in which mode */
  nextAddress: bigint;
  nextMode: NextMode;
  bootHart: number;
}

/** Builds the ROM image: code, then data the code loads pc-relative. */
export function buildBootRom(layout: BootRomLayout): Uint8Array {
  // Data offsets (from the ROM base) chosen after the 6 instructions below.
  const FIRMWARE_ENTRY = 24, FDT_ADDRESS = 32, FW_DYNAMIC_INFO = 40;
  const code = [
    uType(Op.AUIPC, Reg.T0, 0), // t0 = ROM base
    iType(Op.ADDI, Reg.A2, Reg.T0, FW_DYNAMIC_INFO), // a2 = &fw_dynamic_info
    iType(Op.CSRRS, Reg.A0, 0, CSR_MHARTID), // a0 = mhartid
    iType(Op.LD, Reg.A1, Reg.T0, FDT_ADDRESS), // a1 = device tree
    iType(Op.LD, Reg.T0, Reg.T0, FIRMWARE_ENTRY), // t0 = firmware entry
    iType(Op.JALR, 0, Reg.T0, 0), // jump
  ];
  const rom = new Uint8Array(FW_DYNAMIC_INFO + 6 * 8);
  const view = new DataView(rom.buffer);
  code.forEach((word, i) => view.setUint32(i * 4, word, true));
  view.setBigUint64(FIRMWARE_ENTRY, layout.firmwareEntry, true);
  view.setBigUint64(FDT_ADDRESS, layout.fdtAddress, true);
  // struct fw_dynamic_info { magic, version, next_addr, next_mode, options, boot_hart } (all 64-bit)
  const info = [FW_DYNAMIC_MAGIC, FW_DYNAMIC_VERSION, layout.nextAddress, BigInt(layout.nextMode), 0n, BigInt(layout.bootHart)];
  info.forEach((v, i) => view.setBigUint64(FW_DYNAMIC_INFO + i * 8, v, true));
  return rom;
}
