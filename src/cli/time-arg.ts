// Time arguments (--since, --until) as the docker CLI reads them, turned into the unix
// timestamps the API takes: a Go duration back from now ("10m", "1h30m", "0s"; "-10m" is
// ahead), an RFC 3339 time or a date (in the local zone when it names none), or a unix
// timestamp passed through.

import { parseGoDuration } from '../lib/go-duration.ts';

export { parseGoDuration };

/** The API's form: "<seconds>.<nanoseconds>". */
export function toApiTimestamp(raw: string, now = Date.now()): string {
  const value = raw.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return value;
  // Go durations may carry a sign: "-10m" is ten minutes from now.
  const sign = value.startsWith('-') ? -1 : 1;
  const duration = parseGoDuration(/^[-+]/.test(value) ? value.slice(1) : value);
  if (duration !== undefined) return msToTimestamp(now - sign * duration);
  // Go's layouts also take an hour alone ("2026-12-07T10", "…T10Z"); Date.parse wants minutes.
  const hour = /^(\d{4}-\d{2}-\d{2}T\d{2})(Z|[+-]\d{2}:\d{2})?$/i.exec(value);
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00` : hour ? `${hour[1]}:00${hour[2] ?? ''}` : value);
  if (!Number.isNaN(ms)) return msToTimestamp(ms);
  throw new Error(`failed to parse value as time or duration: "${raw}"`);
}

function msToTimestamp(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1e6);
  return `${seconds}.${String(nanos).padStart(9, '0')}`;
}

/** Go's RFC3339NanoFixed in the local zone, as `docker events` prints event times. */
export function formatRfc3339NanoFixed(timeNano: bigint): string {
  const ms = Number(timeNano / 1_000_000n);
  const d = new Date(ms);
  const offsetMin = -d.getTimezoneOffset();
  const local = new Date(ms + offsetMin * 60_000);
  const frac = String(timeNano % 1_000_000_000n).padStart(9, '0');
  const zone = offsetMin === 0 ? 'Z' : `${offsetMin > 0 ? '+' : '-'}${pad(Math.floor(Math.abs(offsetMin) / 60))}:${pad(Math.abs(offsetMin) % 60)}`;
  return `${local.toISOString().slice(0, 19)}.${frac}${zone}`;
}

const pad = (n: number) => String(n).padStart(2, '0');
