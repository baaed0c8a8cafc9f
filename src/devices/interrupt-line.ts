// How a device drives its wire into the interrupt controller. The lines are level-triggered
// (QEMU virt's devices all are): a device holds its line high for as long as it wants service
// and lowers it when the condition is gone. Devices call setLevel only when the level changes,
// but a sink must tolerate repeats.

export interface InterruptSink {
  /** Sets the level of interrupt source `irq` (1-based, as in the device tree's `interrupts`). */
  setLevel(irq: number, high: boolean): void;
}
