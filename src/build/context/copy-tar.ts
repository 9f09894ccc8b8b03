// The tar a COPY/ADD becomes: entries named from the image's "/" (without the leading slash),
// which the host unpacks over the parent image. Docker's COPY rules are decided here, once:
// a file goes to dest, or into it when dest is a directory; a directory's contents (not the
// directory) go into dest; a link named as a source is followed, links below it are kept;
// owners are 0:0 from the context, --chown's numbers if given, the source's own for --from;
// --chmod replaces the permission bits of everything copied; ADD unpacks a local archive.
import { constants, type Stats } from 'node:fs';
import { open, readlink } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { systemError } from '../../api/types/errors.ts';
import type { FsView } from '../../image/copy/fs-view.ts';
import { base, dir, join } from '../../image/copy/go-path.ts';
import { CAPABILITY_XATTR } from '../../image/copy/tree-tar.ts';
import { byteStream } from '../../image/layers/tar-layer.ts';
import { dumpXattrs, type XattrMap } from '../../image/layers/xattr.ts';
import { encodeHeader, END_OF_ARCHIVE, padding, type WriteHeader } from '../../image/layers/tar-write.ts';
import { splitDev } from '../../image/layers/whiteouts.ts';
import { archiveEntries, isArchive } from './archive-entries.ts';
import { sourceItems, type SourceItem } from './source-walk.ts';
import type { CopyTarOptions, SourceEntry } from './types.ts';

const SMALL_FILE = 1024 * 1024;

/** A new stream of the tar each call (the host may read it more than once). */
export function copyTar(root: FsView, entries: SourceEntry[], o: CopyTarOptions): () => Readable {
  return () => byteStream(chunks(root, entries, o));
}

async function* chunks(root: FsView, entries: SourceEntry[], o: CopyTarOptions): AsyncGenerator<Buffer> {
  const firstName = new Map<string, string>(); // "dev:ino" → the name its first link got
  const dest = o.dest === '/' ? '/' : o.dest.replace(/\/+$/, '');
  // A dest written with a trailing "/" is a directory whatever destIsDir says (docker's rule).
  const intoDir = o.destIsDir || dest === '/' || o.dest.endsWith('/') || o.inImage?.dest === 'dir';
  const destDir = intoDir || entries.some((e) => e.isDir);
  yield* newDirectories(dest, destDir, entries, o, await firstIsArchive(root, entries, o));
  let caps = new Map<string, XattrMap>();
  for (const entry of entries) {
    for await (const item of sourceItems(root, entry)) {
      const top = item.rel === '';
      // File capabilities travel as docker's copy carries them: inside a directory's tar, and
      // only where it does not chown after (its chown drops them); a lone file's tar has none.
      if (top) caps = item.st.isDirectory() && !chowns(o) ? await dumpXattrs(item.host, CAPABILITY_XATTR) : new Map();
      if (top && item.st.isDirectory()) continue; // its contents go into dest, dest is not it
      if (top && item.st.isFile() && o.extractArchives && (await isArchive(item.host))) {
        yield* archiveEntries(item.host, dest);
        continue;
      }
      const path = top ? (intoDir ? join(dest, base(entry.path)) : dest) : join(dest, item.rel);
      yield* entryChunks(path.slice(1), item, o, firstName, caps.get(item.host));
    }
  }
  yield END_OF_ARCHIVE;
}

/**
 * Entries for the directories on dest's path the image lacks, as docker makes them: 0755; the
 * parents of a file (made before it) owned by --chown's user, those of a directory's copy by
 * root; dest itself, when a directory, by --chown's user (root if not given).
 */
async function* newDirectories(dest: string, destDir: boolean, entries: SourceEntry[], o: CopyTarOptions, archive: boolean): AsyncGenerator<Buffer> {
  if (o.inImage === undefined || dest === '/') return;
  const target = destDir || archive ? dest : dir(dest);
  const deepest = o.inImage.deepestDir;
  if (target === deepest || !target.startsWith(deepest === '/' ? '/' : `${deepest}/`)) return;
  // An archive unpacked first makes dest and its parents as root, whatever --chown says.
  const user = archive ? { uid: 0, gid: 0 } : (o.owner ?? { uid: 0, gid: 0 });
  const parentsOwner = entries[0]?.isDir === false ? user : { uid: 0, gid: 0 };
  const mtime = Math.floor(Date.now() / 1000);
  const missing = target.slice(deepest.length).split('/').filter(Boolean);
  for (let i = 1; i <= missing.length; i++) {
    const path = join(deepest, ...missing.slice(0, i));
    const owner = destDir && path === dest ? user : parentsOwner;
    yield encodeHeader({ name: `${path.slice(1)}/`, type: '5', mode: 0o755, ...owner, size: 0, mtime });
  }
}

/** Whether the first source is a local archive that ADD unpacks (it then makes dest). */
async function firstIsArchive(root: FsView, entries: SourceEntry[], o: CopyTarOptions): Promise<boolean> {
  const first = entries[0];
  if (!o.extractArchives || first === undefined || first.isDir) return false;
  return isArchive(root.hostOf(await root.resolve(first.path, true)));
}

async function* entryChunks(name: string, item: SourceItem, o: CopyTarOptions, firstName: Map<string, string>, xattrs: XattrMap | undefined): AsyncGenerator<Buffer> {
  const h = await header(name, item, o, firstName, xattrs);
  if (h === null) return;
  yield encodeHeader(h);
  if (h.type !== '0' || h.size === 0) return;
  yield* fileBody(item.host, name, h.size);
  yield padding(h.size);
}

async function header(name: string, { host, st }: SourceItem, o: CopyTarOptions, firstName: Map<string, string>, xattrs: XattrMap | undefined): Promise<WriteHeader | null> {
  const owner = o.owner ?? (o.keepOwners ? { uid: st.uid, gid: st.gid } : { uid: 0, gid: 0 });
  const mode = o.mode !== undefined && !st.isSymbolicLink() ? o.mode & 0o7777 : keptMode(st, o);
  const h: WriteHeader = { name, type: '0', mode, ...owner, size: 0, mtime: Math.floor(st.mtimeMs / 1000), ...(xattrs && { xattrs }) };
  if (st.isDirectory()) return { ...h, name: `${name}/`, type: '5' };
  if (st.isSymbolicLink()) return { ...h, type: '2', linkname: await readlink(host) };
  if (st.isFIFO()) return { ...h, type: '6' };
  if (st.isCharacterDevice() || st.isBlockDevice()) {
    const { major, minor } = splitDev(st.rdev);
    return { ...h, type: st.isCharacterDevice() ? '3' : '4', devmajor: major, devminor: minor };
  }
  if (!st.isFile()) return null; // a socket is not copied (docker skips them too)
  if (st.nlink > 1) {
    const key = `${st.dev}:${st.ino}`;
    const first = firstName.get(key);
    if (first !== undefined) return { ...h, type: '1', linkname: first, xattrs: undefined };
    firstName.set(key, name);
  }
  return { ...h, size: st.size };
}

/**
 * The source's permission bits as docker's copy leaves them: it chowns what it copied (to root
 * or --chown's user, unless --from keeps owners), and the kernel's chown clears a file's
 * setuid bit, and its setgid bit when group-exec is set (dockerd 20.10: `COPY` of a 4755 file
 * gives 0755). Directories keep theirs.
 */
function keptMode(st: Stats, o: CopyTarOptions): number {
  const mode = st.mode & 0o7777;
  if (!chowns(o) || st.isDirectory() || st.isSymbolicLink()) return mode;
  return mode & ~0o4000 & ~(mode & 0o010 ? 0o2000 : 0);
}

/** Whether docker chowns what it copied: always, but for --from without --chown. */
function chowns(o: CopyTarOptions): boolean {
  return o.owner !== undefined || !o.keepOwners;
}

/** Exactly `size` bytes of the file (as its header said): a file that changed size since it was
 * looked at fails the copy rather than corrupting the tar. A small file is one read, not a
 * stream (contexts are mostly small files, and a stream per file costs more than the read). */
async function* fileBody(host: string, name: string, size: number): AsyncGenerator<Buffer> {
  const fh = await open(host, constants.O_RDONLY | constants.O_NOFOLLOW);
  let n = 0;
  try {
    if (size <= SMALL_FILE) {
      const buf = Buffer.allocUnsafe(size + 1); // one byte more tells a file that grew
      for (let r = 1; r > 0 && n <= size; n += r) r = (await fh.read(buf, n, size + 1 - n, n)).bytesRead;
      if (n === size) yield buf.subarray(0, size);
    } else {
      for await (const chunk of fh.createReadStream({ autoClose: false }) as AsyncIterable<Buffer>) {
        n += chunk.length;
        if (n > size) break;
        yield chunk;
      }
    }
  } finally {
    await fh.close();
  }
  if (n !== size) throw systemError(`/${name} changed size while being copied (${size} -> ${n} bytes)`);
}
