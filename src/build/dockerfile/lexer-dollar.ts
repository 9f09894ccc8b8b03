// `$` in a Dockerfile word: `$V`, `${V}`, and the forms the Dockerfile reference lists —
// `${V:-w}` `${V-w}` (default), `${V:+w}` `${V+w}` (alternative), `${V:?w}` `${V?w}` (error),
// `${V#p}` `${V##p}` `${V%p}` `${V%%p}` (trim a glob prefix/suffix), `${V/p/r}` `${V//p/r}`.
// The colon forms treat an empty value as unset.
import { DockerfileError } from './types.ts';
import type { Escape, LexOptions } from './lexer.ts';

/** What substitute needs from the lexer (kept as an interface to avoid an import cycle). */
export interface Scan {
  readonly escape: Escape;
  readonly opts: LexOptions;
  readonly env: ReadonlyMap<string, string>;
  peek(): string | undefined;
  next(): string | undefined;
  until(stop: string | undefined, rawEscapes?: boolean): { text: string; words: string[] };
}

/** Called with `$` next; consumes the reference and returns its value. */
export function substitute(s: Scan): string {
  s.next();
  if (s.peek() !== '{') {
    const name = readName(s);
    if (name === '') return '$';
    const value = s.env.get(name);
    return value === undefined && s.opts.skipUnset ? `$${name}` : (value ?? '');
  }
  s.next();
  const first = s.peek();
  if (first === undefined) throw new DockerfileError("syntax error: missing '}'");
  if (first === '{' || first === '}' || first === ':') throw new DockerfileError('syntax error: bad substitution');
  const name = readName(s);
  const op = s.next();
  if (op === undefined) throw new DockerfileError("syntax error: missing '}'");
  const value = s.env.get(name);
  if (op === '}') return value === undefined && s.opts.skipUnset ? `\${${name}}` : (value ?? '');
  if (op === '/') return replace(s, name, value);
  return modifier(s, name, value, op);
}

function modifier(s: Scan, name: string, value: string | undefined, op: string): string {
  const colon = op === ':';
  const kind = colon ? (s.next() ?? '') : op;
  const shown = colon ? `:${kind}` : kind;
  if (!'+-?#%'.includes(kind) || kind === '') {
    if (colon) readUntilBrace(s, false); // docker reads the word before refusing the modifier
    throw new DockerfileError(`unsupported modifier (${shown}) in substitution`);
  }
  const trims = kind === '#' || kind === '%';
  if (colon && trims) throw new DockerfileError(`unsupported modifier (${shown}) in substitution`);
  let word = readUntilBrace(s, trims);
  if (value === undefined && s.opts.skipUnset) return `\${${name}${shown}${word}}`;
  const unset = value === undefined || (colon && value === '');
  switch (kind) {
    case '-':
      return unset ? word : value!;
    case '+':
      return unset ? '' : word;
    case '?':
      if (value === undefined) throw new DockerfileError(`${name}: ${word || 'is not allowed to be unset'}`);
      if (unset) throw new DockerfileError(`${name}: ${word || 'is not allowed to be empty'}`);
      return value;
    default: {
      const longest = word.startsWith(kind);
      if (longest) word = word.slice(1);
      return kind === '#' ? trimPrefix(value ?? '', word, longest) : trimSuffix(value ?? '', word, longest);
    }
  }
}

function readUntilBrace(s: Scan, rawEscapes: boolean): string {
  try {
    return s.until('}', rawEscapes).text;
  } catch (err) {
    if (s.peek() === undefined) throw new DockerfileError("syntax error: missing '}'");
    throw err;
  }
}

function replace(s: Scan, name: string, value: string | undefined): string {
  const all = s.peek() === '/';
  if (all) s.next();
  let pattern: string;
  try {
    pattern = s.until('/', true).text;
  } catch (err) {
    if (s.peek() === undefined) throw new DockerfileError("syntax error: missing '/' in ${}");
    throw err;
  }
  const replacement = readUntilBrace(s, true);
  if (value === undefined && s.opts.skipUnset) return `\${${name}/${pattern}/${replacement}}`;
  const re = globRegex(pattern, true, false, all);
  return (value ?? '').replace(re, () => replacement);
}

/** `$1`, `$@`... are names too (always unset in a build); otherwise letters, digits, `_`. */
function readName(s: Scan): string {
  const first = s.peek();
  if (first === undefined) return '';
  if (/\p{Nd}/u.test(first)) {
    let name = '';
    while (s.peek() !== undefined && /\p{Nd}/u.test(s.peek()!)) name += s.next();
    return name;
  }
  if ('@*#?-$!0'.includes(first)) return s.next()!;
  let name = '';
  while (s.peek() !== undefined && /[\p{L}\p{Nd}_]/u.test(s.peek()!)) name += s.next();
  return name;
}

/** A shell glob (`*`, `?`, `\` escaping `*`, `?` or `\`) as a regular expression. */
function globRegex(pattern: string, greedy: boolean, anchored: boolean, global = false): RegExp {
  let out = anchored ? '^' : '';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '*') out += greedy ? '.*' : '.*?';
    else if (c === '?') out += '.';
    else if (c === '\\') {
      const n = chars[i + 1];
      if (n === '}' || n === '/') continue; // escaped only for the ${} syntax
      if (n !== '*' && n !== '?' && n !== '\\') throw new DockerfileError(`invalid pattern (${pattern}) in substitution: invalid escape '\\${n ?? ''}'`);
      out += `\\${n}`;
      i++;
    } else out += /[[\]{}.+()|^$]/.test(c) ? `\\${c}` : c;
  }
  return new RegExp(out, global ? 'gu' : 'u');
}

function trimPrefix(value: string, pattern: string, longest: boolean): string {
  const m = globRegex(pattern, longest, true).exec(value);
  return m ? value.slice(m[0].length) : value;
}

/** The shortest/longest matching suffix: match the reversed pattern at the reversed value's start. */
function trimSuffix(value: string, pattern: string, longest: boolean): string {
  const rev = (t: string) => Array.from(t).reverse().join('');
  return rev(trimPrefix(rev(value), reversePattern(pattern), longest));
}

/** Reverses a glob keeping each `\x` escape pair in order. */
function reversePattern(pattern: string): string {
  const tokens: string[] = [];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === '\\' && i + 1 < chars.length) tokens.push(chars[i]! + chars[++i]!);
    else tokens.push(chars[i]!);
  }
  return tokens.reverse().join('');
}
