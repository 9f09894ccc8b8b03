// How JS values stand in for Go values: plain objects and Maps act as Go maps
// (sorted keys, missing key => no value), arrays as slices, integral numbers
// as int and others as float64, null as nil. Class instances act as structs.

export function isMapLike(v: unknown): v is Map<unknown, unknown> | Record<string, unknown> {
  if (v instanceof Map) return true;
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Date) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Entries sorted by key, as Go's fmt and range order map keys. */
export function sortedEntries(v: Map<unknown, unknown> | Record<string, unknown>): [unknown, unknown][] {
  const entries: [unknown, unknown][] = v instanceof Map ? [...v.entries()] : Object.entries(v);
  return entries.sort(([a], [b]) => compareKeys(a, b));
}

function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const [x, y] = [String(a), String(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Go's type name for a value, used in fmt's `%!d(string=x)` style errors. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (typeof v === 'bigint') return 'int64';
  if (typeof v === 'function') return 'func()';
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof Date) return 'time.Time';
  if (isMapLike(v)) return 'map[string]interface {}';
  return `*${v.constructor?.name ?? 'struct'}`;
}

/** Go's template truth: zero values and empty collections are false. */
export function isTrue(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return v !== 0 && v !== 0n;
  if (typeof v === 'string' || Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  if (isMapLike(v)) return Object.keys(v).length > 0;
  return true; // structs, functions, dates
}

/**
 * Looks up `name` on an object: own data, Map keys, or getters/methods from
 * the prototype chain (so class instances can expose Go-style methods), but
 * never Object.prototype members such as `constructor`.
 */
export function lookupField(obj: object, name: string): { found: boolean; value: unknown } {
  if (obj instanceof Map) return { found: obj.has(name), value: obj.get(name) };
  if (name === 'constructor') return { found: false, value: undefined };
  for (let o: object | null = obj; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    if (Object.hasOwn(o, name)) return { found: true, value: (obj as Record<string, unknown>)[name] };
  }
  return { found: false, value: undefined };
}

/**
 * Whether a decoded JSON object reads as a Go struct rather than a map:
 * Docker API structs have only exported (upper-case) field names, while maps
 * such as Labels or Networks are keyed by arbitrary, usually lower-case, text.
 */
export function looksLikeStruct(v: object): boolean {
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => /^[A-Z]/.test(k));
}
