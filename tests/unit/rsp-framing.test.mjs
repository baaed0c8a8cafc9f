// The GDB Remote Serial Protocol's framing (src/debug/rsp-framing.ts): packets and their
// checksums, the interrupt byte, resend requests, damaged and overlong packets, escapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { framePacket, fromHex, RspReader, toHex, unescapeBinary } from '../../dist/debug/rsp-framing.js';

test('packets are read whole across chunks, with the interrupt and acks between them', () => {
  const reader = new RspReader(64);
  assert.deepEqual(reader.feed('+$g#'), []);
  assert.deepEqual(reader.feed('67'), [{ kind: 'packet', payload: 'g' }]);
  assert.deepEqual(reader.feed('\x03-$?#3f'), [{ kind: 'interrupt' }, { kind: 'resend' }, { kind: 'packet', payload: '?' }]);
});

test('a bad checksum, a non-hex checksum and an overlong packet are refused; the next packet is read', () => {
  const reader = new RspReader(8);
  assert.deepEqual(reader.feed('$g#00$g#zz'), [{ kind: 'bad' }, { kind: 'bad' }]);
  const long = 'a'.repeat(100);
  assert.deepEqual(reader.feed(framePacket(long)), [{ kind: 'bad' }]);
  assert.deepEqual(reader.feed('$m0,4#fd'), [{ kind: 'packet', payload: 'm0,4' }]);
  // a packet cut short by a new one
  assert.deepEqual(reader.feed('$qSup$?#3f'), [{ kind: 'packet', payload: '?' }]);
});

test('replies are framed with their checksum, the protocol characters escaped', () => {
  assert.equal(framePacket('OK'), '$OK#9a');
  assert.equal(framePacket(''), '$#00');
  assert.equal(framePacket('a#b$c}d*'), '$a}\x03b}\x04c}]d}\x0a#' + framePacket('a#b$c}d*').slice(-2));
  const reader = new RspReader(64);
  const [event] = reader.feed(framePacket('x}y'));
  assert.equal(event.kind, 'packet');
  assert.deepEqual([...unescapeBinary(event.payload)], [...Buffer.from('x}y')]);
});

test('hex both ways', () => {
  assert.equal(toHex(Uint8Array.of(0, 0xab, 0x10)), '00ab10');
  assert.deepEqual([...fromHex('00AB10')], [0, 0xab, 0x10]);
  assert.equal(fromHex('abc'), undefined);
  assert.equal(fromHex('zz'), undefined);
});
