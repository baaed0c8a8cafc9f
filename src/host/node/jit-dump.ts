// --jit-dump DIR: each translation a hart makes, written into DIR as a module (.wasm) and its
// text form (.wat), named by the hart, the translation's number on that hart and the page's
// guest address.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TranslationListener } from '../../jit/jit-engine.js';
import { UserError } from './user-error.js';
import { fileErrorReason } from './user-file.js';
import { printable } from '../../machine/printable.js';

/** Makes `dir` if needed; a directory that cannot be made is the user's error. */
export function makeJitDumpDirectory(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UserError(`--jit-dump ${printable(dir)}: ${fileErrorReason(e)}`);
  }
  return dir;
}

/** Makes `dir` (if needed) and returns the listener that writes translations into it. */
export function translationWriter(dir: string): TranslationListener {
  makeJitDumpDirectory(dir);
  return (dump) => {
    const name = `hart${dump.hartId}-${String(dump.sequence).padStart(5, '0')}-${dump.pageVa.toString(16).padStart(16, '0')}`;
    const header = `;; hart ${dump.hartId}, translation ${dump.sequence}: the page at 0x${dump.pageVa.toString(16)} (frame ${dump.hostPage})\n`;
    writeFileSync(join(dir, `${name}.wasm`), dump.bytes);
    writeFileSync(join(dir, `${name}.wat`), header + dump.text);
  };
}
