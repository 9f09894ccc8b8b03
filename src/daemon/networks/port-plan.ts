// What a container asks to publish, read from its stored Config and HostConfig as dockerd reads
// them: HostConfig.PortBindings ({"80/tcp": [{HostIp, HostPort}]}, HostPort "" for a random
// port or "8000-8010" for the first free one of a range), and with PublishAllPorts every port of
// Config.ExposedPorts not bound otherwise, on a random port of every address.
import { isIP } from 'node:net';
import { invalidParameter } from '../../api/types/errors.ts';

export type Proto = 'tcp' | 'udp' | 'sctp';

export interface PortRequest {
  proto: Proto;
  containerPort: number;
  /** "" for every address. */
  hostIp: string;
  /** 0 and 0: a random port; equal: that port; else the first free port of the range. */
  low: number;
  high: number;
}

interface Binding { HostIp?: string; HostPort?: string }

/** "80/tcp" (or "80", tcp by default) as [port, proto]; a bad key is a 400 as dockerd's. */
export function parsePortKey(key: string): [number, Proto] {
  const [num = '', proto = 'tcp'] = key.split('/');
  const lower = proto.toLowerCase();
  if (lower !== 'tcp' && lower !== 'udp' && lower !== 'sctp') throw invalidParameter(`invalid proto: ${proto}`);
  const port = portNumber(num, key);
  if (port === 0) throw invalidParameter(`invalid port specification: "${key}"`);
  return [port, lower];
}

function portNumber(s: string, whole: string): number {
  if (!/^\d{1,5}$/.test(s) || Number(s) > 65535) throw invalidParameter(`invalid port specification: "${whole}"`);
  return Number(s);
}

/** HostPort as [low, high]: "" is random (0, 0). */
function hostRange(hostPort: string | undefined, key: string): [number, number] {
  if (!hostPort) return [0, 0];
  const [low = '', high = low] = hostPort.split('-');
  const l = portNumber(low, hostPort);
  const h = portNumber(high, hostPort);
  if (h < l) throw invalidParameter(`invalid port range: ${hostPort} for ${key}`);
  return [l, h];
}

/** Every port the container exposes (ExposedPorts and PortBindings' keys), sorted as dockerd's
 * inspect shows them. */
export function exposedPorts(config: { ExposedPorts?: unknown }, hostConfig: { PortBindings?: unknown }): string[] {
  const keys = new Set<string>();
  for (const k of Object.keys((config.ExposedPorts as Record<string, unknown> | null | undefined) ?? {})) keys.add(normalKey(k));
  for (const k of Object.keys((hostConfig.PortBindings as Record<string, unknown> | null | undefined) ?? {})) keys.add(normalKey(k));
  return [...keys].sort(byPort);
}

function normalKey(k: string): string {
  const [port, proto] = parsePortKey(k);
  return `${port}/${proto}`;
}

function byPort(a: string, b: string): number {
  const [pa, ta] = parsePortKey(a);
  const [pb, tb] = parsePortKey(b);
  return pa - pb || ta.localeCompare(tb);
}

/** The bindings the container asks for, in a stable order. Throws 400 for a malformed one. */
export function portRequests(config: { ExposedPorts?: unknown }, hostConfig: { PortBindings?: unknown; PublishAllPorts?: unknown }): PortRequest[] {
  const bindings = (hostConfig.PortBindings as Record<string, Binding[] | null> | null | undefined) ?? {};
  const out: PortRequest[] = [];
  const bound = new Set<string>();
  for (const [key, list] of Object.entries(bindings)) {
    const [containerPort, proto] = parsePortKey(key);
    if (!list?.length) continue;
    bound.add(`${containerPort}/${proto}`);
    for (const b of list) {
      const [low, high] = hostRange(b.HostPort, key);
      out.push({ proto, containerPort, hostIp: normalIp(b.HostIp), low, high });
    }
  }
  if (hostConfig.PublishAllPorts === true) {
    for (const key of exposedPorts(config, {})) {
      if (bound.has(key)) continue;
      const [containerPort, proto] = parsePortKey(key);
      out.push({ proto, containerPort, hostIp: '', low: 0, high: 0 });
    }
  }
  return out;
}

/** "" and "0.0.0.0" both mean every IPv4 address. */
function normalIp(ip: string | undefined): string {
  if (!ip || ip === '0.0.0.0') return '';
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip) || ip.split('.').some((o) => Number(o) > 255)) {
    throw invalidParameter(`invalid host IP address for a port binding: ${ip}${ip.includes(':') ? ' (IPv6 host addresses are not published yet)' : ''}`);
  }
  return ip;
}

/**
 * A create's ports, checked before anything is made: dockerd's verifyContainerSettings (a
 * binding's container port a Go uint16, its HostPort a port or an ordered range; its texts), then
 * what this file refuses later — a protocol or port 0 that would make every inspect of the
 * container fail, a host IP that is no address (else a start's 400 for a created container).
 */
export function checkPortSpecs(config: { ExposedPorts?: unknown }, hostConfig: { PortBindings?: unknown } | null | undefined): void {
  const bindings = (hostConfig?.PortBindings as Record<string, Binding[] | null> | null | undefined) ?? {};
  const spec = (s: string) => invalidParameter(`invalid port specification: ${JSON.stringify(s)}`);
  for (const [key, list] of Object.entries(bindings)) {
    const port = key.split('/')[0]!;
    if (port !== '' && !isGoPort(port)) throw spec(port);
    for (const b of list ?? []) {
      const hostPort = (b.HostPort ?? '').split('/')[0]!;
      const [low = '', high = low, ...more] = hostPort.split('-');
      if (hostPort !== '' && (more.length > 0 || !isGoPort(low) || !isGoPort(high) || Number(high) < Number(low))) throw spec(b.HostPort ?? '');
      if (b.HostIp && b.HostIp !== '0.0.0.0' && isIP(b.HostIp) === 0) throw invalidParameter(`invalid host IP address for a port binding: ${b.HostIp}`);
    }
  }
  exposedPorts(config, hostConfig ?? {});
}

/** Go's strconv.ParseUint(s, 10, 16). */
const isGoPort = (s: string): boolean => /^\d+$/.test(s) && Number(s) <= 65535;
