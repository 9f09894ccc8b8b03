// User and group names as /etc/passwd and /etc/group give them, read when a policy is read: a
// policy that names a group that does not exist would grant nothing to anyone without a word,
// so such a name is refused like a typo in daemon.json (with the nearest existing name).
import { readFileSync } from 'node:fs';

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
