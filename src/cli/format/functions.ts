// The docker CLI's template functions (docker/cli templates/templates.go):
// json, split, join, title, lower, upper, pad, truncate, plus the header
// variants used when rendering a table's header row.

import { ArgTypeError, expectInt, expectString, type FuncMap } from './builtins.ts';
import { formatValue } from './printf.ts';
import { goTypeName, isMapLike, sortedEntries } from './values.ts';

/**
 * Go's encoding/json output for a decoded value. The `json` template function
 * disables HTML escaping; `docker inspect` output keeps the daemon's escaping
 * of <, > and &. Go always escapes U+2028/U+2029.
 */
export function encodeJson(value: unknown, options: { indent?: number; escapeHtml?: boolean } = {}): string {
  const replacer = (_key: string, v: unknown): unknown => (v instanceof Map ? Object.fromEntries(v) : v);
  let out = JSON.stringify(value === undefined ? null : value, replacer, options.indent) ?? 'null';
  out = out.replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  if (options.escapeHtml) out = out.replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
  return out;
}

/** strings.Title: upper-case the first letter of every word. */
function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += isSeparator(prev) ? ch.toUpperCase() : ch;
    prev = ch;
  }
  return out;
}

// strings.Title's word boundaries: ASCII non-alphanumerics, or Unicode spaces.
function isSeparator(ch: string): boolean {
  if (/[\p{L}\p{N}_]/u.test(ch)) return false;
  return ch.codePointAt(0)! <= 0x7f || /\s/u.test(ch);
}

/** strings.Split; an empty separator splits into characters. */
const split = (s: unknown, sep: unknown): string[] =>
  expectString(sep) === '' ? [...expectString(s)] : expectString(s).split(sep as string);

/** strings.Join, extended to any list (elements printed with %v) and to a map's sorted values. */
function join(list: unknown, sep: unknown): string {
  const items = Array.isArray(list) ? list : isMapLike(list) ? sortedEntries(list).map(([, v]) => v) : null;
  if (!items) throw new ArgTypeError(`wrong type for value; expected []string; got ${goTypeName(list)}`);
  return items.map((v) => (typeof v === 'string' ? v : formatValue(v))).join(expectString(sep));
}

function pad(s: unknown, prefix: unknown, suffix: unknown): string {
  const str = expectString(s);
  return str === '' ? str : ' '.repeat(Math.max(expectInt(prefix), 0)) + str + ' '.repeat(Math.max(expectInt(suffix), 0));
}

/** Keeps the first n characters (docker slices bytes; we slice code points so UTF-8 stays whole). */
function truncate(s: unknown, n: unknown): string {
  const chars = [...expectString(s)];
  return chars.length < expectInt(n) ? chars.join('') : chars.slice(0, n as number).join('');
}

export const DOCKER_FUNCS: FuncMap = {
  json: (v: unknown) => encodeJson(v),
  split,
  join,
  title: (s: unknown) => title(expectString(s)),
  lower: (s: unknown) => expectString(s).toLowerCase(),
  upper: (s: unknown) => expectString(s).toUpperCase(),
  pad,
  truncate,
};

/** templates.HeaderFunctions: keep header text intact (pad is deliberately not overridden). */
export const HEADER_FUNCS: FuncMap = {
  json: (v: unknown) => v,
  split: (v: unknown, _sep: unknown) => v,
  join: (v: unknown, _sep: unknown) => v,
  title: (v: unknown) => v,
  lower: (v: unknown) => v,
  upper: (v: unknown) => v,
  truncate: (v: unknown, _n: unknown) => v,
};
