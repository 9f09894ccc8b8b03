// docker/go-units helpers and stringid.TruncateID, with go-units' exact
// rounding and thresholds so sizes and ages read exactly as docker's do.

import { formatFloat } from './strconv.ts';

const DECIMAL = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

// go-units' getSizeAndUnit + Sprintf("%.<precision>g%s"). Like Go, a value that
// rounds up to 1000 prints as "1e+03kB".
function scaled(size: number, base: number, units: string[], precision: number): string {
  let i = 0;
  while (size >= base && i < units.length - 1) { size /= base; i++; }
  return (size < 0 ? '-' : '') + formatFloat(Math.abs(size), 'g', precision) + units[i];
}

/**
 * units.HumanSizeWithPrecision(size, 3), which the docker CLI uses for image
 * and container sizes: "5.59MB", "100B", "1.23GB".
 */
export const humanSize = (bytes: number, precision = 3): string => scaled(bytes, 1000, DECIMAL, precision);

/** units.BytesSize (binary units, 4 digits), used by `docker stats`: "1.5MiB". */
export const bytesSize = (bytes: number): string => scaled(bytes, 1024, BINARY, 4);

/** units.HumanDuration for a duration in milliseconds, e.g. "About a minute", "3 weeks". */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  const minutes = Math.trunc(ms / 60_000);
  const hours = Math.trunc(ms / 3_600_000 + 0.5); // go-units rounds hours
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / 3_600_000) / 24 / 365)} years`;
}

/** stringid.TruncateID: drop an algorithm prefix such as "sha256:", keep 12 characters. */
export function truncateId(id: string): string {
  return id.slice(id.indexOf(':') + 1).slice(0, 12);
}
