// Guest memory as a debugger sees it through one held hart, as QEMU's stub does: a virtual
// address goes through the hart's current translation (satp, unless the hart is in M-mode),
// and where that fails it is taken as a physical address. The walk only looks: it sets no
// A/D bits and checks no permissions (a debugger reads what the hart could not). Only RAM is
// read or written; device registers have effects a look must not have.

import { Bus, PhysKind } from '../bus/bus.js';
import { Priv } from '../arch/privilege.js';
import { Pte } from '../arch/pte.js';
import { SatpMode, satpMode, satpRootPpn } from '../arch/satp.js';
import type { HartSnapshot } from '../cpu/hart-snapshot.js';
import type { HostWatch, WatchKind } from '../cpu/hart-breakpoints.js';

const PAGE = 4096n;

export class GuestInspector {
  private readonly bus: Bus;
  private readonly hart: HartSnapshot;
  private readonly written: (hostOffset: number, length: number) => void;

  /** `written` is told of every run of host bytes written (decoded code there is stale). */
  constructor(bus: Bus, hart: HartSnapshot, written: (hostOffset: number, length: number) => void) {
    this.bus = bus;
    this.hart = hart;
    this.written = written;
  }

  /** `length` bytes at `address`, or undefined if one of them is not RAM. */
  read(address: bigint, length: number): Uint8Array | undefined {
    const out = new Uint8Array(length);
    const bytes = this.bus.memory.bytes;
    return this.forEachByte(address, length, (host, i) => { out[i] = bytes[host]; }) ? out : undefined;
  }

  /** Writes `data` at `address`; false (and nothing written) if one of the bytes is not writable RAM. */
  write(address: bigint, data: Uint8Array): boolean {
    const hosts = new Float64Array(data.length);
    if (!this.forEachByte(address, data.length, (host, i) => { hosts[i] = host; }, true)) return false;
    const bytes = this.bus.memory.bytes;
    hosts.forEach((host, i) => { bytes[host] = data[i]; });
    for (let i = 0; i < hosts.length;) {
      let end = i + 1;
      while (end < hosts.length && hosts[end] === hosts[end - 1] + 1) end++;
      this.written(hosts[i], end - i);
      i = end;
    }
    return true;
  }

  /** The host runs of `length` bytes at `address`, as watches of `kind`, or undefined if one byte is not RAM. */
  watches(address: bigint, length: number, kind: WatchKind): HostWatch[] | undefined {
    const watches: HostWatch[] = [];
    const ok = this.forEachByte(address, length, (host, i) => {
      const last = watches[watches.length - 1];
      if (last && last.host + last.length === host) last.length++;
      else watches.push({ host, length: 1, address: address + BigInt(i), kind });
    });
    return ok ? watches : undefined;
  }

  /** Calls `each` with the host offset of every byte; false if one is not (writable) RAM. */
  private forEachByte(address: bigint, length: number, each: (host: number, index: number) => void, writing = false): boolean {
    let page = -1n, pagePa = 0n;
    for (let i = 0; i < length; i++) {
      const va = BigInt.asUintN(64, address + BigInt(i));
      if (va / PAGE !== page) {
        page = va / PAGE;
        pagePa = this.physicalPage(page * PAGE);
      }
      const pa = pagePa + (va % PAGE);
      if (pa >= 2n ** 53n || this.bus.resolve(Number(pa)) !== PhysKind.MEMORY || (writing && !this.bus.writable)) return false;
      each(this.bus.hostOffset, i);
    }
    return true;
  }

  /** The physical address of the page at `va` through the hart's translation, or `va` itself. */
  private physicalPage(va: bigint): bigint {
    const satp = this.hart.csrs.satp;
    const satpHi = Number(satp >> 32n) | 0;
    const mode = satpMode(satpHi);
    if (this.hart.priv === Priv.M || mode === SatpMode.BARE) return va;
    return this.walk(va, mode, satpRootPpn(Number(satp & 0xffffffffn) | 0, satpHi)) ?? va;
  }

  /** The page-table walk (privileged spec 4.3.2) without its checks and updates; undefined where it faults. */
  private walk(va: bigint, mode: SatpMode, rootPpn: number): bigint | undefined {
    const levels = mode === SatpMode.SV39 ? 3 : mode === SatpMode.SV48 ? 4 : mode === SatpMode.SV57 ? 5 : 0;
    if (levels === 0) return undefined;
    const top = 12 + 9 * levels - 1;
    const signed = BigInt.asIntN(64, va);
    if (signed >> BigInt(top) !== 0n && signed >> BigInt(top) !== -1n) return undefined;
    let table = BigInt(rootPpn) * PAGE;
    const view = this.bus.memory.view;
    for (let level = levels - 1; level >= 0; level--) {
      const shift = BigInt(12 + 9 * level);
      const pteAddress = table + ((va >> shift) & 511n) * 8n;
      if (this.bus.resolve(Number(pteAddress)) !== PhysKind.MEMORY) return undefined;
      const pte = view.getBigUint64(this.bus.hostOffset, true);
      const flags = Number(pte & 0xffn);
      if ((flags & Pte.V) === 0 || (flags & (Pte.R | Pte.W)) === Pte.W) return undefined;
      const ppn = (pte >> 10n) & ((1n << 44n) - 1n);
      if ((flags & (Pte.R | Pte.X)) === 0) {
        table = ppn * PAGE;
        continue;
      }
      // a superpage: the VPN bits below its level pass through
      const below = (1n << shift) - 1n;
      return ((ppn * PAGE) & ~below) | (va & below & ~(PAGE - 1n));
    }
    return undefined;
  }
}
