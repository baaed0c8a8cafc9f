// expandCompressed against an independent oracle: for every 16-bit value outside quadrant 3,
// objdump's reading of the compressed instruction must equal objdump's reading of hartvm's
// 32-bit expansion (and reserved/illegal encodings must expand to 0).
import test from 'node:test';
import assert from 'node:assert/strict';
import { expandCompressed } from '../../dist/cpu/isa/compressed.js';
import { lookupEncoding } from '../../dist/cpu/isa/encodings.js';
import { haveObjdump, objdumpRaw, halvesToBuffer, wordsToBuffer, relativeTarget } from './objdump-oracle.mjs';

const ALL = [];
for (let h = 0; h < 0x10000; h++) if ((h & 3) !== 3) ALL.push(h);

// Where the spec and objdump 2.40 disagree, the spec wins.
const SPEC_OVERRIDES = new Map([
  // c.addi16sp with nzimm = 0 is reserved (objdump prints it as addi sp,sp,0).
  [0x6101, 0],
]);

/**
 * HINTs and forms that objdump keeps in c.* spelling even with aliases on: the no-aliases
 * compressed text rewritten as the no-aliases 32-bit text it stands for.
 */
function cTo32(entry) {
  const m = entry.mnemonic, ops = entry.operands.split(',');
  switch (m) {
    case 'c.addi': return `addi ${ops[0]},${ops[0]},${ops[1]}`;
    case 'c.li': return `addi ${ops[0]},zero,${ops[1]}`;
    case 'c.lui': return `lui ${ops[0]},${ops[1]}`;
    case 'c.slli': return `slli ${ops[0]},${ops[0]},${ops[1]}`;
    case 'c.slli64': return `slli ${ops[0]},${ops[0]},0x0`;
    case 'c.srli64': return `srli ${ops[0]},${ops[0]},0x0`;
    case 'c.srai64': return `srai ${ops[0]},${ops[0]},0x0`;
    case 'c.mv': return `add ${ops[0]},zero,${ops[1]}`;
    case 'c.add': return `add ${ops[0]},${ops[0]},${ops[1]}`;
    default: return null;
  }
}

const text = (e, pc) => `${e.mnemonic} ${relativeTarget(e, pc)}`.trim();
const isIllegalText = (e) => e.mnemonic === '.2byte' || e.mnemonic === 'unimp' || e.mnemonic === 'c.unimp';

test('expandCompressed: all-zero and quadrant 3 are not instructions', () => {
  assert.equal(expandCompressed(0), 0);
  assert.equal(expandCompressed(0x0003), 0);
  assert.equal(expandCompressed(0xffff), 0);
});

test('expandCompressed: hand-checked examples', () => {
  assert.equal(expandCompressed(0x0001), 0x00000013); // c.nop → addi x0,x0,0
  assert.equal(expandCompressed(0x8082), 0x00008067); // c.jr ra → jalr x0,0(ra)
  assert.equal(expandCompressed(0x9002), 0x00100073); // c.ebreak
  assert.equal(expandCompressed(0x1141), 0xff010113); // c.addi sp,-16 → addi sp,sp,-16
  assert.equal(expandCompressed(0xe406), 0x00113423); // c.sdsp ra,8(sp) → sd ra,8(sp)
  assert.equal(expandCompressed(0x60a2), 0x00813083); // c.ldsp ra,8(sp) → ld ra,8(sp)
  assert.equal(expandCompressed(0x4501), 0x00000513); // c.li a0,0
  // reserved encodings
  assert.equal(expandCompressed(0x4002), 0); // c.lwsp x0
  assert.equal(expandCompressed(0x6002), 0); // c.ldsp x0
  assert.equal(expandCompressed(0x8002), 0); // c.jr x0
  assert.equal(expandCompressed(0x2001), 0); // c.addiw x0
  assert.equal(expandCompressed(0x6101), 0); // c.addi16sp 0
  assert.equal(expandCompressed(0x6081), 0); // c.lui ra,0
  assert.equal(expandCompressed(0x9c41), 0); // reserved CA (funct2=10, bit12=1)
  assert.equal(expandCompressed(0x8000), 0); // quadrant 0 funct3=100
  assert.equal(expandCompressed(0x0010), 0); // c.addi4spn nzuimm=0
});

test('expandCompressed: every non-zero expansion is a 32-bit instruction hartvm decodes', () => {
  for (const h of ALL) {
    const e = expandCompressed(h);
    if (e === 0) continue;
    assert.equal(e & 3, 3, `0x${h.toString(16)}`);
    assert.ok(e >= 0 && e <= 0xffffffff, 'unsigned result');
    assert.ok(lookupEncoding(e), `expansion of 0x${h.toString(16)} (0x${e.toString(16)}) not in ENCODINGS`);
  }
});

test('expandCompressed matches objdump for all 49152 compressed encodings', { skip: !haveObjdump() && 'objdump not installed' }, () => {
  const exps = ALL.map((h) => expandCompressed(h));
  const words = exps.filter((e) => e !== 0);
  const halfAlias = objdumpRaw(halvesToBuffer(ALL));
  const halfRaw = objdumpRaw(halvesToBuffer(ALL), { noAliases: true });
  const wordAlias = objdumpRaw(wordsToBuffer(words));
  const wordRaw = objdumpRaw(wordsToBuffer(words), { noAliases: true });
  const failures = [];
  let j = 0, checked = 0, legal = 0;
  for (let i = 0; i < ALL.length; i++) {
    const h = ALL[i], e = exps[i];
    const ha = halfAlias.get(i * 2), hr = halfRaw.get(i * 2);
    assert.ok(ha && hr, `objdump gave no line for 0x${h.toString(16)}`);
    const hex = `0x${h.toString(16).padStart(4, '0')}`;
    if (SPEC_OVERRIDES.has(h)) {
      if (e !== SPEC_OVERRIDES.get(h)) failures.push(`${hex}: spec says ${SPEC_OVERRIDES.get(h)}, got 0x${e.toString(16)}`);
      if (e !== 0) j++;
      checked++;
      continue;
    }
    if (e === 0) {
      if (!isIllegalText(ha)) failures.push(`${hex}: expanded to illegal, objdump says ${text(ha, i * 2)}`);
      checked++;
      continue;
    }
    const wa = wordAlias.get(j * 4), wr = wordRaw.get(j * 4), pc = j * 4;
    j++;
    legal++;
    checked++;
    if (isIllegalText(ha)) { failures.push(`${hex}: objdump says illegal, expanded to 0x${e.toString(16)} ${text(wa, pc)}`); continue; }
    if (text(ha, i * 2) === text(wa, pc)) continue;
    const rewritten = cTo32(hr);
    if (rewritten !== null && rewritten === text(wr, pc)) continue;
    failures.push(`${hex}: objdump ${text(ha, i * 2)} / ${text(hr, i * 2)}, expansion 0x${e.toString(16)} ${text(wa, pc)} / ${text(wr, pc)}`);
  }
  assert.equal(checked, 49152);
  assert.ok(legal > 40000, `only ${legal} legal expansions`);
  assert.deepEqual(failures.slice(0, 20), [], `${failures.length} mismatches`);
});
