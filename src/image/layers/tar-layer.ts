// Exporting a layer as an uncompressed tar in OCI form (save, push). The walkers yield a list of
// changes; tarChunks turns them into deterministic bytes: entries sorted by name bytes
// (parents before children), headers from the files themselves with empty uname/gname, whole
// seconds, and hard links kept as links to the first name written in this same tar.
import type { Stats } from 'node:fs';
import { constants } from 'node:fs';
import { lstat, open, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { systemError } from '../../api/types/errors.ts';
import { encodeHeader, END_OF_ARCHIVE, padding, type WriteHeader } from './tar-write.ts';
import { isOverlayWhiteout, isUpperOpaque, OPAQUE_MARKER, splitDev, WHITEOUT_META_PREFIX, WHITEOUT_PREFIX } from './whiteouts.ts';
import { isPrivateXattr, type XattrMap } from './xattr.ts';

export type Change =
  /** An entry to write as it is on disk. */
  | { kind: 'path'; rel: string; abs: string; st: Stats }
  /** rel was deleted: written as ".wh.<name>" (st: the overlay whiteout device, if any). */
  | { kind: 'whiteout'; rel: string; st?: Stats }
  /** The directory rel hides lower content: written as "rel/.wh..wh..opq". */
  | { kind: 'opaque'; rel: string; st: Stats };

/** Wrap an async chunk source (which may still have setup to do) as a byte stream. */
export function byteStream(chunks: AsyncIterable<Buffer>): Readable {
  return Readable.from(chunks, { objectMode: false });
}

export interface TarChunkOptions {
  /**
   * The files may change while they are read (a running container's export or docker cp): a
   * file is cut or zero-padded to the size its header promised, instead of failing the tar.
   */
  live?: boolean;
}

/** The tar bytes for a sequence of changes, end-of-archive marker included. */
export async function* tarChunks(changes: AsyncIterable<Change>, xattrs: ReadonlyMap<string, XattrMap>, opts: TarChunkOptions = {}): AsyncGenerator<Buffer> {
  const firstName = new Map<string, string>(); // "dev:ino" -> name already written
  for await (const c of changes) {
    if (c.kind === 'whiteout') {
      const slash = c.rel.lastIndexOf('/');
      const name = `${c.rel.slice(0, slash + 1)}${WHITEOUT_PREFIX}${c.rel.slice(slash + 1)}`;
      yield encodeHeader(marker(name, 0o600, c.st));
    } else if (c.kind === 'opaque') {
      // As docker: right after the directory's own header, with its owner and mtime.
      yield encodeHeader(marker(c.rel ? `${c.rel}/${OPAQUE_MARKER}` : OPAQUE_MARKER, c.st.mode & 0o777, c.st));
    } else {
      const h = await headerFor(c.rel, c.abs, c.st, xattrs.get(c.abs), firstName);
      if (h === null) continue;
      yield encodeHeader(h);
      if (h.type === '0' && h.size > 0) {
        yield* fileBody(c.abs, h.size, opts.live === true);
        yield padding(h.size);
      }
    }
  }
  yield END_OF_ARCHIVE;
}

function marker(name: string, mode: number, st: Stats | undefined): WriteHeader {
  return { name, type: '0', mode, uid: st?.uid ?? 0, gid: st?.gid ?? 0, size: 0, mtime: st ? seconds(st) : 0 };
}

function seconds(st: Stats): number {
  return Math.floor(st.mtimeMs / 1000);
}

async function headerFor(rel: string, abs: string, st: Stats, xattrs: XattrMap | undefined, firstName: Map<string, string>): Promise<WriteHeader | null> {
  const kept = new Map([...(xattrs ?? [])].filter(([k]) => !isPrivateXattr(k)));
  const h: WriteHeader = { name: rel, type: '0', mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: 0, mtime: seconds(st), xattrs: kept };
  if (st.isDirectory()) return { ...h, name: `${rel}/`, type: '5' };
  if (st.isSymbolicLink()) return { ...h, type: '2', linkname: await readlink(abs) };
  if (st.isFIFO()) return { ...h, type: '6' };
  if (st.isCharacterDevice() || st.isBlockDevice()) {
    const { major, minor } = splitDev(st.rdev);
    return { ...h, type: st.isCharacterDevice() ? '3' : '4', devmajor: major, devminor: minor };
  }
  if (!st.isFile()) return null; // sockets are never part of a layer (docker skips them too)
  if (st.nlink > 1) {
    const key = `${st.dev}:${st.ino}`;
    const first = firstName.get(key);
    if (first !== undefined) return { ...h, type: '1', linkname: first, xattrs: undefined };
    firstName.set(key, rel);
  }
  return { ...h, size: st.size };
}

async function* fileBody(abs: string, size: number, live: boolean): AsyncGenerator<Buffer> {
  const fh = await open(abs, constants.O_RDONLY | constants.O_NOFOLLOW).catch((err: unknown) => {
    if (live) return null; // gone since it was listed: its promised bytes are zeros
    throw err;
  });
  if (fh === null) return yield* zeros(size);
  let n = 0;
  try {
    for await (const chunk of fh.createReadStream({ autoClose: false }) as AsyncIterable<Buffer>) {
      n += chunk.length;
      if (n > size) {
        if (live) yield chunk.subarray(0, chunk.length - (n - size));
        break;
      }
      yield chunk;
    }
  } finally {
    await fh.close();
  }
  if (live && n < size) yield* zeros(size - n);
  // The header already promised `size` bytes: a layer file that changed cannot be exported.
  else if (!live && n !== size) throw systemError(`layer file ${abs} changed size while being exported (${size} -> ${n} bytes)`);
}

async function* zeros(n: number): AsyncGenerator<Buffer> {
  for (let left = n; left > 0; left -= 1 << 20) yield Buffer.alloc(Math.min(left, 1 << 20));
}

/** Byte order, as Go sorts names: stable across locales and Node versions. */
export function sortNames(names: string[]): string[] {
  return names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** overlay2: the diff/ directory is the change set; whiteout devices and opaque xattrs translate
 * (fuse-overlayfs's marker files too: whiteouts.ts). */
export async function* overlayChanges(diff: string, xattrs: ReadonlyMap<string, XattrMap>): AsyncGenerator<Change> {
  const top = await readdir(diff);
  if (isUpperOpaque(xattrs.get(diff), top)) yield { kind: 'opaque', rel: '', st: await lstat(diff) };
  async function* walk(dir: string, rel: string, names: string[]): AsyncGenerator<Change> {
    for (const name of sortNames(names)) {
      const abs = join(dir, name);
      const st = await lstat(abs);
      const fuseWhiteout = st.isFile() && name.startsWith(WHITEOUT_PREFIX) && !name.startsWith(WHITEOUT_META_PREFIX);
      if (name === OPAQUE_MARKER && st.isFile()) continue; // said by the directory's opaque entry
      // fuse-overlayfs, replacing a directory, also whites out ".wh..opq" (its marker's name
      // read as a whiteout): a ".wh." name is never a layer's entry, so nothing to delete.
      if (name.startsWith(WHITEOUT_PREFIX) && isOverlayWhiteout(st)) continue;
      const base = fuseWhiteout ? name.slice(WHITEOUT_PREFIX.length) : name;
      const r = rel ? `${rel}/${base}` : base;
      if (isOverlayWhiteout(st) || fuseWhiteout) {
        yield { kind: 'whiteout', rel: r, st };
        continue;
      }
      yield { kind: 'path', rel: r, abs, st };
      if (!st.isDirectory()) continue;
      const children = await readdir(abs);
      if (isUpperOpaque(xattrs.get(abs), children)) yield { kind: 'opaque', rel: r, st };
      yield* walk(abs, r, children);
    }
  }
  yield* walk(diff, '', top);
}
