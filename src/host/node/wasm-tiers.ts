// Translated code stays with V8's baseline WebAssembly compiler (Liftoff). A page function is
// large (tens of KiB of wasm, a local per guest register, a label per block leader), and
// TurboFan takes about 25 ms to optimize one where Liftoff takes about 1 ms. V8 tiers hot
// functions up on helper threads that take the cores from the harts: on two cores Linux booted
// to its prompt in about 8 s with tier-up and in about 3 s without it, and the benchmark
// programs ran 40-60% faster on Liftoff's code alone. The flag is the process's: it is set only when a machine translates.

import { setFlagsFromString } from 'node:v8';

let set = false;

/** Keeps WebAssembly compiled from now on at the baseline tier, in every thread of the process. */
export function keepTranslatedCodeAtBaseline(): void {
  if (set) return;
  set = true;
  setFlagsFromString('--liftoff-only');
}
