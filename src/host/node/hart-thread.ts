// The worker_thread of one guest hart (`hartvm boot -smp N`): builds the hart from the
// configuration the device thread sends, runs it until the board stops it, and posts back how
// it ended. The work itself is smp/hart-runner.ts; this file only adapts it to Node.

import { parentPort, workerData } from 'node:worker_threads';
import { warmUpInterpreter } from '../../cpu/warm-up.js';
import { HartRunner, type HartThreadConfig } from '../../smp/hart-runner.js';
import { boardClock, type ClockZero } from './board-clock.js';

export interface HartThreadData {
  config: HartThreadConfig;
  /** the board's time zero: every thread's clock counts from it (board-clock.ts) */
  clockZero: ClockZero;
  warmUp: boolean;
}

export type HartThreadMessage =
  | { kind: 'exit'; exit: import('../../smp/hart-runner.js').HartThreadExit }
  | { kind: 'error'; message: string; stack?: string };

const data = workerData as HartThreadData;
const port = parentPort!;

try {
  if (data.warmUp) warmUpInterpreter(data.config.policy);
  const runner = new HartRunner(data.config, boardClock(data.clockZero, data.config.timebaseHz));
  const exit = runner.run();
  port.postMessage({ kind: 'exit', exit } satisfies HartThreadMessage);
} catch (e) {
  const error = e as Error;
  port.postMessage({ kind: 'error', message: error.message ?? String(e), stack: error.stack } satisfies HartThreadMessage);
}
