// The console output's way to the host (machine/console-output.ts): batches, a host that says
// it is behind makes the transmitter busy until it drains, and what a guest writes meanwhile is
// held up to a fixed backlog, past which it is dropped and said once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConsoleOutput } from '../../dist/machine/console-output.js';

/** `host.keepsUp`: what the host answers to a write (true: it keeps up; false: it is behind). */
function setup({ drainsInsideWrite = false } = {}) {
  const events = [];
  const host = { keepsUp: true, received: 0 };
  const output = new ConsoleOutput({
    write: (bytes) => {
      events.push(['write', bytes.length]);
      host.received += bytes.length;
      if (drainsInsideWrite) output.drained();
      return host.keepsUp;
    },
    transmitterBusy: (busy) => events.push(['busy', busy]),
    dropped: () => events.push(['dropped']),
  });
  const put = (n) => { for (let i = 0; i < n; i++) output.put(i & 0xff); };
  return { output, events, put, host };
}

test('bytes go to the host in batches of 4 KiB, and at a flush', () => {
  const { output, events, put } = setup();
  put(4095);
  assert.deepEqual(events, []);
  put(1);
  assert.deepEqual(events, [['write', 4096]]);
  put(10);
  output.flush();
  assert.deepEqual(events, [['write', 4096], ['write', 10]]);
  output.flush();
  assert.equal(events.length, 2, 'nothing held, nothing written');
});

test('a host that is behind makes the transmitter busy; when it drains, the backlog goes out and the transmitter frees', () => {
  const { output, events, put, host } = setup();
  host.keepsUp = false;
  put(4096);
  assert.deepEqual(events, [['write', 4096], ['busy', true]]);
  assert.equal(output.behind, true);
  put(100); // what a guest still wrote before it saw the busy transmitter
  output.flush();
  assert.equal(events.length, 2, 'nothing is handed to a host that is behind');
  host.keepsUp = true;
  output.drained();
  assert.deepEqual(events.slice(2), [['write', 100], ['busy', false]]);
  assert.equal(output.behind, false);
  output.drained();
  assert.equal(events.length, 4, 'drained twice: nothing more');
});

test('a host behind again at once as the backlog goes out: the transmitter stays busy', () => {
  const { output, events, put, host } = setup();
  host.keepsUp = false;
  put(4096);
  put(5);
  output.drained();
  assert.deepEqual(events, [['write', 4096], ['busy', true], ['write', 5], ['busy', true]]);
  assert.equal(output.behind, true);
});

test('a host that drains from inside its write is not left behind', () => {
  const { output, events, put, host } = setup({ drainsInsideWrite: true });
  host.keepsUp = false;
  put(4096);
  assert.deepEqual(events, [['write', 4096]]);
  assert.equal(output.behind, false);
});

test('past a 64 KiB backlog bytes are dropped, and that is said once; memory stays the same', () => {
  const { output, events, put, host } = setup();
  host.keepsUp = false;
  put(4096);
  put(64 * 1024 + 1000);
  put(1_000_000);
  assert.deepEqual(events, [['write', 4096], ['busy', true], ['dropped']]);
  host.keepsUp = true;
  output.drained();
  assert.equal(host.received, 4096 + 64 * 1024, 'the backlog, no more');
});

test('at the end of a run everything held goes to the host, behind or not', () => {
  const { output, events, put, host } = setup();
  host.keepsUp = false;
  put(4096);
  put(42);
  output.finish();
  assert.deepEqual(events, [['write', 4096], ['busy', true], ['write', 42]]);
});
