// Query-string parameters with dockerd's semantics: booleans are false only for "", "0",
// "no", "false" and "none"; integers must be integers; `filters` (below) is the one parser
// every route that takes filters uses.
import { invalidParameter } from './types/errors.ts';

const FALSE_WORDS = new Set(['', '0', 'no', 'false', 'none']);

/** A query string's percent escapes as Go's url.ParseQuery checks them before any handler
 * runs (dockerd answers 400 with its text); URLSearchParams would keep `%zz` as it is. */
export function checkQueryEscapes(search: string): void {
  const bad = /%(?![0-9a-fA-F]{2})(.{0,2})/s.exec(search);
  if (bad) throw invalidParameter(`invalid URL escape ${JSON.stringify('%' + bad[1])}`);
}

export function boolParam(q: URLSearchParams, name: string, fallback = false): boolean {
  const v = q.get(name);
  if (v === null) return fallback;
  return !FALSE_WORDS.has(v.trim().toLowerCase());
}

/** strconv.Atoi as dockerd parses `t` and `limit`: an optional sign and decimal digits within
 * int64, else dockerd's (400) text. Beyond 2^53 the number is approximate, which no caller
 * minds (a timeout of more than 285 million years is forever). */
export function intParam(q: URLSearchParams, name: string, fallback?: number): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return fallback;
  const quoted = JSON.stringify(v);
  if (!/^[+-]?\d+$/.test(v)) throw invalidParameter(`strconv.Atoi: parsing ${quoted}: invalid syntax`);
  const n = BigInt(v);
  if (n > INT64_MAX || n < -INT64_MAX - 1n) throw invalidParameter(`strconv.Atoi: parsing ${quoted}: value out of range`);
  return Number(n);
}

const INT64_MAX = 2n ** 63n - 1n;

export type Filters = Map<string, string[]>;

/**
 * `filters` with dockerd's rules (api/types/filters FromJSON, then Validate): a JSON object whose
 * values are all sets (`{"label":{"a=b":true}}`, what clients send since API 1.22) or all lists
 * (`{"label":["a=b"]}`, the older form); `null` for the whole or for a value is empty. A set's
 * values are its keys whatever their boolean, as dockerd's Get returns them. Anything else is a
 * 400 on every route, where dockerd answers some with 500: a filter dropped for its shape would
 * turn a narrow prune into "remove everything". Then each name must be one the route knows.
 */
export function parseFilters(raw: string | null, allowed: readonly string[]): Filters {
  const filters = parseFilterShape(raw);
  for (const key of filters.keys()) if (!allowed.includes(key)) throw invalidParameter(`invalid filter '${key}'`);
  return filters;
}

/** The shape check alone, for routes whose names are checked later (the swarm lists). */
export function parseFilterShape(raw: string | null): Filters {
  const filters: Filters = new Map();
  if (raw === null || raw === '') return filters;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw invalidParameter(`invalid filter: filters is not valid JSON: ${(err as Error).message}`);
  }
  if (parsed === null) return filters;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidParameter(`invalid filter: filters must be a JSON object such as {"label":["a=b"]}, not ${jsonKind(parsed)}`);
  const forms = new Set<'list' | 'set'>();
  for (const [key, value] of Object.entries(parsed)) {
    const form = filterForm(value);
    if (!form) throw invalidParameter(`invalid filter '${key}': ${JSON.stringify(value)} is neither a list of values (["v"]) nor a set of values ({"v":true})`);
    if (form !== 'either') forms.add(form);
    filters.set(key, value === null ? [] : Array.isArray(value) ? [...new Set(value.map((v) => v ?? ''))] : Object.keys(value));
  }
  if (forms.size > 1) throw invalidParameter('invalid filter: values must be all lists (["v"]) or all sets ({"v":true}), not both');
  return filters;
}

function filterForm(value: unknown): 'list' | 'set' | 'either' | undefined {
  if (value === null) return 'either';
  if (Array.isArray(value)) return value.every((v) => v === null || typeof v === 'string') ? 'list' : undefined;
  if (typeof value === 'object') return Object.values(value).every((v) => v === null || typeof v === 'boolean') ? 'set' : undefined;
  return undefined;
}

const jsonKind = (v: unknown): string => (Array.isArray(v) ? 'an array' : `a ${typeof v}`);

/** Docker's `key=value` label matcher: `key` alone matches any value. */
export function matchLabels(labels: Record<string, string>, wanted: readonly string[]): boolean {
  return wanted.every((w) => {
    const eq = w.indexOf('=');
    if (eq < 0) return Object.hasOwn(labels, w);
    return labels[w.slice(0, eq)] === w.slice(eq + 1);
  });
}
