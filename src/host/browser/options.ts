// The browser host's options, from the page's URL query, with the names and meaning of
// `hartvm boot`'s: ?smp=4&m=512M&tlb-flush=block&append=...&kernel=URL&initrd=URL&bios=URL|none
// &drive=URL (or QEMU's file=URL,format=raw[,readonly=on][,snapshot=on]; may repeat) &no-reboot
// &hart-threads &engine=interp|jit &nic=user[,relay=URL] (a virtio-net card whose frames go over a
// WebSocket to a relay: by default `hartvm serve`'s /net, which gives it user-mode networking),
// &loadvm=URL (a snapshot to start from, as QEMU's -loadvm: the machine is put back as it was
// saved instead of booting), and the page's own &persist[=fresh] (the disks kept in the
// browser's storage across reloads).
// With no kernel named, the project's default images (images/ next to the page) boot, with the
// default disk unless a drive is named.

import type { EngineName } from '../../arch/engine.js';
import { DEFAULT_RAM, driveCountOption, engineOption, flushPolicyOption, hartsOption, ramSizeOption, type FlushPolicyName } from '../../machine/machine-options.js';
import { printable } from '../../machine/printable.js';
import { qemuListParts, qemuSwitch } from '../../machine/qemu-list.js';

export interface DriveOption {
  url: string;
  readOnly: boolean;
}

export interface BrowserOptions {
  harts: number;
  ramSize: number;
  policy: FlushPolicyName;
  engine: EngineName;
  append: string;
  /** URLs, relative to the page; bios 'none' boots the kernel without firmware */
  bios: string;
  kernel: string;
  initrd?: string;
  drives: DriveOption[];
  reboot: boolean;
  warmUp: boolean;
  /** a hart worker also at one hart (from two harts on, every hart has one anyway) */
  hartThreads: boolean;
  /** keep the disks in the browser's storage (OPFS) across reloads; 'fresh' starts again from the image */
  persist: 'off' | 'on' | 'fresh';
  /** a snapshot to start from instead of booting (a URL relative to the page) */
  loadvm?: string;
  /** a network card, its frames relayed over a WebSocket at `relay` (a URL relative to the page; http and https mean ws and wss) */
  network?: { relay: string };
}

/** Where a page's network card finds its relay unless told: `hartvm serve`'s, beside the page. */
export const DEFAULT_RELAY = 'net';

/** A bad option: the page says the message and boots nothing. */
export class BrowserOptionError extends Error {}

export const DEFAULT_IMAGES = {
  bios: 'images/fw_dynamic.bin.gz',
  kernel: 'images/Image.gz',
  initrd: 'images/rootfs.cpio.gz',
  disk: 'images/disk.ext2.gz',
  append: 'console=ttyS0',
} as const;

const KNOWN = new Set(['smp', 'm', 'tlb-flush', 'append', 'kernel', 'initrd', 'bios', 'drive', 'no-reboot', 'no-warm-up', 'hart-threads', 'persist', 'engine', 'nic', 'loadvm']);

function flag(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null) return false;
  if (value === '') return true;
  const on = qemuSwitch(value);
  if (on === undefined) throw new BrowserOptionError(`${name}=${printable(value)}: must be on or off`);
  return on;
}

function single(query: URLSearchParams, name: string): string | undefined {
  const all = query.getAll(name);
  if (all.length > 1) throw new BrowserOptionError(`${name} is given ${all.length} times`);
  return all[0];
}

/** Checks a value with the core's option checks (the same words as the CLI's), named as in a URL. */
function checked<T>(name: string, value: string, check: (value: string) => T): T {
  try {
    return check(value);
  } catch (e) {
    // The core names the CLI's flag ("-smp 0: ..."); the page names its query parameter.
    throw new BrowserOptionError(`${name}=${printable(value)}: ${(e as Error).message.replace(/^-{1,2}[\w-]+ \S+: /, '')}`);
  }
}

function parseDrive(text: string): DriveOption {
  if (!/(^|,)file=/.test(text)) return { url: text, readOnly: false };
  const drive: DriveOption = { url: '', readOnly: false };
  for (const part of qemuListParts(text)) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq), value = eq < 0 ? 'on' : part.slice(eq + 1);
    const onOff = (): boolean => {
      const on = qemuSwitch(value);
      if (on === undefined) throw new BrowserOptionError(`drive=${printable(text)}: ${printable(key)}=${printable(value)} must be on or off`);
      return on;
    };
    switch (key) {
      case 'file': drive.url = value; break;
      case 'format': if (value !== 'raw') throw new BrowserOptionError(`drive=${printable(text)}: only format=raw is supported`); break;
      case 'readonly': drive.readOnly = onOff(); break;
      // The disk lives in the page's memory: every drive is a snapshot of the file it came from.
      case 'snapshot': case 'if': case 'id': case 'media': case 'cache': break;
      default: throw new BrowserOptionError(`drive=${printable(text)}: unknown option '${printable(key)}'`);
    }
  }
  if (!drive.url) throw new BrowserOptionError(`drive=${printable(text)}: no file= given`);
  return drive;
}

/** nic=user[,relay=URL] or nic=none, as -nic spells them; a page cannot listen, so there is no hostfwd. */
function parseNic(text: string): { relay: string } | undefined {
  const [kind, ...rest] = qemuListParts(text);
  if (kind === 'none' && rest.length === 0) return undefined;
  if (kind !== 'user') throw new BrowserOptionError(`nic=${printable(text)}: only user networking (nic=user) is supported`);
  const network = { relay: DEFAULT_RELAY };
  for (const part of rest) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq), value = part.slice(eq + 1);
    if (key === 'relay' && eq > 0 && value !== '') network.relay = value;
    else if (key === 'model' && value === 'virtio-net-device') continue;
    else if (key === 'hostfwd') throw new BrowserOptionError(`nic=${printable(text)}: hostfwd is not possible in a page (a page cannot take connections)`);
    else throw new BrowserOptionError(`nic=${printable(text)}: unknown option '${printable(key)}' (known: relay=URL)`);
  }
  return network;
}

/** The options a page URL's query names; throws BrowserOptionError with a one-line message. */
export function parseOptions(search: string): BrowserOptions {
  const query = new URLSearchParams(search);
  for (const name of query.keys()) {
    if (!KNOWN.has(name)) throw new BrowserOptionError(`unknown option '${printable(name)}' (known: ${[...KNOWN].join(', ')})`);
  }
  const smp = single(query, 'smp');
  const harts = smp === undefined ? 1 : checked('smp', smp, hartsOption);
  const m = single(query, 'm');
  const ramSize = m === undefined ? DEFAULT_RAM : checked('m', m, ramSizeOption);
  const policy = single(query, 'tlb-flush') ?? 'fence';
  checked('tlb-flush', policy, flushPolicyOption);
  const engine = single(query, 'engine') ?? 'interp';
  checked('engine', engine, engineOption);
  const kernel = single(query, 'kernel');
  const drives = query.getAll('drive').map(parseDrive);
  const nic = single(query, 'nic');
  const network = nic === undefined ? undefined : parseNic(nic);
  try {
    driveCountOption(drives.length, 'drive=', { network });
  } catch (e) {
    throw new BrowserOptionError((e as Error).message);
  }
  const options: BrowserOptions = {
    harts,
    ramSize,
    policy: policy as FlushPolicyName,
    engine: engine as EngineName,
    append: single(query, 'append') ?? (kernel === undefined ? DEFAULT_IMAGES.append : ''),
    bios: single(query, 'bios') ?? DEFAULT_IMAGES.bios,
    kernel: kernel ?? DEFAULT_IMAGES.kernel,
    initrd: single(query, 'initrd') ?? (kernel === undefined ? DEFAULT_IMAGES.initrd : undefined),
    drives: drives.length > 0 || kernel !== undefined ? drives : [{ url: DEFAULT_IMAGES.disk, readOnly: false }],
    reboot: !flag(query, 'no-reboot'),
    warmUp: !flag(query, 'no-warm-up'),
    hartThreads: flag(query, 'hart-threads'),
    persist: query.get('persist') === 'fresh' ? 'fresh' : flag(query, 'persist') ? 'on' : 'off',
    ...network ? { network } : {},
  };
  const loadvm = single(query, 'loadvm');
  if (loadvm !== undefined) {
    if (loadvm === '') throw new BrowserOptionError('loadvm= names no URL');
    options.loadvm = loadvm;
  }
  for (const [name, url] of [['kernel', options.kernel], ['initrd', options.initrd], ['bios', options.bios]] as const) {
    if (url === '') throw new BrowserOptionError(`${name}= names no URL`);
  }
  return options;
}
