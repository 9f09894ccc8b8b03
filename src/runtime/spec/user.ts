// Docker's `User` (`user`, `uid`, `user:group`, `uid:gid`) resolved against the image's own
// /etc/passwd and /etc/group, with moby/sys/user's rules: numeric ids need no entry; names must
// have one; a user given without a group gets its passwd gid plus every group that lists it as a
// member; an explicit group gives no supplementary groups. The files are read through
// readFileInRoot so a symlinked /etc/passwd cannot point the daemon at the host's.
import { invalidParameter } from '../../api/types/errors.ts';
import { readFileInRoot } from './rootfs-path.ts';
import type { OciUser } from './types.ts';

const MAX_ID = 2 ** 31 - 1;

interface PasswdEntry { name: string; uid: number; gid: number; home: string }
interface GroupEntry { name: string; gid: number; members: string[] }

/** Go's Atoi on a field: malformed numbers count as 0, as moby's parser does. */
function num(field: string | undefined): number {
  const n = Number.parseInt(field ?? '', 10);
  return Number.isNaN(n) ? 0 : n;
}

function lines(text: string | undefined): string[][] {
  if (text === undefined) return [];
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(':'));
}

export function parsePasswd(text: string | undefined): PasswdEntry[] {
  return lines(text).map((f) => ({ name: f[0]!, uid: num(f[2]), gid: num(f[3]), home: f[5] ?? '' }));
}

export function parseGroup(text: string | undefined): GroupEntry[] {
  return lines(text).map((f) => ({ name: f[0]!, gid: num(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) }));
}

/** A numeric id, or undefined for a name; out-of-range numbers are refused as moby does. */
function numericId(v: string): number | undefined {
  if (!/^[+-]?\d+$/.test(v)) return undefined;
  const n = Number(v);
  if (n < 0 || n > MAX_ID) throw invalidParameter(`uids and gids must be in range 0-${MAX_ID}`);
  return n;
}

export interface ResolvedUser extends OciUser {
  additionalGids: number[];
  home: string;
}

/**
 * The process user of a container whose rootfs is at `rootfs`. `groupAdd` is HostConfig.GroupAdd
 * (names looked up in /etc/group, numbers as they are). additionalGids starts with the primary
 * gid, as dockerd's getUser puts it there.
 */
export function resolveUser(rootfs: string, user: string | undefined, groupAdd: readonly string[] = []): ResolvedUser {
  const spec = user ?? '';
  const [userArg = '', groupArg = ''] = spec.split(':');
  const uidArg = numericId(userArg);
  const gidArg = numericId(groupArg);
  const passwdText = readFileInRoot(rootfs, '/etc/passwd');
  const groupText = readFileInRoot(rootfs, '/etc/group');
  const passwd = parsePasswd(passwdText);
  const groups = parseGroup(groupText);

  let uid = 0;
  let gid = 0;
  let home = '/';
  let matchedName = '';
  // An empty user means root (uid 0), whose entry supplies gid and home when present.
  const match = passwd.find((u) => (userArg === '' ? u.uid === 0 : uidArg !== undefined ? u.uid === uidArg : u.name === userArg));
  if (match) {
    ({ uid, gid, home } = match);
    matchedName = match.name;
  } else if (userArg !== '') {
    if (uidArg === undefined) throw invalidParameter(`unable to find user ${userArg}: no matching entries in passwd file`);
    uid = uidArg;
  }

  let sgids: number[] = [];
  if (groupArg !== '') {
    const g = groups.find((e) => (gidArg !== undefined ? e.gid === gidArg : e.name === groupArg));
    if (g) gid = g.gid;
    else if (gidArg === undefined) throw invalidParameter(`unable to find group ${groupArg}: no matching entries in group file`);
    else gid = gidArg;
  } else if (matchedName !== '') {
    sgids = groups.filter((e) => e.members.includes(matchedName)).map((e) => e.gid);
  }

  const added: number[] = [];
  for (const ag of groupAdd) {
    const n = numericId(ag);
    const g = groups.find((e) => (n !== undefined ? e.gid === n : e.name === ag));
    if (g) added.push(g.gid);
    else if (n !== undefined) added.push(n);
    else throw invalidParameter(`unable to find group ${ag}: no matching entries in group file`);
  }
  return { uid, gid, home, additionalGids: [...new Set([gid, ...sgids, ...added])] };
}
