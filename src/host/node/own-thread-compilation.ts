// Hart threads compile their hot code on their own thread, not in V8's pool of helper threads.
// That pool has one queue for the whole process, and Node lets no worker thread end before the
// queue is empty. With many harts on few cores the pool's few threads get a small share of the
// cores, so the queue grows to seconds of compiles of every hart's interpreter, the longer the
// guest runs the longer, and a machine told to quit would wait for all of them. Compiled on its
// own thread, a hart's code leaves nothing queued when the thread ends, and the OS shares the
// cores fairly among the harts. V8 reads the flag when it creates an isolate, so it is off only
// while hart threads start: the process's other threads keep the default.

import { setFlagsFromString } from 'node:v8';
import type { Worker } from 'node:worker_threads';

/** hart threads started whose isolate may not exist yet */
let starting = 0;

/** Starts a hart thread (`start` creates its Worker) whose isolate compiles on its own thread. */
export function startWithOwnThreadCompilation(start: () => Worker): Worker {
  if (starting++ === 0) setFlagsFromString('--no-concurrent-recompilation');
  let worker: Worker;
  try {
    worker = start();
  } catch (e) {
    started();
    throw e;
  }
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    started();
  };
  // 'online': the thread runs JavaScript, so its isolate exists.
  worker.once('online', once).once('error', once).once('exit', once);
  return worker;
}

function started(): void {
  if (--starting === 0) setFlagsFromString('--concurrent-recompilation');
}
