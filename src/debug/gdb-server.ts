// One gdb client of the machine (the GDB Remote Serial Protocol, all-stop, as QEMU's stub
// speaks it): harts are threads 1..N, memory is read and written through the selected hart's
// translation, breakpoints are virtual addresses, and a stop of one hart holds them all.
// Host-neutral: bytes in (receive), bytes out (the `send` it is given); the host owns the socket.

import type { HartSnapshot } from '../cpu/hart-snapshot.js';
import { HartAction, StopCause } from '../smp/board-signals.js';
import { MAX_DEBUGGER_VALUES } from '../smp/debugger-list.js';
import { WatchKind, type HostWatch } from '../cpu/hart-breakpoints.js';
import { debugRegister, GENERAL_REGISTERS, type DebugRegister } from './registers.js';
import { framePacket, fromHex, RspReader, toHex, unescapeBinary } from './rsp-framing.js';
import { TARGET_XML } from './target-description.js';

/** What the stub drives: the machine's session. */
export interface DebugTarget {
  readonly harts: number;
  readonly paused: boolean;
  /** holds every hart; resolves once they are (also when they already were asked to be) */
  pause(): Promise<void>;
  snapshots(): HartSnapshot[];
  writeRegisters(snapshot: HartSnapshot): void;
  readMemory(hartId: number, address: bigint, length: number): Uint8Array | undefined;
  writeMemory(hartId: number, address: bigint, bytes: Uint8Array): boolean;
  debugResume(actions: readonly HartAction[], breakpoints: readonly bigint[], watches: readonly HostWatch[]): void;
  /** guest RAM at `address` through hart `hartId`'s translation, as watches of `kind` (undefined: not all RAM) */
  watchRange(hartId: number, address: bigint, length: number, kind: WatchKind): HostWatch[] | undefined;
  stopCauses(): StopCause[];
  /** the debugger is gone: no more breakpoints or watchpoints, for held harts too */
  clearDebugger(): void;
  /** the watched address hart `hartId` accessed (its stop cause a watchpoint's) */
  watchedAddress(hartId: number): bigint;
  onHartStop(listener: (() => void) | undefined): void;
}

export interface GdbServerHost {
  /** bytes for the client (latin1 text) */
  send(bytes: string): void;
  /** runs a monitor command (qRcmd); resolves to what it prints */
  monitor(line: string): Promise<string>;
  /** the client killed the machine (k): it ends as on any other exit */
  kill(): void;
  /** the client is done (D): close its connection */
  close(): void;
  /** told how many packets wait for an answer, as it changes (a host stops reading while too many do) */
  waiting?(count: number): void;
}

/** Watchpoints at once (write, read and access ones together), and the bytes one watches at most. */
const MAX_WATCHES = 16;
const MAX_WATCH_LENGTH = 64;
/** The longest packet taken (hex, as qSupported tells the client): 4 KiB. */
export const PACKET_SIZE = 0x1000;
/**
 * Memory read in one m packet at most. gdb asks for up to half its packet size (a reply of
 * PacketSize hex digits, which it takes); twice that is allowed, and nothing more is buffered.
 */
const MAX_MEMORY_READ = PACKET_SIZE;
const SIGTRAP = 0x05;
const SIGINT = 0x02;
/** The watchpoint of each Z packet type that sets one */
const WATCH_KINDS: Readonly<Record<string, WatchKind>> = { 2: WatchKind.WRITE, 3: WatchKind.READ, 4: WatchKind.ACCESS };
/** The stop reply's name for the address a watchpoint's hit accessed, by stop cause */
const STOP_WATCH_NAMES: Readonly<Partial<Record<StopCause, string>>> = {
  [StopCause.WATCHPOINT]: 'watch', [StopCause.READ_WATCHPOINT]: 'rwatch', [StopCause.ACCESS_WATCHPOINT]: 'awatch',
};
/** QEMU's replies for a bad argument and a memory access that failed */
const BAD_ARGUMENT = 'E22';
const MEMORY_ERROR = 'E14';

export class GdbServer {
  private readonly target: DebugTarget;
  private readonly host: GdbServerHost;
  private readonly reader = new RspReader(PACKET_SIZE);
  private acks = true;
  private lastSent = '';
  /** the hart register and memory packets apply to (Hg), and the one s steps (Hc) */
  private generalHart = 0;
  private controlHart = 0;
  private readonly breakpoints = new Set<bigint>();
  /** watchpoints by `type,address,length` as gdb gave them (Z2, Z3, Z4) */
  private readonly watches = new Map<string, HostWatch[]>();
  /** the hart the last stop reply named after it stopped on its own */
  private lastStopped = -1;
  /** the harts run for the client, which waits for a stop reply */
  private running = false;
  /** packets are handled one after another (some wait for the harts) */
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  private closed = false;

  constructor(target: DebugTarget, host: GdbServerHost) {
    this.target = target;
    this.host = host;
    target.onHartStop(() => this.hartStopped());
    // as QEMU's: a client that connects finds the machine stopped
    this.enqueue(() => target.pause());
  }

  /** Bytes from the client (latin1). */
  receive(bytes: string): void {
    for (const event of this.reader.feed(bytes)) {
      if (event.kind === 'resend') { if (this.acks && this.lastSent) this.host.send(this.lastSent); }
      else if (event.kind === 'bad') { if (this.acks) this.host.send('-'); }
      else if (event.kind === 'interrupt') this.enqueue(() => this.interrupt());
      else {
        if (this.acks) this.host.send('+');
        const payload = event.payload;
        this.enqueue(() => this.handle(payload));
      }
    }
  }

  /**
   * The client went away: its breakpoints go. Running harts run on without them; held ones stay
   * held (as QEMU's, until a debugger or the monitor's cont lets them go).
   */
  disconnected(): void {
    if (this.closed) return;
    this.closed = true;
    this.target.onHartStop(undefined);
    this.breakpoints.clear();
    this.watches.clear();
    this.enqueue(async () => {
      if (this.target.paused) return this.target.clearDebugger();
      await this.target.pause();
      this.target.debugResume([], [], []);
    });
  }

  private enqueue(job: () => Promise<void> | void): void {
    this.host.waiting?.(++this.queued);
    this.queue = this.queue.then(job)
      .catch(() => { /* the machine ended under it: nothing to tell */ })
      .finally(() => this.host.waiting?.(--this.queued));
  }

  private reply(payload: string): void {
    if (this.closed) return;
    this.lastSent = framePacket(payload);
    this.host.send(this.lastSent);
  }

  private async handle(payload: string): Promise<void> {
    let answer: string | undefined;
    try {
      answer = await this.answer(payload);
    } catch {
      answer = 'E01'; // the machine is not held, or it ended: an error, not a crash
    }
    if (answer !== undefined) this.reply(answer);
  }

  /** The reply to one packet; undefined when the reply is a stop reply that comes later. */
  private async answer(p: string): Promise<string | undefined> {
    switch (p[0]) {
      case '?': return this.stopReply(SIGTRAP, this.generalHart);
      case 'g': return GENERAL_REGISTERS.map((r) => registerHex(r, this.snapshot())).join('');
      case 'G': return this.writeGeneralRegisters(p.slice(1));
      case 'p': return this.readRegister(p.slice(1));
      case 'P': return this.writeRegister(p.slice(1));
      case 'm': return this.readMemory(p.slice(1));
      case 'M': return this.writeMemory(p.slice(1), false);
      case 'X': return this.writeMemory(p.slice(1), true);
      case 'Z': case 'z': return this.breakpoint(p);
      case 'c': case 'C': return this.resumeAll(p);
      case 's': case 'S': return this.stepOne(p);
      case 'H': return this.selectHart(p);
      case 'T': return this.hartOf(p.slice(1)) !== undefined ? 'OK' : 'E01';
      case 'D': return this.detach();
      case 'k': this.host.kill(); return undefined;
      case 'q': return this.query(p);
      case 'Q': if (p === 'QStartNoAckMode') { this.reply('OK'); this.acks = false; return undefined; } return '';
      case 'v': return this.vPacket(p);
      default: return '';
    }
  }

  private async query(p: string): Promise<string> {
    if (p.startsWith('qSupported')) return `PacketSize=${PACKET_SIZE.toString(16)};qXfer:features:read+;vContSupported+;QStartNoAckMode+`;
    if (p === 'qAttached') return '1';
    if (p === 'qC') return `QC${(this.generalHart + 1).toString(16)}`;
    if (p === 'qfThreadInfo') return `m${Array.from({ length: this.target.harts }, (_, h) => (h + 1).toString(16)).join(',')}`;
    if (p === 'qsThreadInfo') return 'l';
    if (p.startsWith('qThreadExtraInfo,')) {
      const hart = this.hartOf(p.slice('qThreadExtraInfo,'.length));
      if (hart === undefined) return 'E01';
      return toHex(new TextEncoder().encode(`hart ${hart} [${this.target.paused ? 'halted' : 'running'}]`));
    }
    if (p.startsWith('qXfer:features:read:')) return this.features(p.slice('qXfer:features:read:'.length));
    if (p.startsWith('qRcmd,')) {
      const command = fromHex(p.slice('qRcmd,'.length));
      if (!command) return BAD_ARGUMENT;
      const output = await this.host.monitor(new TextDecoder('latin1').decode(command));
      return output === '' ? 'OK' : toHex(new TextEncoder().encode(output));
    }
    if (p.startsWith('qSymbol')) return 'OK';
    return '';
  }

  private vPacket(p: string): string | undefined {
    if (p === 'vCont?') return 'vCont;c;C;s;S';
    if (p.startsWith('vCont;')) return this.vCont(p.slice('vCont;'.length));
    if (p.startsWith('vKill')) { this.host.kill(); return 'OK'; }
    if (p === 'vMustReplyEmpty') return '';
    return '';
  }

  // ---- registers --------------------------------------------------------------------------

  private snapshot(hart = this.generalHart): HartSnapshot {
    return this.target.snapshots()[hart];
  }

  private readRegister(text: string): string {
    const register = /^[0-9a-fA-F]{1,8}$/.test(text) ? debugRegister(Number.parseInt(text, 16)) : undefined;
    return register ? registerHex(register, this.snapshot()) : BAD_ARGUMENT;
  }

  private writeRegister(text: string): string {
    const match = /^([0-9a-fA-F]{1,8})=([0-9a-fA-F]+)$/.exec(text);
    const register = match ? debugRegister(Number.parseInt(match[1], 16)) : undefined;
    if (!match || !register || match[2].length !== register.bits / 4) return BAD_ARGUMENT;
    const snapshot = this.snapshot();
    register.write(snapshot, littleEndian(match[2]));
    this.target.writeRegisters(snapshot);
    return 'OK';
  }

  private writeGeneralRegisters(text: string): string {
    if (text.length !== GENERAL_REGISTERS.length * 16 || !/^[0-9a-fA-F]*$/.test(text)) return BAD_ARGUMENT;
    const snapshot = this.snapshot();
    GENERAL_REGISTERS.forEach((r, i) => r.write(snapshot, littleEndian(text.slice(16 * i, 16 * i + 16))));
    this.target.writeRegisters(snapshot);
    return 'OK';
  }

  // ---- memory -----------------------------------------------------------------------------

  private readMemory(text: string): string {
    const range = addressAndLength(text);
    if (!range || range.length > MAX_MEMORY_READ) return BAD_ARGUMENT;
    const bytes = this.target.readMemory(this.generalHart, range.address, range.length);
    return bytes ? toHex(bytes) : MEMORY_ERROR;
  }

  private writeMemory(text: string, binary: boolean): string {
    const colon = text.indexOf(':');
    const range = colon < 0 ? undefined : addressAndLength(text.slice(0, colon));
    if (!range) return BAD_ARGUMENT;
    const data = binary ? unescapeBinary(text.slice(colon + 1)) : fromHex(text.slice(colon + 1));
    if (!data || data.length !== range.length) return BAD_ARGUMENT;
    if (data.length === 0) return 'OK';
    return this.target.writeMemory(this.generalHart, range.address, data) ? 'OK' : MEMORY_ERROR;
  }

  // ---- breakpoints ------------------------------------------------------------------------

  /**
   * Z0/Z1: software and hardware breakpoints (the same here: neither touches guest memory);
   * Z2, Z3, Z4: write, read and access watchpoints, on the guest RAM the address is now.
   */
  private breakpoint(p: string): string {
    const match = /^[Zz]([0-4]),([0-9a-fA-F]{1,16}),([0-9a-fA-F]{1,8})(;.*)?$/.exec(p);
    if (!match) return BAD_ARGUMENT;
    const watchKind = WATCH_KINDS[match[1]];
    if (watchKind !== undefined) return this.watchpoint(p[0] === 'Z', watchKind, BigInt(`0x${match[2]}`), Number.parseInt(match[3], 16));
    if (match[1] !== '0' && match[1] !== '1') return '';
    const address = BigInt(`0x${match[2]}`);
    if (p[0] === 'z') {
      this.breakpoints.delete(address);
      return 'OK';
    }
    if (!this.breakpoints.has(address) && this.breakpoints.size >= MAX_DEBUGGER_VALUES) return 'E01';
    this.breakpoints.add(address);
    return 'OK';
  }

  private watchpoint(insert: boolean, kind: WatchKind, address: bigint, length: number): string {
    const key = `${kind},${address},${length}`;
    if (!insert) {
      this.watches.delete(key);
      return 'OK';
    }
    if (length < 1 || length > MAX_WATCH_LENGTH) return BAD_ARGUMENT;
    if (!this.watches.has(key) && this.watches.size >= MAX_WATCHES) return 'E01';
    const ranges = this.target.watchRange(this.generalHart, address, length, kind);
    if (!ranges) return MEMORY_ERROR;
    this.watches.set(key, ranges);
    return 'OK';
  }

  // ---- threads, running, stopping ------------------------------------------------------------

  /** A thread id of the protocol (hex; hart + 1) as a hart, if there is one. */
  private hartOf(text: string): number | undefined {
    if (!/^[0-9a-fA-F]{1,8}$/.test(text)) return undefined;
    const hart = Number.parseInt(text, 16) - 1;
    return hart >= 0 && hart < this.target.harts ? hart : undefined;
  }

  private selectHart(p: string): string {
    const which = p[1], id = p.slice(2);
    // 0 is any thread and -1 every thread: the choice so far stands
    const hart = id === '0' || id === '-1' ? (which === 'g' ? this.generalHart : this.controlHart) : this.hartOf(id);
    if (hart === undefined || (which !== 'g' && which !== 'c')) return 'E01';
    if (which === 'g') this.generalHart = hart;
    else this.controlHart = hart;
    return 'OK';
  }

  /** c [addr] / C sig[;addr]: every hart runs (from addr, for the selected one). */
  private resumeAll(p: string): string | undefined {
    const address = resumeAddress(p);
    if (address === null) return BAD_ARGUMENT;
    return this.resume(Array.from({ length: this.target.harts }, () => HartAction.RUN), address, this.controlHart);
  }

  /** s [addr] / S sig[;addr]: the selected hart takes one step, the others stay held. */
  private stepOne(p: string): string | undefined {
    const address = resumeAddress(p);
    if (address === null) return BAD_ARGUMENT;
    const actions = Array.from({ length: this.target.harts }, (_, h) => h === this.controlHart ? HartAction.STEP : HartAction.PARK);
    return this.resume(actions, address, this.controlHart);
  }

  /** vCont;action[:thread];...: each hart does the first action that names it (or names none); the rest stay held. */
  private vCont(text: string): string | undefined {
    const actions: (HartAction | undefined)[] = Array.from({ length: this.target.harts }, () => undefined);
    for (const part of text.split(';')) {
      const match = /^([cCsSt])([0-9a-fA-F]{2})?(?::(-1|[0-9a-fA-F]{1,8}))?$/.exec(part);
      if (!match) return BAD_ARGUMENT;
      const action = match[1] === 's' || match[1] === 'S' ? HartAction.STEP : match[1] === 't' ? HartAction.PARK : HartAction.RUN;
      const thread = match[3];
      const hart = thread === undefined || thread === '-1' ? undefined : this.hartOf(thread);
      if (thread !== undefined && thread !== '-1' && hart === undefined) return 'E01';
      for (let h = 0; h < actions.length; h++) if (actions[h] === undefined && (hart === undefined || hart === h)) actions[h] = action;
    }
    return this.resume(actions.map((a) => a ?? HartAction.PARK), undefined, this.controlHart);
  }

  private resume(actions: HartAction[], address: bigint | undefined, hart: number): undefined | string {
    if (!this.target.paused) return 'E01';
    if (address !== undefined) {
      const snapshot = this.snapshot(hart);
      snapshot.pc = address;
      this.target.writeRegisters(snapshot);
    }
    this.running = true;
    this.target.debugResume(actions, [...this.breakpoints], [...this.watches.values()].flat());
    return undefined; // the stop reply comes when a hart stops
  }

  /** Every hart is held after one stopped on its own: the client is told which. */
  private hartStopped(): void {
    this.enqueue(() => {
      if (!this.running || !this.target.paused) return;
      this.running = false;
      const causes = this.target.stopCauses();
      // Several may have stopped at once (all-stop: the client hears of one): the first after the
      // one told last, so that none is passed over for ever (one held at a watched access stops
      // there again when it next runs, to be told of then).
      let hart = 0;
      for (let i = 1; i <= causes.length; i++) {
        const h = (this.lastStopped + i) % causes.length;
        if (causes[h] !== StopCause.NONE) { hart = h; break; }
      }
      this.lastStopped = hart;
      this.generalHart = this.controlHart = hart;
      this.reply(this.stopReply(SIGTRAP, hart, causes[hart]));
    });
  }

  /** Ctrl-C: every hart stops; SIGINT, unless a hart stopped on its own meanwhile. */
  private async interrupt(): Promise<void> {
    if (!this.running) return;
    await this.target.pause();
    if (!this.running) return;
    this.running = false;
    const stopped = this.target.stopCauses().findIndex((c) => c !== StopCause.NONE);
    const hart = stopped >= 0 ? stopped : this.generalHart;
    this.generalHart = this.controlHart = hart;
    this.reply(this.stopReply(stopped >= 0 ? SIGTRAP : SIGINT, hart, stopped >= 0 ? this.target.stopCauses()[stopped] : StopCause.NONE));
  }

  /** A stop reply (T): the signal, the hart's thread, and the address accessed when a watchpoint stopped it. */
  private stopReply(signal: number, hart: number, cause = StopCause.NONE): string {
    const name = STOP_WATCH_NAMES[cause];
    const watch = name !== undefined ? `${name}:${this.target.watchedAddress(hart).toString(16)};` : '';
    return `T${signal.toString(16).padStart(2, '0')}${watch}thread:${(hart + 1).toString(16)};`;
  }

  /** D: no more breakpoints, every hart runs on, and the client goes. */
  private detach(): undefined {
    this.reply('OK');
    this.breakpoints.clear();
    this.watches.clear();
    if (this.target.paused) this.target.debugResume([], [], []);
    this.host.close();
    this.disconnected();
    return undefined;
  }

  /** qXfer:features:read:annex:offset,length */
  private features(text: string): string {
    const match = /^([^:]+):([0-9a-fA-F]{1,8}),([0-9a-fA-F]{1,8})$/.exec(text);
    if (!match) return BAD_ARGUMENT;
    if (match[1] !== 'target.xml') return 'E00';
    const offset = Number.parseInt(match[2], 16), length = Math.min(Number.parseInt(match[3], 16), PACKET_SIZE - 16);
    const part = TARGET_XML.slice(offset, offset + length);
    return (offset + length >= TARGET_XML.length ? 'l' : 'm') + part;
  }
}

/** A register's value as the protocol gives it: its bytes, little-endian, in hex. */
function registerHex(register: DebugRegister, snapshot: HartSnapshot): string {
  let value = BigInt.asUintN(register.bits, register.read(snapshot));
  let text = '';
  for (let i = 0; i < register.bits / 8; i++) {
    text += Number(value & 0xffn).toString(16).padStart(2, '0');
    value >>= 8n;
  }
  return text;
}

/** The value of little-endian hex bytes. */
function littleEndian(hex: string): bigint {
  let value = 0n;
  for (let i = hex.length - 2; i >= 0; i -= 2) value = (value << 8n) | BigInt(Number.parseInt(hex.slice(i, i + 2), 16));
  return value;
}

/** addr,length (hex) */
function addressAndLength(text: string): { address: bigint; length: number } | undefined {
  const match = /^([0-9a-fA-F]{1,16}),([0-9a-fA-F]{1,8})$/.exec(text);
  return match ? { address: BigInt(`0x${match[1]}`), length: Number.parseInt(match[2], 16) } : undefined;
}

/** The address of c/s [addr] or C/S sig[;addr]: undefined when none, null when malformed. */
function resumeAddress(p: string): bigint | undefined | null {
  const match = p[0] === 'C' || p[0] === 'S' ? /^.[0-9a-fA-F]{2}(?:;([0-9a-fA-F]{1,16}))?$/.exec(p) : /^.([0-9a-fA-F]{1,16})?$/.exec(p);
  if (!match) return null;
  return match[1] === undefined ? undefined : BigInt(`0x${match[1]}`);
}
