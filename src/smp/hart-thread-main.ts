// What a hart thread does, whatever the host's threads are (a Node worker_thread, a Web
// Worker): warm the interpreter up, build the hart from the configuration the device thread
// sent, run it until the board stops it, and say how it ended. The host's worker script only
// supplies the board clock and posts the result back.

import { warmUpInterpreter } from '../cpu/warm-up.js';
import { BoardSignals } from './board-signals.js';
import type { TranslationListener } from '../jit/jit-engine.js';
import { HaltClock } from './halt-clock.js';
import { HartRunner, type HartThreadConfig, type HartThreadExit } from './hart-runner.js';

/** Everything a hart thread is started with; structured-clonable. */
export interface HartThreadData {
  config: HartThreadConfig;
  /** the board's time zero, in the host's terms: every thread's clock counts from it */
  clockOrigin: unknown;
  warmUp: boolean;
  /** where the host writes each translation as text (--jit-dump), if anywhere */
  jitDump?: string;
}

/** How a hart thread ended: it stopped (with its statistics), or it failed. */
export type HartThreadResult =
  | { kind: 'exit'; exit: HartThreadExit }
  | { kind: 'error'; message: string; stack?: string };

/** Runs one hart to its end on the calling thread (which it blocks). */
export function runHartThread(data: HartThreadData, clock: () => number, onTranslate?: TranslationListener): HartThreadResult {
  try {
    const { hartId, harts, signals } = data.config;
    // A machine told to stop while its threads start (a quit right after launch) waits for no warm-up.
    const board = new BoardSignals(harts, signals);
    if (data.warmUp) warmUpInterpreter(data.config.policy, () => board.stopRequested(hartId));
    const boardClock = data.config.haltClock ? new HaltClock(data.config.haltClock).wrap(clock) : clock;
    const runner = new HartRunner(data.config, boardClock, onTranslate);
    return { kind: 'exit', exit: runner.run() };
  } catch (e) {
    const error = e as Error;
    return { kind: 'error', message: error?.message ?? String(e), stack: error?.stack };
  }
}
