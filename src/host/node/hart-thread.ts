// The worker_thread of one guest hart (`hartvm boot -smp N`): builds the hart from the
// configuration the device thread sends, runs it until the board stops it, and posts back how
// it ended. The work itself is smp/hart-runner.ts; this file only adapts it to Node.

import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { warmUpInterpreter } from '../../cpu/warm-up.js';
import { HartRunner, type HartThreadConfig } from '../../smp/hart-runner.js';

export interface HartThreadData {
  config: HartThreadConfig;
  /** process.hrtime.bigint() at the board's time zero: every thread's clock counts from it */
  clockZeroNs: bigint;
  warmUp: boolean;
}

export type HartThreadMessage =
  | { kind: 'exit'; exit: import('../../smp/hart-runner.js').HartThreadExit }
  | { kind: 'error'; message: string; stack?: string };

const data = workerData as HartThreadData;
const port = parentPort!;

/**
 * The platform clock in timebase ticks. performance.now() has an origin of its own in every
 * thread; anchoring it to the process-wide monotonic clock once gives all harts one time.
 */
function boardClock(zeroNs: bigint, hz: number): () => number {
  const offsetMs = Number(process.hrtime.bigint() - zeroNs) / 1e6 - performance.now();
  const ticksPerMs = hz / 1000;
  return () => (performance.now() + offsetMs) * ticksPerMs;
}

try {
  if (data.warmUp) warmUpInterpreter(data.config.policy);
  const runner = new HartRunner(data.config, boardClock(data.clockZeroNs, data.config.timebaseHz));
  const exit = runner.run();
  port.postMessage({ kind: 'exit', exit } satisfies HartThreadMessage);
} catch (e) {
  const error = e as Error;
  port.postMessage({ kind: 'error', message: error.message ?? String(e), stack: error.stack } satisfies HartThreadMessage);
}
