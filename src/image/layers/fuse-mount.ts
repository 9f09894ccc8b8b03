// The fuse-overlayfs storage driver's mounts: the layout of overlay2 (the same diff/, work/,
// merged/ and l/ short links; overlay2-store.ts), mounted by fuse-overlayfs — for a user
// namespace whose kernel refuses overlay there (before 5.11), or when configured. What the
// layers hold is read by fuse-overlayfs as it is written for the kernel (checked against its
// 1.10 source): a whiteout is a 0:0 character device, an opaque directory has trusted.overlay.opaque
// or user.overlay.opaque (whiteouts.ts writes the one of this namespace). What it writes into
// an upper dir differs: see FUSE_OPAQUE_XATTR in whiteouts.ts.
// fuse-overlayfs detaches itself once the mount is up (so the run returns then) in a session of
// its own (so it outlives a restarted berthd, as a kernel mount does); it ends when unmounted.
// Unmounting is umount2(2) as for overlay: berthd is root of the namespace that owns the mount
// (rootless) or root (rootful), so fusermount3's setuid path is not needed.
import { accessSync, constants } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { invalidParameter, systemError } from '../../api/types/errors.ts';
import { which } from '../../lib/which.ts';
import { run } from './exec.ts';

export const FUSE_OVERLAYFS = 'fuse-overlayfs';
/** The fstype of its mounts in /proc/self/mountinfo. */
export const FUSE_FSTYPE = 'fuse.fuse-overlayfs';

/** null when fuse-overlayfs can be started here, else what is missing (for the daemon's error). */
export function fuseUnavailable(): string | null {
  if (!isAbsolute(which(FUSE_OVERLAYFS))) return 'fuse-overlayfs not found on PATH (Debian package "fuse-overlayfs")';
  try {
    accessSync('/dev/fuse', constants.R_OK | constants.W_OK);
  } catch (err) {
    // Debian's udev makes it 0666; without udev it may be root's only, which a rootless berthd
    // (nobody's in its namespace) cannot open.
    return `/dev/fuse cannot be opened for reading and writing (${(err as NodeJS.ErrnoException).code}): it must exist with mode 0666`;
  }
  return null;
}

/** fuse-overlayfs splits its options on "," and lowerdir on ":"; a backslash escapes them. */
function escape(path: string): string {
  return path.replace(/[\\,:]/g, (c) => `\\${c}`);
}

export interface FuseMount {
  /** Lower dirs nearest first, as the overlay2 store names them (short links when cwd is set). */
  lower: readonly string[];
  upper?: string;
  work?: string;
  target: string;
  /** Where relative lower names resolve (fuse-overlayfs opens the layers before it detaches). */
  cwd?: string;
}

/** Mounts; resolves once the mount is up (fuse-overlayfs's parent exits only then). */
export async function mountFuseOverlay(m: FuseMount): Promise<void> {
  if (m.lower.length === 0) throw invalidParameter('fuse-overlayfs mount needs at least one lower directory');
  let opts = `lowerdir=${m.lower.map((l) => (m.cwd ? l : escape(l))).join(':')}`;
  if (m.upper !== undefined && m.work !== undefined) opts += `,upperdir=${escape(m.upper)},workdir=${escape(m.work)}`;
  try {
    await run(which(FUSE_OVERLAYFS), ['-o', opts, m.target], m.cwd ? { cwd: m.cwd } : {});
  } catch (err) {
    throw systemError(`cannot mount fuse-overlayfs at ${m.target}: ${(err as Error).message}`, err);
  }
}
