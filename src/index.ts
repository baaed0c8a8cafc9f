// hartvm as a library on Node: `import { createMachine } from 'hartvm'`.
//
//   const machine = createMachine({ smp: 2, memory: '512M' });   // the shipped Linux by default
//   machine.console.pipe(process.stdout);
//   machine.on('poweroff', ({ status }) => ...);
//   await machine.start();
//   machine.input('uname -a\n');
//   const exit = await machine.wait();

export { createMachine, Machine } from './host/node/machine.js';
export type { DriveOption, MachineEvents, MachineExit, MachineOptions, SnapshotCommit } from './host/node/machine.js';
export { BoardError, DiskError, HartvmError, ImageError, NetworkError, OptionError, SnapshotError } from './machine/errors.js';
export type { HartvmErrorCode } from './machine/errors.js';
export type { FlushPolicyName } from './machine/machine-options.js';
export type { NetworkOption } from './machine/network-options.js';
export type { SecurityModelName, ShareOption } from './machine/share-options.js';
export type { EndReason } from './machine/session.js';
export type { HartThreadStatistics, MachineStatistics } from './machine/statistics.js';
export type { HartStatistics } from './cpu/hart.js';
