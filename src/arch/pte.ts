// The bits of a page-table entry below its PPN (privileged spec 4.3.1 / 4.4.1).

export const enum Pte { V = 1, R = 2, W = 4, X = 8, U = 16, G = 32, A = 64, D = 128 }
