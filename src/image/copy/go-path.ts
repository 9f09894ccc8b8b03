// Path arithmetic exactly as Go's path/filepath does it on Linux, plus docker's copy helpers
// built on it. docker cp's behaviour hangs on these details (a trailing "/" or "/." asks for a
// directory's contents, Clean drops ".." at the root, Base of "/" is "/"), and the CLI and the
// daemon must agree with the docker CLI byte for byte, so node:path's close cousins will not do.

/** filepath.Clean: "" is ".", ".." at the root vanishes, no trailing slash except "/". */
export function clean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out.at(-1) !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** filepath.Join: the non-empty elements joined and cleaned; "" when there are none. */
export function join(...elems: string[]): string {
  const parts = elems.filter((e) => e !== '');
  return parts.length === 0 ? '' : clean(parts.join('/'));
}

/** filepath.Base: the last element; "." for "", "/" for a path of slashes. */
export function base(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** filepath.Dir: everything before the last element, cleaned. */
export function dir(p: string): string {
  return clean(p.slice(0, p.lastIndexOf('/') + 1));
}

/** filepath.Split: [dir with its trailing slash, file]. */
export function split(p: string): [string, string] {
  const i = p.lastIndexOf('/');
  return [p.slice(0, i + 1), p.slice(i + 1)];
}

export function hasTrailingSeparator(p: string): boolean {
  return p.endsWith('/');
}

export function specifiesCurrentDir(p: string): boolean {
  return base(p) === '.';
}

/** A path that names a directory's contents: "dir/" or "dir/.". */
export function assertsDirectory(p: string): boolean {
  return hasTrailingSeparator(p) || specifiesCurrentDir(p);
}

/** Put back the trailing "/" or "/." that cleaning removed, since they carry meaning here. */
export function preserveTrailingDotOrSeparator(cleaned: string, original: string): string {
  let out = cleaned;
  if (!specifiesCurrentDir(out) && specifiesCurrentDir(original)) {
    if (!hasTrailingSeparator(out)) out += '/';
    out += '.';
  }
  if (!hasTrailingSeparator(out) && hasTrailingSeparator(original)) out += '/';
  return out;
}

/** [parent, entry] of a path, keeping a trailing "." as the entry. */
export function splitPathDirEntry(p: string): [string, string] {
  let cleaned = clean(p);
  if (specifiesCurrentDir(p)) cleaned += '/.';
  return [dir(cleaned), base(cleaned)];
}

/** After following a link: the resolved path (keeping "/" or "/.") and the name it is copied as. */
export function rebaseName(path: string, resolved: string): [string, string] {
  let out = resolved;
  if (specifiesCurrentDir(path) && !specifiesCurrentDir(out)) out += '/.';
  if (hasTrailingSeparator(path) && !hasTrailingSeparator(out)) out += '/';
  return [out, base(path) !== base(out) ? base(path) : ''];
}
