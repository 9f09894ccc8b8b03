// User and group names as /etc/passwd and /etc/group give them, read when a policy is read: a
// policy that names a group that does not exist would grant nothing to anyone without a word,
// so such a name is refused like a typo in daemon.json (with the nearest existing name).
import { readFileSync, statSync } from 'node:fs';

export interface UnixNames {
  users: ReadonlyMap<string, number>;
  groups: ReadonlyMap<string, number>;
}

export function readUnixNames(etc = '/etc'): UnixNames {
  return { users: idsOf(`${etc}/passwd`), groups: idsOf(`${etc}/group`) };
}

function idsOf(file: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [name, , id] = line.split(':');
    if (name && id !== undefined && /^\d+$/.test(id)) out.set(name, Number(id));
  }
  return out;
}

let byUid: { mtimeMs: number; names: Map<number, string> } | undefined;

/** The name of a uid as /etc/passwd has it now (the first line with that id, as getpwuid), for
 * audit lines: read again only when the file changed, so a line costs a stat. */
export function userNameOf(uid: number, passwd = '/etc/passwd'): string | undefined {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(passwd).mtimeMs;
  } catch {
    return undefined;
  }
  if (byUid?.mtimeMs !== mtimeMs) {
    const names = new Map<number, string>();
    for (const [name, id] of idsOf(passwd)) if (!names.has(id)) names.set(id, name);
    byUid = { mtimeMs, names };
  }
  return byUid.names.get(uid);
}
