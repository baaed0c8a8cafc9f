// Messages between the page (the UI on the main thread) and the device worker (which runs the
// machine session). Everything here is structured-clonable.

import type { MachineStatistics } from '../../machine/statistics.js';
import type { BrowserOptions } from './options.js';

/** Page to device worker. */
export type PageMessage =
  | { type: 'start'; options: BrowserOptions; pageUrl: string }
  | { type: 'input'; bytes: Uint8Array }
  | { type: 'stop' }
  | { type: 'download-disk'; index: number }
  /** the machine as a snapshot (answered with 'snapshot') */
  | { type: 'save-snapshot'; id: number }
  /** put the machine back as a snapshot has it (answered with 'snapshot-loaded') */
  | { type: 'load-snapshot'; id: number; bytes: Uint8Array };

/** What the board runs, said once the images are loaded. */
export interface BoardInfo {
  harts: number;
  ramSize: number;
  policy: string;
  bootargs: string;
  images: { what: string; name: string; bytes: number }[];
  disks: { name: string; bytes: number; readOnly: boolean; persisted: boolean }[];
}

/** Device worker to page. */
export type WorkerMessage =
  | { type: 'progress'; what: string; name: string; loaded: number; total: number | undefined; done: boolean; unpacked?: number; saved?: boolean }
  | { type: 'phase'; text: string }
  | { type: 'booting'; info: BoardInfo; warnings: string[] }
  | { type: 'output'; bytes: Uint8Array }
  | { type: 'statistics'; statistics: MachineStatistics }
  | { type: 'event'; kind: 'reset' | 'panic' | 'virtio-error' | 'network-error'; text: string }
  | { type: 'end'; status: number; reason: string; message?: string; statistics: MachineStatistics }
  | { type: 'error'; message: string }
  | { type: 'disk'; index: number; name: string; bytes: Uint8Array }
  /** a snapshot saved, or why not (error) */
  | { type: 'snapshot'; id: number; bytes?: Uint8Array; error?: string }
  /** a snapshot loaded, or why not (error: the machine is as it was) */
  | { type: 'snapshot-loaded'; id: number; error?: string };
