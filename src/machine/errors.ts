// Errors a caller of hartvm can act on: bad options, an image that is not what it should be, a
// board that cannot hold the images, a disk that cannot be used, a network that cannot be set up. Each has a stable `code`, as
// Node's own errors do, so that a program can tell them apart without reading the message; the
// message is one line meant for a person.

export type HartvmErrorCode =
  | 'ERR_HARTVM_OPTION'
  | 'ERR_HARTVM_IMAGE'
  | 'ERR_HARTVM_BOARD'
  | 'ERR_HARTVM_DISK'
  | 'ERR_HARTVM_NETWORK'
  | 'ERR_HARTVM_SNAPSHOT';

export class HartvmError extends Error {
  readonly code: HartvmErrorCode;
  constructor(code: HartvmErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/** An option that makes no sense: a size, a count, a policy name, a drive specification. */
export class OptionError extends HartvmError {
  constructor(message: string) { super('ERR_HARTVM_OPTION', message); }
}

/** A firmware, kernel or initrd that cannot be read or is not what it claims to be. */
export class ImageError extends HartvmError {
  constructor(message: string) { super('ERR_HARTVM_IMAGE', message); }
}

/** The images do not fit the board (too little RAM, overlapping pieces). */
export class BoardError extends HartvmError {
  constructor(message: string) { super('ERR_HARTVM_BOARD', message); }
}

/** A disk image that cannot be opened or used as asked. */
export class DiskError extends HartvmError {
  constructor(message: string) { super('ERR_HARTVM_DISK', message); }
}

/** The guest's network cannot be set up: its user-mode stack is not installed, a forwarded port is taken. */
export class NetworkError extends HartvmError {
  constructor(message: string) { super('ERR_HARTVM_NETWORK', message); }
}

/** A machine snapshot that cannot be saved, or a file that is not one this machine can load. */
export class SnapshotError extends HartvmError {
  constructor(message: string) { super('ERR_HARTVM_SNAPSHOT', message); }
}
