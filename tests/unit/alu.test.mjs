// The Number fast path of divu/remu against BigInt division, around the 2^52 boundary where
// it must hand over to the BigInt path, and at random.
import test from 'node:test';
import assert from 'node:assert/strict';
import { divRemUnsigned52, divu64, remu64 } from '../../dist/cpu/alu.js';

const regs = new BigInt64Array(3);
const halves = new Int32Array(regs.buffer);

function check(n, m) {
  for (const remainder of [false, true]) {
    regs[1] = BigInt.asIntN(64, n);
    regs[2] = BigInt.asIntN(64, m);
    regs[0] = 0x5555n;
    const handled = divRemUnsigned52(halves, 0, 2, 4, remainder);
    const expected = remainder ? remu64(regs[1], regs[2]) : divu64(regs[1], regs[2]);
    if (handled) {
      assert.equal(BigInt.asUintN(64, regs[0]), BigInt.asUintN(64, expected), `${n} ${remainder ? '%' : '/'} ${m}`);
      assert.ok(n < 2n ** 52n && m < 2n ** 52n && m !== 0n);
    } else {
      assert.ok(n >= 2n ** 52n || m >= 2n ** 52n || m === 0n, `${n}, ${m} should have been handled`);
    }
  }
}

test('divu/remu fast path is exact near 2^52', () => {
  const edges = [0n, 1n, 2n, 3n, 7n, 10n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 51n, 2n ** 52n - 1n, 2n ** 52n, 2n ** 53n, 2n ** 64n - 1n];
  for (const n of edges) for (const m of edges) check(n, m);
  for (let k = 1n; k < 5000n; k++) { check(2n ** 52n - k, k); check(2n ** 52n - k, 2n ** 52n - k - 1n); check(2n ** 52n - 1n, 2n ** 26n + k); }
});

test('divu/remu fast path agrees with BigInt at random', () => {
  let seed = 12345n;
  const next = () => (seed = (seed * 6364136223846793005n + 1442695040888963407n) & (2n ** 64n - 1n));
  for (let i = 0; i < 100000; i++) {
    const bits = next() % 53n;
    check(next() >> (64n - 52n), (next() >> (63n - bits)) + 1n);
  }
});
