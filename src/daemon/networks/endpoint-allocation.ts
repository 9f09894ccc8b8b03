// IPAM: an endpoint's addresses chosen and recorded in one store transaction. The endpoints
// table's UNIQUE (network_id, address) is the last word: even an allocation that a crash cut
// in two cannot hand one address out twice. Freed addresses are taken again lowest first.
import { randomBytes } from '../../lib/lazy-crypto.ts';
import { conflict, forbidden, invalidParameter, unavailable } from '../../api/types/errors.ts';
import type { Database } from '../../store/database.ts';
import type { EndpointsTable } from '../../store/networks.ts';
import { canonicalIp, contains, defaultGateway, formatIp, isHostAddress, macForIPv4, nextFree, parseCidr, parseIp, type Cidr } from './addresses.ts';
import type { EndpointConfig, EndpointRecord, NetworkRow } from './types.ts';
import { boolOption, DEFAULT_BRIDGE } from './driver-options.ts';

/** A network's pool of one family: its subnet, range and gateway. */
export interface Pool { subnet: Cidr; range?: Cidr; gateway: string; aux: string[] }

export function poolOf(n: NetworkRow, family: 4 | 6): Pool | undefined {
  for (const c of n.ipam.Config) {
    const subnet = parseCidr(c.Subnet);
    if (!subnet || subnet.family !== family) continue;
    const range = c.IPRange ? parseCidr(c.IPRange) : undefined;
    return { subnet, ...(range && { range }), gateway: c.Gateway ?? defaultGateway(subnet, range), aux: Object.values(c.AuxiliaryAddresses ?? {}) };
  }
  return undefined;
}

export interface FamilyAddressing { subnet: string; prefix: number; gateway: string }

/** What the kernel side and inspect need of a network's addresses: per family, the subnet, its
 * prefix length (an endpoint's address is `${address}/${prefix}`) and the gateway. */
export function addressingOf(n: NetworkRow): { ipv4?: FamilyAddressing; ipv6?: FamilyAddressing } {
  const one = (family: 4 | 6): FamilyAddressing | undefined => {
    const p = poolOf(n, family);
    return p && { subnet: `${formatIp(p.subnet.base, family)}/${p.subnet.prefix}`, prefix: p.subnet.prefix, gateway: p.gateway };
  };
  const [ipv4, ipv6] = [one(4), one(6)];
  return { ...(ipv4 && { ipv4 }), ...(ipv6 && { ipv6 }) };
}

export interface Want {
  ipv4?: string;
  ipv6?: string;
  mac?: string;
  aliases?: string[];
  /** EndpointSettings as asked, kept for inspect. */
  config?: EndpointConfig;
}

export interface AllocationDeps {
  db: Database;
  endpoints: EndpointsTable;
  netnsName: (containerId: string) => string;
}

export function allocateEndpoint(deps: AllocationDeps, c: { id: string; name: string }, n: NetworkRow, want: Want): EndpointRecord {
  return deps.db.transaction(() => {
    if (deps.endpoints.get(c.id, n.id)) throw forbidden(`endpoint with name ${c.name.replace(/^\//, '')} already exists in network ${n.name}`);
    const mine = deps.endpoints.ofContainer(c.id);
    const plumbed = n.driver === 'bridge';
    const used = plumbed ? deps.endpoints.addressesIn(n.id) : new Set<string>();
    const address = plumbed ? pick(n, 4, want.ipv4, used) : '';
    // Unused on a network without IPv6 (as dockerd), but never taken when it is no address.
    if (want.ipv6 && parseIp(want.ipv6)?.family !== 6) throw invalidParameter(`Invalid IPv6 address: ${want.ipv6}`);
    const ipv6 = plumbed && n.enableIPv6 ? pick(n, 6, want.ipv6, used) : '';
    const record: EndpointRecord = {
      containerId: c.id, network: n.id,
      ifIndex: plumbed ? firstFreeIndex(mine) : 0,
      address, mac: plumbed ? macOf(want.mac, address) : '',
      ...(ipv6 && { ipv6Address: ipv6 }),
      aliases: want.aliases ?? [],
      hostIf: plumbed ? `veth${randomBytes(4).toString('hex').slice(0, 7)}` : '',
      netns: plumbed ? deps.netnsName(c.id) : '',
      endpointId: randomBytes(32).toString('hex'),
      ...(want.config?.Links?.length && { links: want.config.Links }),
      ...(want.config?.IPAMConfig && { ipamConfig: want.config.IPAMConfig }),
      ...(want.config?.DriverOpts && { driverOpts: want.config.DriverOpts }),
    };
    try {
      deps.endpoints.insert({ record, config: want.config ?? {} });
    } catch (err) {
      // Only another writer of this store can get here between the check and the insert.
      if (/UNIQUE constraint/.test((err as Error).message)) throw conflict('Address already in use');
      throw err;
    }
    return record;
  });
}

function pick(n: NetworkRow, family: 4 | 6, asked: string | undefined, used: ReadonlySet<string>): string {
  const pool = poolOf(n, family);
  const kind = family === 4 ? 'IPv4' : 'IPv6';
  if (!pool) {
    if (asked) throw invalidParameter(`user specified ${kind} address ${asked} but network ${n.name} has no ${kind} subnet`);
    return '';
  }
  const reserved = new Set([...used, pool.gateway, ...pool.aux]);
  if (asked) return askedAddress(n, pool, kind, asked, reserved);
  const free = nextFree(pool.subnet, pool.range, reserved);
  if (!free) throw unavailable(`no available ${kind} addresses on this network's address pools: ${n.name} (${n.id})`);
  return free;
}

function askedAddress(n: NetworkRow, pool: Pool, kind: string, asked: string, reserved: ReadonlySet<string>): string {
  const ip = canonicalIp(asked);
  if (!ip) throw invalidParameter(`Invalid ${kind} address: ${asked}`);
  // dockerd's texts. The default bridge's subnet is the daemon's, not the user's to hand out.
  if (n.name === 'bridge' && boolOption(n.options, DEFAULT_BRIDGE, false)) throw invalidParameter('user specified IP address is supported on user defined networks only');
  if (n.ipam.Picked && kind === 'IPv4') throw invalidParameter('user specified IP address is supported only when connecting to networks with user configured subnets');
  if (!contains(pool.subnet, ip)) throw invalidParameter(`Invalid address ${ip}: It does not belong to any of this network's subnets`);
  if (reserved.has(ip) || !isHostAddress(pool.subnet, ip)) throw conflict('Address already in use');
  return ip;
}

function macOf(asked: string | undefined, address: string): string {
  if (asked) {
    if (!/^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/.test(asked)) throw invalidParameter(`invalid MAC address: ${asked}`);
    // The kernel refuses these for a veth (a 500 from `ip link add` otherwise).
    if ((parseInt(asked.slice(0, 2), 16) & 1) === 1) throw invalidParameter(`invalid MAC address: ${asked}: a multicast address cannot be an interface's`);
    if (/^(00[:-]){5}00$/.test(asked)) throw invalidParameter(`invalid MAC address: ${asked}: the all-zero address cannot be an interface's`);
    return asked.toLowerCase().replaceAll('-', ':');
  }
  return address ? macForIPv4(address) : '';
}

/** eth0, eth1...: the lowest index none of the container's endpoints has. */
function firstFreeIndex(mine: readonly EndpointRecord[]): number {
  const taken = new Set(mine.filter((e) => e.hostIf !== '').map((e) => e.ifIndex));
  let i = 0;
  while (taken.has(i)) i++;
  return i;
}
