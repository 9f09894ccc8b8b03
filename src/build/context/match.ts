// COPY/ADD sources as the classic builder finds them in a tree (the build context, or an
// image's files for --from): a leading "/" or "./" is dropped, the rest is cleaned and must stay
// inside the tree, symlinks are followed inside it (a link to /etc/passwd means the tree's own
// /etc/passwd), and a source with wildcards is matched (Go's filepath.Match) against every path
// of the tree, each match then looked up like a plain source.
import { readdir } from 'node:fs/promises';
import { invalidParameter } from '../../api/types/errors.ts';
import { lstatOrNull, type FsView } from '../../image/copy/fs-view.ts';
import { clean } from '../../image/copy/go-path.ts';
import { sortNames } from '../../image/layers/tar-layer.ts';
import { goMatch, hasWildcards } from './go-match.ts';
import type { SourceEntry } from './types.ts';

export interface MatchOptions {
  allowWildcards: boolean;
  /** The tree is an image's (COPY --from): a missing source is then told without the context. */
  fromImage?: boolean;
}

/**
 * The entries the patterns name, in the order given (a wildcard's matches in Go's walk order).
 * Throws 400s with dockerd's texts (the builder prefixes "COPY failed: "): a path leaving the
 * tree, a plain source that is not there, and no source at all (only wildcards that matched
 * nothing).
 */
export async function matchSources(root: FsView, patterns: string[], o: MatchOptions): Promise<SourceEntry[]> {
  const out: SourceEntry[] = [];
  for (const pattern of patterns) {
    const path = relativeSource(pattern);
    if (o.allowWildcards && hasWildcards(path)) {
      for (const rel of await walkMatches(root, path)) out.push(await lookup(root, pattern, rel, o));
    } else {
      out.push(await lookup(root, pattern, path, o));
    }
  }
  if (out.length === 0) throw invalidParameter('no source files were specified');
  return out;
}

/** As dockerd: one leading "/" and then a leading "./" are dropped. */
function relativeSource(pattern: string): string {
  let p = pattern.length > 1 && pattern.startsWith('/') ? pattern.slice(1) : pattern;
  if (p.startsWith('./')) p = p.slice(2);
  return p;
}

/** A plain source: inside the tree, and there (links followed in the tree's scope). */
async function lookup(root: FsView, pattern: string, path: string, o: MatchOptions): Promise<SourceEntry> {
  const rel = clean(path);
  if (rel === '..' || rel.startsWith('../')) throw invalidParameter(`forbidden path outside the build context: ${path} ()`);
  // No file name holds a NUL (Node's own error would name the context's host directory).
  if (path.includes('\0')) throw invalidParameter(`file not found in build context or excluded by .dockerignore: stat ${path}: invalid argument`);
  const abs = rel === '.' ? '/' : `/${rel}`;
  const target = await root.resolve(abs, true);
  const st = await lstatOrNull(root.hostOf(target));
  if (st === null) {
    const missing = `stat ${path}: file does not exist`;
    throw invalidParameter(o.fromImage ? missing : `file not found in build context or excluded by .dockerignore: ${missing}`);
  }
  return { pattern, path: abs, isDir: st.isDirectory() };
}

/** Relative paths of the tree matching `pattern`, in Go's filepath.Walk order (names sorted by
 * bytes, a directory before its contents, links not followed). */
async function walkMatches(root: FsView, pattern: string): Promise<string[]> {
  // `*` and `?` never cross a "/", so without a class (which may) a match has exactly as many
  // components as the pattern: deeper directories need not be read.
  const maxDepth = pattern.includes('[') ? Infinity : pattern.split('/').length;
  const found: string[] = [];
  const walk = async (host: string, rel: string, depth: number): Promise<void> => {
    for (const name of sortNames(await readdir(host))) {
      const childRel = rel === '' ? name : `${rel}/${name}`;
      if (goMatch(pattern, childRel)) found.push(childRel);
      const st = await lstatOrNull(`${host}/${name}`);
      if (st?.isDirectory() && depth < maxDepth) await walk(`${host}/${name}`, childRel, depth + 1);
    }
  };
  await walk(root.hostOf('/'), '', 1);
  return found;
}
