// A hart thread that stopped on its own for a debugger (or that the debugger parked) waits for
// the next halt on the board's HALT word: a halt request must wake it at once, not when its wait
// times out, since the board clock runs until every hart is held.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ROOT } from '../guest/harness.mjs';

const { BoardSignals } = await import(path.join(ROOT, 'dist', 'smp', 'board-signals.js'));

/** Far longer than a thread's wake-up takes, even on a loaded host. */
const WAIT_MS = 20000;

const WAITER = `
const { workerData, parentPort } = require('node:worker_threads');
import(workerData.module).then(({ BoardSignals }) => {
  const signals = new BoardSignals(2, workerData.signals);
  parentPort.postMessage('waiting');
  const begin = Date.now();
  signals.waitForHalt(1, workerData.waitMs);
  parentPort.postMessage({ waitedMs: Date.now() - begin, halt: signals.haltRequested() });
});`;

test('a halt request wakes a hart waiting for the next halt (stopped for a debugger, or parked)', { timeout: 60000 }, async () => {
  const signals = new BoardSignals(2);
  const worker = new Worker(WAITER, {
    eval: true,
    workerData: { module: path.join(ROOT, 'dist', 'smp', 'board-signals.js'), signals: signals.buffer, waitMs: WAIT_MS },
  });
  try {
    const messages = [];
    let told;
    worker.on('message', (m) => { messages.push(m); told?.(); });
    const next = async () => {
      while (messages.length === 0) await new Promise((resolve) => { told = resolve; });
      return messages.shift();
    };
    assert.equal(await next(), 'waiting');
    // (let it block; a halt asked before it does is seen before it waits)
    await new Promise((resolve) => setTimeout(resolve, 200));
    signals.requestHalt(7);
    const { waitedMs, halt } = await next();
    assert.equal(halt, 7);
    assert.ok(waitedMs < WAIT_MS / 2, `woken after ${waitedMs} ms: the halt request did not wake it, its wait timed out`);
  } finally {
    await worker.terminate();
  }
});
