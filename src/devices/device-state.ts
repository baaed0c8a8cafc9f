// A device's state as a machine snapshot keeps it (the monitor's savevm): plain JSON next to the
// device's code, so that a device states what it holds in its own words and a snapshot file
// needs no layout table per device. Everything read back is checked (a snapshot file is input
// like any other): a wrong type or a value out of range is a StateError naming the field.

/** One value of a device's state: 64-bit values are decimal strings (JSON numbers stop at 2^53). */
export type StateValue = number | string | boolean | StateValue[] | DeviceState;
export interface DeviceState { [field: string]: StateValue }

/** What a device on a board that can be saved implements; the session refuses to save a board with one that does not. */
export interface SavesState {
  /** Its state now; the harts are held and no request of it is in flight. */
  saveState(): DeviceState;
  /** Takes the state saveState() gave (of a device of the same shape); throws StateError on anything wrong. */
  loadState(state: DeviceState): void;
}

export function savesState(device: object): device is SavesState {
  const d = device as Partial<SavesState>;
  return typeof d.saveState === 'function' && typeof d.loadState === 'function';
}

/** A device's saved state that is not what the device saves. */
export class StateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateError';
  }
}

/** Reads a device's saved state field by field, each checked. */
export class StateReader {
  private readonly where: string;
  private readonly state: DeviceState;

  constructor(where: string, state: unknown) {
    if (typeof state !== 'object' || state === null || Array.isArray(state)) throw new StateError(`${where}: not a device state`);
    this.where = where;
    this.state = state as DeviceState;
  }

  private value(field: string): StateValue {
    const v = this.state[field];
    if (v === undefined) throw new StateError(`${this.where}: ${field} is missing`);
    return v;
  }

  /** An integer in [min, max]. */
  int(field: string, min: number, max: number): number {
    return checkInt(this.value(field), min, max, `${this.where}: ${field}`);
  }

  bool(field: string): boolean {
    const v = this.value(field);
    if (typeof v !== 'boolean') throw new StateError(`${this.where}: ${field} is not true or false`);
    return v;
  }

  /** A 64-bit value (saved with big()), as an unsigned bigint. */
  big(field: string): bigint {
    return checkBig(this.value(field), `${this.where}: ${field}`);
  }

  /** `length` integers in [min, max]. */
  ints(field: string, length: number, min: number, max: number): number[] {
    return this.array(field, length).map((v, i) => checkInt(v, min, max, `${this.where}: ${field}[${i}]`));
  }

  /** `length` 64-bit values. */
  bigs(field: string, length: number): bigint[] {
    return this.array(field, length).map((v, i) => checkBig(v, `${this.where}: ${field}[${i}]`));
  }

  /** A nested state (a queue's, a back end's). */
  object(field: string): StateReader {
    return new StateReader(`${this.where}: ${field}`, this.value(field));
  }

  /** `length` nested states. */
  objects(field: string, length: number): StateReader[] {
    return this.array(field, length).map((v, i) => new StateReader(`${this.where}: ${field}[${i}]`, v));
  }

  private array(field: string, length: number): StateValue[] {
    const v = this.value(field);
    if (!Array.isArray(v) || v.length !== length) throw new StateError(`${this.where}: ${field} is not a list of ${length}`);
    return v;
  }
}

/** A 64-bit value as a snapshot keeps it. */
export function big(value: bigint): string {
  return BigInt.asUintN(64, value).toString();
}

function checkInt(v: StateValue, min: number, max: number, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new StateError(`${what} is not an integer in ${min}..${max}`);
  return v;
}

function checkBig(v: StateValue, what: string): bigint {
  if (typeof v !== 'string' || !/^[0-9]{1,20}$/.test(v) || BigInt(v) >= 1n << 64n) throw new StateError(`${what} is not a 64-bit value`);
  return BigInt(v);
}
