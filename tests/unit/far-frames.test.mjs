// Guest memory behind the largest RAM: with 2 GiB of RAM filling the interpreter's int32 reach,
// the boot ROM and any spare frame sit at host offsets of 2^31 and more. A hart must fetch and
// load from such a ROM, and store to and load from a RAM page moved onto such a frame, again and
// again (the second store to a page is where a fast entry would be used), under every policy.
import test from 'node:test';
import assert from 'node:assert/strict';
import { Bus } from '../../dist/bus/bus.js';
import { FAST_HOST_LIMIT, GuestMemory, PAGE_SIZE } from '../../dist/bus/guest-memory.js';
import { Hart } from '../../dist/cpu/hart.js';
import { MAX_RAM } from '../../dist/machine/machine-options.js';

const RAM_BASE = 0x80000000;
const ROM_BASE = 0x1000;
const MOVED_PAGE = RAM_BASE + 0x10000;
const VALUE = 0x1122334455667788n;
const [T0, T1, T5, T6, A0, A1, A2] = [5, 6, 30, 31, 10, 11, 12];

const iType = (op, f3, rd, rs1, imm) => (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const sType = (f3, rs1, rs2, imm) => ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | 0x23) >>> 0;
const PROGRAM = [
  iType(0x13, 0, T0, 0, 1), // addi t0, zero, 1
  iType(0x13, 1, T0, T0, 31), // slli t0, t0, 31
  (0x10 << 12) | (T1 << 7) | 0x37, // lui t1, 0x10
  (T1 << 20) | (T0 << 15) | (T0 << 7) | 0x33, // add t0, t0, t1: the moved page
  (T5 << 7) | 0x17, // auipc t5, 0 (ROM_BASE + 0x10)
  iType(0x03, 3, T6, T5, 0x70), // ld t6, 0x70(t5): VALUE, from the ROM
  sType(3, T0, T6, 0), // sd t6, 0(t0)
  sType(3, T0, T6, 8), // sd t6, 8(t0)
  sType(2, T0, T6, 16), // sw t6, 16(t0)
  sType(0, T0, T6, 24), // sb t6, 24(t0)
  iType(0x03, 3, A0, T0, 8), // ld a0, 8(t0)
  iType(0x03, 2, A1, T0, 16), // lw a1, 16(t0)
  iType(0x03, 4, A2, T0, 24), // lbu a2, 24(t0)
  0x6f, // j . (spin)
];

test('RAM fills the fast reach; a ROM and a spare frame beyond it work for fetches, loads and stores', () => {
  assert.equal(MAX_RAM, FAST_HOST_LIMIT);
  const memory = new GuestMemory([
    { name: 'ram', base: BigInt(RAM_BASE), size: MAX_RAM, writable: true },
    { name: 'rom', base: BigInt(ROM_BASE), size: PAGE_SIZE, writable: false },
  ], 1);
  const rom = new Uint8Array(0x100);
  const view = new DataView(rom.buffer);
  PROGRAM.forEach((word, i) => view.setUint32(4 * i, word, true));
  view.setBigUint64(0x80, VALUE, true);
  memory.load(BigInt(ROM_BASE), rom);
  const ram = memory.regions[0];
  memory.frames[memory.pageIndex(ram, MOVED_PAGE)] = memory.firstSpareFrame;
  const moved = memory.hostOffset(ram, MOVED_PAGE);
  assert.ok(memory.hostOffset(memory.regions[1], ROM_BASE) >= FAST_HOST_LIMIT && moved >= FAST_HOST_LIMIT);

  for (const policy of [0, 1, 2]) {
    memory.bytes.fill(0, moved, moved + PAGE_SIZE);
    const hart = new Hart(new Bus(memory), { mtime: () => 0, interruptLines: () => 0, watchedWrite: () => false }, { hartId: 0, policy });
    hart.reset(BigInt(ROM_BASE));
    hart.execute(40);
    assert.equal(hart.trapsTaken, 0, `policy ${policy}: no trap`);
    const x = hart.state.x64;
    assert.equal(x[T6], VALUE, `policy ${policy}: ld from the ROM`);
    assert.equal(memory.i64[moved / 8], VALUE, `policy ${policy}: first sd`);
    assert.equal(memory.i64[moved / 8 + 1], VALUE, `policy ${policy}: second sd`);
    assert.equal(x[A0], VALUE, `policy ${policy}: ld`);
    assert.equal(x[A1], 0x55667788n, `policy ${policy}: sw, lw`);
    assert.equal(x[A2], 0x88n, `policy ${policy}: sb, lbu`);
  }
  // the page's own frame was left alone
  const own = memory.pageIndex(ram, MOVED_PAGE) * PAGE_SIZE;
  assert.ok(memory.bytes.subarray(own, own + PAGE_SIZE).every((b) => b === 0));
});
