// How much work the virtio devices may do for the guest between two turns of the host's loop.
//
// A guest can queue requests that claim gigabytes (a 1 MiB buffer repeated through an indirect
// table) and notify as often as it likes. Every chain a device takes costs the budget what
// taking and serving it can cost at most: its descriptors and the bytes it claims. Once the
// budget is spent, queues stop handing out chains: the rest waits for the host's next turn
// (VirtioMmioTransport.poll), which refills the budget. So the thread that runs the devices
// returns to its event loop (signals, the console, timers) after a bounded amount of work,
// whatever the guest queued; a device must also bound the work of one request itself.

/** Work per host turn, in bytes moved or claimed: a few milliseconds of copying. */
export const TURN_BUDGET_BYTES = 16 * 2 ** 20;
/** What visiting one descriptor costs, in bytes of copying that take as long. */
export const DESCRIPTOR_COST_BYTES = 256;

export class WorkBudget {
  readonly perTurn: number;
  private remaining: number;

  constructor(perTurn = TURN_BUDGET_BYTES) {
    this.perTurn = perTurn;
    this.remaining = perTurn;
  }

  /** Whether this turn's work is done: queues hand out no more chains until refill(). */
  get spent(): boolean {
    return this.remaining <= 0;
  }

  /** Charges a chain: one chain always fits, so each turn makes progress. */
  charge(descriptors: number, claimedBytes: number): void {
    this.remaining -= descriptors * DESCRIPTOR_COST_BYTES + claimedBytes;
  }

  /** The host's next turn. */
  refill(): void {
    this.remaining = this.perTurn;
  }
}
