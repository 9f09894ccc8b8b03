// Resolving a path the way a container sees it, from outside the container: its files are
// untrusted, and a symlink such as /etc/passwd -> /etc/shadow or ../../../../etc must lead to the
// container's own /, never the host's. As moby's FollowSymlinkInScope: every component is looked
// at, an absolute link target restarts at the container's root and ".." never climbs above it.
//
// The walk is written once, as a generator that asks its driver about one container path at a
// time (is it a symlink, and to what); the spec builder drives it synchronously over a plain
// rootfs (runtime/spec/rootfs-path.ts), docker cp asynchronously over the rootfs with its bind
// mounts (image/copy/fs-view.ts).

/** As moby: a loop of links is an error, not a hang. */
const MAX_LINKS = 255;

/**
 * Yields each container path whose link target it needs (an absolute path, its directories
 * already resolved) and takes back the target, or null when that path is not a symlink (or does
 * not exist). The last component is asked about only when followLast is set. Returns the
 * container path `path` leads to; missing components are kept as named, so it may be created.
 */
export function* linkWalk(path: string, followLast: boolean): Generator<string, string, string | null> {
  let resolved: string[] = [];
  let pending = components(path);
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const target = pending.length > 0 || followLast ? yield `/${[...resolved, part].join('/')}` : null;
    if (target === null) {
      resolved.push(part);
      continue;
    }
    if (++links > MAX_LINKS) throw new Error(`too many links resolving ${path}`);
    if (target.startsWith('/')) resolved = [];
    pending = [...components(target), ...pending];
  }
  return `/${resolved.join('/')}`;
}

function components(p: string): string[] {
  return p.split('/').filter((c) => c !== '');
}
