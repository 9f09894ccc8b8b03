// Go's filepath.Match on Linux, which COPY/ADD wildcards are (the classic builder walks the
// context and matches each relative path against the source). Its rules differ from a shell's
// or minimatch's: `*` and `?` never match "/", a class `[...]` may (and is never empty: `[]a]`
// is malformed, not a class holding "]"), `\` escapes the next character, and a malformed
// pattern matches nothing (docker drops Match's ErrBadPattern).

const cache = new Map<string, RegExp | null>();

/** Whether `name` matches the whole of `pattern`; false for a malformed pattern. */
export function goMatch(pattern: string, name: string): boolean {
  let re = cache.get(pattern);
  if (re === undefined) {
    re = compile(pattern);
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, re);
  }
  return re !== null && re.test(name);
}

/** Docker's containsWildcards: `*`, `?` or `[` not escaped by a backslash. */
export function hasWildcards(p: string): boolean {
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '\\') i++;
    else if (p[i] === '*' || p[i] === '?' || p[i] === '[') return true;
  }
  return false;
}

function compile(pattern: string): RegExp | null {
  const chars = [...pattern];
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\') {
      if (++i >= chars.length) return null; // a trailing backslash is ErrBadPattern
      out += literal(chars[i]!);
    } else if (c === '[') {
      const cls = classAt(chars, i + 1);
      if (cls === null) return null;
      out += cls.re;
      i = cls.end;
    } else out += literal(c);
  }
  return new RegExp(`^${out}$`, 'su');
}

/** The class starting after "[" at chars[from]: its regex and the index of its "]". */
function classAt(chars: string[], from: number): { re: string; end: number } | null {
  let i = from;
  let negated = false;
  if (chars[i] === '^') {
    negated = true;
    i++;
  }
  let body = '';
  for (let first = true; ; first = false) {
    if (i >= chars.length) return null;
    if (chars[i] === ']' && !first) return { re: `[${negated ? '^' : ''}${body}]`, end: i };
    const lo = classChar(chars, i);
    if (lo === null) return null;
    i = lo.next;
    let hi = lo;
    if (chars[i] === '-') {
      const h = classChar(chars, i + 1);
      if (h === null) return null;
      hi = h;
      i = h.next;
    }
    if (hi.ch.codePointAt(0)! < lo.ch.codePointAt(0)!) return null;
    body += `${literal(lo.ch)}-${literal(hi.ch)}`;
  }
}

/** One character of a class (escaped or not); "-" and "]" unescaped are malformed here, as in Go. */
function classChar(chars: string[], i: number): { ch: string; next: number } | null {
  let c = chars[i];
  if (c === undefined || c === '-' || c === ']') return null;
  if (c === '\\') {
    c = chars[i + 1];
    if (c === undefined) return null;
    return { ch: c, next: i + 2 };
  }
  return { ch: c, next: i + 1 };
}

function literal(c: string): string {
  return `\\u{${c.codePointAt(0)!.toString(16)}}`;
}
