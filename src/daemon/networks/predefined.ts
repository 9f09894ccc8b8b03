// The networks every daemon has: `bridge` (unless --bridge none), `host` and `none` (driver
// "null", as dockerd names it). Made at the first start and kept in the store, so their ids
// stay the same across restarts; the default bridge's subnet is kept too, unless --bip says
// otherwise, because containers and their hosts files refer to it.
import { randomBytes } from '../../lib/lazy-crypto.ts';
import type { NetworksTable, EndpointsTable } from '../../store/networks.ts';
import type { Logger } from '../../lib/logger.ts';
import { defaultGateway, formatIp, networkOf, parseCidr, pickSubnet, type AddressPool } from './addresses.ts';
import { subnetsOf } from './network-spec.ts';
import { isoTime } from '../../lib/utc-time.ts';
import type { IpamPool, NetworkRow } from './types.ts';

export interface BridgeSettings {
  /** The Linux bridge's name, or "none" for no default bridge. */
  bridge: string;
  bip: string | undefined;
  fixedCidr: string | undefined;
  pools: readonly AddressPool[];
  mtu: number;
  icc: boolean;
  ipMasq: boolean;
}

export function ensurePredefined(t: { networks: NetworksTable; endpoints: EndpointsTable }, s: BridgeSettings, routes: readonly { dst: string; dev: string }[], logger: Logger): void {
  for (const [name, driver] of [['none', 'null'], ['host', 'host']] as const) {
    if (!t.networks.byName(name)) t.networks.insert(row(name, driver, { Driver: 'default', Options: null, Config: [] }, {}, ''));
  }
  const existing = t.networks.byName('bridge');
  if (s.bridge === 'none') {
    if (existing && t.endpoints.countIn(existing.id) === 0) t.networks.delete(existing.id);
    else if (existing) logger.warn(`--bridge none: the network "bridge" keeps ${t.endpoints.countIn(existing.id)} endpoint(s), so it stays until they are gone`);
    return;
  }
  const others = t.networks.all().filter((n) => n.name !== 'bridge');
  // A route through our own bridge (left from an earlier run) does not make its subnet taken.
  const foreign = routes.filter((r) => r.dev !== s.bridge).map((r) => r.dst);
  const pool = bridgePool(s, existing, [...subnetsOf(others), ...foreign]);
  const ipam = { Driver: 'default', Options: null, Config: [pool] };
  const options = bridgeOptions(s);
  if (!existing) {
    t.networks.insert(row('bridge', 'bridge', ipam, options, s.bridge));
  } else if (JSON.stringify([existing.ipam, existing.options, existing.bridge]) !== JSON.stringify([ipam, options, s.bridge])) {
    if (t.endpoints.countIn(existing.id) > 0) {
      logger.warn(`the default bridge keeps ${existing.ipam.Config[0]?.Subnet} on ${existing.bridge} while containers are attached to it; the new settings apply once they are gone`);
      return;
    }
    t.networks.setBridge(existing.id, { ipam, options, bridge: s.bridge });
  }
}

function bridgePool(s: BridgeSettings, existing: NetworkRow | undefined, taken: string[]): IpamPool {
  const range = s.fixedCidr ? { IPRange: networkOf(parseCidr(s.fixedCidr)!) } : {};
  if (s.bip) {
    const bip = parseCidr(s.bip)!;
    return { Subnet: networkOf(bip), ...range, Gateway: formatIp(bip.address, 4) };
  }
  const kept = existing?.ipam.Config[0];
  if (kept?.Subnet && kept.Gateway) return { Subnet: kept.Subnet, ...range, Gateway: kept.Gateway };
  const subnet = pickSubnet(s.pools, taken);
  if (!subnet) throw new Error('could not find an available, non-overlapping IPv4 address pool for the default bridge: set --bip');
  return { Subnet: subnet, ...range, Gateway: defaultGateway(parseCidr(subnet)!) };
}

function bridgeOptions(s: BridgeSettings): Record<string, string> {
  return {
    'com.docker.network.bridge.default_bridge': 'true',
    'com.docker.network.bridge.enable_icc': String(s.icc),
    'com.docker.network.bridge.enable_ip_masquerade': String(s.ipMasq),
    'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
    'com.docker.network.bridge.name': s.bridge,
    'com.docker.network.driver.mtu': String(s.mtu),
  };
}

function row(name: string, driver: string, ipam: NetworkRow['ipam'], options: Record<string, string>, bridge: string): NetworkRow {
  return {
    id: randomBytes(32).toString('hex'), name, driver, created: isoTime(), scope: 'local',
    internal: false, attachable: false, enableIPv6: false, ipam, options, labels: {}, bridge,
  };
}
