// Address arithmetic for IP address management: pure functions over CIDR strings (the store
// keeps the allocations; this decides what is free). IPv4 fully; IPv6 as far as --ipv6 needs
// (parse, contain, first free of a subnet). Only hostRoutes looks at the machine.
// Written by hand: the npm address libraries (ipaddr.js, ip-address, netmask) parse more
// loosely than Go does (leading zeros, short forms), so the CIDRs berth accepts and prints
// would differ from dockerd's, and none of them allocates; bigint arithmetic is a few lines.
// The routes come from /proc/net/{route,ipv6_route} rather than `ip -j route`: no spawn.
import { endianness } from 'node:os';
import { readFile } from 'node:fs/promises';
import { invalidParameter } from '../api/types/errors.ts';
import { orIfMissing } from '../lib/log-failure.ts';
import { bitsOf, formatIp, maskOf, parseIp, type Ip } from './ip-address.ts';

interface Net {
  v6: boolean;
  /** The network address (host bits zero). */
  net: bigint;
  prefix: number;
  /** The address as written (host bits kept). */
  at: bigint;
}

function net(s: string): Net {
  const slash = s.indexOf('/');
  const ip = slash > 0 ? parseIp(s.slice(0, slash)) : undefined;
  const prefixText = s.slice(slash + 1);
  const prefix = /^(0|[1-9]\d{0,2})$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!ip || !(prefix <= bitsOf(ip))) throw invalidParameter(`invalid CIDR address: ${s}`);
  return { v6: ip.v6, net: ip.n & maskOf(prefix, bitsOf(ip)), prefix, at: ip.n };
}

const lastOf = (n: Net): bigint => n.net | (maskOf(n.prefix, bitsOf(n)) ^ ((1n << BigInt(bitsOf(n))) - 1n));
const fmt = (v6: boolean, n: bigint): string => formatIp({ v6, n });

export function parseCidr(s: string): { address: string; prefix: number; network: string } {
  const n = net(s);
  return { address: fmt(n.v6, n.at), prefix: n.prefix, network: `${fmt(n.v6, n.net)}/${n.prefix}` };
}

function address(s: string): Ip {
  const ip = parseIp(s.includes('/') ? s.slice(0, s.indexOf('/')) : s);
  if (!ip) throw invalidParameter(`invalid IP address: ${s}`);
  return ip;
}

/** `ip` (an address, or an address with a prefix) lies in `subnet`. */
export function contains(subnet: string, ip: string): boolean {
  const n = net(subnet);
  const a = address(ip);
  return a.v6 === n.v6 && a.n >= n.net && a.n <= lastOf(n);
}

export function overlaps(a: string, b: string): boolean {
  const x = net(a);
  const y = net(b);
  return x.v6 === y.v6 && x.net <= lastOf(y) && y.net <= lastOf(x);
}

/** The subnet's first host address: a network's default gateway. */
export function firstHost(subnet: string): string {
  const n = net(subnet);
  return fmt(n.v6, n.net + 1n);
}

/** The first address of `subnet` (within `range` when given) that is no network address, no
 * IPv4 broadcast and not in `used` (bare addresses); undefined when all are taken. As dockerd's
 * default IPAM: the lowest free address, not the one after the last given. */
export function nextFree(o: { subnet: string; range?: string; used: ReadonlySet<string> }): string | undefined {
  const s = net(o.subnet);
  const whole = !s.v6 && s.prefix >= 31; // point-to-point: no network or broadcast address
  let lo = whole ? s.net : s.net + 1n;
  let hi = whole || s.v6 ? lastOf(s) : lastOf(s) - 1n;
  if (o.range) {
    const r = net(o.range);
    if (r.v6 !== s.v6 || r.net < s.net || lastOf(r) > lastOf(s)) throw invalidParameter(`ip range ${o.range} is not within subnet ${o.subnet}`);
    if (r.net > lo) lo = r.net;
    if (lastOf(r) < hi) hi = lastOf(r);
  }
  const used = new Set<bigint>();
  for (const u of o.used) {
    const ip = parseIp(u.includes('/') ? u.slice(0, u.indexOf('/')) : u);
    if (ip && ip.v6 === s.v6) used.add(ip.n);
  }
  for (let n = lo; n <= hi; n++) if (!used.has(n)) return fmt(s.v6, n);
  return undefined;
}

/** dockerd < 25: 02:42 and the four bytes of the IPv4 address (172.17.0.2 → 02:42:ac:11:00:02). */
export function macForIPv4(ip: string): string {
  const a = address(ip);
  if (a.v6) throw invalidParameter(`not an IPv4 address: ${ip}`);
  return ['02', '42', ...[24n, 16n, 8n, 0n].map((s) => ((a.n >> s) & 0xffn).toString(16).padStart(2, '0'))].join(':');
}

/** What dockerd splits new networks from: 172.17–31.0.0/16, then 192.168.0.0/16 as /20s. */
export const DEFAULT_POOLS: { base: string; size: number }[] = [
  ...Array.from({ length: 15 }, (_, i) => ({ base: `172.${17 + i}.0.0/16`, size: 16 })),
  { base: '192.168.0.0/16', size: 20 },
];

/** The first subnet of the pools (in order, each split into /size) that overlaps nothing in
 * `taken` (other networks' subnets and hostRoutes()). */
export function pickSubnet(pools: { base: string; size: number }[], taken: readonly string[]): string | undefined {
  const busy = taken.map(net);
  for (const pool of pools) {
    const base = net(pool.base);
    if (pool.size < base.prefix || pool.size > bitsOf(base)) throw invalidParameter(`invalid pool size ${pool.size} for ${pool.base}`);
    const step = 1n << BigInt(bitsOf(base) - pool.size);
    for (let n = base.net; n <= lastOf(base); n += step) {
      const cand: Net = { v6: base.v6, net: n, prefix: pool.size, at: n };
      if (!busy.some((b) => b.v6 === cand.v6 && b.net <= lastOf(cand) && cand.net <= lastOf(b))) return `${fmt(base.v6, n)}/${pool.size}`;
    }
  }
  return undefined;
}

/** The subnets routed on the host (main table; no default routes, no IPv6 link-local or
 * multicast): a new network must not take one, or the host would lose its way to it. */
export async function hostRoutes(): Promise<string[]> {
  const [v4, v6] = await Promise.all([
    readFile('/proc/net/route', 'utf8').catch(orIfMissing('')),
    readFile('/proc/net/ipv6_route', 'utf8').catch(orIfMissing('')),
  ]);
  return [...new Set([...parseRoutes4(v4), ...parseRoutes6(v6)])];
}

/** /proc/net/route: destination and mask as the host's byte order prints a network-order word. */
export function parseRoutes4(text: string, little = endianness() === 'LE'): string[] {
  const word = (hex: string): bigint => {
    const n = BigInt(`0x${hex}`);
    return little ? ((n & 0xffn) << 24n) | ((n & 0xff00n) << 8n) | ((n >> 8n) & 0xff00n) | (n >> 24n) : n;
  };
  const out: string[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8 || !/^[0-9A-Fa-f]{8}$/.test(f[1]!) || !/^[0-9A-Fa-f]{8}$/.test(f[7]!)) continue;
    const prefix = word(f[7]!).toString(2).replace(/0+$/, '').length;
    if (prefix > 0) out.push(`${fmt(false, word(f[1]!) & maskOf(prefix, 32))}/${prefix}`);
  }
  return out;
}

/** /proc/net/ipv6_route: 32 hex digits of destination, then its prefix length in hex. */
export function parseRoutes6(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 2 || !/^[0-9a-f]{32}$/.test(f[0]!)) continue;
    const prefix = parseInt(f[1]!, 16);
    const dst = BigInt(`0x${f[0]}`);
    if (prefix === 0 || dst >> 118n === 0x3fan || dst >> 120n === 0xffn) continue; // default, fe80::/10, ff00::/8
    out.push(`${fmt(true, dst)}/${prefix}`);
  }
  return out;
}
