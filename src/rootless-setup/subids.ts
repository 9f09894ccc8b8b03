// /etc/subuid and /etc/subgid: the subordinate ids newuidmap/newgidmap may map for a user.
// Lines are `user:first:count`, where user is a name or a uid; a user may have several.
import { readFileSync } from 'node:fs';

export const NEEDED_IDS = 65536;
/** Where Debian's useradd starts handing out subordinate ids (SUB_UID_MIN in login.defs). */
const FIRST_FREE = 100000;

export interface SubIdRange {
  owner: string;
  first: number;
  count: number;
}

export interface SubIdFile {
  path: string;
  /** undefined when the file does not exist (or cannot be read: `error` says why). */
  ranges: SubIdRange[] | undefined;
  error?: string;
}

export function readSubIds(path: string): SubIdFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { path, ranges: undefined, ...(e.code !== 'ENOENT' && { error: e.message }) };
  }
  const ranges: SubIdRange[] = [];
  for (const line of text.split('\n')) {
    const m = /^([^:#\s][^:]*):(\d+):(\d+)\s*$/.exec(line);
    if (m) ranges.push({ owner: m[1], first: Number(m[2]), count: Number(m[3]) });
  }
  return { path, ranges };
}

/** The user's ranges (by name or by uid) and how many ids they give. */
export function userIds(file: SubIdFile, user: { name: string; uid: number }): { ranges: SubIdRange[]; total: number } {
  const ranges = (file.ranges ?? []).filter((r) => r.owner === user.name || r.owner === String(user.uid));
  return { ranges, total: ranges.reduce((n, r) => n + r.count, 0) };
}

/** A first id from which NEEDED_IDS ids are no one's in any of the files. */
export function freeRangeStart(files: SubIdFile[]): number {
  let end = FIRST_FREE;
  for (const f of files) for (const r of f.ranges ?? []) end = Math.max(end, r.first + r.count);
  return end;
}
