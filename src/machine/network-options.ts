// The guest's network as QEMU's user networking spells it: `-nic user[,hostfwd=RULE]...`, or
// `-netdev user,id=ID[,hostfwd=RULE]...` with `-device virtio-net-device,netdev=ID`. A rule is
// [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT: connections to HOSTADDR:HOSTPORT on the
// host (127.0.0.1 when HOSTADDR is empty, so nothing is reachable from other machines unless
// asked) reach GUESTPORT in the guest. The guest's address is the one DHCP gives it, so
// GUESTADDR may only be empty or QEMU's usual guest address, which a pasted line names.

import { printable } from './printable.js';
import { qemuListParts } from './qemu-list.js';
import { OptionError } from './errors.js';

export interface HostForward {
  protocol: 'tcp' | 'udp';
  hostAddress: string;
  hostPort: number;
  guestPort: number;
}

/** What `-nic user,...` asks for. */
export interface UserNetwork {
  hostForwards: HostForward[];
}

/** The library's and the page's spelling: the hostfwd rules as QEMU writes them. */
export interface NetworkOption {
  hostfwd?: readonly string[];
}

/** QEMU's user-mode network gives its guest this address; in a pasted rule it means the guest. */
const QEMU_GUEST_ADDRESS = '10.0.2.15';
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function port(text: string, rule: string, what: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw new OptionError(`hostfwd=${printable(rule)}: the ${what} port ${printable(text)} is not a port number (1 to 65535)`);
  }
  return Number(text);
}

/** One hostfwd rule; throws OptionError naming it when it is not one. */
export function hostForwardOption(rule: string): HostForward {
  const m = /^(?:(tcp|udp):)?([^:-]*):([^:-]*)-([^:-]*):([^:-]*)$/.exec(rule);
  if (!m) throw new OptionError(`hostfwd=${printable(rule)}: expected [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT`);
  const [, protocol = 'tcp', hostAddress, hostPort, guestAddress, guestPort] = m;
  const octets = IPV4.exec(hostAddress);
  if (hostAddress !== '' && (!octets || octets.slice(1).some((o) => Number(o) > 255))) {
    throw new OptionError(`hostfwd=${printable(rule)}: the host address ${printable(hostAddress)} is not an IPv4 address`);
  }
  if (guestAddress !== '' && guestAddress !== QEMU_GUEST_ADDRESS) {
    throw new OptionError(`hostfwd=${printable(rule)}: the guest's address is the one DHCP gives it: leave GUESTADDR empty`);
  }
  return {
    protocol: protocol as 'tcp' | 'udp',
    hostAddress: hostAddress || '127.0.0.1',
    hostPort: port(hostPort, rule, 'host'),
    guestPort: port(guestPort, rule, 'guest'),
  };
}

/** `user[,id=ID][,model=virtio-net-device][,hostfwd=RULE]...` (the only network type is user), as the library's option. */
export function nicOption(spec: string): NetworkOption {
  const parts = qemuListParts(spec);
  if (parts[0] !== 'user') throw new OptionError(`${printable(spec)}: the only network is user-mode networking (user[,hostfwd=...])`);
  const hostfwd: string[] = [];
  for (const part of parts.slice(1)) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq), value = eq < 0 ? '' : part.slice(eq + 1);
    if (key === 'hostfwd') hostfwd.push(value);
    else if (key === 'id') continue;
    else if (key === 'model' && (value === 'virtio-net-device' || value === 'virtio')) continue;
    else if (key === 'model') throw new OptionError(`${printable(spec)}: the board's network card is a virtio-net-device, not ${printable(value)}`);
    else throw new OptionError(`${printable(spec)}: ${printable(key)} is not supported (user networking takes hostfwd=)`);
  }
  // (the rules are checked where the machine is made: userNetworkOption)
  return { hostfwd };
}

/** The network an option asks for, each rule checked; throws OptionError naming what is wrong. */
export function userNetworkOption(option: NetworkOption): UserNetwork {
  const network: UserNetwork = { hostForwards: (option.hostfwd ?? []).map(hostForwardOption) };
  const seen = new Set<string>();
  for (const f of network.hostForwards) {
    const key = `${f.protocol} ${f.hostAddress}:${f.hostPort}`;
    if (seen.has(key)) throw new OptionError(`two hostfwd rules for ${f.protocol} ${f.hostAddress}:${f.hostPort}`);
    seen.add(key);
  }
  return network;
}
