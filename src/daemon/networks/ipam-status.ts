// GET /networks/{id}'s `Status` (API 1.52): per subnet, the addresses in use or reserved and
// those still free in the range. Counts are uint64s saturating at 2^64-1 (an IPv6 /64 has
// more), written as exact JSON numbers: a rounded double would be refused by Go's decoder.
import { contains, isHostAddress, parseCidr, type Cidr } from './addresses.ts';
import type { EndpointRecord, NetworkRow } from './types.ts';

const MAX_U64 = 2n ** 64n - 1n;
const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;
const u64 = (n: bigint): unknown => rawJson(String(n > MAX_U64 ? MAX_U64 : n < 0n ? 0n : n));

export function ipamStatus(n: NetworkRow, endpoints: readonly EndpointRecord[]): { IPAM: { Subnets: Record<string, unknown> } } {
  const subnets: Record<string, unknown> = {};
  const addresses = endpoints.flatMap((e) => [e.address, e.ipv6Address ?? ''].filter(Boolean));
  for (const pool of n.ipam.Config) {
    const subnet = parseCidr(pool.Subnet);
    if (!subnet) continue;
    const range = pool.IPRange ? parseCidr(pool.IPRange)! : subnet;
    const gateway = pool.Gateway ? [pool.Gateway] : [];
    const taken = new Set([...addresses, ...gateway, ...Object.values(pool.AuxiliaryAddresses ?? {})].filter((ip) => contains(subnet, ip)));
    // The network and broadcast addresses are reserved too (IPv4; IPv6 has only the first).
    const reserved = subnet.family === 4 && subnet.prefix < 31 ? 2n : subnet.family === 6 ? 1n : 0n;
    const inRange = [...taken].filter((ip) => contains(range, ip) && isHostAddress(subnet, ip)).length;
    subnets[pool.Subnet] = { IPsInUse: u64(BigInt(taken.size) + reserved), DynamicIPsAvailable: u64(hostsIn(subnet, range) - BigInt(inRange)) };
  }
  return { IPAM: { Subnets: subnets } };
}

/** Host addresses of `range` (within `subnet`): without the subnet's network and broadcast. */
function hostsIn(subnet: Cidr, range: Cidr): bigint {
  let count = 1n << BigInt(range.bits - range.prefix);
  if (subnet.family === 4 && subnet.prefix >= 31) return count;
  if (range.base === subnet.base) count--;
  const last = (c: Cidr) => c.base + (1n << BigInt(c.bits - c.prefix)) - 1n;
  if (subnet.family === 4 && last(range) === last(subnet)) count--;
  return count;
}
