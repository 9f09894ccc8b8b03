// The client's half of docker cp (go-archive's copy.go): what the source and destination
// are, and how the tar must be renamed so that extracting it in the destination's directory
// gives `cp -a`'s result — a directory copied into an existing directory, onto a new name,
// a file over a file, "dir/." for a directory's contents.
import { lstat, readlink, realpath, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { readTar } from '../layers/tar-read.ts';
import { encodeHeader, END_OF_ARCHIVE, padding, type WriteType } from '../layers/tar-write.ts';
import { byteStream } from '../layers/tar-layer.ts';
import { assertsDirectory, base, clean, hasTrailingSeparator, join, rebaseName, split, splitPathDirEntry } from './go-path.ts';
import { FsView } from './fs-view.ts';
import { tarTree } from './tree-tar.ts';

export interface CopyInfo {
  path: string;
  exists: boolean;
  isDir: boolean;
  /** The name the source is copied as, when it differs from its path's last element. */
  rebaseName: string;
}

/** Go's wording for a failed system call on a path. */
export function pathError(op: string, path: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code;
  const text: Record<string, string> = { ENOENT: 'no such file or directory', ENOTDIR: 'not a directory', EACCES: 'permission denied', ELOOP: 'too many levels of symbolic links' };
  return new Error(`${op} ${path}: ${(code && text[code]) ?? (err as Error).message}`);
}

/** filepath.EvalSymlinks: realpath, failing as Go does on the first component that is missing. */
async function evalSymlinks(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (err) {
    let at = '';
    for (const part of clean(path).split('/').filter(Boolean)) {
      at += `/${part}`;
      if ((await lstat(at).catch(() => null)) === null) break;
    }
    throw pathError('lstat', at || path, err);
  }
}

/** A local source: links on the way resolved (the last one too with followLink). */
export async function copyInfoSourcePath(path: string, followLink: boolean): Promise<CopyInfo> {
  let resolved: string;
  let rebase = '';
  if (followLink) {
    [resolved, rebase] = rebaseName(path, await evalSymlinks(path));
  } else {
    const [dirPath, basePath] = split(path);
    const dir = await evalSymlinks(dirPath || '.');
    resolved = `${dir === '/' ? '' : dir}/${basePath}`;
    if (hasTrailingSeparator(path) && base(path) !== base(resolved)) rebase = base(path);
  }
  const st = await lstat(resolved).catch((err) => Promise.reject(pathError('lstat', resolved, err)));
  return { path: resolved, exists: true, isDir: st.isDirectory(), rebaseName: rebase };
}

/** A local destination: links followed (at most 10); missing is fine if its parent is a directory. */
export async function copyInfoDestinationPath(path: string): Promise<CopyInfo> {
  let current = path;
  let st = await lstat(current).catch(() => null);
  for (let n = 0; st?.isSymbolicLink(); n++) {
    if (n > 10) throw new Error(`too many symlinks in ${path}`);
    const target = await readlink(current);
    current = target.startsWith('/') ? target : join(splitPathDirEntry(current)[0], target);
    st = await lstat(current).catch(() => null);
  }
  if (st) return { path: current, exists: true, isDir: st.isDirectory(), rebaseName: '' };
  const parent = splitPathDirEntry(current)[0];
  const pst = await stat(parent).catch((err) => Promise.reject(pathError('stat', parent, err)));
  if (!pst.isDirectory()) throw new Error('not a directory');
  return { path: current, exists: false, isDir: false, rebaseName: '' };
}

/** A tar of a local file or directory, its top entry named as rebaseName asks. */
export function tarResource(src: CopyInfo): Readable {
  const [sourceDir, include] = splitPathDirEntry(src.path);
  return tarTree({ view: new FsView('/'), sourceDir, include, rebase: src.rebaseName });
}

/** Where to extract and the (renamed) tar that gives cp's result there. */
export function prepareArchiveCopy(content: Readable, src: CopyInfo, dst: CopyInfo): { dstDir: string; content: Readable } {
  const [dstDir, dstBase] = splitPathDirEntry(dst.path);
  const srcBase = src.rebaseName || splitPathDirEntry(src.path)[1];
  if (dst.exists && dst.isDir) return { dstDir: dst.path, content }; // into the directory, names as they are
  if (dst.exists && src.isDir) throw new Error('cannot copy directory');
  if (!dst.exists && !src.isDir && assertsDirectory(dst.path)) throw new Error('no such directory');
  return { dstDir, content: rebaseArchiveEntries(content, srcBase, dstBase) };
}

/** Rename the first occurrence of oldBase in every entry name (and hard link target), as docker does. */
export function rebaseArchiveEntries(content: AsyncIterable<Buffer>, oldBase: string, newBase: string): Readable {
  const from = oldBase === '/' ? '' : oldBase;
  const swap = (s: string) => s.replace(from, () => newBase);
  return byteStream((async function* () {
    for await (const { header: h, body } of readTar(content)) {
      yield encodeHeader({
        name: swap(h.name), type: WRITE_TYPE[h.type] ?? '0', mode: h.mode, uid: h.uid, gid: h.gid,
        size: h.type === 'file' ? h.size : 0, mtime: Math.floor(h.mtime), linkname: h.type === 'link' ? swap(h.linkname) : h.linkname,
        devmajor: h.devmajor, devminor: h.devminor, xattrs: h.xattrs,
      });
      if (h.type !== 'file') continue;
      for await (const chunk of body) yield chunk;
      yield padding(h.size);
    }
    yield END_OF_ARCHIVE;
  })());
}

const WRITE_TYPE: Record<string, WriteType> = { file: '0', link: '1', symlink: '2', char: '3', block: '4', directory: '5', fifo: '6' };
