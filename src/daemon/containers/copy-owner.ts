// docker cp -a: extracted files belong to the container's configured User instead of the
// tar's owners, looked up in the container's own /etc/passwd and /etc/group (read inside the
// rootfs, never the host's) with dockerd's rules: a numeric uid with no passwd entry gets gid 0,
// a name must exist, ":group" alone keeps uid 0.
import { invalidParameter } from '../../api/types/errors.ts';
import { readFileInRoot } from '../../runtime/spec/rootfs-path.ts';
import { parseGroup, parsePasswd } from '../../runtime/spec/user.ts';

const MAX_ID = 2 ** 31 - 1;

export function copyOwner(rootfs: string, user: string): { uid: number; gid: number } {
  const [name = '', group = ''] = user.split(':');
  let uid = 0;
  let gid = 0;
  if (name !== '') {
    const passwd = parsePasswd(readFileInRoot(rootfs, '/etc/passwd'));
    const id = numeric(name);
    const entry = passwd.find((e) => (id === undefined ? e.name === name : e.uid === id));
    if (entry) ({ uid, gid } = entry);
    else if (id !== undefined) uid = id;
    else throw invalidParameter(`failed to look up user "${name}" in container: no matching entries in passwd file`);
  }
  if (group !== '') {
    const id = numeric(group);
    if (id !== undefined) gid = id;
    else {
      const entry = parseGroup(readFileInRoot(rootfs, '/etc/group')).find((e) => e.name === group);
      if (!entry) throw invalidParameter(`failed to look up group "${group}" in container: no matching entries in group file`);
      gid = entry.gid;
    }
  }
  return { uid, gid };
}

function numeric(v: string): number | undefined {
  if (!/^\d+$/.test(v)) return undefined;
  const n = Number(v);
  return n <= MAX_ID ? n : undefined;
}
