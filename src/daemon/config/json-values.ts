// Type checks for daemon.json values, with messages that name the file, the line and the key.
import { ConfigError, ValueError } from './errors.ts';
import { pathKey, setEntry, type JsonPath, type Position } from './json-positions.ts';
import type { SettingSpec } from './settings.ts';
import { suggest } from './suggest.ts';
import type { RuntimeConfig } from './types.ts';
import { checkNonEmpty, checkPool } from './values.ts';
import { STOCK_RUNTIME } from './defaults.ts';

export interface JsonContext {
  file: string;
  positions: ReadonlyMap<string, Position>;
}

const RUNTIME_KEYS = ['path', 'runtimeArgs'];
const SHIM_KEYS = ['runtimeType', 'options'];

export function lineOf(ctx: JsonContext, path: JsonPath): number {
  return ctx.positions.get(pathKey(path))?.line ?? 1;
}

/** "log-opts.max-size", "dns[1]": how a nested key is shown in messages. */
export function label(path: JsonPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

export function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

export function invalid(ctx: JsonContext, path: JsonPath, message: string): ConfigError {
  return new ConfigError(`invalid value for "${label(path)}" at line ${lineOf(ctx, path)} of ${ctx.file}: ${message}`);
}

export function unknownKey(ctx: JsonContext, path: JsonPath, known: readonly string[]): ConfigError {
  const near = suggest(String(path[path.length - 1]), known);
  const hint = near === undefined ? '' : `; did you mean "${near}"?`;
  return new ConfigError(`unknown key "${label(path)}" at line ${lineOf(ctx, path)} of ${ctx.file}${hint}`);
}

/** Checks one top-level value against its setting's type and check; throws a ConfigError. */
export function convertValue(ctx: JsonContext, spec: SettingSpec, value: unknown): unknown {
  const path = [spec.key];
  switch (spec.type) {
    case 'boolean':
      return bool(ctx, path, value);
    case 'integer':
      if (!Number.isInteger(value)) throw invalid(ctx, path, `expected an integer, got ${typeName(value)}`);
      return Number(checked(ctx, path, String(value), spec.check));
    case 'pools':
      return pools(ctx, path, value);
    case 'string':
      return checked(ctx, path, str(ctx, path, value), spec.check);
    case 'list':
      return stringList(ctx, path, value, spec.check);
    case 'map':
      return mapEntries(ctx, path, value, (p, v) => str(ctx, p, v));
    case 'runtimes':
      return mapEntries(ctx, path, value, (p, v) => runtime(ctx, p, v));
  }
}

function str(ctx: JsonContext, path: JsonPath, v: unknown): string {
  if (typeof v !== 'string') throw invalid(ctx, path, `expected a string, got ${typeName(v)}`);
  return v;
}

function bool(ctx: JsonContext, path: JsonPath, v: unknown): boolean {
  if (typeof v !== 'boolean') throw invalid(ctx, path, `expected a boolean, got ${typeName(v)}`);
  return v;
}

function checked(ctx: JsonContext, path: JsonPath, v: string, check?: (v: string) => string): string {
  try {
    return check ? check(v) : v;
  } catch (err) {
    if (err instanceof ValueError) throw invalid(ctx, path, err.message);
    throw err;
  }
}

function stringList(ctx: JsonContext, path: JsonPath, v: unknown, check?: (v: string) => string): string[] {
  if (!Array.isArray(v)) throw invalid(ctx, path, `expected an array of strings, got ${typeName(v)}`);
  return v.map((item, i) => checked(ctx, [...path, i], str(ctx, [...path, i], item), check));
}

function object(ctx: JsonContext, path: JsonPath, v: unknown): Record<string, unknown> {
  if (typeName(v) !== 'object') throw invalid(ctx, path, `expected an object, got ${typeName(v)}`);
  return v as Record<string, unknown>;
}

function mapEntries<T>(ctx: JsonContext, path: JsonPath, v: unknown, each: (p: JsonPath, v: unknown) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, item] of Object.entries(object(ctx, path, v))) {
    setEntry(out, k, each([...path, k], item));
  }
  return out;
}

/** default-address-pools: [{"base": CIDR, "size": N}, ...]. */
function pools(ctx: JsonContext, path: JsonPath, v: unknown): { base: string; size: number }[] {
  if (!Array.isArray(v)) throw invalid(ctx, path, `expected an array of {"base": CIDR, "size": N}, got ${typeName(v)}`);
  return v.map((item, i) => {
    const at = [...path, i];
    const obj = object(ctx, at, item);
    for (const k of Object.keys(obj)) if (k !== 'base' && k !== 'size') throw unknownKey(ctx, [...at, k], ['base', 'size']);
    const base = str(ctx, [...at, 'base'], obj.base);
    if (!Number.isInteger(obj.size)) throw invalid(ctx, [...at, 'size'], `expected an integer, got ${typeName(obj.size)}`);
    try {
      return checkPool(base, obj.size as number);
    } catch (err) {
      if (err instanceof ValueError) throw invalid(ctx, at, err.message);
      throw err;
    }
  });
}

function runtime(ctx: JsonContext, path: JsonPath, v: unknown): RuntimeConfig {
  const name = String(path[path.length - 1]);
  if (name === STOCK_RUNTIME) throw invalid(ctx, path, `runtime name '${STOCK_RUNTIME}' is reserved`); // dockerd's text
  const obj = object(ctx, path, v);
  for (const k of Object.keys(obj)) {
    // dockerd's shim v2 runtimes: berthd has no containerd, every runtime is an OCI binary.
    if (SHIM_KEYS.includes(k)) throw invalid(ctx, [...path, k], 'berthd runs OCI runtime binaries through conmon, not containerd shims: give "path" (and "runtimeArgs")');
    if (!RUNTIME_KEYS.includes(k)) throw unknownKey(ctx, [...path, k], RUNTIME_KEYS);
  }
  if (!Object.hasOwn(obj, 'path')) throw invalid(ctx, path, `missing "path" for runtime "${name}"`);
  const pathPath = [...path, 'path'];
  const rt: RuntimeConfig = { path: checked(ctx, pathPath, str(ctx, pathPath, obj.path), checkNonEmpty) };
  if (Object.hasOwn(obj, 'runtimeArgs')) rt.runtimeArgs = stringList(ctx, [...path, 'runtimeArgs'], obj.runtimeArgs);
  return rt;
}
