// The session's host on Node: hart threads are worker_threads (hart-thread.ts) that compile on
// their own thread (own-thread-compilation.ts), the board clock is the process's monotonic clock
// (board-clock.ts), randomness is WebCrypto's, guest memory is on huge pages (huge-pages.ts).

import { webcrypto } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { SessionHost } from '../../machine/session.js';
import type { HartThreadData, HartThreadResult } from '../../smp/hart-thread-main.js';
import { boardClock, clockZeroNow, type ClockZero } from './board-clock.js';
import { startWithOwnThreadCompilation } from './own-thread-compilation.js';
import { translationWriter } from './jit-dump.js';
import { adviseHugePages } from './huge-pages.js';

/** The hart thread's script: the bundled one when this code runs from the command line's bundle. */
const HART_THREAD = new URL(import.meta.url.endsWith('.bundle.js') ? './hart-thread.bundle.js' : './hart-thread.js', import.meta.url);

function spawnHart(data: HartThreadData): Promise<HartThreadResult> {
  return new Promise((resolve, reject) => {
    const worker = startWithOwnThreadCompilation(() => new Worker(HART_THREAD, { workerData: data }));
    let result: HartThreadResult | undefined;
    worker.on('message', (message: HartThreadResult) => { result = message; });
    worker.on('error', (e) => { result ??= { kind: 'error', message: e.message, stack: e.stack }; });
    worker.on('exit', () => (result ? resolve(result) : reject(new Error('the thread ended without a word'))));
  });
}

export const nodeSessionHost: SessionHost = {
  spawnHart,
  clockOrigin: clockZeroNow,
  clock: (origin, hz) => boardClock(origin as ClockZero, hz),
  now: () => performance.now(),
  wallClockNs: () => BigInt(Date.now()) * 1_000_000n,
  random: (into) => { webcrypto.getRandomValues(into); },
  yieldToEvents: () => new Promise<void>((resolve) => setImmediate(resolve)),
  guestMemoryCreated: adviseHugePages,
  translationWriter,
};
