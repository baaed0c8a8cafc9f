// The guest's console output on its way to the host. Bytes are handed over in batches, and the
// host may answer that it is behind (its reader is slower than the guest writes). Then the
// UART's transmitter shows busy until the host says it has drained, so that a driver waits as
// it would on a slow line. Bytes that come while the transmitter is busy (from a guest that
// ignores LSR, or already on their way when the host fell behind) wait in a backlog of fixed
// size; past it they are dropped, and that is said once. However slow the reader, the memory
// held here stays the same.

/** Console bytes are handed to the host in batches of at least this many (or at a flush). */
const BATCH = 4096;
/**
 * Bytes held while the host is behind. Ample for what a well-behaved guest still writes before
 * it sees the busy transmitter (a hart thread's ring of posted bytes, smp/uart-channel.ts, is 4 KiB).
 */
const BACKLOG = 64 * 1024;

export interface ConsoleHost {
  /** a batch of console bytes; false: the host is behind, and will call drained() */
  write(bytes: Uint8Array): boolean | void;
  /** the UART's transmitter is to show busy (the host is behind), or empty again */
  transmitterBusy(busy: boolean): void;
  /** bytes were dropped for the first time */
  dropped(): void;
}

export class ConsoleOutput {
  private readonly host: ConsoleHost;
  private readonly held = new Uint8Array(BACKLOG);
  private length = 0;
  private isBehind = false;
  private droppedAny = false;
  /** drained() came while a batch was being handed over (a host that calls back at once) */
  private writing = false;
  private drainedWhileWriting = false;

  constructor(host: ConsoleHost) {
    this.host = host;
  }

  /** Whether the host is behind (the transmitter shows busy). */
  get behind(): boolean {
    return this.isBehind;
  }

  /** One byte the guest wrote. */
  put(byte: number): void {
    if (this.length === BACKLOG) {
      if (!this.droppedAny) {
        this.droppedAny = true;
        this.host.dropped();
      }
      return;
    }
    this.held[this.length++] = byte;
    if (this.length >= BATCH) this.flush();
  }

  /** Hands what is held to the host, unless it is behind. */
  flush(): void {
    if (this.isBehind || this.handOver()) return;
    this.isBehind = true;
    this.host.transmitterBusy(true);
  }

  /** The host has drained: hand over the backlog, and free the transmitter if the host keeps up. */
  drained(): void {
    if (this.writing) {
      this.drainedWhileWriting = true;
      return;
    }
    if (!this.isBehind) return;
    this.isBehind = false;
    this.flush();
    if (!this.isBehind) this.host.transmitterBusy(false);
  }

  /** The run has ended: hands over everything held, behind or not (the guest's last words). */
  finish(): void {
    this.handOver();
  }

  /** Hands what is held to the host; false if it answers that it is behind. */
  private handOver(): boolean {
    if (this.length === 0) return true;
    const bytes = this.held.slice(0, this.length);
    this.length = 0;
    this.writing = true;
    this.drainedWhileWriting = false;
    const ready = this.host.write(bytes) !== false;
    this.writing = false;
    return ready || this.drainedWhileWriting;
  }
}
