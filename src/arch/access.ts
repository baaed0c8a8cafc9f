// The three kinds of memory access, each translated, permission-checked and faulting on its own
// (loads, stores and AMOs, instruction fetches). The values index per-kind tables.

export const enum Access { READ = 0, WRITE = 1, FETCH = 2 }
