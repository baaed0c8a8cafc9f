// When a hart empties its translation store: after every instruction, after every block (a slice
// that ends at a taken branch), or only when the guest fences (sfence.vma) or changes PMP.

export const enum FlushPolicy { INSTRUCTION = 0, BLOCK = 1, FENCE = 2 }

/** The policies' names on the command line and in statistics, indexed by FlushPolicy. */
export const FLUSH_POLICY_NAMES = ['instruction', 'block', 'fence'] as const;
