// docker cp on the daemon's side, against a container's mounted rootfs seen through an FsView
// (its bind mounts laid over it, links resolved inside it): stat a path, archive it, extract a
// tar into a directory. Paths and names follow dockerd's containerStatPath /
// containerArchivePath / containerExtractToDir, error texts included.
import { lstat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { ContainerRow } from '../../store/containers.ts';
import { BerthError, invalidParameter, notFound } from '../../api/types/errors.ts';
import { goFileMode, goTime, hasGoMode, GO_MODE, type PathStat } from '../../api/types/path-stat.ts';
import { FsView, type BindMount } from '../../image/copy/fs-view.ts';
import { assertsDirectory, base, clean, join, preserveTrailingDotOrSeparator, split } from '../../image/copy/go-path.ts';
import { tarTree } from '../../image/copy/tree-tar.ts';
import { unpack } from '../../image/copy/unpack.ts';
import { decompressStream } from '../../image/decompress.ts';
import { copyOwner } from './copy-owner.ts';
import { legacyMounts } from './legacy-mounts.ts';
import { copyError, errnoKind, errnoText } from '../../image/copy/copy-errors.ts';

/** The container as its processes see it: rootfs plus its binds and volumes (resolved at
 * create; tmpfs mounts exist only inside a running container). */
export function containerView(c: ContainerRow, rootfs: string): FsView {
  const mounts: BindMount[] = [];
  for (const m of c.mounts?.length ? c.mounts : legacyMounts(c.hostConfig)) {
    if (m.Type !== 'tmpfs') mounts.push({ source: m.Source, destination: clean(m.Destination), readOnly: !m.RW });
  }
  return new FsView(rootfs, mounts);
}

/** A path missing in the container: the caller names it as the user gave it. */
export function fileNotFound(path: string, container: string): Error {
  return notFound(`Could not find the file ${path} in container ${container}`);
}

/** HEAD /containers/{id}/archive: lstat of the path (links on the way followed in scope). */
export function statPath(view: FsView, path: string, container: string): Promise<PathStat> {
  return inViewTerms(view, statPathIn(view, path, container));
}

/** What a copy's errors say, with no host path in them (copy-errors.ts). */
async function inViewTerms<T>(view: FsView, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw copyError(err, view);
  }
}

async function statPathIn(view: FsView, path: string, container: string): Promise<PathStat> {
  const abs = path.startsWith('/') ? path : `/${path}`; // dockerd runs it with the container's / as cwd
  // A trailing "/" or "/." makes lstat follow a final link, as the kernel does.
  const cpath = await view.resolve(abs, assertsDirectory(abs));
  const host = view.hostOf(cpath);
  let st;
  try {
    st = await lstat(host, { bigint: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw fileNotFound(path, container);
    // The path as asked for, not the host's (dockerd names its data-root here, in a 500).
    const e = err as NodeJS.ErrnoException;
    throw new BerthError(errnoKind(e), `lstat ${path}: ${errnoText(e)}`);
  }
  if (assertsDirectory(abs) && !st.isDirectory()) throw invalidParameter(`lstat ${path}: not a directory`);
  const mode = goFileMode(Number(st.mode));
  return {
    name: base(path),
    size: Number(st.size),
    mode,
    mtime: goTime(st.mtimeNs),
    linkTarget: hasGoMode(mode, GO_MODE.symlink) ? await view.resolve(abs, true) : '',
  };
}

/** GET /containers/{id}/archive: the stat and a tar of the path, named after its last element. */
export async function archivePath(view: FsView, path: string, container: string): Promise<{ stat: PathStat; tar: Readable }> {
  const abs = preserveTrailingDotOrSeparator(join('/', path), path);
  const stat = await statPath(view, abs, container); // the tar's own errors: tree-tar.ts
  const rebase = base(abs);
  if (hasGoMode(stat.mode, GO_MODE.dir)) {
    return { stat, tar: tarTree({ view, sourceDir: abs, include: '.', rebase }) };
  }
  const [sourceDir, include] = split(abs);
  return { stat, tar: tarTree({ view, sourceDir: clean(sourceDir), include, rebase }) };
}

export interface ExtractOptions {
  noOverwriteDirNonDir: boolean;
  copyUIDGID: boolean;
  readonlyRootfs: boolean;
  user: string;
}

/** PUT /containers/{id}/archive: unpack a (possibly compressed) tar into a directory. */
export function extractToDir(view: FsView, path: string, content: Readable, container: string, opts: ExtractOptions): Promise<void> {
  return inViewTerms(view, extractIn(view, path, content, container, opts));
}

async function extractIn(view: FsView, path: string, content: Readable, container: string, opts: ExtractOptions): Promise<void> {
  // The destination's links are all followed, the last one too: a link to a directory is fine.
  const dest = await view.resolve(join('/', path), true);
  const st = await lstat(view.hostOf(dest)).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') throw fileNotFound(path, container);
    throw err;
  });
  if (!st.isDirectory()) throw invalidParameter('extraction point is not a directory');
  const mount = view.mountFor(dest);
  if (mount?.readOnly) throw invalidParameter('mounted volume is marked read-only');
  if (!mount && opts.readonlyRootfs) throw invalidParameter('container rootfs is marked read-only');
  const chown = opts.copyUIDGID && opts.user ? copyOwner(view.root, opts.user) : undefined;
  const tar = await decompressStream(content);
  await unpack(view, dest, tar, { noOverwriteDirNonDir: opts.noOverwriteDirNonDir, ...(chown && { chown }) });
}
