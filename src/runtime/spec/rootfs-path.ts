// Resolving a path inside a container's rootfs the way the container would see it, without ever
// leaving the rootfs: an image is untrusted, and a symlink such as /etc/passwd → /etc/shadow or
// ../../../../etc/passwd must not make the daemon read (or write) the host's file. Like moby's
// FollowSymlinkInScope: each component is looked at with lstat, absolute link targets restart at
// the rootfs, and `..` never climbs above it.
import { lstatSync, readlinkSync, openSync, readFileSync, closeSync, constants } from 'node:fs';
import { join } from 'node:path';

const MAX_SYMLINKS = 255; // as moby: a loop is an error, not a hang

/**
 * The host path of `path` (absolute, as the container sees it) inside `root`. Components that do
 * not exist are kept as they are, so the result can be created afterwards.
 */
export function resolveInRoot(root: string, path: string): string {
  let resolved: string[] = []; // components below root, all non-symlinks that exist (or missing)
  let pending = split(path);
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = join(root, ...resolved, part);
    let isLink = false;
    try {
      isLink = lstatSync(candidate).isSymbolicLink();
    } catch {
      // missing: keep the name and carry on, nothing below it can be a link we must follow
    }
    if (!isLink) {
      resolved.push(part);
      continue;
    }
    if (++links > MAX_SYMLINKS) throw new Error(`too many links resolving ${path} in ${root}`);
    const target = readlinkSync(candidate);
    // An absolute target is absolute in the container: restart from the rootfs.
    if (target.startsWith('/')) resolved = [];
    pending = [...split(target), ...pending];
  }
  return join(root, ...resolved);
}

function split(p: string): string[] {
  return p.split('/').filter((c) => c !== '');
}

/**
 * Reads a file of the rootfs, or undefined if it does not exist. O_NOFOLLOW on the final open
 * refuses a link swapped in after resolveInRoot looked (the intermediate directories were checked).
 */
export function readFileInRoot(root: string, path: string): string | undefined {
  const host = resolveInRoot(root, path);
  let fd: number;
  try {
    fd = openSync(host, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') {
      return undefined;
    }
    throw err;
  }
  try {
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}
