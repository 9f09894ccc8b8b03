// The list's `publish` and `expose` filters as dockerd 20.10 matches them: a value is
// `port[/proto]` or `start-end[/proto]` (tcp when no proto is given), and it is compared with
// the list entry's own Ports — `publish` with their host side (PublicPort, 0 for a port that is
// exposed but not bound), `expose` with their container side. A stopped container has no Ports,
// so neither filter matches it. Bad values are refused with dockerd's texts (dockerd answers
// them with 500; they are the client's mistake, so 400 here).
import { invalidParameter } from '../../api/types/errors.ts';

export interface PortRange {
  proto: string;
  start: number;
  end: number;
}

export interface ListedPort {
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

export function parsePortFilter(key: 'publish' | 'expose', value: string): PortRange {
  if (value.includes(':')) throw invalidParameter(`filter for '${key}' should not contain ':': ${value}`);
  const [proto, port] = splitProtoPort(value);
  try {
    return { proto, ...portRange(port) };
  } catch (err) {
    throw invalidParameter(`error while looking up for ${key} ${value}: ${(err as Error).message}`);
  }
}

/** Whether any of the entry's Ports is in any of the ranges. */
export function portsMatch(key: 'publish' | 'expose', ports: readonly ListedPort[], ranges: readonly PortRange[]): boolean {
  return ports.some((p) => {
    const n = key === 'publish' ? (p.PublicPort ?? 0) : p.PrivatePort;
    return ranges.some((r) => r.proto === p.Type && n >= r.start && n <= r.end);
  });
}

/** `80/udp` → [udp, 80]; no proto or an empty one is tcp; an empty port stays empty. */
function splitProtoPort(raw: string): [string, string] {
  const parts = raw.split('/');
  if (raw === '' || parts[0] === '') return ['', ''];
  if (parts.length === 1 || parts[1] === '') return ['tcp', parts[0]!];
  return [parts[1]!, parts[0]!];
}

/** `80` or `8000-8080`; a third part after another dash is ignored, as dockerd ignores it. */
function portRange(port: string): { start: number; end: number } {
  if (port === '') throw new Error('Empty string specified for ports.');
  if (!port.includes('-')) {
    const n = parseUint16(port);
    return { start: n, end: n };
  }
  const [a, b] = port.split('-');
  const start = parseUint16(a!);
  const end = parseUint16(b!);
  if (end < start) throw new Error(`Invalid range specified for the Port: ${port}`);
  return { start, end };
}

/** Go's strconv.ParseUint(s, 10, 16), with its error texts. */
function parseUint16(s: string): number {
  const quoted = JSON.stringify(s);
  if (!/^\d+$/.test(s)) throw new Error(`strconv.ParseUint: parsing ${quoted}: invalid syntax`);
  const n = Number(s);
  if (n > 65535) throw new Error(`strconv.ParseUint: parsing ${quoted}: value out of range`);
  return n;
}
