// QEMU's command line for `hartvm boot`: the options people type for qemu-system-riscv64 on the
// virt board, declared in one table. Each becomes hartvm's own option, is accepted because it
// changes nothing on this board, or is refused with one line that names it as it was typed.
// Arguments that are not QEMU's (hartvm's own --options) pass through unchanged.

import { printable } from '../../machine/printable.js';
import { qemuListParts } from '../../machine/qemu-list.js';
import { ISA_STRING, PAGING_MODES } from '../../machine/virt-machine.js';
import { UserError } from './user-error.js';
import { DEFAULT_GDB_PLACE } from './gdb-socket.js';
import { virtfsOption, type ShareOption } from '../../machine/share-options.js';
import { checkShareFolder } from './folder-share.js';

/** The options of the command line being read that depend on each other (-drive and -device, -snapshot). */
interface Line {
  /** hartvm's arguments so far */
  out: string[];
  /** every -drive's spec, in order (without the snapshot QEMU's -snapshot adds) */
  drives: string[];
  /** the id= of each -drive that has one */
  driveIds: Set<string>;
  /** the drive= of each -device virtio-blk-device, checked once every -drive is known */
  blockDevices: string[];
  snapshot: boolean;
  /** -version: print the version instead of booting */
  version: boolean;
  /** a -device virtio-serial-device was given (the bus a virtconsole sits on) */
  virtioSerial: boolean;
  /** the id= of each -chardev stdio */
  stdioChardevs: Set<string>;
  /** the chardev= of each -device virtconsole, checked once every -chardev is known */
  virtconsoles: { chardev: string; typed: string }[];
  /** each -netdev user by its id=: its hostfwd= parts */
  netdevs: Map<string, string[]>;
  /** the netdev= of each -device virtio-net-device, checked once every -netdev is known */
  netDevices: { netdev: string; typed: string }[];
  /** hartvm's --nic for each -nic user, and for each -device virtio-net-device once matched */
  nics: string[];
  /** each -fsdev local by its id=: what it says */
  fsdevs: Map<string, ShareOption>;
  /** the fsdev= and mount_tag= of each -device virtio-9p-device, checked once every -fsdev is known */
  ninePDevices: { fsdev: string; tag: string; typed: string }[];
}

interface QemuOption {
  /** whether it takes a value (the next argument) */
  takesValue: boolean;
  /** adds its translation to `line`, or throws a refusal (`typed`: the option as typed) */
  apply(value: string, line: Line, typed: string): void;
}

/** `key=value,key=value` (qemu-list.ts); a bare first part is `implied`'s value. */
function properties(text: string, implied: string): [string, string][] {
  return qemuListParts(text).filter((p) => p !== '').map((p, i) => {
    const eq = p.indexOf('=');
    if (eq < 0) return i === 0 && implied ? [implied, p] : [p, 'on'];
    return [p.slice(0, eq), p.slice(eq + 1)];
  });
}

/** The value of `key` among `props`, if it is there. */
function prop(props: readonly [string, string][], key: string): string | undefined {
  return props.find(([k]) => k === key)?.[1];
}

function refuse(typed: string, value: string | undefined, why: string): never {
  throw new UserError(`${typed}${value === undefined ? '' : ` ${printable(value)}`}: ${why}`);
}

/**
 * The -cpu switches that name what every hart has (the board's ISA string, the privilege modes,
 * its paging modes and PMP); any of them may be turned on, none off.
 */
const CPU_EXTENSIONS = new Set([...ISA_STRING.slice('rv64'.length).split('_')[0], ...ISA_STRING.split('_').slice(1),
  'g', 's', 'u', 'mmu', ...PAGING_MODES, 'pmp']);
/** -machine properties whose value on hartvm's virt board is the one given. */
const MACHINE_DEFAULTS: Record<string, string[]> = {
  aclint: ['off'], aia: ['none'], acpi: ['off', 'auto'], accel: ['tcg'], 'dump-guest-core': ['on', 'off'], 'mem-merge': ['on', 'off'],
  usb: ['off'], graphics: ['off'],
};

const flag = (to: string): QemuOption => ({ takesValue: false, apply: (_, line) => { line.out.push(to); } });
const passValue = (to: string): QemuOption => ({ takesValue: true, apply: (value, line) => { line.out.push(to, value); } });
const harmless = (takesValue: boolean): QemuOption => ({ takesValue, apply: () => {} });
const unsupported = (takesValue: boolean, why: string): QemuOption => ({
  takesValue, apply: (value, _line, typed) => refuse(typed, takesValue ? value : undefined, why),
});

const MEMORY: QemuOption = {
  takesValue: true,
  apply(value, line, typed) {
    let size: string | undefined;
    for (const [key, v] of properties(value, 'size')) {
      if (key === 'size') size = v;
      else refuse(typed, value, `${printable(key)}= is not supported (hartvm has no memory hotplug)`);
    }
    if (size === undefined) refuse(typed, value, 'no size given');
    line.out.push('--memory', size);
  },
};

const HARTS: QemuOption = {
  takesValue: true,
  apply(value, line, typed) {
    let cpus: number | undefined, maxcpus: number | undefined;
    let topology = 1, topologyGiven = false;
    for (const [key, v] of properties(value, 'cpus')) {
      if (!/^\d+$/.test(v)) refuse(typed, value, `${printable(key)}=${printable(v)}: expected a positive whole number`);
      const n = Number(v);
      if (key === 'cpus') cpus = n;
      else if (key === 'maxcpus') maxcpus = n;
      else if (['sockets', 'dies', 'clusters', 'cores', 'threads', 'books', 'drawers'].includes(key)) { topology *= n; topologyGiven = true; }
      else refuse(typed, value, `unknown property ${printable(key)}=`);
    }
    const harts = cpus ?? (topologyGiven ? topology : maxcpus);
    if (harts === undefined) refuse(typed, value, 'no number of CPUs given');
    if (topologyGiven && cpus !== undefined && topology < cpus) refuse(typed, value, `the topology holds ${topology} CPUs, fewer than ${cpus}`);
    if (maxcpus !== undefined && maxcpus !== harts) refuse(typed, value, `maxcpus=${maxcpus} is not supported (hartvm has no CPU hotplug): give maxcpus equal to the CPUs`);
    line.out.push('--smp', String(harts));
  },
};

const MACHINE: QemuOption = {
  takesValue: true,
  apply(value, line, typed) {
    for (const [key, v] of properties(value, 'type')) {
      if (key === 'type') {
        if (v !== 'virt') refuse(typed, value, `hartvm has only the virt board (QEMU's -M virt), not ${printable(v)}`);
      } else if (key === 'dumpdtb') line.out.push('--dump-dtb', v);
      else if (MACHINE_DEFAULTS[key]?.includes(v)) continue;
      else if (key in MACHINE_DEFAULTS) refuse(typed, value, `${printable(key)}=${printable(v)} is not supported (hartvm's virt board has ${key}=${MACHINE_DEFAULTS[key][0]})`);
      else refuse(typed, value, `the virt board property ${printable(key)} is not supported`);
    }
  },
};

const CPU: QemuOption = {
  takesValue: true,
  apply(value, _line, typed) {
    for (const [key, v] of properties(value, 'model')) {
      if (key === 'model') {
        if (v !== 'rv64') refuse(typed, value, `hartvm's harts are QEMU's rv64 (RV64GC with Sv39, Sv48, Sv57 and Sstc), not ${printable(v)}`);
      } else if (!CPU_EXTENSIONS.has(key.toLowerCase())) refuse(typed, value, `hartvm does not implement ${printable(key)}`);
      else if (v !== 'on' && v !== 'true') refuse(typed, value, `${printable(key)} cannot be turned off: every hart has it`);
    }
  },
};

const BIOS: QemuOption = {
  takesValue: true,
  apply(value, line) {
    // default: the firmware hartvm ships, as QEMU's default is the OpenSBI it ships
    if (value !== 'default') line.out.push('--bios', value);
  },
};

const DRIVE: QemuOption = {
  takesValue: true,
  apply(value, line, typed) {
    for (const [key, v] of properties(value, 'file')) {
      if (key === 'id') line.driveIds.add(v);
      else if (key === 'if' && v !== 'none' && v !== 'virtio') refuse(typed, value, `if=${printable(v)} is not supported: the virt board's disks are virtio (if=none with -device virtio-blk-device, or if=virtio)`);
    }
    line.drives.push(value);
  },
};

const DEVICE: QemuOption = {
  takesValue: true,
  apply(value, line, typed) {
    const props = properties(value, 'driver');
    const driver = prop(props, 'driver') ?? '';
    if (driver === 'virtio-blk-device') {
      const drive = prop(props, 'drive');
      if (drive === undefined) refuse(typed, value, 'no drive= given');
      line.blockDevices.push(drive);
    } else if (driver === 'virtio-serial-device' || driver === 'virtio-serial') {
      line.virtioSerial = true;
    } else if (driver === 'virtconsole') {
      const chardev = prop(props, 'chardev');
      if (chardev === undefined) refuse(typed, value, 'no chardev= given (a -chardev stdio,id=ID)');
      if (!line.virtioSerial) refuse(typed, value, 'a virtconsole sits on a virtio-serial bus: give -device virtio-serial-device before it');
      if (line.virtconsoles.length > 0) refuse(typed, value, 'hartvm\'s virtio console has one port: one virtconsole');
      line.virtconsoles.push({ chardev, typed: `${typed} ${printable(value)}` });
    } else if (driver === 'virtio-net-device') {
      const netdev = prop(props, 'netdev');
      if (netdev === undefined) refuse(typed, value, 'no netdev= given (a -netdev user,id=ID)');
      for (const [key] of props) {
        if (key !== 'driver' && key !== 'netdev' && key !== 'id' && key !== 'mac') refuse(typed, value, `${printable(key)} is not supported`);
      }
      line.netDevices.push({ netdev, typed: `${typed} ${printable(value)}` });
    } else if (driver === 'virtio-9p-device') {
      const fsdev = prop(props, 'fsdev');
      if (fsdev === undefined) refuse(typed, value, 'no fsdev= given (a -fsdev local,id=ID,path=DIR,security_model=...)');
      const tag = prop(props, 'mount_tag');
      if (tag === undefined || tag === '') refuse(typed, value, 'no mount_tag= given (the name the guest mounts it by)');
      for (const [key] of props) {
        if (key !== 'driver' && key !== 'fsdev' && key !== 'mount_tag' && key !== 'id') refuse(typed, value, `${printable(key)} is not supported`);
      }
      line.ninePDevices.push({ fsdev, tag, typed: `${typed} ${printable(value)}` });
    } else if (driver === 'virtio-9p-pci') {
      refuse(typed, value, 'the virt board has no PCI: use virtio-9p-device (or -virtfs)');
    } else if (driver !== 'virtio-rng-device') {
      // the board has one entropy device always; a second would be the same
      refuse(typed, value, `hartvm's virt board has no ${printable(driver)} (it has virtio-blk-device disks, one virtio-rng-device, virtio-serial-device with one virtconsole, one virtio-net-device, and virtio-9p-device shares)`);
    }
  },
};

const OBJECT: QemuOption = {
  takesValue: true,
  apply(value, _line, typed) {
    const kind = prop(properties(value, 'qom-type'), 'qom-type') ?? '';
    if (kind !== 'rng-random' && kind !== 'rng-builtin') refuse(typed, value, `the object ${printable(kind)} is not supported (only rng-random and rng-builtin, for virtio-rng)`);
  },
};

/** -chardev stdio,id=ID[,mux=on][,signal=on|off]: the terminal, for a virtconsole. */
const CHARDEV: QemuOption = {
  takesValue: true,
  apply(value, line, typed) {
    const props = properties(value, 'backend');
    const backend = prop(props, 'backend') ?? '';
    if (backend !== 'stdio') refuse(typed, value, 'the only character device is the terminal (stdio)');
    const id = prop(props, 'id');
    if (id === undefined) refuse(typed, value, 'no id= given');
    for (const [key] of props) {
      if (key !== 'backend' && key !== 'id' && key !== 'mux' && key !== 'signal' && key !== 'logfile' && key !== 'logappend') refuse(typed, value, `${printable(key)} is not supported`);
    }
    line.stdioChardevs.add(id);
  },
};

/** -netdev user,id=ID[,hostfwd=RULE]...: user-mode networking, for a -device virtio-net-device. */
const NETDEV: QemuOption = {
  takesValue: true,
  apply(value, line, typed) {
    const props = properties(value, 'type');
    const type = prop(props, 'type') ?? '';
    if (type !== 'user') refuse(typed, value, 'the only network backend is user-mode networking (user)');
    const id = prop(props, 'id');
    if (id === undefined) refuse(typed, value, 'no id= given');
    const forwards: string[] = [];
    for (const [key, v] of props) {
      if (key === 'hostfwd') forwards.push(`hostfwd=${v}`);
      else if (key !== 'type' && key !== 'id') refuse(typed, value, `${printable(key)} is not supported (user networking takes hostfwd=)`);
    }
    line.netdevs.set(id, forwards);
  },
};

/** -nic user[,hostfwd=RULE]...[,model=virtio-net-device]: the card and its network at once; -nic none: no card. */
const NIC: QemuOption = {
  takesValue: true,
  apply(value, line, typed) {
    if (value === 'none') return;
    const type = properties(value, 'type')[0]?.[1] ?? '';
    if (type !== 'user') refuse(typed, value, 'the only network backend is user-mode networking (user)');
    line.nics.push(value);
  },
};

/** -virtfs local,path=DIR,mount_tag=TAG,security_model=...[,readonly=on]: a shared folder, its device and all. */
const VIRTFS: QemuOption = {
  takesValue: true,
  apply(value, line, typed) {
    const share = virtfsOption(value, typed);
    checkShareFolder(share.path, `${typed} ${printable(value)}`);
    line.out.push('--virtfs', virtfsSpec(share));
  },
};

/** -fsdev local,id=ID,path=DIR,security_model=...[,readonly=on]: a shared folder, for a -device virtio-9p-device. */
const FSDEV: QemuOption = {
  takesValue: true,
  apply(value, line, typed) {
    const share = virtfsOption(value, typed, false);
    if (share.id === undefined) refuse(typed, value, 'no id= given');
    checkShareFolder(share.path, `${typed} ${printable(value)}`);
    line.fsdevs.set(share.id, share);
  },
};

/** hartvm's --virtfs spelling of a share, commas in its path and tag doubled. */
function virtfsSpec(share: ShareOption): string {
  const escape = (text: string) => text.replace(/,/g, ',,');
  return `local,path=${escape(share.path)},mount_tag=${escape(share.tag)},security_model=${share.securityModel ?? 'none'}${share.readOnly ? ',readonly=on' : ''}`;
}

const CHARDEV_STDIO = (what: string, accepted: string[]): QemuOption => ({
  takesValue: true,
  apply(value, _line, typed) {
    if (!accepted.includes(value)) refuse(typed, value, `the ${what} is the terminal (${accepted.join(' or ')})`);
  },
});

/** Every QEMU option hartvm knows, under the names QEMU accepts (one dash or two). */
const QEMU_OPTIONS: Record<string, QemuOption> = {
  m: MEMORY,
  smp: HARTS,
  M: MACHINE,
  machine: MACHINE,
  cpu: CPU,
  bios: BIOS,
  kernel: passValue('--kernel'),
  initrd: passValue('--initrd'),
  append: passValue('--append'),
  drive: DRIVE,
  device: DEVICE,
  object: OBJECT,
  chardev: CHARDEV,
  snapshot: { takesValue: false, apply: (_, line) => { line.snapshot = true; } },
  nographic: harmless(false),
  display: CHARDEV_STDIO('display', ['none']),
  serial: CHARDEV_STDIO('serial console', ['mon:stdio', 'stdio']),
  monitor: passValue('--monitor'),
  'no-reboot': flag('--no-reboot'),
  version: { takesValue: false, apply: (_, line) => { line.version = true; } },
  accel: { takesValue: true, apply: (value, _line, typed) => { if (properties(value, 'accel')[0]?.[1] !== 'tcg') refuse(typed, value, 'hartvm is its own accelerator: only tcg is accepted'); } },
  name: harmless(true),
  'no-user-config': harmless(false),
  nodefaults: harmless(false),
  rtc: harmless(true),
  s: { takesValue: false, apply: (_, line) => { line.out.push('--gdb', DEFAULT_GDB_PLACE); } },
  S: flag('--start-held'),
  gdb: passValue('--gdb'),
  // QEMU's names a snapshot inside a disk; hartvm's is a file savevm wrote
  loadvm: passValue('--loadvm'),
  dtb: passValue('--dtb'),
  'enable-kvm': unsupported(false, 'hartvm has no KVM: it is its own accelerator'),
  netdev: NETDEV,
  nic: NIC,
  net: { takesValue: true, apply: (value, _line, typed) => { if (value !== 'none') refuse(typed, value, 'the legacy -net is not supported: use -nic user,... or -netdev user,id=ID with -device virtio-net-device,netdev=ID'); } },
  virtfs: VIRTFS,
  fsdev: FSDEV,
};

/** hartvm's own options that take a value and are not QEMU's: their values pass through untranslated. */
const HARTVM_VALUE_OPTIONS = new Set(['--memory', '--tlb-flush', '--dump-dtb', '--engine', '--jit-dump', '--gdb']);

/**
 * hartvm's arguments for `args` (those after `boot`), with QEMU's options translated; `version`
 * when -version asked for the version instead. Throws UserError for an option refused.
 */
export function translateQemuOptions(args: readonly string[]): { args: string[]; version: boolean } {
  const line: Line = {
    out: [], drives: [], driveIds: new Set(), blockDevices: [], snapshot: false, version: false,
    virtioSerial: false, stdioChardevs: new Set(), virtconsoles: [], netdevs: new Map(), netDevices: [], nics: [],
    fsdevs: new Map(), ninePDevices: [],
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const name = /^--?([A-Za-z][\w-]*)$/.exec(arg)?.[1];
    const option = name === undefined ? undefined : QEMU_OPTIONS[name];
    if (option === undefined) {
      line.out.push(arg);
      if (HARTVM_VALUE_OPTIONS.has(arg) && i + 1 < args.length) line.out.push(args[++i]);
      continue;
    }
    let value = '';
    if (option.takesValue) {
      if (i + 1 >= args.length) refuse(arg, undefined, 'argument missing');
      value = args[++i];
    }
    option.apply(value, line, arg);
  }
  for (const drive of line.blockDevices) {
    if (!line.driveIds.has(drive)) throw new UserError(`-device virtio-blk-device,drive=${printable(drive)}: no -drive has id=${printable(drive)}`);
  }
  for (const drive of line.drives) line.out.push('--drive', line.snapshot ? `${drive},snapshot=on` : drive);
  for (const { chardev, typed } of line.virtconsoles) {
    if (!line.stdioChardevs.has(chardev)) throw new UserError(`${typed}: no -chardev stdio has id=${printable(chardev)}`);
    line.out.push('--virtio-console');
  }
  for (const { netdev, typed } of line.netDevices) {
    const forwards = line.netdevs.get(netdev);
    if (forwards === undefined) throw new UserError(`${typed}: no -netdev user has id=${printable(netdev)}`);
    line.nics.push(['user', ...forwards].join(','));
  }
  if (line.nics.length > 1) throw new UserError(`hartvm's virt board has one network card: ${line.nics.length} were given`);
  for (const nic of line.nics) line.out.push('--nic', nic);
  for (const { fsdev, tag, typed } of line.ninePDevices) {
    const share = line.fsdevs.get(fsdev);
    if (share === undefined) throw new UserError(`${typed}: no -fsdev local has id=${printable(fsdev)}`);
    line.out.push('--virtfs', virtfsSpec({ ...share, tag }));
  }
  return { args: line.out, version: line.version };
}
