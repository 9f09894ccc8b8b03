// Mounting a rootfs from overlay2 layers (for containers), through mount-syscalls.ts.
// As docker does, lower layers are named by their short links ("l/<26 chars>") relative to the
// overlay2 directory, and mount runs with that directory as cwd: with 64-hex ids a deep image's
// lowerdir list would not fit in the one page the kernel accepts for mount options.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rmdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { invalidParameter, systemError } from '../../api/types/errors.ts';
import { MNT_DETACH, MS_RDONLY, mount, umount } from './mount-syscalls.ts';
import { inUserNamespace } from '../../lib/userns.ts';
import { mountFuseOverlay } from './fuse-mount.ts';

/** Who mounts a stack of layers: the kernel's overlay, or fuse-overlayfs (fuse-mount.ts). */
export type Mounter = 'kernel' | 'fuse';

/** In a user namespace (rootless) overlay keeps opaque dirs and redirects in user.overlay.*
 * (whiteouts.ts writes them there): without this option it would look in trusted.*. */
export const USERXATTR = inUserNamespace() ? ',userxattr' : '';

const PAGE = 4096;

/** Mount overlay at target: lowerDirs nearest first (as LayerStore.lowerDirs returns them). */
export async function mountOverlay(lowerDirs: readonly string[], upperDir: string, workDir: string, target: string, mounter: Mounter = 'kernel'): Promise<void> {
  if (lowerDirs.length === 0) throw invalidParameter('overlay mount needs at least one lower directory');
  const short = lowerDirs.map(shortName);
  const home = short[0]?.home;
  const relative = home !== undefined && short.every((s) => s?.home === home);
  if (mounter === 'fuse') {
    return mountFuseOverlay({ lower: relative ? short.map((s) => s!.rel) : lowerDirs, upper: upperDir, work: workDir, target, ...(relative && { cwd: home }) });
  }
  const lower = relative ? short.map((s) => s!.rel) : lowerDirs.map(escape);
  let opts = `lowerdir=${lower.join(':')},upperdir=${escape(upperDir)},workdir=${escape(workDir)}`;
  // index=off as docker: the inode index would tie layers to the first upper that used them.
  if (existsSync('/sys/module/overlay/parameters/index')) opts += ',index=off';
  opts += USERXATTR;
  if (opts.length >= PAGE) throw invalidParameter(`overlay mount options too long (${opts.length} bytes; at most ${PAGE - 1})`);
  try {
    await mount({ source: 'overlay', target, fstype: 'overlay', data: opts, ...(relative && { cwd: home }) });
  } catch (err) {
    throw systemError(`cannot mount overlay at ${target}: ${(err as Error).message}`, err);
  }
}

/**
 * A read-only overlay of lowerDirs alone (no upper; nearest first, at least two: the kernel
 * refuses one) at target: an image's rootfs as its containers start from, for comparing a
 * container against it (docker diff).
 */
export async function mountLowerOverlay(lowerDirs: readonly string[], target: string, mounter: Mounter = 'kernel'): Promise<void> {
  if (lowerDirs.length < 2) throw invalidParameter('a read-only overlay mount needs at least two lower directories');
  const short = lowerDirs.map(shortName);
  const home = short[0]?.home;
  const relative = home !== undefined && short.every((s) => s?.home === home);
  // fuse-overlayfs with no upper dir is read-only by itself.
  if (mounter === 'fuse') return mountFuseOverlay({ lower: relative ? short.map((s) => s!.rel) : lowerDirs, target, ...(relative && { cwd: home }) });
  const lower = relative ? short.map((s) => s!.rel) : lowerDirs.map(escape);
  const opts = `lowerdir=${lower.join(':')}${USERXATTR}`;
  if (opts.length >= PAGE) throw invalidParameter(`overlay mount options too long (${opts.length} bytes; at most ${PAGE - 1})`);
  try {
    await mount({ source: 'overlay', target, fstype: 'overlay', flags: MS_RDONLY, data: opts, ...(relative && { cwd: home }) });
  } catch (err) {
    throw systemError(`cannot mount overlay at ${target}: ${(err as Error).message}`, err);
  }
}

/** fn with the tree of lowerDirs (nearest first): the one directory as it is, or a read-only
 * overlay of several on a new directory mkdtemp(scratch), unmounted and removed after fn. */
export async function withLowerOverlay<T>(lowerDirs: readonly string[], scratch: string, fn: (root: string) => Promise<T>, mounter: Mounter = 'kernel'): Promise<T> {
  if (lowerDirs.length < 2) return fn(lowerDirs[0]!);
  await mkdir(dirname(scratch), { recursive: true, mode: 0o700 });
  const target = await mkdtemp(scratch);
  try {
    await mountLowerOverlay(lowerDirs, target, mounter);
    try {
      return await fn(target);
    } finally {
      await unmount(target);
    }
  } finally {
    await rmdir(target);
  }
}

export async function unmount(target: string): Promise<void> {
  try {
    await umount(target);
  } catch (err) {
    throw systemError(`cannot unmount ${target}: ${(err as Error).message}`, err);
  }
}

/**
 * Unmounts target. When that fails and target is still mounted (busy: a process has a file or
 * its cwd in it), detaches it lazily: it leaves the tree at once and goes when its last user
 * does, so nothing stays visible for a later rename or delete to reach into. Rejects only when
 * even that fails; says which of the two it did.
 */
export async function unmountOrDetach(target: string): Promise<'unmounted' | 'detached'> {
  try {
    await umount(target);
    return 'unmounted';
  } catch (err) {
    if (!mountPoints().includes(target)) return 'unmounted'; // gone meanwhile (EINVAL/ENOENT)
    try {
      await umount(target, MNT_DETACH);
    } catch (detachErr) {
      throw systemError(`cannot unmount ${target}: ${(err as Error).message}; lazy unmount: ${(detachErr as Error).message}`, detachErr);
    }
    return 'detached';
  }
}

export interface MountEntry {
  point: string;
  fstype: string;
}

/** Whether path is the root of a mount of another file system than its parent directory's, as
 * berthd's overlays are (each has a device of its own): two stats, where reading the mount
 * table costs a millisecond and more on a host with many containers. */
export function isMountRoot(path: string): boolean {
  const st = statSync(path, { throwIfNoEntry: false });
  return st !== undefined && st.dev !== statSync(dirname(path)).dev;
}

/** The mounts of berthd's mount namespace, in /proc/self/mountinfo's order (mount order). */
export function mountTable(): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const field = line.split(' ')[4];
    if (field === undefined) continue;
    const point = field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    out.push({ point, fstype: line.split(' - ')[1]?.split(' ')[0] ?? '' });
  }
  return out;
}

export function mountPoints(): string[] {
  return mountTable().map((m) => m.point);
}

/** Mount points at or below dir, latest first (a mount made on or inside another goes before
 * it); from /proc/self/mountinfo. Paths are resolved by the kernel's realpath (.native) here and
 * wherever berthd compares one with a mount point: node's own walks the path a character at a
 * time through node:path, which berthd's start keeps under V8's Maglev count (issue 12). */
export function mountsUnder(dir: string): string[] {
  const root = realpathSync.native(dir);
  return mountPoints().filter((point) => point === root || point.startsWith(`${root}/`)).reverse();
}

/** For <home>/<cacheId>/diff with a valid <home>/l/<short> link: home and "l/<short>". */
function shortName(diffDir: string): { home: string; rel: string } | undefined {
  try {
    if (basename(diffDir) !== 'diff') return undefined;
    const layer = dirname(diffDir);
    const home = dirname(layer);
    const id = readFileSync(join(layer, 'link'), 'utf8').trim();
    if (!/^[A-Z2-7]{26}$/.test(id)) return undefined;
    if (realpathSync.native(join(home, 'l', id)) !== realpathSync.native(diffDir)) return undefined;
    return { home, rel: `l/${id}` };
  } catch {
    return undefined;
  }
}

/** overlayfs splits its options on "," and lowerdir on ":"; a backslash escapes them. */
function escape(path: string): string {
  return path.replace(/[\\,:]/g, (c) => `\\${c}`);
}
