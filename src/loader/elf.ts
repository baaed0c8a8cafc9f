// ELF64 loader for RISC-V programs: validates the file, returns its PT_LOAD segments, entry point
// and symbol table. Pure (no Node APIs): works on a Uint8Array through a DataView. Every problem
// is reported as an ElfError with a one-line message meant for the user.

export class ElfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ElfError';
  }
}

export interface ElfSegment {
  /** physical load address (p_paddr) */
  paddr: bigint;
  /** virtual address (p_vaddr) */
  vaddr: bigint;
  /** the segment's bytes from the file (p_filesz of them) */
  data: Uint8Array;
  /** size in memory (p_memsz); bytes past data.length are zero */
  memSize: bigint;
}

export interface ElfImage {
  entry: bigint;
  segments: ElfSegment[];
  /** symbol name → value, from .symtab (empty if the file has none) */
  symbols: Map<string, bigint>;
}

const EHDR_SIZE = 64;
const PHDR_SIZE = 56;
const SHDR_SIZE = 64;
const SYM_SIZE = 24;
const EM_RISCV = 243;
const ET_EXEC = 2, ET_DYN = 3;
const PT_LOAD = 1;
const SHT_SYMTAB = 2;

const MACHINES: Record<number, string> = {
  2: 'SPARC', 3: 'x86 (i386)', 8: 'MIPS', 20: 'PowerPC', 21: 'PowerPC64', 22: 'S/390',
  40: 'ARM', 42: 'SuperH', 50: 'IA-64', 62: 'x86-64', 183: 'AArch64', 243: 'RISC-V', 258: 'LoongArch',
};

const TYPES: Record<number, string> = { 0: 'no file type', 1: 'a relocatable object file (.o)', 4: 'a core dump' };

function hex(n: bigint | number): string {
  return `0x${n.toString(16)}`;
}

/** Parses and validates an RV64 ELF executable. Throws ElfError. */
export function parseElf(bytes: Uint8Array): ElfImage {
  const size = bytes.length;
  if (size < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError(size < 4 ? `not an ELF file (only ${size} bytes)` : 'not an ELF file (bad magic number)');
  }
  if (size < 16) throw new ElfError(`truncated ELF file (${size} bytes, header needs ${EHDR_SIZE})`);
  const cls = bytes[4], data = bytes[5];
  if (cls === 1) throw new ElfError('32-bit ELF, hartvm runs RV64 programs');
  if (cls !== 2) throw new ElfError(`unsupported ELF class ${cls} (expected 64-bit)`);
  if (data === 2) throw new ElfError('big-endian ELF, hartvm runs little-endian RISC-V programs');
  if (data !== 1) throw new ElfError(`unsupported ELF data encoding ${data} (expected little-endian)`);
  if (size < EHDR_SIZE) throw new ElfError(`truncated ELF file (${size} bytes, header needs ${EHDR_SIZE})`);

  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = dv.getUint16(16, true);
  const machine = dv.getUint16(18, true);
  if (machine !== EM_RISCV) {
    const name = MACHINES[machine];
    throw new ElfError(name ? `ELF file is for ${name}, not RISC-V` : `ELF file is for machine ${machine}, not RISC-V (${EM_RISCV})`);
  }
  if (type !== ET_EXEC && type !== ET_DYN) {
    throw new ElfError(`ELF file is not an executable (it is ${TYPES[type] ?? `type ${type}`})`);
  }
  const entry = dv.getBigUint64(24, true);
  const phoff = dv.getBigUint64(32, true);
  const shoff = dv.getBigUint64(40, true);
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  const shentsize = dv.getUint16(58, true);
  const shnum = dv.getUint16(60, true);

  // Program headers.
  if (phnum === 0) throw new ElfError('ELF file has no program headers (nothing to load)');
  if (phentsize < PHDR_SIZE) throw new ElfError(`ELF program header size ${phentsize} is too small (expected ${PHDR_SIZE})`);
  const phEnd = phoff + BigInt(phnum) * BigInt(phentsize);
  if (phEnd > BigInt(size)) {
    throw new ElfError(`ELF program headers (${hex(phoff)}..${hex(phEnd)}) extend past the end of the file (${size} bytes); truncated?`);
  }
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = Number(phoff) + i * phentsize;
    if (dv.getUint32(o, true) !== PT_LOAD) continue;
    const offset = dv.getBigUint64(o + 8, true);
    const vaddr = dv.getBigUint64(o + 16, true);
    const paddr = dv.getBigUint64(o + 24, true);
    const filesz = dv.getBigUint64(o + 32, true);
    const memsz = dv.getBigUint64(o + 40, true);
    if (filesz > memsz) {
      throw new ElfError(`ELF segment ${i} at ${hex(paddr)} has file size ${filesz} larger than its memory size ${memsz}`);
    }
    if (offset + filesz > BigInt(size)) {
      throw new ElfError(`ELF segment ${i} at ${hex(paddr)} (file bytes ${hex(offset)}..${hex(offset + filesz)}) extends past the end of the file (${size} bytes); truncated?`);
    }
    if (paddr + memsz > 1n << 64n) {
      throw new ElfError(`ELF segment ${i} at ${hex(paddr)} (${memsz} bytes) wraps around the address space`);
    }
    const start = Number(offset);
    segments.push({ paddr, vaddr, data: bytes.subarray(start, start + Number(filesz)), memSize: memsz });
  }
  if (segments.length === 0) throw new ElfError('ELF file has no loadable (PT_LOAD) segments');

  return { entry, segments, symbols: readSymbols(bytes, dv, shoff, shentsize, shnum) };
}

/**
 * Reads .symtab and its string table; returns an empty map if there is none. A section header
 * table or symbol table that runs past the end of the file is an ElfError: the file was cut
 * short, and a program whose `tohost` is lost that way would run without ever ending.
 */
function readSymbols(bytes: Uint8Array, dv: DataView, shoff: bigint, shentsize: number, shnum: number): Map<string, bigint> {
  const symbols = new Map<string, bigint>();
  const size = BigInt(bytes.length);
  if (shoff === 0n || shnum === 0) return symbols;
  if (shentsize < SHDR_SIZE) throw new ElfError(`ELF section header size ${shentsize} is too small (expected ${SHDR_SIZE})`);
  const shEnd = shoff + BigInt(shnum) * BigInt(shentsize);
  if (shEnd > size) {
    throw new ElfError(`ELF section headers (${hex(shoff)}..${hex(shEnd)}) extend past the end of the file (${size} bytes); truncated?`);
  }
  const section = (i: number) => {
    const o = Number(shoff) + i * shentsize;
    return {
      type: dv.getUint32(o + 4, true),
      offset: dv.getBigUint64(o + 24, true),
      size: dv.getBigUint64(o + 32, true),
      link: dv.getUint32(o + 40, true),
      entsize: dv.getBigUint64(o + 56, true),
    };
  };
  const decoder = new TextDecoder();
  for (let i = 0; i < shnum; i++) {
    const sym = section(i);
    if (sym.type !== SHT_SYMTAB || sym.link >= shnum) continue;
    const str = section(sym.link);
    for (const [what, t] of [['symbol table', sym], ['symbol string table', str]] as const) {
      if (t.offset + t.size > size) {
        throw new ElfError(`ELF ${what} (${hex(t.offset)}..${hex(t.offset + t.size)}) extends past the end of the file (${size} bytes); truncated?`);
      }
    }
    const entsize = sym.entsize >= BigInt(SYM_SIZE) ? Number(sym.entsize) : SYM_SIZE;
    const count = Math.floor(Number(sym.size) / entsize);
    const strStart = Number(str.offset), strEnd = strStart + Number(str.size);
    for (let k = 1; k < count; k++) { // entry 0 is the null symbol
      const o = Number(sym.offset) + k * entsize;
      const nameOff = dv.getUint32(o, true);
      const info = bytes[o + 4];
      const shndx = dv.getUint16(o + 6, true);
      const symType = info & 15;
      if (nameOff === 0 || shndx === 0 || symType === 4 /* STT_FILE */ || symType === 3 /* STT_SECTION */) continue;
      const nameStart = strStart + nameOff;
      if (nameStart >= strEnd) continue;
      let end = nameStart;
      while (end < strEnd && bytes[end] !== 0) end++;
      const name = decoder.decode(bytes.subarray(nameStart, end));
      const value = dv.getBigUint64(o + 8, true);
      // Global symbols win over local ones of the same name.
      if (!symbols.has(name) || (info >> 4) !== 0 /* not STB_LOCAL */) symbols.set(name, value);
    }
  }
  return symbols;
}

/**
 * Checks that every segment's memory range (paddr .. paddr+memSize) lies inside RAM or inside one
 * of the `extra` regions; throws ElfError naming the first one that does not.
 */
export function checkSegmentsFit(image: ElfImage, ramBase: bigint, ramSize: bigint, extra: { base: bigint; size: bigint }[] = []): void {
  const regions = [{ base: ramBase, size: ramSize }, ...extra];
  for (const s of image.segments) {
    if (s.memSize === 0n) continue;
    const end = s.paddr + s.memSize;
    const inside = regions.some((r) => s.paddr >= r.base && end <= r.base + r.size);
    if (!inside) {
      throw new ElfError(`segment at ${hex(s.paddr)} (${s.memSize} bytes) is outside RAM ${hex(ramBase)}-${hex(ramBase + ramSize - 1n)}`);
    }
  }
}
