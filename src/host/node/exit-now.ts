// Ends the process at once, as _exit(2) does. Node's own exit joins every worker thread first,
// and a hart thread inside one of V8's compiles (which nothing interrupts) holds it for as long
// as the compile takes: over a second with 32 harts compiling on two cores. The caller has
// closed the disks, restored the terminal and said what it had to on stderr (written
// synchronously); console output a reader has not taken yet is dropped.

import { loadLibc } from './libc.js';

export function exitNow(status: number): never {
  const libc = loadLibc();
  if (libc) (libc.lib.func('void _exit(int status)') as (status: number) => void)(status);
  process.exit(status);
}
