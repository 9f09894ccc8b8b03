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
export { humanDuration } from '../../lib/human-duration.ts';

/** stringid.TruncateID: drop an algorithm prefix such as "sha256:", keep 12 characters. */
export function truncateId(id: string): string {
  return id.slice(id.indexOf(':') + 1).slice(0, 12);
}
