// Paths inside a container's rootfs for the spec builder (users, groups, the working directory):
// resolved synchronously by lib/link-walk.ts, so a link in an untrusted image never makes the
// daemon read or write the host's files.
import { lstatSync, readlinkSync, openSync, readFileSync, closeSync, constants } from 'node:fs';
import { join } from 'node:path';
import { linkWalk } from '../../lib/link-walk.ts';

/**
 * The host path of `path` (absolute, as the container sees it) inside `root`. Components that do
 * not exist are kept as they are, so the result can be created afterwards.
 */
export function resolveInRoot(root: string, path: string): string {
  const walk = linkWalk(path, true);
  for (let step = walk.next(); ; ) {
    if (step.done) return step.value === '/' ? join(root) : join(root, step.value);
    const host = join(root, step.value);
    step = walk.next(isLink(host) ? readlinkSync(host) : null);
  }
}

function isLink(host: string): boolean {
  try {
    return lstatSync(host).isSymbolicLink();
  } catch {
    return false; // missing: nothing below it can be a link we must follow
  }
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
