import { HartvmError, type HartvmErrorCode } from '../../machine/errors.js';

/** An error meant for the user of the command line: printed as one line, no stack trace, non-zero exit. */
export class UserError extends HartvmError {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1, code: HartvmErrorCode = 'ERR_HARTVM_OPTION') {
    super(code, message);
    this.exitCode = exitCode;
  }
}
