// The CSR table's access rules and names, on a hart reduced to what the CSRs ask of it. The
// guest programs check the CSRs' values against QEMU; this checks who may reach them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Csrs } from '../../dist/cpu/csr.js';
import { CSR_BY_NUMBER, CSR_TABLE, csrAccessible, csrName } from '../../dist/cpu/csr-table.js';
import { HartState } from '../../dist/cpu/state.js';
import { Pmp } from '../../dist/mmu/pmp.js';

const U = 0, S = 1, M = 3;
const MSTATUS = 0x300, MCOUNTEREN = 0x306, SCOUNTEREN = 0x106, MENVCFG = 0x30a, MIP = 0x344;
const FS_INITIAL = 1n << 13n, TVM = 1n << 20n, SEIP = 1 << 9;

function csrsOf({ sstc = false, lines = 0 } = {}) {
  const hart = {
    hartId: 0, priv: M, state: new HartState(), pmp: new Pmp(),
    host: { mtime: () => 0, interruptLines: () => lines, watchedWrite: () => false },
    interruptLines: () => lines,
    markFpDirty() {},
    retiredBeforeCurrent: () => 0,
    translationContextChanged() {},
    physicalProtectionChanged() {},
  };
  return new Csrs(hart, sstc);
}

const write = (csrs, number, value) => CSR_BY_NUMBER[number].write(csrs, value);
const may = (csrs, number, priv, writes = false) => csrAccessible(CSR_BY_NUMBER[number], csrs, priv, writes);

test('each CSR is declared once, under its name; debug-mode CSRs are named but do not exist', () => {
  assert.equal(new Set(CSR_TABLE.map((r) => r.number)).size, CSR_TABLE.length);
  assert.equal(new Set(CSR_TABLE.map((r) => r.name)).size, CSR_TABLE.length);
  assert.equal(csrName(0x300), 'mstatus');
  assert.equal(csrName(0x180), 'satp');
  assert.equal(csrName(0x3a2), 'pmpcfg2');
  assert.equal(csrName(0x3a1), undefined); // odd pmpcfg registers are RV32-only
  assert.equal(CSR_BY_NUMBER[0x3a1], undefined);
  assert.equal(csrName(0x7b0), 'dcsr');
  assert.equal(CSR_BY_NUMBER[0x7b0], undefined);
});

test('the number fixes the lowest privilege and read-only CSRs', () => {
  const csrs = csrsOf();
  assert.equal(may(csrs, MSTATUS, S), false);
  assert.equal(may(csrs, MSTATUS, M, true), true);
  assert.equal(may(csrs, 0x100, S, true), true); // sstatus
  assert.equal(may(csrs, 0x100, U), false);
  assert.equal(may(csrs, 0xf14, M), true); // mhartid
  assert.equal(may(csrs, 0xf14, M, true), false);
});

test('floating-point CSRs need mstatus.FS on', () => {
  const csrs = csrsOf();
  assert.equal(may(csrs, 0x003, M), false);
  write(csrs, MSTATUS, FS_INITIAL);
  assert.equal(may(csrs, 0x003, U, true), true);
});

test('satp is illegal in S-mode under mstatus.TVM, not in M-mode', () => {
  const csrs = csrsOf();
  assert.equal(may(csrs, 0x180, S), true);
  write(csrs, MSTATUS, TVM);
  assert.equal(may(csrs, 0x180, S), false);
  assert.equal(may(csrs, 0x180, M, true), true);
});

test('a user counter below M-mode needs its mcounteren bit, and in U-mode its scounteren bit too', () => {
  const csrs = csrsOf();
  const TIME = 0xc01;
  assert.equal(may(csrs, TIME, M), true);
  assert.equal(may(csrs, TIME, S), false);
  write(csrs, MCOUNTEREN, 2n);
  assert.equal(may(csrs, TIME, S), true);
  assert.equal(may(csrs, 0xc00, S), false); // cycle: bit 0
  assert.equal(may(csrs, TIME, U), false);
  write(csrs, SCOUNTEREN, 2n);
  assert.equal(may(csrs, TIME, U), true);
});

test('stimecmp exists only with Sstc, and below M-mode needs menvcfg.STCE and mcounteren.TM', () => {
  const STIMECMP = 0x14d;
  assert.equal(may(csrsOf(), STIMECMP, M), false);
  const csrs = csrsOf({ sstc: true });
  assert.equal(may(csrs, STIMECMP, M, true), true);
  assert.equal(may(csrs, STIMECMP, S), false);
  write(csrs, MENVCFG, 1n << 63n);
  assert.equal(may(csrs, STIMECMP, S), false);
  write(csrs, MCOUNTEREN, 2n);
  assert.equal(may(csrs, STIMECMP, S, true), true);
});

test('csrrs and csrrc on mip modify the software-written SEIP, not the line a device drives', () => {
  const csrs = csrsOf({ lines: SEIP });
  const mip = CSR_BY_NUMBER[MIP];
  assert.equal(mip.read(csrs), BigInt(SEIP));
  assert.equal(mip.modifyBase(csrs), 0n);
  assert.equal(CSR_BY_NUMBER[MSTATUS].modifyBase, undefined);
});
