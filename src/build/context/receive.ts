// The context of POST /build: the request body, a tar (plain, gzip, bzip2 or xz), unpacked into
// a directory of its own with docker cp's care (unpack.ts: no entry lands outside, links stay
// links and are only ever followed inside the context), then the Dockerfile found and
// .dockerignore applied. Device nodes are refused: a context is files.
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { BerthError, invalidParameter } from '../../api/types/errors.ts';
import { FsView, lstatOrNull } from '../../image/copy/fs-view.ts';
import { clean } from '../../image/copy/go-path.ts';
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
  // Whatever ends the read early — the build's abort, the body failing — must reach the stream
  // being read (a decompressor's output: pipe() carries no errors), and the decompressor's
  // input is ended so an external xz or bzip2 exits. The body itself stays the caller's (it
  // may still answer on that connection): it is only unpiped.
  const feed = new PassThrough();
  let tar: Readable | undefined;
  const fail = (err: unknown) => {
    body.unpipe(feed);
    (tar ?? feed).destroy(err instanceof Error ? err : new Error(String(err)));
    if (tar !== undefined && tar !== feed) feed.end();
  };
  const onAbort = () => fail(signal.reason);
  body.once('error', fail);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    signal.throwIfAborted();
    body.pipe(feed);
    tar = await decompressStream(feed);
    await unpack(view, '/', filesOnly(tar, signal));
  } finally {
    signal.removeEventListener('abort', onAbort);
    body.off('error', fail);
  }
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
 * before anything of theirs is made, names read from the context's root, and the build's abort
 * checked between entries. */
async function* filesOnly(tar: Readable, signal: AbortSignal): AsyncGenerator<Buffer> {
  for await (const { header: h, body } of contextEntries(tar)) {
    signal.throwIfAborted();
    const type = TYPES[h.type];
    if (type === undefined) throw invalidParameter(`the build context may hold files, directories and links only: ${JSON.stringify(h.name)} is a ${h.type.replace('unsupported:', 'tar type ')}`);
    const size = type === '0' ? h.size : 0;
    const linkname = type === '1' ? rooted(h.linkname) : h.linkname;
    yield encodeHeader({ name: rooted(h.name), type, mode: h.mode, uid: h.uid, gid: h.gid, size, mtime: Math.floor(h.mtime), linkname, xattrs: h.xattrs });
    if (size === 0) continue;
    for await (const chunk of body) yield chunk;
    yield padding(size);
  }
  yield END_OF_ARCHIVE;
}

/** A name as dockerd's chrooted untar places it: from the context's root, a ".." at that root
 * staying there ("../../x" is "x"), so nothing lands outside. */
function rooted(name: string): string {
  return clean(`/${name}`).slice(1) || '.';
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
