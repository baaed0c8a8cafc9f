// Test helper: runs riscv64-unknown-elf-objdump (installed by the project's setup) over raw
// instruction words and returns its text per instruction, so unit tests can compare hartvm's
// RVC expansion and disassembler against an independent decoder. Generated at test time; no
// objdump output is committed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const OBJDUMP = process.env.RISCV_OBJDUMP ?? 'riscv64-unknown-elf-objdump';

export function haveObjdump() {
  const r = spawnSync(OBJDUMP, ['--version'], { encoding: 'utf8' });
  return r.status === 0;
}

/**
 * Disassembles a raw little-endian buffer; returns a Map from byte offset to
 * { mnemonic, operands } (operands without `<sym>` annotations or `# value` comments).
 */
export function objdumpRaw(buf, { noAliases = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hartvm-objdump-'));
  try {
    const file = join(dir, 'code.bin');
    writeFileSync(file, buf);
    const args = ['-D', '-b', 'binary', '-m', 'riscv:rv64'];
    if (noAliases) args.push('-M', 'no-aliases');
    args.push(file);
    const out = execFileSync(OBJDUMP, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
    const result = new Map();
    for (const line of out.split('\n')) {
      const m = /^\s*([0-9a-f]+):\t[0-9a-f ]+\t([^\t]+)(?:\t(.*))?$/.exec(line);
      if (!m) continue;
      const operands = (m[3] ?? '').replace(/\s*<[^>]*>/g, '').replace(/\s*#.*$/, '').trim();
      result.set(parseInt(m[1], 16), { mnemonic: m[2].trim(), operands });
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Packs 16-bit values into a little-endian buffer. */
export function halvesToBuffer(halves) {
  const b = Buffer.alloc(halves.length * 2);
  halves.forEach((h, i) => b.writeUInt16LE(h & 0xffff, i * 2));
  return b;
}

/** Packs 32-bit values into a little-endian buffer. */
export function wordsToBuffer(words) {
  const b = Buffer.alloc(words.length * 4);
  words.forEach((w, i) => b.writeUInt32LE(w >>> 0, i * 4));
  return b;
}

const BRANCHES = new Set(['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu', 'jal', 'j', 'beqz', 'bnez',
  'blez', 'bgez', 'bltz', 'bgtz', 'bgt', 'ble', 'bgtu', 'bleu', 'c.j', 'c.jal', 'c.beqz', 'c.bnez']);

/** Rewrites an absolute branch/jump target (objdump prints pc+offset) as a pc-relative offset. */
export function relativeTarget(entry, pc) {
  if (!BRANCHES.has(entry.mnemonic)) return entry.operands;
  const parts = entry.operands.split(',');
  const last = parts[parts.length - 1];
  if (!/^(0x)?[0-9a-f]+$/.test(last)) return entry.operands;
  const rel = BigInt.asIntN(64, BigInt('0x' + last.replace(/^0x/, '')) - BigInt(pc));
  parts[parts.length - 1] = 'pc' + (rel < 0n ? '' : '+') + rel;
  return parts.join(',');
}

/**
 * Disassembles 32-bit words through an assembled object (`.insn 4, X`), so objdump honours the
 * object's ISA attributes (Zba/Zbb/Zbs are not decoded in raw binary mode). Returns a Map from
 * byte offset (index * 4) to { mnemonic, operands }.
 */
export function objdumpWordsElf(words, { noAliases = false, march = 'rv64gc_zba_zbb_zbs' } = {}) {
  const as = OBJDUMP.replace(/objdump$/, 'as');
  const dir = mkdtempSync(join(tmpdir(), 'hartvm-objdump-'));
  try {
    const src = join(dir, 'code.s'), obj = join(dir, 'code.o');
    writeFileSync(src, '.text\n' + words.map((w) => `.insn 4, 0x${(w >>> 0).toString(16)}\n`).join(''));
    execFileSync(as, [`-march=${march}`, '-o', obj, src]);
    const args = ['-d'];
    if (noAliases) args.push('-M', 'no-aliases');
    args.push(obj);
    const out = execFileSync(OBJDUMP, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
    const result = new Map();
    for (const line of out.split('\n')) {
      const m = /^\s*([0-9a-f]+):\t[0-9a-f ]+\t([^\t]+)(?:\t(.*))?$/.exec(line);
      if (!m) continue;
      const operands = (m[3] ?? '').replace(/\s*<[^>]*>/g, '').replace(/\s*#.*$/, '').trim();
      result.set(parseInt(m[1], 16), { mnemonic: m[2].trim(), operands });
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
