// The address arithmetic IPAM needs, for IPv4 and IPv6 alike: numbers are bigints, so a /64 is
// no harder than a /24. Pure functions; a malformed input gives undefined, and callers word the
// error as dockerd does.
import { isIP } from 'node:net';

export interface Cidr {
  family: 4 | 6;
  /** The address as written (172.18.0.1 in 172.18.0.1/16). */
  address: bigint;
  /** The network's first address (172.18.0.0). */
  base: bigint;
  prefix: number;
  bits: 32 | 128;
}

export function parseIp(s: string): { family: 4 | 6; value: bigint } | undefined {
  const family = isIP(s);
  if (family === 4) return { family, value: s.split('.').reduce((n, part) => (n << 8n) | BigInt(part), 0n) };
  if (family !== 6 || s.includes('.') || s.includes('%')) return undefined;
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return { family, value: groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

export function formatIp(value: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  const groups = [...Array(8).keys()].map((i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  // The URL parser writes IPv6 in its canonical compressed form (RFC 5952).
  return new URL(`http://[${groups.join(':')}]`).hostname.slice(1, -1);
}

export function parseCidr(s: string): Cidr | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s);
  const ip = m && parseIp(m[1]!);
  if (!ip) return undefined;
  const bits = ip.family === 4 ? 32 : 128;
  const prefix = Number(m[2]);
  if (prefix > bits) return undefined;
  const hostBits = BigInt(bits - prefix);
  return { family: ip.family, address: ip.value, base: (ip.value >> hostBits) << hostBits, prefix, bits };
}

/** "172.18.0.0/16" for 172.18.0.1/16. */
export const networkOf = (c: Cidr): string => `${formatIp(c.base, c.family)}/${c.prefix}`;
const size = (c: Cidr): bigint => 1n << BigInt(c.bits - c.prefix);
const last = (c: Cidr): bigint => c.base + size(c) - 1n;

export function contains(subnet: Cidr, ip: string): boolean {
  const p = parseIp(ip);
  return p !== undefined && p.family === subnet.family && p.value >= subnet.base && p.value <= last(subnet);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.base <= last(b) && b.base <= last(a);
}

/** The gateway docker gives a network: the first address of its range (or subnet) that is
 * not the subnet's own network address. */
export function defaultGateway(subnet: Cidr, range?: Cidr): string {
  const first = (range ?? subnet).base;
  return formatIp(first === subnet.base ? first + 1n : first, subnet.family);
}

/** The lowest address of `range` (else the subnet) that is a host address and not in
 * `reserved` (addresses in use, the gateway, auxiliary addresses). */
export function nextFree(subnet: Cidr, range: Cidr | undefined, reserved: ReadonlySet<string>): string | undefined {
  const from = (range ?? subnet).base;
  const to = last(range ?? subnet);
  // IPv4's broadcast address is no host's (a /31 or /32 has none, RFC 3021).
  const broadcast = subnet.family === 4 && subnet.prefix < 31 ? last(subnet) : -1n;
  for (let v = from; v <= to; v++) {
    if (v === subnet.base && subnet.prefix < (subnet.family === 4 ? 31 : 127)) continue;
    if (v === broadcast) continue;
    const ip = formatIp(v, subnet.family);
    if (!reserved.has(ip)) return ip;
  }
  return undefined;
}

/** Whether `ip` may be given to an endpoint at all: not the subnet's network or broadcast
 * address. */
export function isHostAddress(subnet: Cidr, ip: string): boolean {
  const v = parseIp(ip)!.value;
  if (subnet.family === 4 && subnet.prefix >= 31) return true;
  return v !== subnet.base && (subnet.family === 6 || v !== last(subnet));
}

/** dockerd < 25's MAC for an IPv4 endpoint: 02:42 and the four bytes of the address. */
export function macForIPv4(ip: string): string {
  return ['02', '42', ...ip.split('.').map((b) => Number(b).toString(16).padStart(2, '0'))].join(':');
}

export interface AddressPool {
  base: string;
  size: number;
}

/** docker's default pools: 172.17–31.0.0/16, then /20s of 192.168.0.0/16. */
export const DEFAULT_POOLS: readonly AddressPool[] = [
  ...Array.from({ length: 15 }, (_, i) => ({ base: `172.${17 + i}.0.0/16`, size: 16 })),
  { base: '192.168.0.0/16', size: 20 },
];

/** The first subnet of the pools that overlaps none of `taken` (CIDRs). */
export function pickSubnet(pools: readonly AddressPool[], taken: readonly string[]): string | undefined {
  const busy = taken.map(parseCidr).filter((c): c is Cidr => c !== undefined);
  for (const pool of pools) {
    const p = parseCidr(pool.base);
    if (!p || pool.size < p.prefix || pool.size > p.bits) continue;
    const step = 1n << BigInt(p.bits - pool.size);
    for (let base = p.base; base <= last(p); base += step) {
      const candidate: Cidr = { family: p.family, address: base, base, prefix: pool.size, bits: p.bits };
      if (!busy.some((b) => overlaps(b, candidate))) return networkOf(candidate);
    }
  }
  return undefined;
}

/** The canonical spelling of an address (IPv6 compressed), or undefined when it is not one. */
export function canonicalIp(s: string): string | undefined {
  const p = parseIp(s);
  return p && formatIp(p.value, p.family);
}
