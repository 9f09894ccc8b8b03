// `since` and `until` as dockerd reads them: unix seconds with an optional fraction
// ("1700000000.5"), or an RFC 3339 date. The CLI turns durations like "10m" into seconds first.
import { invalidParameter } from './types/errors.ts';

export function parseTimestampNano(name: string, raw: string | null): bigint | undefined {
  if (raw === null || raw === '') return undefined;
  const m = /^(-?\d+)(?:\.(\d{1,9}))?$/.exec(raw);
  if (m) return BigInt(m[1]!) * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
  const ms = Date.parse(raw);
  if (!Number.isNaN(ms) && /^\d{4}-\d{2}-\d{2}/.test(raw)) return BigInt(ms) * 1_000_000n;
  throw invalidParameter(`invalid value for ${name}: "${raw}" is not a unix timestamp or an RFC 3339 date`);
}
