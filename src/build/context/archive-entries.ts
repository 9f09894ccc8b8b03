// ADD's local archives: a source file that is a tar (plain, gzip, bzip2, xz — sniffed from its
// bytes, not its name, as docker does) is unpacked into dest instead of copied. Its entries
// are re-written under dest with the archive's own owners, modes and times; names and hard
// links are read from dest as from a root, so none can climb out of it (dockerd unpacks in a
// chroot at dest, with the same effect).
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { invalidParameter } from '../../api/types/errors.ts';
import { clean, join } from '../../image/copy/go-path.ts';
import { decompressStream } from '../../image/decompress.ts';
import { readTar } from '../../image/layers/tar-read.ts';
import { encodeHeader, padding, type WriteType } from '../../image/layers/tar-write.ts';

const TYPES: Record<string, WriteType> = { file: '0', link: '1', symlink: '2', char: '3', block: '4', directory: '5', fifo: '6' };

/** Whether the file holds a tar (compressed or not) with at least one entry: Go's tar reader
 * finding a first header is docker's test. */
export async function isArchive(host: string): Promise<boolean> {
  let tar: Readable | undefined;
  try {
    tar = await openTar(host);
    for await (const _ of readTar(tar)) return true;
    return false;
  } catch {
    return false; // not a tar (or not one we can read): copied as a file, as docker does
  } finally {
    tar?.destroy();
  }
}

/** The archive's entries as tar bytes with names under dest (no end marker). */
export async function* archiveEntries(host: string, dest: string): AsyncGenerator<Buffer> {
  const tar = await openTar(host);
  try {
    for await (const { header: h, body } of readTar(tar)) {
      const name = inside(dest, h.name);
      if (name === dest) continue; // the archive's "./": dest is made (or kept) by the copy
      const type = TYPES[h.type];
      if (type === undefined) throw invalidParameter(`ADD: unhandled tar header type ${h.type.slice('unsupported:'.length)} in the archive`);
      const linkname = h.type === 'link' ? inside(dest, h.linkname).slice(1) : h.linkname;
      const size = h.type === 'file' ? h.size : 0;
      yield encodeHeader({ name: type === '5' ? `${name.slice(1)}/` : name.slice(1), type, mode: h.mode & 0o7777, uid: h.uid, gid: h.gid, size, mtime: Math.floor(h.mtime), linkname, devmajor: h.devmajor, devminor: h.devminor, xattrs: h.xattrs });
      if (size === 0) continue;
      for await (const chunk of body) yield chunk;
      yield padding(size);
    }
  } finally {
    tar.destroy();
  }
}

/** dest joined with an archive's path as dockerd's chrooted untar sees it: the archive's "/" is
 * dest, and a ".." at that root stays there ("../../x" lands in dest/x, never above it). */
function inside(dest: string, path: string): string {
  return join(dest, clean(`/${path}`));
}

/** The file's tar stream, decompressed; a read error of the file fails that stream. */
async function openTar(host: string): Promise<Readable> {
  const fh = await open(host, constants.O_RDONLY | constants.O_NOFOLLOW);
  const file = fh.createReadStream();
  const tar = await decompressStream(file);
  file.once('error', (err) => tar.destroy(err));
  // Whoever stops reading early destroys `tar`; the file goes with it.
  tar.once('close', () => file.destroy());
  return tar;
}
