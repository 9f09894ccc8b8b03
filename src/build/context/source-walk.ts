// The files one COPY/ADD source stands for, walked the same way for its checksum and for its
// tar: the source itself with a link at its name followed (in the tree's scope), then — for a
// directory — everything below it in byte order of names, links kept as links.
import type { Stats } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { invalidParameter } from '../../api/types/errors.ts';
import { lstatOrNull, type FsView } from '../../image/copy/fs-view.ts';
import { sortNames } from '../../image/layers/tar-layer.ts';
import type { SourceEntry } from './types.ts';

export interface SourceItem {
  /** Path below the source ("" for the source itself). */
  rel: string;
  host: string;
  st: Stats;
}

/** The source's own item (its target when it is a link), then what is below it. */
export async function* sourceItems(root: FsView, entry: SourceEntry): AsyncGenerator<SourceItem> {
  const cpath = await root.resolve(entry.path, true);
  const host = root.hostOf(cpath);
  const st = await lstatOrNull(host);
  if (st === null) throw invalidParameter(`file not found in build context or excluded by .dockerignore: stat ${entry.path.slice(1)}: file does not exist`);
  yield { rel: '', host, st };
  if (st.isDirectory()) yield* below(host, '');
}

async function* below(host: string, rel: string): AsyncGenerator<SourceItem> {
  for (const name of sortNames(await readdir(host))) {
    const childHost = `${host}/${name}`;
    const childRel = rel === '' ? name : `${rel}/${name}`;
    const st = await lstatOrNull(childHost);
    if (st === null) continue; // gone since the listing: nothing to copy
    yield { rel: childRel, host: childHost, st };
    if (st.isDirectory()) yield* below(childHost, childRel);
  }
}
