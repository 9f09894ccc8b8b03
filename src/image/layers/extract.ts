// Applying one uncompressed layer tar to a directory, hashing the stream as it goes (the sha256
// of the uncompressed tar is the layer's diffID). The caller extracts into a private staging
// directory, so no other process races us there; the checks in safe-path.ts keep every write
// inside it. Metadata order matters: chown clears setuid bits and security.capability, so it
// comes first, then xattrs, then the mode; mtimes last, and directories' only at the very end
// (creating their children would bump them), as docker does.
import { inUserNamespace } from '../../lib/userns.ts';
import { createHash, type Hash } from '../../lib/lazy-crypto.ts';
import { constants } from 'node:fs';
import { chmod, lchown, link, lutimes, mkdir, open, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { zlib } from '../../lib/lazy-zlib.ts';
import { invalidParameter } from '../../api/types/errors.ts';
import { applyWhiteout } from './apply-whiteout.ts';
import { run } from './exec.ts';
import { ExtractState, type ExtractOptions } from './extract-state.ts';
import { readTar, type TarHeader } from './tar-read.ts';
import { checkLength, cleanEntryName, lstatOrNull, PATH_MAX } from './safe-path.ts';
import { parseWhiteout } from './whiteouts.ts';

export type { ExtractOptions } from './extract-state.ts';

export interface ExtractResult {
  diffId: string;
  /** Bytes of regular-file content in the layer. */
  size: number;
  /** Things skipped rather than failed (xattrs the filesystem or an LSM refused). */
  warnings: string[];
}

export async function extractLayer(root: string, source: AsyncIterable<Buffer | Uint8Array>, opts: ExtractOptions): Promise<ExtractResult> {
  const hash = createHash('sha256');
  const count = { bytes: 0 };
  const s = new ExtractState(root, opts);
  for await (const { header: h, body } of readTar(hashed(source, hash, count), opts.record?.raw)) {
    const parts = cleanEntryName(h.name);
    checkLength(root, parts, h.name);
    const base = parts.at(-1);
    const wh = base === undefined ? null : parseWhiteout(base);
    if (wh) {
      await applyWhiteout(s, wh, parts, h);
    } else if (base === undefined) {
      // "./" describes the layer root itself: only its metadata can change.
      if (h.type !== 'directory') throw invalidParameter(`refusing layer entry "${h.name}": it names the layer root`);
      await dir(s, root, '', h);
    } else {
      const path = join((await s.parent(parts, h.name, true))!, base);
      await entry(s, path, parts.join('/'), h, body);
    }
  }
  await s.finish();
  await opts.record?.finish(count.bytes);
  return { diffId: `sha256:${hash.digest('hex')}`, size: s.size, warnings: s.warnings };
}

async function* hashed(src: AsyncIterable<Buffer | Uint8Array>, hash: Hash, count: { bytes: number }): AsyncGenerator<Buffer | Uint8Array> {
  for await (const chunk of src) {
    hash.update(chunk);
    count.bytes += chunk.length;
    yield chunk;
  }
}

function entry(s: ExtractState, path: string, rel: string, h: TarHeader, body: AsyncIterable<Buffer>): Promise<void> {
  switch (h.type) {
    case 'directory': return dir(s, path, rel, h);
    case 'file': return file(s, path, rel, h, body);
    case 'symlink': return symlinkEntry(s, path, rel, h);
    case 'link': return hardlink(s, path, rel, h);
    case 'char': case 'block': case 'fifo': return device(s, path, rel, h);
    default: throw invalidParameter(`refusing layer entry "${h.name}": unsupported tar entry type ${h.type.slice('unsupported:'.length)}`);
  }
}

async function dir(s: ExtractState, path: string, rel: string, h: TarHeader): Promise<void> {
  if (rel !== '') {
    const st = await lstatOrNull(path);
    // An existing directory is kept (its contents stay); anything else is replaced.
    if (!st?.isDirectory()) {
      await s.remove(path, rel, st);
      await mkdir(path, { mode: 0o700 });
    }
  }
  await lchown(path, h.uid, h.gid);
  await s.xattrs(path, h);
  await chmod(path, h.mode & 0o7777);
  s.dirTimes.set(rel, h.mtime);
  s.seen.set(rel, 'dir');
}

const NOFOLLOW_CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

async function file(s: ExtractState, path: string, rel: string, h: TarHeader, body: AsyncIterable<Buffer>): Promise<void> {
  // O_EXCL|O_NOFOLLOW: we create a fresh inode, never open something already there; if
  // something is (a replaced file, a parent layer's copy on vfs) it is removed first.
  const fh = await open(path, NOFOLLOW_CREATE, 0o600).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST' && err.code !== 'ELOOP') throw err;
    await s.remove(path, rel, await lstatOrNull(path));
    return open(path, NOFOLLOW_CREATE, 0o600);
  });
  let crc = 0;
  try {
    for await (const chunk of body) {
      if (s.opts.record) crc = zlib().crc32(chunk, crc);
      for (let off = 0; off < chunk.length; ) off += (await fh.write(chunk, off)).bytesWritten;
    }
    // Through the descriptor: no path lookups, and certainly our own inode.
    await fh.chown(h.uid, h.gid);
    if (h.xattrs.size > 0) await s.xattrs(path, h);
    await fh.chmod(h.mode & 0o7777);
    await fh.utimes(h.mtime, h.mtime);
  } finally {
    await fh.close();
  }
  s.size += h.size;
  s.seen.set(rel, 'file');
  // The body's place in the record: after its header (already tapped), before its padding.
  if (h.size > 0) await s.opts.record?.file(rel, h.size, crc);
}

async function symlinkEntry(s: ExtractState, path: string, rel: string, h: TarHeader): Promise<void> {
  // The target is data for the container: any value, absolute or not, is fine; never followed.
  if (h.linkname === '' || h.linkname.includes('\0') || Buffer.byteLength(h.linkname) >= PATH_MAX) {
    throw invalidParameter(`refusing symlink "${h.name}": invalid target ${JSON.stringify(h.linkname.slice(0, 80))}`);
  }
  await s.remove(path, rel, await lstatOrNull(path));
  await symlink(h.linkname, path);
  await lchown(path, h.uid, h.gid);
  await s.xattrs(path, h);
  await lutimes(path, h.mtime, h.mtime);
  s.seen.set(rel, 'other');
}

async function hardlink(s: ExtractState, path: string, rel: string, h: TarHeader): Promise<void> {
  const refuse = (why: string) => invalidParameter(`refusing hard link "${h.name}" -> "${h.linkname}": ${why}`);
  const tparts = cleanEntryName(h.linkname, 'hard link target');
  const trel = tparts.join('/');
  if (trel === rel || trel.startsWith(`${rel}/`)) throw refuse('it links to itself or to something below its own name');
  const kind = s.seen.get(trel);
  // Links may only reach entries of this same layer: for overlay2 a link into a lower layer's
  // diff/ cannot exist at all, and vfs keeps the same rule so both drivers accept the same tars.
  if (kind === undefined) throw refuse('the target is not an entry extracted earlier in this layer');
  if (kind === 'dir') throw refuse('the target is a directory');
  const tparent = await s.parent(tparts, h.name, false);
  const target = tparent === null ? null : join(tparent, tparts.at(-1)!);
  const st = target === null ? null : await lstatOrNull(target);
  if (target === null || st === null || st.isDirectory()) throw refuse('the target no longer exists');
  await s.remove(path, rel, await lstatOrNull(path));
  await link(target, path); // linkat without AT_SYMLINK_FOLLOW: a symlink target stays a link
  s.seen.set(rel, kind);
}

async function device(s: ExtractState, path: string, rel: string, h: TarHeader): Promise<void> {
  if (!s.opts.allowDevices) {
    throw invalidParameter(`refusing layer entry "${h.name}": ${h.type} device nodes are not allowed (allowDevices is off)`);
  }
  // In a user namespace (rootless) mknod of a device is refused: the entry is left out, as
  // dockerd does there; a container gets its /dev from the runtime anyway.
  if (h.type !== 'fifo' && inUserNamespace()) return;
  await s.remove(path, rel, await lstatOrNull(path));
  const dev = h.type === 'fifo' ? ['p'] : [h.type === 'char' ? 'c' : 'b', String(h.devmajor), String(h.devminor)];
  await run('mknod', ['-m', '0600', '--', path, ...dev]); // Node has no mknod(2)
  await lchown(path, h.uid, h.gid);
  await s.xattrs(path, h);
  await chmod(path, h.mode & 0o7777);
  await lutimes(path, h.mtime, h.mtime);
  s.seen.set(rel, 'other');
}
