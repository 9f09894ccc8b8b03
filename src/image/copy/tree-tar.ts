// A tar of a file or directory tree (docker cp in both directions, docker export), named as
// docker's TarWithOptions names it: entries relative to `sourceDir`, starting with `include`,
// and with `include` replaced by `rebase` when one is given ("/" rebases to ""). The headers
// are the layer exporter's (tar-layer.ts): hard links kept, sockets skipped, and of the xattrs
// only security.capability travels, as docker's archiver does.
import type { Stats } from 'node:fs';
import { readdir } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { byteStream, sortNames, tarChunks, type Change } from '../layers/tar-layer.ts';
import { dumpXattrs } from '../layers/xattr.ts';
import { lstatOrNull, type FsView } from './fs-view.ts';
import { copyError } from './copy-errors.ts';

export const CAPABILITY_XATTR = '^security\\.capability$';

export interface TreeSource {
  view: FsView;
  /** Container path (already resolved) of the directory holding `include`. */
  sourceDir: string;
  /** The entry to archive, a name inside sourceDir; "." for sourceDir itself. */
  include: string;
  /** What `include` becomes in entry names; "" keeps it. */
  rebase: string;
  /** Leave out the entry for include itself and name the rest relative to it (export). */
  skipRoot?: boolean;
}

/** The stream fails with errors in the view's terms (copy-errors.ts): no host path in them. */
export function tarTree(src: TreeSource): Readable {
  return byteStream((async function* () {
    try {
      const top = src.include === '.' ? src.sourceDir : `${src.sourceDir === '/' ? '' : src.sourceDir}/${src.include}`;
      // "dir/." is the directory's contents: a link there is followed, as the kernel would.
      const cpath = await src.view.resolve(top, src.include === '.');
      const host = src.view.hostOf(cpath);
      const xattrs = await dumpXattrs(host, CAPABILITY_XATTR);
      yield* tarChunks(walk(src, cpath, host), xattrs, { live: true });
    } catch (err) {
      throw copyError(err, src.view);
    }
  })());
}

async function* walk(src: TreeSource, cpath: string, host: string): AsyncGenerator<Change> {
  const st = await lstatOrNull(host);
  if (st === null) return;
  const replacement = src.rebase === '/' ? '' : src.rebase;
  const name = (rel: string) => {
    if (src.skipRoot) return rel; // export: plain relative names
    // Go's filepath.Rel gives "include" and "include/sub"; with include "." docker writes "./sub".
    const n = rel === '' ? src.include : `${src.include}/${rel}`;
    return src.rebase === '' ? n : n.replace(src.include, () => replacement);
  };
  if (!src.skipRoot) yield { kind: 'path', rel: name(''), abs: host, st };
  if (st.isDirectory()) yield* below(src, cpath, host, '', name);
}

async function* below(src: TreeSource, cpath: string, host: string, rel: string, name: (rel: string) => string): AsyncGenerator<Change> {
  let names: string[];
  try {
    names = sortNames(await readdir(host));
  } catch {
    return; // gone or unreadable while we walked: docker logs and carries on too
  }
  for (const entry of names) {
    const childC = cpath === '/' ? `/${entry}` : `${cpath}/${entry}`;
    // A bind mount inside the tree shows its source, as inside the container.
    const mount = src.view.mountFor(childC);
    const childHost = mount && mount.destination === childC ? mount.source : `${host}/${entry}`;
    const childRel = rel === '' ? entry : `${rel}/${entry}`;
    const st: Stats | null = await lstatOrNull(childHost);
    if (st === null) continue;
    yield { kind: 'path', rel: name(childRel), abs: childHost, st };
    if (st.isDirectory()) yield* below(src, childC, childHost, childRel, name);
  }
}
