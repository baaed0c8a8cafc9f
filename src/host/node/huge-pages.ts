// Guest memory backed by transparent huge pages (madvise MADV_HUGEPAGE), as QEMU backs guest
// RAM: the first touch of a 2 MiB stretch is then one page fault instead of 512. A boot touches
// tens of MiB and a snapshot's load writes them all at once, so on a host whose faults are dear
// this is a sixth of a boot, for a few MiB more of host memory. Linux with glibc only; elsewhere,
// or where the kernel's setting is "never", the memory stays in 4 KiB pages.

import { loadLibc } from './libc.js';

const MADV_HUGEPAGE = 14;
const HUGE_PAGE = 2n ** 21n;

interface Calls {
  /** the address of `bytes`' first byte */
  addressOf(bytes: Uint8Array): bigint;
  madvise(address: bigint, length: number, advice: number): number;
}

let calls: Calls | null | undefined;

function loadCalls(): Calls | null {
  const loaded = loadLibc();
  if (!loaded) return null;
  const { lib } = loaded;
  // memset of no bytes writes nothing and returns the pointer it was given: the bytes' address
  const memset = lib.func('uintptr_t memset(void *s, int c, size_t n)');
  const madvise = lib.func('int madvise(uintptr_t addr, size_t length, int advice)');
  return {
    addressOf: (bytes) => BigInt(memset(bytes, 0, 0) as number | bigint),
    madvise: (address, length, advice) => madvise(address, length, advice) as number,
  };
}

/** Asks for huge pages under the whole 2 MiB stretches of `bytes` (fresh memory, not yet touched). */
export function adviseHugePages(bytes: Uint8Array): void {
  if (calls === undefined) {
    try {
      calls = loadCalls();
    } catch {
      calls = null;
    }
  }
  if (!calls) return;
  const start = calls.addressOf(bytes);
  const first = (start + HUGE_PAGE - 1n) & ~(HUGE_PAGE - 1n);
  const end = (start + BigInt(bytes.length)) & ~(HUGE_PAGE - 1n);
  // advice the kernel does not take leaves the memory as it was: nothing to report
  if (end > first) calls.madvise(first, Number(end - first), MADV_HUGEPAGE);
}
