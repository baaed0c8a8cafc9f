// Micro-benchmark: ns per FpUnit.execute call for a few hot ops, best of REPS runs of N calls (the minimum filters out noise from other processes)
// (node tests/fpu/bench.mjs [mnemonic...]; operands are ordinary normal numbers: fast paths).
import { HartState } from '../../dist/cpu/state.js';
import { FpUnit } from '../../dist/cpu/fpu/fp-unit.js';
import { FOPS } from './harness.mjs';

const state = new HartState();
const unit = new FpUnit(state);
const N = Number(process.env.N ?? 5e5);
const REPS = Number(process.env.REPS ?? 15);

function setD(i, v) { state.f64[i] = v; }
function setS(i, v) { state.f32[2 * i] = v; state.fi32[2 * i + 1] = -1; }

function bench(name, rm, init, rd = 10) {
  const op = FOPS.get(name).op;
  init();
  state.misc[1] = rm;
  // warm-up
  for (let i = 0; i < 200000; i++) unit.execute(op, rd, 1 + (i & 3), 5 + (i & 3), 9, 7);
  let ns = Infinity;
  for (let rep = 0; rep < REPS; rep++) {
    // CPU time of this thread rather than wall time: less sensitive to other processes
    const t0 = process.cpuUsage();
    for (let i = 0; i < N; i++) unit.execute(op, rd, 1 + (i & 3), 5 + (i & 3), 9, 7);
    const t = process.cpuUsage(t0);
    ns = Math.min(ns, ((t.user + t.system) * 1000) / N);
  }
  console.log(`${name.padEnd(10)} ${['rne', 'rtz', 'rdn', 'rup', 'rmm'][rm]}  ${ns.toFixed(1)} ns/op`);
  return ns;
}

const initD = () => { [1.1, 2.5, -3.75, 1e9].forEach((v, i) => setD(1 + i, v)); [0.3, -7.1, 1e-5, 3].forEach((v, i) => setD(5 + i, v)); setD(9, 0.7); };
const initS = () => { [1.1, 2.5, -3.75, 1e9].forEach((v, i) => setS(1 + i, Math.fround(v))); [0.3, -7.1, 1e-5, 3].forEach((v, i) => setS(5 + i, Math.fround(v))); setS(9, Math.fround(0.7)); };

const ops = process.argv.slice(2);
const list = [
  ['fadd.d', 0, initD], ['fmul.d', 0, initD], ['fmadd.d', 0, initD], ['fdiv.d', 0, initD], ['fsqrt.d', 0, initD],
  ['fdiv.s', 0, initS], ['fadd.s', 0, initS], ['fmadd.s', 0, initS],
  ['fadd.d', 1, initD], ['fmul.d', 2, initD], ['fmadd.d', 3, initD], ['fdiv.s', 1, initS],
  ['fcvt.w.d', 1, initD], ['fcvt.d.w', 0, () => { for (let i = 1; i < 9; i++) state.x64[i] = BigInt(i * 12345); }],
  ['feq.d', 0, initD],
  // exact BigInt slow path (results in the subnormal range)
  ['fmul.d', 0, () => { initD(); for (let i = 1; i < 5; i++) setD(i, 1.5e-300 * i); for (let i = 5; i < 9; i++) setD(i, 3.3e-10 * i); }], ['fmin.d', 0, initD], ['fsgnj.d', 0, initD],
];
for (const [name, rm, init] of list) if (ops.length === 0 || ops.includes(name)) bench(name, rm, init);
