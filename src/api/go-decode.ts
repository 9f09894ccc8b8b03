// What dockerd's Go decoder (encoding/json) accepts in a request body, and the error it gives
// for what it does not: dockerd refuses a body whose values do not fit its Go types before it
// looks at them, and a client reads berthd's answers with the same types — a `Memory: 1.5` or a
// `BlkioWeight: 99999` that berthd stored would break every later `docker inspect`.
//
// The rules followed (Go's decode.go): null fits anything and changes nothing; an integer
// field takes only an integer literal in its type's range (`1.0` and `1e7` are refused); object
// keys match field names exactly or else case-insensitively, and unknown keys are ignored; a
// fixed array takes any length (extra elements dropped, missing ones zero). The first misfit in
// document order is reported, as `json: cannot unmarshal <what> into Go struct field
// <Struct>.<path> of type <type>`, with the literal after `number` only for a numeric field.
import { invalidParameter, type BerthError } from './types/errors.ts';
import { numberText } from './request-body.ts';

type IntName = 'int' | 'int64' | 'uint' | 'uint16' | 'uint64';

export type GoType =
  | { kind: 'int'; name: IntName }
  | { kind: 'string' | 'bool'; name: string }
  | { kind: 'slice' | 'map'; name: string; elem: GoType }
  | { kind: 'array'; name: string; elem: GoType; length: number }
  | { kind: 'struct'; name: string; fields: Record<string, GoType> }
  /** strslice.StrSlice: a string or a list of strings; a misfit is reported against `string`. */
  | { kind: 'strslice'; name: string };

const RANGES: Record<IntName, [bigint, bigint]> = {
  int: [-(2n ** 63n), 2n ** 63n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint: [0n, 2n ** 64n - 1n],
  uint16: [0n, 65535n],
  uint64: [0n, 2n ** 64n - 1n],
};

interface Where {
  /** The innermost struct's type name (Go's reflect Name), once inside one. */
  struct?: string;
  path: string[];
}

/**
 * Checks `value` against `type` as Go would decode it; throws the first misfit as a 400. On
 * success the value is made what Go would have made of it where berthd keeps it verbatim: keys
 * that matched by case are renamed to the field's name, fixed arrays get their length.
 */
export function checkGoJson(value: unknown, type: GoType): void {
  const err = walk(value, type, { path: [] });
  if (err) throw err;
}

function walk(value: unknown, type: GoType, at: Where, holder?: object, key?: string | number): BerthError | undefined {
  if (value === null || value === undefined) return undefined;
  switch (type.kind) {
    case 'int':
      return typeof value === 'number' ? checkInt(value, type.name, at, holder, key) : misfit(kindOf(value), type, at);
    case 'string':
    case 'bool':
      return typeof value === (type.kind === 'bool' ? 'boolean' : 'string') ? undefined : misfit(kindOf(value), type, at);
    case 'strslice':
      if (typeof value === 'string' || (Array.isArray(value) && value.every((v) => v === null || typeof v === 'string'))) return undefined;
      return misfit(kindOf(value), { kind: 'string', name: 'string' }, at);
    case 'slice':
    case 'array':
      if (!Array.isArray(value)) return misfit(kindOf(value), type, at);
      if (type.kind === 'array') fixLength(value, type.length, type.elem);
      return first(value, (v, i) => walk(v, type.elem, at, value, i));
    case 'map':
      if (typeof value !== 'object' || Array.isArray(value)) return misfit(kindOf(value), type, at);
      return first(Object.entries(value), ([k, v]) => walk(v, type.elem, at, value, k));
    case 'struct':
      if (typeof value !== 'object' || Array.isArray(value)) return misfit(kindOf(value), type, at);
      return walkStruct(value as Record<string, unknown>, type, at);
  }
}

function walkStruct(obj: Record<string, unknown>, type: Extract<GoType, { kind: 'struct' }>, at: Where): BerthError | undefined {
  const struct = type.name.slice(type.name.lastIndexOf('.') + 1);
  for (const key of Object.keys(obj)) {
    const field = fieldFor(Object.keys(type.fields), key);
    if (!field) continue;
    const err = walk(obj[key], type.fields[field]!, { struct, path: [...at.path, field] }, obj, key);
    if (err) return err;
    if (field !== key) {
      obj[field] = obj[key];
      delete obj[key];
    }
  }
  return undefined;
}

/** The field a JSON key fills, as Go's decoder matches it: the exact name, else the first
 * field whose name equals it case-insensitively. */
function fieldFor(fields: readonly string[], key: string): string | undefined {
  if (fields.includes(key)) return key;
  const lower = key.toLowerCase();
  return fields.find((f) => f.toLowerCase() === lower);
}

/**
 * A body object with its keys respelled as `fields` spells them where they differ only in case:
 * Go's JSON decoder matches field names case-insensitively (docker-py sends an exec's
 * `detachKeys`), and of two keys that name one field the later one wins, as in Go.
 */
export function goFieldNames(obj: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const name = fieldFor(fields, k) ?? k;
    delete out[name]; // a later key takes the field's place and its value
    out[name] = v;
  }
  return out;
}

/** Go's integer decoding from the literal as sent; beyond 2^53 a JS number is no longer exact,
 * so berthd refuses what it could not store as given (dockerd would take up to 2^63-1). */
function checkInt(value: number, name: IntName, at: Where, holder?: object, key?: string | number): BerthError | undefined {
  const text = (holder !== undefined && key !== undefined && numberText(holder, key)) || String(value);
  const [min, max] = RANGES[name];
  const syntax = name.startsWith('u') ? /^\d+$/ : /^-?\d+$/;
  if (!syntax.test(text) || BigInt(text) < min || BigInt(text) > max) return misfit(`number ${text}`, { kind: 'int', name }, at);
  if (!Number.isSafeInteger(value)) return invalidParameter(`invalid value ${text} for ${fieldName(at)}: berthd takes integers of at most 2^53-1 (9007199254740991)`);
  return undefined;
}

function misfit(what: string, type: GoType, at: Where): BerthError {
  const into = at.struct ? `Go struct field ${at.struct}.${at.path.join('.')}` : 'Go value';
  return invalidParameter(`json: cannot unmarshal ${what} into ${into} of type ${type.name}`);
}

const fieldName = (at: Where): string => at.path.join('.') || 'the value';

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v; // string, number, object
}

function fixLength(arr: unknown[], length: number, elem: GoType): void {
  const zero = elem.kind === 'int' ? 0 : elem.kind === 'bool' ? false : elem.kind === 'string' ? '' : null;
  if (arr.length > length) arr.length = length;
  while (arr.length < length) arr.push(zero);
}

function first<T>(items: T[], check: (item: T, i: number) => BerthError | undefined): BerthError | undefined {
  for (let i = 0; i < items.length; i++) {
    const err = check(items[i]!, i);
    if (err) return err;
  }
  return undefined;
}

/** Shorthands for the type tables. */
export const go = {
  int: { kind: 'int', name: 'int' } as GoType,
  int64: { kind: 'int', name: 'int64' } as GoType,
  uint: { kind: 'int', name: 'uint' } as GoType,
  uint16: { kind: 'int', name: 'uint16' } as GoType,
  uint64: { kind: 'int', name: 'uint64' } as GoType,
  bool: { kind: 'bool', name: 'bool' } as GoType,
  string: (name = 'string'): GoType => ({ kind: 'string', name }),
  strings: { kind: 'slice', name: '[]string', elem: { kind: 'string', name: 'string' } } as GoType,
  stringMap: { kind: 'map', name: 'map[string]string', elem: { kind: 'string', name: 'string' } } as GoType,
  strslice: { kind: 'strslice', name: 'strslice.StrSlice' } as GoType,
  slice: (elem: GoType, name = `[]${elem.name}`): GoType => ({ kind: 'slice', name, elem }),
  struct: (name: string, fields: Record<string, GoType>): GoType => ({ kind: 'struct', name, fields }),
};
