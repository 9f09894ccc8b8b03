// The context of POST /build: the request body, a tar (plain, gzip, bzip2 or xz), unpacked into
// a directory of its own with docker cp's care (unpack.ts: no entry lands outside, links stay
// links and are only ever followed inside the context), then the Dockerfile found and
// .dockerignore applied. Device nodes are refused: a context is files.
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { BerthError, invalidParameter } from '../../api/types/errors.ts';
import { FsView, lstatOrNull } from '../../image/copy/fs-view.ts';
import { unpack } from '../../image/copy/unpack.ts';
import { decompressStream } from '../../image/decompress.ts';
import { readTar, type TarEntry } from '../../image/layers/tar-read.ts';
import { encodeHeader, END_OF_ARCHIVE, padding, type WriteType } from '../../image/layers/tar-write.ts';
import { findDockerfile } from './dockerfile-file.ts';
import { applyIgnore, ignoreRules } from './ignore.ts';
import type { BuildContext } from './types.ts';

export interface ContextOptions {
  /** The `dockerfile` parameter ("" or "Dockerfile" by default). */
  dockerfile: string;
  /** Where the context's directory is made (the daemon's build scratch space). */
  scratchDir: string;
  signal: AbortSignal;
}

export async function receiveContext(body: Readable, o: ContextOptions): Promise<BuildContext> {
  return contextIn(o, (view) => unpackContext(view, body, o.signal));
}

/** The tar (compressed or not) unpacked into the view's root. */
export async function unpackContext(view: FsView, body: Readable, signal: AbortSignal): Promise<void> {
  const tar = await decompressStream(body);
  await unpack(view, '/', filesOnly(tar, signal));
}

/** A fresh directory under scratchDir, filled by `fill`, its Dockerfile found and .dockerignore
 * applied; removed again if any of it fails. `fill` may name a directory in it as the context's
 * root (a git context's subdirectory): it is resolved inside the directory. */
export async function contextIn(o: ContextOptions, fill: (view: FsView) => Promise<string | void>): Promise<BuildContext> {
  const dir = await mkdtemp(join(o.scratchDir, 'context-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const whole = new FsView(dir);
    const sub = (await fill(whole)) ?? '/';
    o.signal.throwIfAborted();
    const view = sub === '/' ? whole : await subView(whole, sub);
    const dockerfile = await findDockerfile(view, o.dockerfile);
    await applyIgnore(view, await ignoreRules(view, dockerfile.path));
    return { root: view, dockerfile: { name: dockerfile.name, text: dockerfile.text }, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

async function subView(whole: FsView, sub: string): Promise<FsView> {
  const host = whole.hostOf(await whole.resolve(sub, true));
  if (!(await lstatOrNull(host))?.isDirectory()) throw invalidParameter(`error setting git context, not a directory: ${sub.replace(/^\//, '')}`);
  return new FsView(host);
}

const TYPES: Record<string, WriteType> = { file: '0', link: '1', symlink: '2', directory: '5', fifo: '6' };

/** The tar again, entry by entry, with device nodes (and types unpack does not know) refused
 * before anything of theirs is made, and the build's abort checked between entries. */
async function* filesOnly(tar: Readable, signal: AbortSignal): AsyncGenerator<Buffer> {
  for await (const { header: h, body } of contextEntries(tar)) {
    signal.throwIfAborted();
    const type = TYPES[h.type];
    if (type === undefined) throw invalidParameter(`the build context may hold files, directories and links only: ${JSON.stringify(h.name)} is a ${h.type.replace('unsupported:', 'tar type ')}`);
    const size = type === '0' ? h.size : 0;
    yield encodeHeader({ name: h.name, type, mode: h.mode, uid: h.uid, gid: h.gid, size, mtime: Math.floor(h.mtime), linkname: h.linkname, xattrs: h.xattrs });
    if (size === 0) continue;
    for await (const chunk of body) yield chunk;
    yield padding(size);
  }
  yield END_OF_ARCHIVE;
}

/** The layer reader's entries, its complaints told about the context (not "a layer"). */
async function* contextEntries(tar: Readable): AsyncGenerator<TarEntry> {
  try {
    yield* readTar(tar);
  } catch (err) {
    if (err instanceof BerthError && err.message.startsWith('invalid layer tar: ')) {
      throw new BerthError(err.kind, `the build context is not a valid tar archive: ${err.message.slice('invalid layer tar: '.length)}`, { cause: err });
    }
    throw err;
  }
}
