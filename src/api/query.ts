// Query-string parameters with dockerd's semantics: booleans are false only for "", "0",
// "no", "false" and "none"; integers must be integers; `filters` is a JSON object of string
// lists (or the legacy object-of-booleans form) and unknown filter names are refused.
import { invalidParameter } from './types/errors.ts';

const FALSE_WORDS = new Set(['', '0', 'no', 'false', 'none']);

export function boolParam(q: URLSearchParams, name: string, fallback = false): boolean {
  const v = q.get(name);
  if (v === null) return fallback;
  return !FALSE_WORDS.has(v.trim().toLowerCase());
}

export function intParam(q: URLSearchParams, name: string, fallback?: number): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return fallback;
  if (!/^-?\d+$/.test(v)) throw invalidParameter(`invalid value for ${name}: "${v}" is not an integer`);
  return Number(v);
}

export type Filters = Map<string, string[]>;

export function parseFilters(raw: string | null, allowed: readonly string[]): Filters {
  const filters: Filters = new Map();
  if (raw === null || raw === '') return filters;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw invalidParameter(`invalid filter: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidParameter('invalid filter: filters must be a JSON object of string lists');
  }
  for (const [key, value] of Object.entries(parsed)) {
    if (!allowed.includes(key)) throw invalidParameter(`invalid filter '${key}'`);
    filters.set(key, filterValues(key, value));
  }
  return filters;
}

function filterValues(key: string, value: unknown): string[] {
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    // Legacy form: {"key": {"value": true}}
    return Object.entries(value)
      .filter(([, on]) => on === true)
      .map(([v]) => v);
  }
  throw invalidParameter(`invalid filter '${key}': values must be a list of strings`);
}

/** Docker's `key=value` label matcher: `key` alone matches any value. */
export function matchLabels(labels: Record<string, string>, wanted: readonly string[]): boolean {
  return wanted.every((w) => {
    const eq = w.indexOf('=');
    if (eq < 0) return Object.hasOwn(labels, w);
    return labels[w.slice(0, eq)] === w.slice(eq + 1);
  });
}
