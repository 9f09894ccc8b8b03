// docker diff: what a container changed against its image, with dockerd's rules (its naive
// diff, which overlay2 uses for Changes too): an entry is modified when its type, mode, owner,
// device or security.capability differ, or — not for directories — its mtime or size; a new
// directory's whole content is added; a directory with any change below it is reported as
// modified itself, ahead of its children.
//
// overlay2 need not walk the whole rootfs: only what is in the writable layer's upper dir can
// differ. An upper entry is compared with the image's entry (a whiteout device there means
// deleted, when the image had it); a directory marked opaque hides everything the image had in
// it, so those are deleted unless the upper has them again. (This holds with redirect_dir and
// metacopy off, as berth mounts.) vfs keeps a full copy, so both trees are walked.
import type { BigIntStats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import type { FilesystemChange } from '../../api/routers/container-files.ts';
import { sortNames } from '../../image/layers/tar-layer.ts';
import { FUSE_OPAQUE_XATTR, isOpaqueValue, OPAQUE_MARKER, OPAQUE_XATTR } from '../../image/layers/whiteouts.ts';
import { dumpXattrs, readXattrs, type XattrMap } from '../../image/layers/xattr.ts';
import { orIfMissing } from '../../lib/log-failure.ts';
import type { RwTree } from '../../image/layers/index.ts';
import { DOCKERENV, MTAB } from './init-files.ts';

export type { RwTree };

const MODIFIED = 0;
const ADDED = 1;
const DELETED = 2;
const CAPS = 'security.capability';
const CAPS_ONLY = '^security\\.capability$';

interface Walk {
  overlay: boolean;
  newX: Map<string, XattrMap>;
  /** Capabilities of image entries, looked up per directory (overlay) or all at once (vfs). */
  oldCaps: (paths: string[]) => Promise<Map<string, XattrMap>>;
}

/** What every run mounts over the rootfs: /dev, /proc and /sys (an image without them gets
 * empty directories in the writable layer at the first start) and the three files of its
 * network (empty files made as their mountpoints, which copies /etc up). dockerd keeps all of
 * them in the container's init layer, under the writable one, so its diff never lists them;
 * neither does ours, while they are additions (and /etc changed only by them); the same for
 * /.dockerenv and /etc/mtab, which the init layer has too (init-files.ts). */
const RUNTIME_MOUNTPOINTS = new Set(['/dev', '/proc', '/sys']);
export const NETWORK_FILES = new Set(['/etc/hosts', '/etc/hostname', '/etc/resolv.conf']);
/** The network files and what dockerd's init layer also has (init-files.ts). */
const MADE_FILES = new Set([...NETWORK_FILES, DOCKERENV, MTAB]);

export function withoutRuntimeMountpoints(changes: FilesystemChange[]): FilesystemChange[] {
  const below = (list: FilesystemChange[], dir: string) => list.some((c) => c.Path.startsWith(`${dir}/`));
  const kept = changes.filter((c) => !(c.Kind === ADDED && (MADE_FILES.has(c.Path) || (RUNTIME_MOUNTPOINTS.has(c.Path) && !below(changes, c.Path)))));
  // /etc itself: added or modified only because the mountpoints (and /etc/mtab) were made in it.
  const madeForFiles = changes.length !== kept.length && !below(kept, '/etc');
  return kept.filter((c) => !(c.Path === '/etc' && c.Kind !== DELETED && madeForFiles && changes.some((x) => MADE_FILES.has(x.Path) && x.Path.startsWith('/etc/'))));
}

/** The changes of `tree` against the image rootfs at `image` (undefined: an image without layers). */
export async function rwChanges(tree: RwTree, image: string | undefined): Promise<FilesystemChange[]> {
  const overlay = tree.kind === 'overlay';
  const root = overlay ? tree.upper : tree.dir;
  const newX = await dumpXattrs(root, overlay ? `^(${CAPS}|${OPAQUE_XATTR}|${FUSE_OPAQUE_XATTR})$`.replaceAll('.', '\\.') : CAPS_ONLY);
  let oldCaps: Walk['oldCaps'] = (paths) => readXattrs(paths, CAPS_ONLY);
  if (!overlay && image !== undefined) {
    const all = await dumpXattrs(image, CAPS_ONLY);
    oldCaps = async () => all;
  }
  const w: Walk = { overlay, newX, oldCaps };
  return diffDir(w, root, image, '', overlay && opaque(w, root));
}

async function diffDir(w: Walk, newDir: string, oldDir: string | undefined, rel: string, hidesOld: boolean): Promise<FilesystemChange[]> {
  // A running container may remove a directory while we look: then it has nothing in it.
  const newNames = new Set(await readdir(newDir).catch(orIfMissing([])));
  // fuse-overlayfs's opaque marker file in an upper dir: the directory's opaque xattr says it too.
  if (w.overlay) newNames.delete(OPAQUE_MARKER);
  const oldNames = new Set(oldDir === undefined ? [] : await readdir(oldDir).catch(orIfMissing([])));
  const names = sortNames([...new Set([...newNames, ...oldNames])]);
  const entries = await Promise.all(names.map(async (name) => ({
    name,
    path: `${rel}/${name}`,
    newAbs: `${newDir}/${name}`,
    oldAbs: oldDir === undefined ? '' : `${oldDir}/${name}`,
    ns: newNames.has(name) ? await statOrNull(`${newDir}/${name}`) : null,
    os: oldNames.has(name) ? await statOrNull(`${oldDir}/${name}`) : null,
  })));
  const both = entries.filter((e) => e.ns && e.os && !(w.overlay && isWhiteout(e.ns)));
  const oldX = both.length ? await w.oldCaps(both.map((e) => e.oldAbs)) : new Map<string, XattrMap>();
  const out: FilesystemChange[] = [];
  for (const e of entries) {
    if (e.ns === null) {
      // Only in the image: in an overlay upper that means untouched, unless the dir is opaque.
      if (e.os !== null && (!w.overlay || hidesOld)) out.push({ Path: e.path, Kind: DELETED });
      continue;
    }
    if (w.overlay && isWhiteout(e.ns)) {
      if (e.os !== null) out.push({ Path: e.path, Kind: DELETED });
      continue;
    }
    if (e.os === null) {
      out.push(...(await added(w, e.newAbs, e.path, e.ns)));
      continue;
    }
    const changed = statDifferent(e.os, e.ns) || !sameCaps(w.newX.get(e.newAbs), oldX.get(e.oldAbs));
    if (changed) out.push({ Path: e.path, Kind: MODIFIED });
    if (!e.ns.isDirectory()) continue;
    const below = await diffDir(w, e.newAbs, e.os.isDirectory() ? e.oldAbs : undefined, e.path, w.overlay && opaque(w, e.newAbs));
    if (below.length && !changed) out.push({ Path: e.path, Kind: MODIFIED });
    out.push(...below);
  }
  return out;
}

/** A new entry and, for a directory, everything in it. */
async function added(w: Walk, abs: string, path: string, st: BigIntStats): Promise<FilesystemChange[]> {
  const out: FilesystemChange[] = [{ Path: path, Kind: ADDED }];
  if (!st.isDirectory()) return out;
  for (const name of sortNames(await readdir(abs).catch(orIfMissing([])))) {
    const child = await statOrNull(`${abs}/${name}`);
    if (child === null || (w.overlay && isWhiteout(child))) continue;
    out.push(...(await added(w, `${abs}/${name}`, `${path}/${name}`, child)));
  }
  return out;
}

/** dockerd's statDifferent; sizes and mtimes only count for non-directories. */
function statDifferent(a: BigIntStats, b: BigIntStats): boolean {
  if (a.mode !== b.mode || a.uid !== b.uid || a.gid !== b.gid || a.rdev !== b.rdev) return true;
  if (a.isDirectory()) return false;
  return a.size !== b.size || !sameFsTime(a.mtimeNs, b.mtimeNs);
}

/** Equal, or the same second with one side truncated to it (tar keeps whole seconds). */
function sameFsTime(a: bigint, b: bigint): boolean {
  const NS = 1_000_000_000n;
  return a === b || (a / NS === b / NS && (a % NS === 0n || b % NS === 0n));
}

function sameCaps(a: XattrMap | undefined, b: XattrMap | undefined): boolean {
  const x = a?.get(CAPS);
  const y = b?.get(CAPS);
  return x === undefined ? y === undefined : y !== undefined && x.equals(y);
}

function opaque(w: Walk, dir: string): boolean {
  return isOpaqueValue(w.newX.get(dir)?.get(OPAQUE_XATTR)) || isOpaqueValue(w.newX.get(dir)?.get(FUSE_OPAQUE_XATTR));
}

function isWhiteout(st: BigIntStats): boolean {
  return st.isCharacterDevice() && st.rdev === 0n;
}

async function statOrNull(path: string): Promise<BigIntStats | null> {
  try {
    return await lstat(path, { bigint: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
