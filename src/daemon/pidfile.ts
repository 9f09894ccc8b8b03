// One daemon per data-root: the pidfile names the running berthd, and a stale one (its process
// gone) is replaced.
import { existsSync, readFileSync, writeFileSync, unlinkSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { isLiveProcess } from '../lib/proc.ts';

export function claimPidfile(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  let existing: number | undefined;
  try {
    // Looked for first: a clean stop removed it, and a throw at start costs (lib/which.ts).
    existing = existsSync(path) ? Number(readFileSync(path, 'utf8').trim()) : undefined;
  } catch {
    existing = undefined;
  }
  if (existing && existing !== process.pid && processAlive(existing)) {
    throw new Error(`pid file found, ensure berthd is not running or delete ${path} (process ${existing} is alive)`);
  }
  writeFileSync(path, `${process.pid}\n`, { mode: 0o644 });
}

export function releasePidfile(path: string): void {
  try {
    if (Number(readFileSync(path, 'utf8').trim()) === process.pid) unlinkSync(path);
  } catch {
    /* nothing to release */
  }
}

/** A live berthd: a zombie (killed, not yet reaped) or a reused pid does not count. */
function processAlive(pid: number): boolean {
  if (!isLiveProcess(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('berthd');
  } catch {
    return false;
  }
}
