// Shared test plumbing: runs one instruction on the real FpUnit (from dist/) given 64-bit
// register images, the same interface as the reference model and the QEMU vectors.
import { HartState } from '../../dist/cpu/state.js';
import { FpUnit } from '../../dist/cpu/fpu/fp-unit.js';
import { ENCODINGS } from '../../dist/cpu/isa/encodings.js';

/** mnemonic -> { op, regs } for the F/D compute ops */
export const FOPS = new Map();
for (const e of ENCODINGS) {
  if (e.regs.includes('f') && !/^f(l|s)[wd]$/.test(e.name)) FOPS.set(e.name, { op: e.op, regs: e.regs });
}

export const FFLAGS = 0, FRM = 1;

export function makeDut() {
  const state = new HartState();
  const unit = new FpUnit(state);
  const fb = new BigUint64Array(state.f64.buffer, state.f64.byteOffset, 32);
  return { state, unit, fb };
}

// Registers used: sources f1,f2,f3 / x5; destination f7 or x9 (pre-filled with junk).
const SRC_F = [1, 2, 3], SRC_X = 5, DST_F = 7, DST_X = 9;

/**
 * Executes `name` with effective rounding mode rm (0..4). mode 'dyn' puts rm in frm and encodes
 * rm=7; 'static' encodes rm in the instruction and leaves garbage in frm.
 * Returns { result, flags, ok } with result the destination register image (unsigned 64-bit).
 */
export function dutExec(dut, name, rm, operands, mode = 'dyn', aliasDest = false) {
  const info = FOPS.get(name);
  if (!info) throw new Error('unknown op ' + name);
  const { state, unit, fb } = dut;
  const destIsX = info.regs[0] === 'x';
  const srcIsX = info.regs[1] === 'x';
  for (let i = 0; i < operands.length; i++) {
    if (srcIsX) state.x64[SRC_X] = BigInt.asIntN(64, operands[i]);
    else fb[SRC_F[i]] = operands[i];
  }
  let rd = destIsX ? DST_X : DST_F;
  if (aliasDest && !destIsX && !srcIsX) rd = SRC_F[0];
  else if (destIsX) state.x64[rd] = 0x5a5a5a5a5a5a5a5an;
  else fb[rd] = 0x5a5a5a5a5a5a5a5an;
  state.misc[FFLAGS] = 0;
  state.misc[FRM] = mode === 'dyn' ? rm : 6;
  const ok = unit.execute(info.op, rd, srcIsX ? SRC_X : SRC_F[0], SRC_F[1], SRC_F[2], mode === 'dyn' ? 7 : rm);
  const result = destIsX ? BigInt.asUintN(64, state.x64[rd]) : fb[rd];
  return { ok, result, flags: state.misc[FFLAGS] };
}

export const hex = (v) => v.toString(16);
