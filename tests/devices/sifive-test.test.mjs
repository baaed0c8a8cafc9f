// The SiFive test finisher: what syscon-poweroff, syscon-reboot and test programs write.
import test from 'node:test';
import assert from 'node:assert/strict';
import { SifiveTest } from '../../dist/devices/sifive-test.js';

function setup() {
  const events = [];
  const device = new SifiveTest((event, code) => events.push([event, code]));
  return { device, events };
}

test('0x5555 powers off, 0x3333 fails and 0x7777 resets, with the exit code in the upper half', () => {
  const { device, events } = setup();
  assert.equal(device.write(0, 4, 0x5555n), true); // syscon-poweroff's value
  assert.equal(device.write(0, 4, 0x7777n), true); // syscon-reboot's value
  assert.equal(device.write(0, 4, (3n << 16n) | 0x3333n), true);
  assert.equal(device.write(0, 4, (0xffffn << 16n) | 0x5555n), true);
  assert.deepEqual(events, [['poweroff', 0], ['reset', 0], ['fail', 3], ['poweroff', 0xffff]]);
});

test('other values and offsets are ignored; reads return 0', () => {
  const { device, events } = setup();
  assert.equal(device.write(0, 4, 0x1234n), true);
  assert.equal(device.write(4, 4, 0x5555n), true);
  assert.equal(device.write(0, 4, 0x5555_0000n), true);
  assert.deepEqual(events, []);
  assert.equal(device.read(0, 4), 0n);
  assert.equal(device.read(8, 8), 0n);
});

test('a 64-bit store uses its low 32 bits', () => {
  const { device, events } = setup();
  device.write(0, 8, (0xdeadn << 32n) | (7n << 16n) | 0x3333n);
  assert.deepEqual(events, [['fail', 7]]);
});
