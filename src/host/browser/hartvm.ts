// hartvm in a web page: `import { createMachine } from 'hartvm/browser'` (dist/browser/hartvm.js,
// with device-worker.js, hart-worker.js and images/ beside it).
//
//   const machine = createMachine({ smp: 4, memory: '512M' });   // the default Linux
//   machine.addEventListener('output', (e) => terminal.write(e.detail));
//   await machine.start();
//   machine.input('uname -a\n');
//   const exit = await machine.wait();

export { BrowserMachine, BrowserMachineError, createMachine } from './machine.js';
export type { BrowserMachineEventMap, BrowserMachineOptions, ImageSource, LoadProgress, MachineExit } from './machine.js';
export type { BoardInfo } from './protocol.js';
export { HartvmError, OptionError } from '../../machine/errors.js';
export type { HartvmErrorCode } from '../../machine/errors.js';
export type { FlushPolicyName } from '../../machine/machine-options.js';
export type { HartThreadStatistics, MachineStatistics } from '../../machine/statistics.js';
