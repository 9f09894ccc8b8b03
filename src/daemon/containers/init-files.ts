// What dockerd's init layer gives every container whose image lacks it, beyond the runtime's
// mountpoints: /.dockerenv, the empty file programs look for to know they run under Docker, and
// /etc/mtab -> /proc/mounts, which mount, df and others read. Made in the writable layer before
// each start when missing; `docker diff` and `docker commit` leave them out while they are as
// made (rw-changes.ts, commit-tar.ts), as dockerd's init layer, under the writable one, keeps
// them out of both. `docker export` has them, as dockerd's does.
import { lstatSync, mkdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DOCKERENV = '/.dockerenv';
export const MTAB = '/etc/mtab';
export const MTAB_TARGET = '/proc/mounts';

/** Synchronous: a few small calls on the path of every start (the rootfs is mounted already). */
export function ensureInitFiles(rootfs: string): void {
  // O_CREAT|O_EXCL: an entry already there (a dangling symlink included) is left as it is.
  ifMissing(() => writeFileSync(join(rootfs, DOCKERENV), '', { flag: 'wx', mode: 0o755 }));
  // Only through an /etc that is a directory of the rootfs: an image's /etc may be a symlink
  // to anywhere, which this process (in the host's view) would follow.
  const etc = join(rootfs, 'etc');
  if (kindOf(etc) === 'missing') ifMissing(() => mkdirSync(etc, { mode: 0o755 }));
  if (kindOf(etc) === 'dir') ifMissing(() => symlinkSync(MTAB_TARGET, join(rootfs, MTAB)));
}

function kindOf(path: string): 'dir' | 'other' | 'missing' {
  try {
    return lstatSync(path).isDirectory() ? 'dir' : 'other';
  } catch {
    return 'missing';
  }
}

function ifMissing(make: () => void): void {
  try {
    make();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** The bytes of the init files as made in a writable layer's tree (`root`: overlay's upper dir or
 * vfs's copy): not the container's own, so not in its SizeRw (dockerd's init layer is not). */
export function initFilesBytes(root: string): number {
  try {
    const mtab = join(root, MTAB);
    const st = lstatSync(mtab);
    return st.isSymbolicLink() && readlinkSync(mtab) === MTAB_TARGET ? st.size : 0;
  } catch {
    return 0;
  }
}
