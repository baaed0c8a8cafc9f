// The worker_thread of one guest hart (`hartvm boot -smp N`): runs the hart (smp/hart-thread-main.ts)
// with the board clock of this process and posts back how it ended.

import { parentPort, workerData } from 'node:worker_threads';
import { runHartThread, type HartThreadData } from '../../smp/hart-thread-main.js';
import { boardClock, type ClockZero } from './board-clock.js';
import { translationWriter } from './jit-dump.js';

const data = workerData as HartThreadData;
const onTranslate = data.jitDump !== undefined ? translationWriter(data.jitDump) : undefined;
parentPort!.postMessage(runHartThread(data, boardClock(data.clockOrigin as ClockZero, data.config.timebaseHz), onTranslate));
