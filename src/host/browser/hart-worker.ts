// The Web Worker of one guest hart: runs smp/hart-thread-main.ts over the shared guest memory
// with the browser's board clock, blocking this worker (Atomics.wait is allowed in workers),
// and posts back how the hart ended. Started by the device worker, one per hart.

import { runHartThread, type HartThreadData, type HartThreadResult } from '../../smp/hart-thread-main.js';
import { translatedCodeTiersUp } from '../../jit/jit-engine.js';
import { browserBoardClock, type BrowserClockOrigin } from './board-clock.js';
import { scope } from './worker-scope.js';

// A page cannot keep WebAssembly at V8's baseline tier as Node does.
translatedCodeTiersUp();

scope.onmessage = (event: MessageEvent) => {
  const data = event.data as HartThreadData;
  let result: HartThreadResult;
  try {
    result = runHartThread(data, browserBoardClock(data.clockOrigin as BrowserClockOrigin, data.config.timebaseHz));
  } catch (e) {
    result = { kind: 'error', message: (e as Error)?.message ?? String(e), stack: (e as Error)?.stack };
  }
  scope.postMessage(result);
  scope.close();
};
