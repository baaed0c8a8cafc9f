// The instruction table (src/cpu/isa/encodings.ts): rows that never claim the same word, one
// complete declaration per op id, a case in the interpreter's switch for each, and attributes that
// agree with the RISC-V encodings and mnemonics they describe.
import test from 'node:test';
import assert from 'node:assert/strict';
import { ENCODINGS, FIRST_INSTRUCTION_OP, instructionInfo, OP_COUNT, OP_INFO } from '../../dist/cpu/isa/encodings.js';
import { interpret } from '../../dist/cpu/interpreter.js';

const opcode = (e) => e.match & 0x7f;
const funct3 = (e) => (e.match >>> 12) & 7;
const funct7 = (e) => e.match >>> 25;
const FUNCT3_BITS = 0x7000;
/** bits of the register fields rd, rs1, rs2, rs3 */
const FIELD_BITS = [0x1f << 7, 0x1f << 15, 0x1f << 20, 0x1f << 27];
const fieldFixed = (e, i) => ((e.mask & FIELD_BITS[i]) >>> 0) === FIELD_BITS[i] >>> 0;

const OPCODE = {
  LOAD: 0x03, LOAD_FP: 0x07, MISC_MEM: 0x0f, OP_IMM: 0x13, AUIPC: 0x17, OP_IMM_32: 0x1b, STORE: 0x23, STORE_FP: 0x27,
  AMO: 0x2f, OP: 0x33, LUI: 0x37, OP_32: 0x3b, MADD: 0x43, MSUB: 0x47, NMSUB: 0x4b, NMADD: 0x4f, OP_FP: 0x53,
  BRANCH: 0x63, JALR: 0x67, JAL: 0x6f, SYSTEM: 0x73,
};
const ALU_OPCODES = new Set([OPCODE.OP_IMM, OPCODE.OP_IMM_32, OPCODE.OP, OPCODE.OP_32]);
const FP_OPCODES = new Set([OPCODE.LOAD_FP, OPCODE.STORE_FP, OPCODE.MADD, OPCODE.MSUB, OPCODE.NMSUB, OPCODE.NMADD, OPCODE.OP_FP]);

const FIELDS = [
  'op', 'name', 'format', 'mask', 'match', 'regs', 'extension', 'rd', 'rs1', 'rs2', 'rs3', 'writesRd', 'control', 'branch',
  'endsBlock', 'mayTrap', 'privileged', 'memory', 'alu', 'csr', 'fp', 'dirtiesFp', 'roundingMode',
];
const EXTENSIONS = ['I', 'M', 'A', 'F', 'D', 'Zicsr', 'Zifencei', 'Zba', 'Zbb', 'Zbs', 'priv'];
const CONTROL = ['sequential', 'branch', 'jump', 'indirect-jump', 'exception', 'trap-return', 'wait'];
const ALU_OPERATIONS = [
  'add', 'sub', 'sll', 'slt', 'sltu', 'xor', 'srl', 'sra', 'or', 'and', 'mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu',
  'andn', 'orn', 'xnor', 'clz', 'ctz', 'cpop', 'max', 'maxu', 'min', 'minu', 'sext.b', 'sext.h', 'zext.h', 'rol', 'ror', 'orc.b', 'rev8',
  'bclr', 'bext', 'binv', 'bset',
];

test('no 32-bit word matches two rows, and each row fixes a 32-bit major opcode (the decoder indexes rows by it)', () => {
  for (let i = 0; i < ENCODINGS.length; i++) {
    const a = ENCODINGS[i];
    assert.equal(a.mask & 0x7f, 0x7f, `${a.name}: opcode bits fixed`);
    assert.equal(a.match & 3, 3, `${a.name}: a 32-bit encoding`);
    assert.equal((a.match & ~a.mask) >>> 0, 0, `${a.name}: match within mask`);
    for (let j = i + 1; j < ENCODINGS.length; j++) {
      const b = ENCODINGS[j];
      // A word matching both exists iff the rows agree on every bit both of them fix.
      assert.notEqual((a.mask & b.mask & (a.match ^ b.match)) >>> 0, 0, `${a.name} and ${b.name} both match 0x${((a.match | b.match) >>> 0).toString(16)}`);
    }
  }
});

test('each op id from the first instruction on has exactly one row, declared completely', () => {
  assert.equal(OP_INFO.length, OP_COUNT);
  const rows = new Array(OP_COUNT).fill(0);
  for (const e of ENCODINGS) {
    assert.ok(e.op >= FIRST_INSTRUCTION_OP && e.op < OP_COUNT, `${e.name}: op id ${e.op} in range`);
    rows[e.op]++;
  }
  for (let op = 0; op < FIRST_INSTRUCTION_OP; op++) {
    assert.equal(OP_INFO[op], undefined, `pseudo op ${op} has no row`);
    assert.throws(() => instructionInfo(op));
  }
  for (let op = FIRST_INSTRUCTION_OP; op < OP_COUNT; op++) {
    assert.equal(rows[op], 1, `op id ${op}: ${rows[op]} rows`);
    assert.equal(OP_INFO[op].op, op);
    assert.equal(instructionInfo(op), OP_INFO[op]);
  }
  assert.equal(new Set(ENCODINGS.map((e) => e.name)).size, ENCODINGS.length, 'mnemonics are unique');
  for (const e of ENCODINGS) {
    assert.deepEqual(Object.keys(e).sort(), [...FIELDS].sort(), `${e.name}: fields`);
    for (const f of FIELDS) assert.notEqual(e[f], undefined, `${e.name}.${f}`);
    assert.match(e.regs, /^[xf-]{4}$/, `${e.name}: register classes`);
    assert.deepEqual([e.rd, e.rs1, e.rs2, e.rs3], [...e.regs], `${e.name}: rd..rs3 spell regs`);
    assert.ok(EXTENSIONS.includes(e.extension), `${e.name}: extension ${e.extension}`);
    assert.ok(CONTROL.includes(e.control), `${e.name}: control ${e.control}`);
    assert.ok(['none', 'rounds', 'exact'].includes(e.roundingMode), `${e.name}: rounding mode field`);
    for (const f of ['writesRd', 'endsBlock', 'mayTrap', 'privileged', 'fp', 'dirtiesFp']) assert.equal(typeof e[f], 'boolean', `${e.name}.${f}`);
    if (e.memory !== null) assert.deepEqual(Object.keys(e.memory).sort(), ['amo', 'fp', 'kind', 'signed', 'size'], `${e.name}.memory`);
    if (e.alu !== null) {
      assert.deepEqual(Object.keys(e.alu).sort(), ['operand2', 'operation', 'rs1Shift', 'rs1ZeroExtended', 'word'], `${e.name}.alu`);
      assert.ok(ALU_OPERATIONS.includes(e.alu.operation), `${e.name}: operation ${e.alu.operation}`);
    }
    if (e.csr !== null) assert.deepEqual(Object.keys(e.csr).sort(), ['immediate', 'operation'], `${e.name}.csr`);
  }
});

test("the interpreter's switch has an integer-literal case for every instruction, named as its row", () => {
  const source = interpret.toString();
  assert.doesNotMatch(source, /case Op\./, 'Op is inlined (a const enum)');
  const cases = new Map();
  for (const [, id, member] of source.matchAll(/case (\d+) \/\* Op\.(\w+) \*\//g)) {
    assert.ok(!cases.has(Number(id)), `one case for op ${member}`);
    cases.set(Number(id), member);
  }
  for (let op = FIRST_INSTRUCTION_OP; op < OP_COUNT; op++) {
    const e = OP_INFO[op];
    assert.ok(cases.has(op), `no case for ${e.name} (op id ${op})`);
    // Op.FCVT_W_S is fcvt.w.s: the enum member and the row's mnemonic name one instruction.
    assert.equal(cases.get(op).toLowerCase().replace(/_/g, '.'), e.name, `op id ${op}`);
  }
  for (const op of cases.keys()) assert.ok(op >= FIRST_INSTRUCTION_OP && op < OP_COUNT, `case ${cases.get(op)} is an instruction`);
});

test('branches and jumps: the control flow and comparison their encodings name', () => {
  const BRANCH_CONDITIONS = ['eq', 'ne', undefined, undefined, 'lt', 'ge', 'ltu', 'geu'];
  const branchFormat = ENCODINGS.find((e) => opcode(e) === OPCODE.BRANCH).format;
  for (const e of ENCODINGS) {
    const isBranch = opcode(e) === OPCODE.BRANCH;
    assert.equal(e.format === branchFormat, isBranch, `${e.name}: format B iff a branch`);
    assert.equal(e.control === 'branch', isBranch, `${e.name}: control`);
    assert.equal(e.branch !== null, isBranch, `${e.name}: branch condition`);
    if (isBranch) {
      assert.equal(e.branch, BRANCH_CONDITIONS[funct3(e)], `${e.name}: condition of funct3 ${funct3(e)}`);
      assert.equal(e.name, `b${e.branch}`);
    }
    assert.equal(e.control === 'jump', opcode(e) === OPCODE.JAL, `${e.name}: jal`);
    assert.equal(e.control === 'indirect-jump', opcode(e) === OPCODE.JALR, `${e.name}: jalr`);
    if (e.control === 'jump' || e.control === 'indirect-jump') assert.ok(e.writesRd, `${e.name}: links`);
  }
});

test('memory accesses: kind, size, sign, register file and AMO operation match the encoding', () => {
  // AmoOp's values (src/mmu/mmu.ts) by funct5
  const AMO_OF_FUNCT5 = { 0b00001: 0, 0b00000: 1, 0b00100: 2, 0b01100: 3, 0b01000: 4, 0b10000: 5, 0b10100: 6, 0b11000: 7, 0b11100: 8 };
  const AMO_NAMES = ['swap', 'add', 'xor', 'and', 'or', 'min', 'max', 'minu', 'maxu'];
  for (const e of ENCODINGS) {
    const m = e.memory, oc = opcode(e), f3 = funct3(e);
    const accesses = [OPCODE.LOAD, OPCODE.LOAD_FP, OPCODE.STORE, OPCODE.STORE_FP, OPCODE.AMO].includes(oc);
    assert.equal(m !== null, accesses, `${e.name}: accesses memory`);
    if (m === null) continue;
    assert.ok(e.mayTrap, `${e.name}: may fault`);
    assert.equal(m.fp, oc === OPCODE.LOAD_FP || oc === OPCODE.STORE_FP, `${e.name}: FP data register`);
    assert.equal(m.fp ? e.regs[m.kind === 'store' ? 2 : 0] : 'f', 'f', `${e.name}: FP data register class`);
    if (oc === OPCODE.AMO) {
      const funct5 = e.match >>> 27;
      const kind = funct5 === 0b00010 ? 'lr' : funct5 === 0b00011 ? 'sc' : 'amo';
      assert.equal(m.kind, kind, `${e.name}: kind`);
      assert.equal(m.size, { 2: 4, 3: 8 }[f3], `${e.name}: size of funct3 ${f3}`);
      assert.equal(m.signed, kind !== 'sc', `${e.name}: sign-extends`);
      assert.equal(m.amo, kind === 'amo' ? AMO_OF_FUNCT5[funct5] : null, `${e.name}: AMO operation`);
      if (kind === 'amo') assert.equal(e.name, `amo${AMO_NAMES[m.amo]}.${m.size === 4 ? 'w' : 'd'}`);
      assert.ok(e.writesRd, `${e.name}: writes rd`);
    } else {
      const isLoad = oc === OPCODE.LOAD || oc === OPCODE.LOAD_FP;
      assert.equal(m.kind, isLoad ? 'load' : 'store', `${e.name}: kind`);
      assert.equal(m.size, 1 << (f3 & 3), `${e.name}: size of funct3 ${f3}`);
      assert.equal(m.signed, isLoad && !m.fp && (f3 & 4) === 0, `${e.name}: sign-extends`);
      assert.equal(m.amo, null);
      assert.equal(e.writesRd, isLoad, `${e.name}: writes rd`);
    }
  }
});

/** The operation a mnemonic names: its W, immediate and .uw decorations taken off. */
function operationOfMnemonic(e) {
  let n = e.name;
  if (n === 'sltiu') return 'sltu';
  if (/^sh[123]add/.test(n)) return 'add';
  n = n.replace(/\.uw$/, '');
  if (e.alu.word) n = n.replace(/w$/, '');
  if (e.alu.operand2 === 'imm') n = n.replace(/i$/, '');
  return n;
}

test('integer ALU semantics match the encoding and the mnemonic', () => {
  const OP_FUNCT3 = { 0: ['add', 'sll', 'slt', 'sltu', 'xor', 'srl', 'or', 'and'], 1: ['mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu'] };
  for (const e of ENCODINGS) {
    const oc = opcode(e);
    assert.equal(e.alu !== null, ALU_OPCODES.has(oc), `${e.name}: ALU semantics iff an OP/OP-IMM(-32) instruction`);
    if (e.alu === null) continue;
    const { operation, operand2, word, rs1ZeroExtended, rs1Shift } = e.alu;
    assert.ok(!e.mayTrap && !e.endsBlock && e.writesRd && e.memory === null, `${e.name}: writes rd, never traps, falls through`);
    assert.equal(operation, operationOfMnemonic(e), e.name);
    // unary ops encode their operation in the rs2 field; immediates sit there in OP-IMM
    const expected2 = fieldFixed(e, 2) ? 'none' : oc === OPCODE.OP || oc === OPCODE.OP_32 ? 'rs2' : 'imm';
    assert.equal(operand2, expected2, `${e.name}: operand 2`);
    assert.equal(e.rs2 === 'x', operand2 === 'rs2', `${e.name}: rs2 register`);
    assert.equal(word, e.name.endsWith('w') && !e.name.endsWith('.uw'), `${e.name}: word form`);
    if (word) assert.ok(oc === OPCODE.OP_32 || oc === OPCODE.OP_IMM_32, `${e.name}: a 32-bit opcode`);
    assert.equal(rs1ZeroExtended, e.name.endsWith('.uw'), `${e.name}: .uw`);
    assert.equal(rs1Shift, Number(/^sh([123])add/.exec(e.name)?.[1] ?? 0), `${e.name}: shNadd`);
    if (e.extension === 'I' || e.extension === 'M') {
      const f7 = oc === OPCODE.OP || oc === OPCODE.OP_32 ? funct7(e) : 0;
      const f3 = funct3(e);
      const arithmetic = (e.match >>> 30) & 1; // sub, sra, srai, sraw, ...
      const base = f7 === 1 ? OP_FUNCT3[1][f3] : arithmetic ? { 0: 'sub', 5: 'sra' }[f3] : OP_FUNCT3[0][f3];
      assert.equal(operation, base, `${e.name}: operation of funct3 ${f3}`);
    }
  }
});

test('CSR, system and fence instructions', () => {
  for (const e of ENCODINGS) {
    const oc = opcode(e), f3 = funct3(e);
    const isCsr = oc === OPCODE.SYSTEM && f3 !== 0;
    assert.equal(e.csr !== null, isCsr, `${e.name}: CSR access`);
    assert.equal(e.extension === 'Zicsr', isCsr, `${e.name}: Zicsr`);
    if (isCsr) {
      assert.equal(e.csr.operation, ['rw', 'rs', 'rc'][(f3 & 3) - 1], `${e.name}: operation of funct3 ${f3}`);
      assert.equal(e.csr.immediate, (f3 & 4) !== 0, `${e.name}: immediate form`);
      assert.equal(e.name, `csrr${e.csr.operation[1]}${e.csr.immediate ? 'i' : ''}`);
      assert.equal(e.rs1, e.csr.immediate ? '-' : 'x', `${e.name}: rs1 is a register`);
      assert.ok(e.writesRd);
    }
    // mret, sret, wfi, sfence.vma: SYSTEM with funct3 0 and a non-zero funct7
    const privileged = oc === OPCODE.SYSTEM && f3 === 0 && funct7(e) !== 0;
    assert.equal(e.privileged, privileged, `${e.name}: privileged`);
    assert.equal(e.extension === 'priv', privileged, `${e.name}: privileged extension`);
    if (oc === OPCODE.SYSTEM && f3 === 0) assert.ok(!e.writesRd, `${e.name}: no rd`);
    if (oc === OPCODE.MISC_MEM) {
      assert.equal(e.extension, f3 === 1 ? 'Zifencei' : 'I', e.name);
      assert.equal(e.endsBlock, f3 === 1, `${e.name}: fence.i ends a block (the code may have changed), fence does not`);
      assert.ok(!e.writesRd && !e.mayTrap, `${e.name}: no rd, no trap`);
    }
  }
  assert.deepEqual(ENCODINGS.filter((e) => e.control === 'exception').map((e) => e.name).sort(), ['ebreak', 'ecall']);
  assert.deepEqual(ENCODINGS.filter((e) => e.control === 'trap-return').map((e) => e.name).sort(), ['mret', 'sret']);
  assert.deepEqual(ENCODINGS.filter((e) => e.control === 'wait').map((e) => e.name), ['wfi']);
});

test('FP instructions: extension, FS use, register classes, rounding-mode field', () => {
  const EXACT = new Set(['fcvt.d.s', 'fcvt.d.w', 'fcvt.d.wu']); // the result format holds every source value
  for (const e of ENCODINGS) {
    const isFp = FP_OPCODES.has(opcode(e));
    assert.equal(e.fp, isFp, `${e.name}: uses the FP unit`);
    assert.equal(e.extension === 'F' || e.extension === 'D', isFp, `${e.name}: F or D`);
    assert.equal(e.regs.includes('f'), isFp, `${e.name}: FP registers`);
    if (!isFp) {
      assert.equal(e.roundingMode, 'none', e.name);
      assert.ok(!e.dirtiesFp, e.name);
      continue;
    }
    assert.equal(e.extension, /\.d|^f[ls]d$/.test(e.name) ? 'D' : 'F', `${e.name}: extension`);
    assert.ok(e.mayTrap, `${e.name}: illegal while FS is off`);
    assert.equal(e.dirtiesFp, opcode(e) !== OPCODE.STORE_FP, `${e.name}: marks FS dirty`);
    const rmField = (e.mask & FUNCT3_BITS) === 0;
    assert.equal(e.roundingMode, !rmField ? 'none' : EXACT.has(e.name) ? 'exact' : 'rounds', `${e.name}: rounding mode field`);
  }
});

test('register classes: an operand the row has sits in a free field; block ends and traps', () => {
  for (const e of ENCODINGS) {
    for (let i = 0; i < 4; i++) if (e.regs[i] !== '-') assert.ok(!fieldFixed(e, i), `${e.name}: operand ${i} in a free field`);
    assert.equal(e.writesRd, e.rd !== '-', `${e.name}: writes rd`);
    const oc = opcode(e);
    const endsBlock = [OPCODE.BRANCH, OPCODE.JAL, OPCODE.JALR, OPCODE.SYSTEM].includes(oc) || (oc === OPCODE.MISC_MEM && funct3(e) === 1);
    assert.equal(e.endsBlock, endsBlock, `${e.name}: ends a block`);
    const mayTrap = e.memory !== null || FP_OPCODES.has(oc) || oc === OPCODE.SYSTEM;
    assert.equal(e.mayTrap, mayTrap, `${e.name}: may trap`);
  }
});
