// Applying one uncompressed layer tar to a directory, hashing the stream as it goes (the sha256
// of the uncompressed tar is the layer's diffID). The caller extracts into a private staging
// directory, so no other process races us there; the checks in safe-path.ts keep every write
// inside it. Metadata order matters: chown clears setuid bits and security.capability, so it
// comes first, then xattrs, then the mode; mtimes last, and directories' only at the very end
// (creating their children would bump them), as docker does.
import { createHash, type Hash } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, lchown, link, lutimes, mkdir, open, readdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Stats } from 'node:fs';
import { invalidParameter, systemError } from '../../api/types/errors.ts';
import { run } from './exec.ts';
import { readTar, type TarEntry, type TarHeader } from './tar-read.ts';
import { checkLength, cleanEntryName, lstatOrNull, PATH_MAX, resolveParent } from './safe-path.ts';
import { makeOverlayWhiteout, parseWhiteout, setOverlayOpaque, type Whiteout } from './whiteouts.ts';
import { isPrivateXattr, setXattr, skippableXattrError } from './xattr.ts';

export interface ExtractOptions {
  /** overlay: keep whiteouts in overlayfs's format; vfs: apply them as deletions. */
  format: 'overlay' | 'vfs';
  /** Allow character/block devices and fifos (default: refused). */
  allowDevices?: boolean;
}

export interface ExtractResult {
  diffId: string;
  /** Bytes of regular-file content in the layer. */
  size: number;
  /** Things skipped rather than failed (xattrs the filesystem or an LSM refused). */
  warnings: string[];
}

export async function extractLayer(root: string, source: AsyncIterable<Buffer | Uint8Array>, opts: ExtractOptions): Promise<ExtractResult> {
  const hash = createHash('sha256');
  const x = new Extractor(root, opts);
  for await (const entry of readTar(hashed(source, hash))) await x.apply(entry);
  await x.finish();
  return { diffId: `sha256:${hash.digest('hex')}`, size: x.size, warnings: x.warnings };
}

async function* hashed(src: AsyncIterable<Buffer | Uint8Array>, hash: Hash): AsyncGenerator<Buffer | Uint8Array> {
  for await (const chunk of src) {
    hash.update(chunk);
    yield chunk;
  }
}

type Kind = 'dir' | 'file' | 'other';
const NOFOLLOW_CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

class Extractor {
  readonly #root: string;
  readonly #opts: ExtractOptions;
  /** What this layer has created so far, by relative path (hard link targets, opaque dirs). */
  readonly #seen = new Map<string, Kind>();
  readonly #dirTimes = new Map<string, number>();
  size = 0;
  readonly warnings: string[] = [];

  constructor(root: string, opts: ExtractOptions) {
    this.#root = root;
    this.#opts = opts;
  }

  async apply({ header: h, body }: TarEntry): Promise<void> {
    const parts = cleanEntryName(h.name);
    checkLength(this.#root, parts, h.name);
    const base = parts.at(-1);
    const wh = base === undefined ? null : parseWhiteout(base);
    if (wh) return this.#whiteout(wh, parts, h.name);
    if (base === undefined && h.type !== 'directory') throw invalidParameter(`refusing layer entry "${h.name}": it names the layer root`);
    const parent = base === undefined ? this.#root : await this.#parent(parts, h.name, true);
    const path = base === undefined ? this.#root : join(parent!, base);
    const rel = parts.join('/');
    switch (h.type) {
      case 'directory': return this.#dir(path, rel, h);
      case 'file': return this.#file(path, rel, h, body);
      case 'symlink': return this.#symlink(path, rel, h);
      case 'link': return this.#hardlink(path, rel, h);
      case 'char': case 'block': case 'fifo': return this.#device(path, rel, h);
      default: throw invalidParameter(`refusing layer entry "${h.name}": unsupported tar entry type ${h.type.slice('unsupported:'.length)}`);
    }
  }

  /** Directory mtimes, now that nothing will be created inside them any more. */
  async finish(): Promise<void> {
    for (const [path, t] of this.#dirTimes) await lutimes(path, t, t);
  }

  #parent(parts: readonly string[], name: string, create: boolean): Promise<string | null> {
    return resolveParent(this.#root, parts, { create, name, onCreate: (r) => this.#seen.set(r, 'dir') });
  }

  async #dir(path: string, rel: string, h: TarHeader): Promise<void> {
    if (path !== this.#root) {
      const st = await lstatOrNull(path);
      // An existing directory is kept (its contents stay); anything else is replaced.
      if (!st?.isDirectory()) {
        await this.#clear(path, rel, st);
        await mkdir(path, { mode: 0o700 });
      }
    }
    await lchown(path, h.uid, h.gid);
    await this.#xattrs(path, h);
    await chmod(path, h.mode & 0o7777);
    this.#dirTimes.set(path, h.mtime);
    this.#seen.set(rel, 'dir');
  }

  async #file(path: string, rel: string, h: TarHeader, body: AsyncIterable<Buffer>): Promise<void> {
    await this.#clear(path, rel, await lstatOrNull(path));
    // O_EXCL|O_NOFOLLOW: we create a fresh inode, never open something already there.
    const fh = await open(path, NOFOLLOW_CREATE, 0o600);
    try {
      for await (const chunk of body) {
        for (let off = 0; off < chunk.length; ) off += (await fh.write(chunk, off)).bytesWritten;
      }
      await fh.chown(h.uid, h.gid);
    } finally {
      await fh.close();
    }
    await this.#xattrs(path, h);
    await chmod(path, h.mode & 0o7777);
    await lutimes(path, h.mtime, h.mtime);
    this.size += h.size;
    this.#seen.set(rel, 'file');
  }

  async #symlink(path: string, rel: string, h: TarHeader): Promise<void> {
    // The target is data for the container: any value, absolute or not, is fine; never followed.
    if (h.linkname === '' || h.linkname.includes('\0') || Buffer.byteLength(h.linkname) >= PATH_MAX) {
      throw invalidParameter(`refusing symlink "${h.name}": invalid target ${JSON.stringify(h.linkname.slice(0, 80))}`);
    }
    await this.#clear(path, rel, await lstatOrNull(path));
    await symlink(h.linkname, path);
    await lchown(path, h.uid, h.gid);
    await this.#xattrs(path, h);
    await lutimes(path, h.mtime, h.mtime);
    this.#seen.set(rel, 'other');
  }

  async #hardlink(path: string, rel: string, h: TarHeader): Promise<void> {
    const refuse = (why: string) => invalidParameter(`refusing hard link "${h.name}" -> "${h.linkname}": ${why}`);
    const tparts = cleanEntryName(h.linkname, 'hard link target');
    const trel = tparts.join('/');
    if (trel === rel || trel.startsWith(`${rel}/`)) throw refuse('it links to itself or to something below its own name');
    const kind = this.#seen.get(trel);
    // Links may only reach entries of this same layer: for overlay2 a link into a lower layer's
    // diff/ cannot exist at all, and for vfs we keep the same rule so both drivers agree.
    if (kind === undefined) throw refuse('the target is not an entry extracted earlier in this layer');
    if (kind === 'dir') throw refuse('the target is a directory');
    const tparent = await this.#parent(tparts, h.name, false);
    const target = tparent === null ? null : join(tparent, tparts.at(-1)!);
    const st = target === null ? null : await lstatOrNull(target);
    if (target === null || st === null || st.isDirectory()) throw refuse('the target no longer exists');
    await this.#clear(path, rel, await lstatOrNull(path));
    await link(target, path); // linkat without AT_SYMLINK_FOLLOW: a symlink target stays a link
    this.#seen.set(rel, kind);
  }

  async #device(path: string, rel: string, h: TarHeader): Promise<void> {
    if (!this.#opts.allowDevices) {
      throw invalidParameter(`refusing layer entry "${h.name}": ${h.type} device nodes are not allowed (allowDevices is off)`);
    }
    await this.#clear(path, rel, await lstatOrNull(path));
    const kind = h.type === 'char' ? ['c', String(h.devmajor), String(h.devminor)] : h.type === 'block' ? ['b', String(h.devmajor), String(h.devminor)] : ['p'];
    await run('mknod', ['-m', '0600', '--', path, ...kind]);
    await lchown(path, h.uid, h.gid);
    await this.#xattrs(path, h);
    await chmod(path, h.mode & 0o7777);
    await lutimes(path, h.mtime, h.mtime);
    this.#seen.set(rel, 'other');
  }

  async #whiteout(wh: Whiteout, parts: string[], name: string): Promise<void> {
    if (wh.kind === 'meta') return;
    const overlay = this.#opts.format === 'overlay';
    if (wh.kind === 'opaque') {
      const dir = await this.#parent(parts, name, true); // the marker's directory, made if missing
      if (overlay) await setOverlayOpaque(dir!);
      else await this.#removeLower(dir!, parts.slice(0, -1).join('/'));
      return;
    }
    const tparts = [...parts.slice(0, -1), wh.name];
    // OCI: a whiteout hides lower layers only, never entries of its own layer.
    if (this.#seen.has(tparts.join('/'))) return;
    const parent = await this.#parent(tparts, name, overlay);
    if (parent === null) return; // vfs: nothing there to delete
    const target = join(parent, wh.name);
    if (!overlay) await rm(target, { recursive: true, force: true }); // rm never follows links
    else if ((await lstatOrNull(target)) === null) await makeOverlayWhiteout(target);
  }

  /** vfs opaque dir: delete what the parent layers put there, keep what this layer made. */
  async #removeLower(dir: string, rel: string): Promise<void> {
    for (const name of await readdir(dir)) {
      const childRel = rel ? `${rel}/${name}` : name;
      const kind = this.#seen.get(childRel);
      if (kind === undefined) await rm(join(dir, name), { recursive: true, force: true });
      else if (kind === 'dir') await this.#removeLower(join(dir, name), childRel);
    }
  }

  /** Remove what is at path so an entry can take its place, forgetting what lived below it. */
  async #clear(path: string, rel: string, st: Stats | null): Promise<void> {
    if (st === null) return;
    await rm(path, { recursive: true, force: true });
    this.#seen.delete(rel);
    if (!st.isDirectory()) return;
    for (const k of this.#seen.keys()) if (k.startsWith(`${rel}/`)) this.#seen.delete(k);
    for (const k of this.#dirTimes.keys()) if (k.startsWith(`${path}/`)) this.#dirTimes.delete(k);
  }

  async #xattrs(path: string, h: TarHeader): Promise<void> {
    for (const [name, value] of h.xattrs) {
      if (isPrivateXattr(name)) {
        this.warnings.push(`${h.name}: ignored xattr ${name} (reserved for the host)`);
        continue;
      }
      try {
        await setXattr(path, name, value);
      } catch (err) {
        const why = skippableXattrError(name, err);
        if (why === null) throw systemError(`cannot set xattr ${name} on layer entry "${h.name}"`, err);
        this.warnings.push(`${h.name}: skipped xattr ${name}: ${why}`);
      }
    }
  }
}
