// Go text/template's predefined functions (and, or, not, len, index, slice,
// print*, comparisons, escapers) with Go's error messages. A function's
// arity is its JS `length`; `variadic` marks a minimum instead, and `lazy`
// functions (and/or short-circuit, as in Go 1.18+) receive argument thunks.

import { sprint, sprintf, sprintln } from './printf.ts';
import { goTypeName, isMapLike, isTrue } from './values.ts';

// Templates hand functions whatever the data holds, so parameters are untyped.
export type TemplateFunc = ((...args: any[]) => unknown) & { variadic?: boolean; lazy?: boolean };
export type FuncMap = Record<string, TemplateFunc>;

/** An argument of the wrong type; Go reports these without "error calling". */
export class ArgTypeError extends Error {}

export function expectString(v: unknown): string {
  if (typeof v === 'string') return v;
  throw new ArgTypeError(`wrong type for value; expected string; got ${goTypeName(v)}`);
}

export function expectInt(v: unknown): number {
  if (Number.isInteger(v)) return v as number;
  throw new ArgTypeError(`wrong type for value; expected int; got ${goTypeName(v)}`);
}

const variadic = (fn: TemplateFunc): TemplateFunc => Object.assign(fn, { variadic: true });
const lazy = (fn: TemplateFunc): TemplateFunc => Object.assign(fn, { variadic: true, lazy: true });

type Kind = 'bool' | 'number' | 'string' | 'invalid';
const kindOf = (v: unknown): Kind =>
  typeof v === 'boolean' ? 'bool' : typeof v === 'number' ? 'number' : typeof v === 'string' ? 'string' : 'invalid';

function eq(a: unknown, ...rest: unknown[]): boolean {
  if (rest.length === 0) throw new Error('missing argument for comparison');
  for (const b of rest) {
    if (kindOf(a) !== kindOf(b)) {
      if (a != null && b != null) throw new Error('incompatible types for comparison');
    } else if (kindOf(a) === 'invalid' && a != null && b != null) {
      throw new Error(`non-comparable type ${goTypeName(b)}`);
    } else if (a === b || (a == null && b == null)) {
      return true;
    }
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  const [ka, kb] = [kindOf(a), kindOf(b)];
  if (ka === 'invalid' || kb === 'invalid') throw new Error('invalid type for comparison');
  if (ka !== kb) throw new Error('incompatible types for comparison');
  if (ka === 'bool') throw new Error('invalid type for comparison');
  return (a as number | string) < (b as number | string);
}

function len(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v); // Go counts bytes
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map) return v.size;
  if (isMapLike(v)) return Object.keys(v).length;
  throw new Error(v == null ? 'len of nil pointer' : `len of type ${goTypeName(v)}`);
}

function toIndex(ix: unknown, cap: number): number {
  if (!Number.isInteger(ix)) throw new Error(`cannot index slice/array with type ${goTypeName(ix)}`);
  if ((ix as number) < 0 || (ix as number) >= cap) throw new Error(`index out of range: ${ix}`);
  return ix as number;
}

function index(item: unknown, ...keys: unknown[]): unknown {
  let v = item;
  for (const key of keys) {
    if (v == null) {
      // Docker's typed structs make nil maps (e.g. .Config.Labels) index to "".
      if (typeof key === 'string') return '';
      throw new Error('index of untyped nil');
    }
    if (typeof v === 'string') { // Go strings index to bytes
      const bytes = Buffer.from(v);
      v = bytes[toIndex(key, bytes.length)];
    }
    else if (Array.isArray(v)) v = v[toIndex(key, v.length)];
    else if (v instanceof Map) v = v.get(key);
    else if (isMapLike(v)) {
      if (typeof key !== 'string') throw new Error(`value has type ${goTypeName(key)}; should be string`);
      // A missing key yields the map's zero value: "" for string maps like Labels.
      const values = Object.values(v);
      v = Object.hasOwn(v, key) ? (v as Record<string, unknown>)[key] : values.every((x) => typeof x === 'string') ? '' : undefined;
    } else throw new Error(`can't index item of type ${goTypeName(v)}`);
  }
  return v;
}

function slice(item: unknown, ...idx: unknown[]): unknown {
  if (typeof item !== 'string' && !Array.isArray(item)) {
    throw new Error(item == null ? 'slice of untyped nil' : `can't slice item of type ${goTypeName(item)}`);
  }
  if (idx.length > 3) throw new Error(`too many slice indexes: ${idx.length}`);
  if (typeof item === 'string' && idx.length === 3) throw new Error('cannot 3-index slice a string');
  const seq = typeof item === 'string' ? Buffer.from(item) : item; // Go slices strings by byte
  const [from = 0, to = seq.length] = idx.map((x) => toIndex(x, seq.length + 1));
  if (from > to) throw new Error(`invalid slice index: ${from} > ${to}`);
  return Array.isArray(seq) ? seq.slice(from, to) : seq.subarray(from, to).toString();
}

// html/js/urlquery take one string, or Sprint their arguments.
const text = (args: unknown[]): string => (args.length === 1 && typeof args[0] === 'string' ? args[0] : sprint(args));

const HTML: Record<string, string> = { '\0': '\uFFFD', '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const JS: Record<string, string> = {
  '\\': '\\\\', "'": "\\'", '"': '\\"', '<': '\\u003C', '>': '\\u003E', '&': '\\u0026', '=': '\\u003D',
};
const hex4 = (c: number): string => c.toString(16).toUpperCase().padStart(4, '0');

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (JS[ch]) out += JS[ch];
    else if (c < 0x20 || (c >= 0x80 && /[\p{C}\p{Z}]/u.test(ch))) out += `\\u${hex4(c)}`;
    else out += ch;
  }
  return out;
}

/** url.QueryEscape: encodeURIComponent plus the marks Go also escapes. */
const queryEscape = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');

export const BUILTINS: FuncMap = {
  and: lazy((first: () => unknown, ...rest: (() => unknown)[]) => {
    let v = first();
    for (const next of rest) { if (!isTrue(v)) return v; v = next(); }
    return v;
  }),
  or: lazy((first: () => unknown, ...rest: (() => unknown)[]) => {
    let v = first();
    for (const next of rest) { if (isTrue(v)) return v; v = next(); }
    return v;
  }),
  not: (v: unknown) => !isTrue(v),
  len,
  index: variadic(index),
  slice: variadic(slice),
  print: variadic((...a: unknown[]) => sprint(a)),
  println: variadic((...a: unknown[]) => sprintln(a)),
  printf: variadic((format: unknown, ...a: unknown[]) => sprintf(expectString(format), a)),
  eq: variadic(eq),
  ne: (a: unknown, b: unknown) => !eq(a, b),
  lt,
  le: (a: unknown, b: unknown) => lt(a, b) || eq(a, b),
  gt: (a: unknown, b: unknown) => !lt(a, b) && !eq(a, b),
  ge: (a: unknown, b: unknown) => !lt(a, b),
  html: variadic((...a: unknown[]) => text(a).replace(/[\0"'&<>]/g, (c) => HTML[c]!)),
  js: variadic((...a: unknown[]) => jsEscape(text(a))),
  urlquery: variadic((...a: unknown[]) => queryEscape(text(a))),
};
