// Mounting a rootfs from overlay2 layers (for containers), through mount-syscalls.ts.
// As docker does, lower layers are named by their short links ("l/<26 chars>") relative to the
// overlay2 directory, and mount runs with that directory as cwd: with 64-hex ids a deep image's
// lowerdir list would not fit in the one page the kernel accepts for mount options.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { invalidParameter, systemError } from '../../api/types/errors.ts';
import { MS_RDONLY, mount, umount } from './mount-syscalls.ts';

const PAGE = 4096;

/** Mount overlay at target: lowerDirs nearest first (as LayerStore.lowerDirs returns them). */
export async function mountOverlay(lowerDirs: readonly string[], upperDir: string, workDir: string, target: string): Promise<void> {
  if (lowerDirs.length === 0) throw invalidParameter('overlay mount needs at least one lower directory');
  const short = lowerDirs.map(shortName);
  const home = short[0]?.home;
  const relative = home !== undefined && short.every((s) => s?.home === home);
  const lower = relative ? short.map((s) => s!.rel) : lowerDirs.map(escape);
  let opts = `lowerdir=${lower.join(':')},upperdir=${escape(upperDir)},workdir=${escape(workDir)}`;
  // index=off as docker: the inode index would tie layers to the first upper that used them.
  if (existsSync('/sys/module/overlay/parameters/index')) opts += ',index=off';
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
export async function mountLowerOverlay(lowerDirs: readonly string[], target: string): Promise<void> {
  if (lowerDirs.length < 2) throw invalidParameter('a read-only overlay mount needs at least two lower directories');
  const short = lowerDirs.map(shortName);
  const home = short[0]?.home;
  const relative = home !== undefined && short.every((s) => s?.home === home);
  const lower = relative ? short.map((s) => s!.rel) : lowerDirs.map(escape);
  const opts = `lowerdir=${lower.join(':')}`;
  if (opts.length >= PAGE) throw invalidParameter(`overlay mount options too long (${opts.length} bytes; at most ${PAGE - 1})`);
  try {
    await mount({ source: 'overlay', target, fstype: 'overlay', flags: MS_RDONLY, data: opts, ...(relative && { cwd: home }) });
  } catch (err) {
    throw systemError(`cannot mount overlay at ${target}: ${(err as Error).message}`, err);
  }
}

export async function unmount(target: string): Promise<void> {
  try {
    await umount(target);
  } catch (err) {
    throw systemError(`cannot unmount ${target}: ${(err as Error).message}`, err);
  }
}

/** Mount points at or below dir, deepest first (for cleanup); from /proc/self/mountinfo. */
export function mountsUnder(dir: string): string[] {
  const root = realpathSync(dir);
  const out: string[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const field = line.split(' ')[4];
    if (field === undefined) continue;
    const point = field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (point === root || point.startsWith(`${root}/`)) out.push(point);
  }
  return out.reverse();
}

/** For <home>/<cacheId>/diff with a valid <home>/l/<short> link: home and "l/<short>". */
function shortName(diffDir: string): { home: string; rel: string } | undefined {
  try {
    if (basename(diffDir) !== 'diff') return undefined;
    const layer = dirname(diffDir);
    const home = dirname(layer);
    const id = readFileSync(join(layer, 'link'), 'utf8').trim();
    if (!/^[A-Z2-7]{26}$/.test(id)) return undefined;
    if (realpathSync(join(home, 'l', id)) !== realpathSync(diffDir)) return undefined;
    return { home, rel: `l/${id}` };
  } catch {
    return undefined;
  }
}

/** overlayfs splits its options on "," and lowerdir on ":"; a backslash escapes them. */
function escape(path: string): string {
  return path.replace(/[\\,:]/g, (c) => `\\${c}`);
}
