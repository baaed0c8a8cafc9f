// virtio-console (VIRTIO 1.2 §5.3) with one port and no MULTIPORT: Linux's hvc0. The
// transmit queue's buffers are the guest's output, handed to the host as they come; the host's
// input fills the buffers the driver posts on the receive queue, as many bytes as fit. No
// feature bits: the console size and the emergency write are optional, and a terminal's size
// reaches the guest through stty as on the UART.

import type { DeviceState } from '../device-state.js';
import type { VirtioDevice, VirtioDeviceHost } from './mmio-transport.js';
import type { Virtqueue } from './virtqueue.js';

/** The virtio device id of a console (§5.3.1). */
export const VIRTIO_ID_CONSOLE = 3;

const RECEIVEQ = 0;
const TRANSMITQ = 1;
const QUEUE_SIZE = 64;
/** The most of one transmit buffer handed to the host: a driver claiming gigabytes gets this much read. */
export const VIRTIO_CONSOLE_MAX_WRITE = 64 * 1024;

export interface VirtioConsoleHost {
  /** What the guest wrote; false says the host is behind (no more is taken until resume()). */
  output(bytes: Uint8Array): boolean;
}

export class VirtioConsole implements VirtioDevice {
  readonly name = 'console';
  readonly deviceId = VIRTIO_ID_CONSOLE;
  readonly features = 0n;
  readonly queueSizes: readonly number[] = [QUEUE_SIZE, QUEUE_SIZE];
  private readonly consoleHost: VirtioConsoleHost;
  private host: VirtioDeviceHost | undefined;
  /** the host is behind on the output: transmit buffers wait in the queue */
  private behind = false;

  constructor(consoleHost: VirtioConsoleHost) {
    this.consoleHost = consoleHost;
  }

  attach(host: VirtioDeviceHost): void {
    this.host = host;
  }

  readConfig(): bigint {
    return 0n;
  }

  writeConfig(): void {}

  activate(): void {}

  reset(): void {
    this.behind = false;
  }

  /** Whether the host is behind is the host's: a restored console sends what waits at the host's next turn (the queue is deferred). */
  saveState(): DeviceState {
    return {};
  }

  loadState(): void {
    this.behind = false;
  }

  processQueue(index: number, queue: Virtqueue): void {
    if (index === TRANSMITQ) this.transmit(queue);
    // receiveq: the driver posted empty buffers, which pushInput() fills when input comes
  }

  /** The host caught up with the output: the waiting transmit buffers go on. */
  resume(): void {
    if (!this.behind) return;
    this.behind = false;
    this.host?.service(TRANSMITQ, (queue) => this.transmit(queue));
  }

  /** Input is offered always; pushInput() takes what the posted receive buffers hold. */
  hasRoomForInput(): boolean {
    return true;
  }

  /** A break is the serial line's: the console has none, and drops it. */
  sendBreak(): void {}

  /**
   * Input for the guest: as many bytes as the receive buffers the driver has posted take;
   * returns how many (0 while the driver has none posted, or has not set the device up).
   */
  pushInput(bytes: Uint8Array): number {
    let taken = 0;
    this.host?.service(RECEIVEQ, (queue) => {
      while (taken < bytes.length) {
        const chain = queue.pop();
        if (!chain) break;
        const written = chain.write(0, bytes.subarray(taken));
        queue.push(chain, written);
        taken += written;
        if (written === 0) break; // a buffer with no writable bytes: a driver error, not a reason to spin
      }
    });
    return taken;
  }

  private transmit(queue: Virtqueue): void {
    while (!this.behind) {
      const chain = queue.pop();
      if (!chain) return;
      const bytes = new Uint8Array(Math.min(chain.readableLength, VIRTIO_CONSOLE_MAX_WRITE));
      chain.read(0, bytes);
      queue.push(chain, 0);
      if (bytes.length > 0 && !this.consoleHost.output(bytes)) this.behind = true;
    }
  }
}
