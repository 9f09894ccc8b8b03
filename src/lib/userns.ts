// Whether this process runs in a user namespace other than the initial one (a rootless berthd
// inside rootlesskit's, or any berthd in a container with one). There, trusted.* xattrs and
// device nodes are out of reach: overlayfs keeps its bookkeeping in user.overlay.* (the
// `userxattr` mount option, Linux 5.11) and layers' device nodes cannot be made (dockerd skips
// them too). Read once: a process does not change its user namespace (berthd never calls setns).
import { readFileSync } from 'node:fs';

let cached: boolean | undefined;

export function inUserNamespace(): boolean {
  cached ??= isNonInitialMap(readMap());
  return cached;
}

/** A uid map other than the identity over the whole range ("0 0 4294967295"). */
export function isNonInitialMap(uidMap: string): boolean {
  const lines = uidMap.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  return !(lines.length === 1 && lines[0]![0] === 0 && lines[0]![1] === 0 && lines[0]![2] === 4294967295);
}

function readMap(): string {
  try {
    return readFileSync('/proc/self/uid_map', 'utf8');
  } catch {
    return '0 0 4294967295'; // no /proc: nothing says otherwise
  }
}
