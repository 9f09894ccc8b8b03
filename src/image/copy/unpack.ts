// Unpacking a docker cp tar into a directory as docker's Untar does it: into a container (the
// daemon's side, through its FsView) or onto the host (the CLI's side, view of "/"). Unlike a
// layer, a copy follows symlinks already in the destination (in the view's scope: a link to /
// means the container's /), creates missing parents, replaces what is in the way (unless asked
// not to swap directories and non-directories), and refuses entries, hard links and symlinks
// that point outside the destination. Owners come from the headers (or a chown), then xattrs,
// then the mode (chown clears setuid bits), then times; directories' times at the very end.
import { constants } from 'node:fs';
import { chmod, lchown, link, lutimes, mkdir, open, rm, symlink, utimes } from 'node:fs/promises';
import { run } from '../layers/exec.ts';
import { readTar, type TarHeader } from '../layers/tar-read.ts';
import { isPrivateXattr, setXattr, skippableXattrError } from '../layers/xattr.ts';
import { lstatOrNull, type FsView } from './fs-view.ts';
import { clean, dir, join } from './go-path.ts';
import { copyError, errnoKind, errnoText } from './copy-errors.ts';
import { BerthError, invalidParameter } from '../../api/types/errors.ts';

export interface UnpackOptions {
  /** Refuse to replace a directory with a non-directory or the other way round. */
  noOverwriteDirNonDir?: boolean;
  /** Leave owners to whoever extracts (the CLI's side), instead of the headers' uid/gid. */
  noLchown?: boolean;
  /** Own every entry by this user instead of the headers' (docker cp -a). */
  chown?: { uid: number; gid: number };
}

interface Target {
  path: string;
  host: string;
}

/** Unpack `source` (an uncompressed tar) into the directory `dest`, a resolved path of the view.
 * Errors are BerthErrors in the view's terms (copy-errors.ts): 400 for what the tar asks that
 * cannot be done, never a host path. */
export async function unpack(view: FsView, dest: string, source: AsyncIterable<Buffer | Uint8Array>, opts: UnpackOptions = {}): Promise<{ warnings: string[] }> {
  try {
    return await unpackEntries(view, dest, source, opts);
  } catch (err) {
    throw copyError(err, view);
  }
}

async function unpackEntries(view: FsView, dest: string, source: AsyncIterable<Buffer | Uint8Array>, opts: UnpackOptions): Promise<{ warnings: string[] }> {
  const dirs: { host: string; mtime: number }[] = [];
  const warnings: string[] = [];
  for await (const { header: h, body } of readTar(source)) {
    // Only a PAX record can carry one; no file name can.
    if (h.name.includes('\0') || h.linkname.includes('\0')) throw invalidParameter(`invalid tar header: ${JSON.stringify(h.name)} names a NUL byte`);
    const name = clean(h.name);
    // dockerd lets a name through when its "../" end inside the destination once joined to it
    // ("../tmp/x" into /tmp); we refuse every name that climbs, and a bare "..".
    if (name === '..' || name.startsWith('../')) throw invalidParameter(`"${h.name}" is outside of "${dest}"`);
    if (name !== '/') await impliedDirectories(view, join(dest, dir(name)), opts);
    const path = join(dest, name);
    const { host, st } = await view.lstat(path);
    if (st) {
      const isDir = st.isDirectory();
      if (opts.noOverwriteDirNonDir && isDir && h.type !== 'directory') throw invalidParameter(`cannot overwrite directory "${path}" with non-directory "${dest}"`);
      if (opts.noOverwriteDirNonDir && !isDir && h.type === 'directory') throw invalidParameter(`cannot overwrite non-directory "${path}" with directory "${dest}"`);
      if (isDir && name === '.') continue;
      if (!isDir || h.type !== 'directory') await rm(host, { recursive: true, force: true });
    }
    await create(view, dest, { path, host }, h, body);
    await metadata({ path, host }, h, opts, warnings);
    if (h.type === 'directory') dirs.push({ host, mtime: h.mtime });
  }
  for (const d of dirs) await utimes(d.host, d.mtime, d.mtime);
  return { warnings };
}

/** Parents the tar does not list: made 0755 (root-owned unless owners are left alone). */
async function impliedDirectories(view: FsView, parent: string, opts: UnpackOptions): Promise<void> {
  if ((await view.lstat(parent)).st !== null) return;
  const resolved = await view.resolve(parent, true);
  let cpath = '';
  for (const part of resolved.split('/').filter(Boolean)) {
    cpath += `/${part}`;
    const host = view.hostOf(cpath);
    const st = await lstatOrNull(host);
    if (st?.isDirectory()) continue;
    if (st) throw invalidParameter(`mkdir ${cpath}: not a directory`);
    await mkdir(host);
    await chmod(host, 0o755);
    if (!opts.noLchown) await lchown(host, 0, 0);
  }
}

async function create(view: FsView, dest: string, t: Target, h: TarHeader, body: AsyncIterable<Buffer>): Promise<void> {
  const perm = h.mode & 0o7777;
  switch (h.type) {
    case 'directory':
      if (!(await lstatOrNull(t.host))?.isDirectory()) await mkdir(t.host, perm);
      return;
    case 'file': {
      const fh = await open(t.host, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, perm);
      try {
        for await (const chunk of body) await fh.write(chunk);
      } finally {
        await fh.close();
      }
      return;
    }
    case 'char': case 'block':
      await run('mknod', ['-m', perm.toString(8), '--', t.host, h.type === 'char' ? 'c' : 'b', String(h.devmajor), String(h.devminor)]);
      return;
    case 'fifo':
      await run('mknod', ['-m', perm.toString(8), '--', t.host, 'p']);
      return;
    case 'link': {
      const target = join(dest, h.linkname);
      if (!target.startsWith(dest)) throw invalidParameter(`invalid hardlink "${target}" -> "${h.linkname}"`);
      await link((await view.lstat(target)).host, t.host);
      return;
    }
    case 'symlink': {
      // Judged where it points from its own directory; an absolute target counts as inside.
      const target = join(dir(t.path), h.linkname);
      if (!target.startsWith(dest)) throw invalidParameter(`invalid symlink "${t.path}" -> "${h.linkname}"`);
      await symlink(h.linkname, t.host);
      return;
    }
    default:
      throw invalidParameter(`unhandled tar header type ${h.type.slice('unsupported:'.length)}`);
  }
}

async function metadata(t: Target, h: TarHeader, opts: UnpackOptions, warnings: string[]): Promise<void> {
  if (!opts.noLchown) {
    const uid = opts.chown?.uid ?? h.uid;
    const gid = opts.chown?.gid ?? h.gid;
    try {
      await lchown(t.host, uid, gid);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new BerthError(errnoKind(e), `failed to Lchown "${t.path}" for UID ${uid}, GID ${gid}: lchown ${t.path}: ${errnoText(e)}`, { cause: err });
    }
  }
  for (const [name, value] of h.xattrs) {
    if (isPrivateXattr(name)) continue; // overlayfs's own bookkeeping never comes from a copy
    try {
      await setXattr(t.host, name, value);
    } catch (err) {
      const why = skippableXattrError(name, err);
      if (why === null) throw err;
      warnings.push(`${t.path}: xattr ${name}: ${why}`);
    }
  }
  // A hard link shares its target's inode: its metadata is the target's.
  if (h.type === 'link') return;
  if (h.type === 'symlink') return lutimes(t.host, h.mtime, h.mtime);
  await chmod(t.host, h.mode & 0o7777);
  await utimes(t.host, h.mtime, h.mtime);
}
