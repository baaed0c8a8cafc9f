import { HartvmError, type HartvmErrorCode } from '../../machine/errors.js';
import { escapeControls } from '../../machine/printable.js';

/** An error meant for the user of the command line: printed as one line, no stack trace, non-zero exit. */
export class UserError extends HartvmError {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1, code: HartvmErrorCode = 'ERR_HARTVM_OPTION') {
    super(code, message);
    this.exitCode = exitCode;
  }
}

/**
 * A usage error of commander's as one line: its own line breaks become spaces, and control
 * characters of the user's arguments it quotes are escaped. `help` names the help to see.
 */
export function usageErrorLine(text: string, help: string): string {
  return `hartvm: ${escapeControls(text.trim().replace(/\n+/g, ' '))} (see ${help})\n`;
}
