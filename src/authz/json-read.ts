// Shapes of JSON values in a policy file, refused with daemon.json's messages (file, line, key).
import { invalid, typeName, type JsonContext } from '../daemon/config/json-values.ts';
import type { JsonPath } from '../daemon/config/json-positions.ts';

export function object(ctx: JsonContext, at: JsonPath, v: unknown): Record<string, unknown> {
  if (typeName(v) !== 'object') throw invalid(ctx, at, `expected an object, got ${typeName(v)}`);
  return v as Record<string, unknown>;
}

export function list(ctx: JsonContext, at: JsonPath, v: unknown): unknown[] {
  if (!Array.isArray(v)) throw invalid(ctx, at, `expected an array, got ${typeName(v)}`);
  return v;
}

/** An array of strings (`numbers`: integers too, as ids are often written). */
export function strings(ctx: JsonContext, at: JsonPath, v: unknown, numbers = false): string[] {
  return list(ctx, at, v).map((item, i) => {
    if (typeof item === 'string' || (numbers && Number.isInteger(item))) return String(item);
    throw invalid(ctx, [...at, i], `expected a string, got ${typeName(item)}`);
  });
}
