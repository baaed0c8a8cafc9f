// QEMU's option lists and switch values, read alike by the CLI and the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { qemuListParts, qemuSwitch } from '../../dist/machine/qemu-list.js';

test('parts split at commas; a doubled comma is a comma of a part', () => {
  assert.deepEqual(qemuListParts('file=a,,b.img,format=raw'), ['file=a,b.img', 'format=raw']);
  assert.deepEqual(qemuListParts(''), ['']);
});

test("switch values are QEMU's on/off, true/false, yes/no, and nothing else", () => {
  for (const [text, value] of [['on', true], ['off', false], ['true', true], ['false', false], ['yes', true], ['no', false]]) {
    assert.equal(qemuSwitch(text), value, text);
  }
  for (const text of ['', 'ON', 'maybe', '1', 'toString', '__proto__', 'constructor', 'hasOwnProperty']) assert.equal(qemuSwitch(text), undefined, text);
});
