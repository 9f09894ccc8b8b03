// node:path for berthd's release bundle (scripts/bundle.mjs points berthd's imports of node:path
// here): the same functions, but join, resolve and normalize return a path that is already
// normal without running Node's normalizeString. That walks the path a character at a time and
// calls isPosixPathSeparator for each one; berthd's start joins ~2000 characters of paths, enough
// for V8 to compile both with Maglev — and the first Maglev compile pages in the compiler's code,
// ~2.2 MiB of the idle daemon's RSS (issue 12). The check is a regular expression (no per-
// character JavaScript); anything it does not clear goes to Node's own function, so every answer
// and every error is Node's.
import * as nodePath from 'node:path';

/** A path normalizeString would change, or one our shortcut does not cover: an empty segment
 * (`//`, a trailing `/`), a `.` or `..` segment. */
const NOT_NORMAL = /\/\/|(?:^|\/)\.\.?(?:\/|$)|\/$/;

/** path.join: the segments joined by `/` when each is a non-empty string and the result is normal. */
export function join(...paths: string[]): string {
  if (paths.length === 0) return nodePath.join();
  let joined = '';
  for (let i = 0; i < paths.length; i++) {
    const p = paths[i];
    if (typeof p !== 'string' || p.length === 0) return nodePath.join(...paths);
    joined = i === 0 ? p : `${joined}/${p}`;
  }
  return NOT_NORMAL.test(joined) ? nodePath.join(...paths) : joined;
}

/** path.resolve: the last path itself when it is absolute and normal (Node looks at no other). */
export function resolve(...paths: string[]): string {
  const last = paths[paths.length - 1];
  if (typeof last === 'string' && last.charCodeAt(0) === 47 && !NOT_NORMAL.test(last)) return last;
  return nodePath.resolve(...paths);
}

/** path.normalize: a non-empty path that is already normal is returned as it is. */
export function normalize(path: string): string {
  return typeof path === 'string' && path.length > 0 && !NOT_NORMAL.test(path) ? path : nodePath.normalize(path);
}

export const { basename, delimiter, dirname, extname, format, isAbsolute, matchesGlob, parse, posix, relative, sep, toNamespacedPath, win32 } = nodePath;

export default { ...nodePath, join, resolve, normalize };
