// A rule's "limits" object (what its containers may ask for; see policy.ts for the defaults a
// rule gets for the keys it leaves out), and the policy's "audit" object.
import { isAbsolute, normalize } from 'node:path';
import { invalid, typeName, unknownKey, type JsonContext } from '../daemon/config/json-values.ts';
import type { JsonPath } from '../daemon/config/json-positions.ts';
import type { AuditPolicy, Limits } from './policy.ts';
import { object, strings } from './json-read.ts';
import { normalizePattern } from './image-patterns.ts';

const LIMIT_KEYS = ['privileged', 'capabilities', 'host-namespaces', 'bind-paths', 'devices', 'images', 'labels', 'memory', 'cpus', 'pids'];
const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

export function readLimits(ctx: JsonContext, at: JsonPath, value: unknown): Limits {
  const obj = value === undefined ? {} : object(ctx, at, value);
  for (const k of Object.keys(obj)) if (!LIMIT_KEYS.includes(k)) throw unknownKey(ctx, [...at, k], LIMIT_KEYS);
  const bool = (k: string) => {
    if (obj[k] === undefined) return false;
    if (typeof obj[k] !== 'boolean') throw invalid(ctx, [...at, k], `expected a boolean, got ${typeName(obj[k])}`);
    return obj[k];
  };
  const paths = (k: string) => strings(ctx, [...at, k], obj[k] ?? []).map((p, i) => {
    if (!isAbsolute(p)) throw invalid(ctx, [...at, k, i], `expected an absolute path, got "${p}"`);
    return normalize(p).replace(/(.)\/$/, '$1');
  });
  const limits: Limits = {
    privileged: bool('privileged'),
    capabilities: strings(ctx, [...at, 'capabilities'], obj.capabilities ?? []).map(capabilityName),
    hostNamespaces: bool('host-namespaces'),
    bindPaths: paths('bind-paths'),
    devices: paths('devices'),
    images: strings(ctx, [...at, 'images'], obj.images ?? []).map((p, i) => pattern(ctx, [...at, 'images', i], p)),
    labels: labels(ctx, [...at, 'labels'], obj.labels),
  };
  if (obj.memory !== undefined) limits.memory = bytes(ctx, [...at, 'memory'], obj.memory);
  if (obj.cpus !== undefined) {
    if (typeof obj.cpus !== 'number' || !(obj.cpus > 0)) throw invalid(ctx, [...at, 'cpus'], 'expected a number of CPUs above 0');
    limits.nanoCpus = Math.round(obj.cpus * 1e9);
  }
  if (obj.pids !== undefined) {
    if (!Number.isInteger(obj.pids) || (obj.pids as number) <= 0) throw invalid(ctx, [...at, 'pids'], 'expected an integer above 0');
    limits.pids = obj.pids as number;
  }
  return limits;
}

const AUDIT_KEYS = ['file', 'all-requests', 'max-size', 'max-file'];
/** The json-file log driver's rotation, which the issue asks the audit log to follow. */
export const AUDIT_DEFAULTS: AuditPolicy = { allRequests: false, maxSize: 10 * 1024 ** 2, maxFile: 3 };

export function readAudit(ctx: JsonContext, at: JsonPath, value: unknown): AuditPolicy {
  if (value === undefined) return { ...AUDIT_DEFAULTS };
  const obj = object(ctx, at, value);
  for (const k of Object.keys(obj)) if (!AUDIT_KEYS.includes(k)) throw unknownKey(ctx, [...at, k], AUDIT_KEYS);
  const audit: AuditPolicy = { ...AUDIT_DEFAULTS };
  if (obj.file !== undefined) {
    if (typeof obj.file !== 'string' || !isAbsolute(obj.file)) throw invalid(ctx, [...at, 'file'], 'expected an absolute path');
    audit.file = obj.file;
  }
  if (obj['all-requests'] !== undefined) {
    if (typeof obj['all-requests'] !== 'boolean') throw invalid(ctx, [...at, 'all-requests'], `expected a boolean, got ${typeName(obj['all-requests'])}`);
    audit.allRequests = obj['all-requests'];
  }
  if (obj['max-size'] !== undefined) audit.maxSize = bytes(ctx, [...at, 'max-size'], obj['max-size']);
  if (obj['max-file'] !== undefined) {
    if (!Number.isInteger(obj['max-file']) || (obj['max-file'] as number) < 1) throw invalid(ctx, [...at, 'max-file'], 'expected an integer of 1 or more');
    audit.maxFile = obj['max-file'] as number;
  }
  return audit;
}

/** "cap_net_admin", "NET_ADMIN": how CapAdd may spell one capability. */
export function capabilityName(c: string): string {
  return c.toUpperCase().replace(/^CAP_/, '');
}

function labels(ctx: JsonContext, at: JsonPath, v: unknown): Record<string, string> {
  if (v === undefined) return {};
  const obj = object(ctx, at, v);
  for (const [k, value] of Object.entries(obj)) if (typeof value !== 'string') throw invalid(ctx, [...at, k], `expected a string ("*" for any value), got ${typeName(value)}`);
  return obj as Record<string, string>;
}

/** 2147483648 or "2g" (docker's units, powers of 1024). */
function bytes(ctx: JsonContext, at: JsonPath, v: unknown): number {
  if (Number.isInteger(v) && (v as number) > 0) return v as number;
  const m = typeof v === 'string' ? /^(\d+(?:\.\d+)?)\s*([bkmgt]?)b?$/i.exec(v.trim()) : null;
  if (!m || Number(m[1]) <= 0) throw invalid(ctx, at, `expected bytes above 0 (an integer, or a string like "512m" or "2g"), got ${JSON.stringify(v)}`);
  return Math.floor(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!);
}

function pattern(ctx: JsonContext, at: JsonPath, p: string): string {
  try {
    normalizePattern(p);
    return p;
  } catch (err) {
    throw invalid(ctx, at, (err as Error).message);
  }
}
