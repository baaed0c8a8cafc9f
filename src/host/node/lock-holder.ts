// Who holds a lock on a byte of a file, for a message a person can act on. fcntl does not say
// (an OFD lock belongs to an open file, not to a process), but Linux lists the locks of every
// open file in /proc/<pid>/fdinfo/<fd>. Processes of other users cannot be looked into.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface LockedFile {
  /** the file's device and inode (fs.Stats of its open file) */
  dev: number;
  ino: number;
  /** the open file of the caller's own, whose locks are not the ones looked for */
  fd: number;
}

/** Names what holds a lock on byte `offset` of `file`: "qemu-system-riscv64 (pid 1234)" and the like. */
export function lockHolder(file: LockedFile, offset: number, pid = -1): string {
  const holder = pid > 0 ? pid : findHolder(file, offset);
  if (holder === undefined) return 'another process';
  if (holder === process.pid) return 'another drive of this hartvm';
  return `${programName(holder)} (pid ${holder})`;
}

function findHolder(file: LockedFile, offset: number): number | undefined {
  for (const entry of safeList('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    for (const fd of safeList(`/proc/${pid}/fdinfo`)) {
      if (pid === process.pid && Number(fd) === file.fd) continue;
      if (holdsLock(pid, fd, file, offset)) return pid;
    }
  }
  return undefined;
}

// e.g. "lock:\t1: OFDLCK  ADVISORY  READ -1 fe:00:2433839 100 101"
const LOCK_LINE = /^lock:.*\s[0-9a-f]+:[0-9a-f]+:(\d+) (\d+) (\d+|EOF)$/gm;

function holdsLock(pid: number, fd: string, file: LockedFile, offset: number): boolean {
  let info: string;
  try {
    info = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
  } catch {
    return false;
  }
  for (const [, ino, start, end] of info.matchAll(LOCK_LINE)) {
    if (Number(ino) !== file.ino || offset < Number(start) || (end !== 'EOF' && offset > Number(end))) continue;
    try {
      const target = statSync(`/proc/${pid}/fd/${fd}`);
      return target.dev === file.dev && target.ino === file.ino;
    } catch {
      return false;
    }
  }
  return false;
}

/** The program a process runs: its command's name, or the script's for node running one. */
function programName(pid: number): string {
  try {
    const [command, script] = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const name = path.basename(command);
    return /^node(js)?\d*$/.test(name) && script && !script.startsWith('-') ? path.basename(script).replace(/\.[cm]?js$/, '') : name;
  } catch {
    return 'a process';
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
