// A context directory as the tar `docker build` uploads: entries relative to the directory, in
// Go's walk order (byte-sorted names, parents first), owned by 0:0 (docker's ChownOpts), links
// kept as links, .dockerignore applied. The directory is listed (and checked: every file
// readable) before the first byte is sent; file contents stream as the tar is read, so a big
// context is never held in memory.
import { constants, type Stats } from 'node:fs';
import { access, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { byteStream, sortNames, tarChunks, type Change } from '../../image/layers/tar-layer.ts';
import { encodeHeader, END_OF_ARCHIVE, padding } from '../../image/layers/tar-write.ts';
import type { IgnoreRules } from './build-ignore.ts';

export interface ContextEntry {
  rel: string;
  abs: string;
  st: Stats;
}

/** A file the CLI adds that is not in the directory (a Dockerfile from elsewhere, a rewritten .dockerignore). */
export interface ExtraFile {
  name: string;
  content: Buffer;
  mode: number;
  /** Whole seconds since the epoch. */
  mtime: number;
}

/**
 * ValidateContextDirectory and TarWithOptions' walk in one: the entries that go into the tar.
 * An excluded directory is left out, unless an exception (`!pattern`) may match below it; then
 * it is walked, and only what is not excluded is kept.
 */
export async function listContext(root: string, rules: IgnoreRules): Promise<ContextEntry[]> {
  const entries: ContextEntry[] = [];
  const visit = async (rel: string, abs: string): Promise<void> => {
    let names: string[];
    try {
      names = sortNames(await readdir(abs));
    } catch (err) {
      throw contextError(err, abs);
    }
    for (const name of names) {
      const childRel = rel ? `${rel}/${name}` : name;
      const childAbs = join(abs, name);
      const st = await lstat(childAbs).catch((err: unknown) => {
        throw contextError(err, childAbs);
      });
      const excluded = rules.excludes(childRel);
      if (excluded && !(st.isDirectory() && rules.mayIncludeBelow(childRel))) continue;
      if (!excluded) {
        if (st.isFile()) await readable(childAbs);
        entries.push({ rel: childRel, abs: childAbs, st: ownedByRoot(st) });
      }
      if (st.isDirectory()) await visit(childRel, childAbs);
    }
  };
  await visit('', root);
  return entries;
}

/** The tar of the listed entries, then the extra files, then the end-of-archive marker. */
export function tarContext(entries: ContextEntry[], extras: ExtraFile[] = []): Readable {
  return byteStream((async function* () {
    const changes = (async function* (): AsyncGenerator<Change> {
      for (const e of entries) yield { kind: 'path', ...e };
    })();
    for await (const chunk of tarChunks(changes, new Map())) {
      if (chunk !== END_OF_ARCHIVE) yield chunk;
    }
    for (const f of extras) {
      yield encodeHeader({ name: f.name, type: '0', mode: f.mode, uid: 0, gid: 0, size: f.content.length, mtime: f.mtime });
      yield f.content;
      yield padding(f.content.length);
    }
    yield END_OF_ARCHIVE;
  })());
}

/** The file's own stats, but owned by root, as docker's archiver writes the context (ChownOpts 0:0). */
function ownedByRoot(st: Stats): Stats {
  return Object.assign(Object.create(st) as Stats, { uid: 0, gid: 0 });
}

async function readable(abs: string): Promise<void> {
  try {
    await access(abs, constants.R_OK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EACCES') throw new Error(`no permission to read from '${abs}'`);
    throw contextError(err, abs);
  }
}

function contextError(err: unknown, abs: string): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return new Error(`can't stat '${abs}'`);
  if (code === 'ENOENT') return new Error(`file ('${abs}') not found or excluded by .dockerignore`);
  return err as Error;
}
