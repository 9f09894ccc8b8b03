// How berthd and berth-dns recognise a running berth-dns: by its pid file, and then by the pid's
// command line (`node …/berth-dns.js --records <file> …`). The pid file alone is not enough:
// after a reboot or a crash the pid may have been reused by anything, and a signal sent to it
// would hit an unrelated process. A zombie has an empty command line, so it never matches.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';

export const PROGRAM_NAME = 'berth-dns.js';

export function readPidFile(file: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined; // no pid file: no berth-dns was started, or it ended cleanly
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function writePidFile(file: string, pid: number): void {
  const tmp = `${file}.${pid}.tmp`;
  writeFileSync(tmp, `${pid}\n`);
  renameSync(tmp, file);
}

/** Removes the pid file if it still names `pid` (a successor's file is left alone). */
export function removePidFile(file: string, pid: number): void {
  if (readPidFile(file) === pid) rmSync(file, { force: true });
}

/** Whether `pid` is a live berth-dns serving `records` (an absolute or relative path). */
export function isBerthDns(pid: number, records: string): boolean {
  let argv: string[];
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return false; // no such process
  }
  const program = argv.findIndex((a) => basename(a) === PROGRAM_NAME);
  if (program < 0) return false;
  const at = argv.indexOf('--records', program);
  return at > 0 && argv[at + 1] !== undefined && resolve(argv[at + 1]!) === resolve(records);
}
