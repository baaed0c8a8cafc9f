// Privilege levels (privileged spec 1.12, table 1.1), numbered as mstatus.MPP and the CSR
// address bits 9:8 encode them.

export const enum Priv { U = 0, S = 1, M = 3 }
