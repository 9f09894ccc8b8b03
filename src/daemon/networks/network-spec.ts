// POST /networks/create's body checked and turned into the row the store keeps: dockerd's
// refusals (with its texts, as 400 where it answers 500 for what is the client's mistake), and
// the subnet picked from the pools when none was asked for.
import { randomBytes } from '../../lib/lazy-crypto.ts';
import { forbidden, invalidParameter } from '../../api/types/errors.ts';
import type { IpamConfigBody, NetworkCreateBody } from '../../api/routers/networks.ts';
import { canonicalIp, contains, defaultGateway, isHostAddress, networkOf, overlaps, parseCidr, pickSubnet, type AddressPool, type Cidr } from './addresses.ts';
import { checkDriverOptions } from './driver-options.ts';
import type { IpamPool, NetworkRow } from './types.ts';

export const PREDEFINED = ['bridge', 'host', 'none'];
export const BRIDGE_NAME_OPTION = 'com.docker.network.bridge.name';

export interface SpecContext {
  existing: readonly NetworkRow[];
  pools: readonly AddressPool[];
  /** CIDRs routed on the host. */
  routes: readonly string[];
}

/** The name alone: given, and none of the predefined networks'. */
export function checkName(name: string): void {
  if (!name) throw invalidParameter(`invalid name: ${name}`);
  if (PREDEFINED.includes(name)) throw forbidden(`operation is not permitted on predefined ${name} network `);
}

export function networkSpec(body: NetworkCreateBody, ctx: SpecContext): NetworkRow {
  const name = body.Name;
  checkName(name);
  const driver = body.Driver || 'bridge';
  if (driver !== 'bridge') throw invalidParameter(`network driver "${driver}" is not supported: berthd creates networks with the bridge driver only`);
  if (body.EnableIPv4 === false) throw invalidParameter('berthd gives every network IPv4: EnableIPv4 cannot be false');
  if (body.Ingress) throw forbidden('Ingress network can only be global scope network');
  if (body.Scope && body.Scope !== 'local') throw invalidParameter(`scope "${body.Scope}" is not supported: berthd's networks are local`);
  if (body.ConfigOnly || body.ConfigFrom?.Network) throw invalidParameter('config-only networks are not supported by berthd');
  const ipamDriver = body.IPAM?.Driver || 'default';
  if (ipamDriver !== 'default') throw invalidParameter(`IPAM driver "${ipamDriver}" is not supported: berthd has the default IPAM driver only`);
  const id = randomBytes(32).toString('hex');
  const options = { ...body.Options };
  checkDriverOptions(options);
  const bridge = options[BRIDGE_NAME_OPTION] ?? `br-${id.slice(0, 12)}`;
  checkBridgeName(bridge, id, ctx.existing);
  const { config, picked } = ipamConfig(body, ctx);
  return {
    id, name, driver, created: new Date().toISOString(), scope: 'local',
    internal: body.Internal === true, attachable: body.Attachable === true, enableIPv6: body.EnableIPv6 === true,
    ipam: { Driver: ipamDriver, Options: body.IPAM?.Options ?? null, Config: config, ...(picked && { Picked: true }) },
    options, labels: { ...body.Labels }, bridge,
  };
}

export function checkBridgeName(bridge: string, id: string, existing: readonly NetworkRow[]): void {
  // IFNAMSIZ is 16 with the NUL; the kernel refuses "/", spaces and ":" in link names.
  if (bridge.length > 15 || !/^[A-Za-z0-9_.-]+$/.test(bridge)) throw invalidParameter(`invalid bridge name "${bridge}": at most 15 letters, digits, "_", "." or "-"`);
  const other = existing.find((n) => n.bridge === bridge);
  if (other) throw forbidden(`cannot create network ${id} (${bridge}): conflicts with network ${other.id} (${bridge}): networks have same bridge name`);
}

/** The subnets of every network (IPv4 and IPv6), as CIDRs. */
export const subnetsOf = (networks: readonly NetworkRow[]): string[] => networks.flatMap((n) => n.ipam.Config.map((c) => c.Subnet));

function ipamConfig(body: NetworkCreateBody, ctx: SpecContext): { config: IpamPool[]; picked: boolean } {
  // A null entry is Go's zero IPAMConfig: one without a Subnet.
  const asked = (body.IPAM?.Config ?? []).map((c) => checkPool(c ?? {}));
  const taken = subnetsOf(ctx.existing).map(parseCidr).filter((c): c is Cidr => c !== undefined);
  for (const [i, pool] of asked.entries()) {
    const cidr = parseCidr(pool.Subnet)!;
    if (taken.some((t) => overlaps(t, cidr)) || asked.slice(0, i).some((p) => overlaps(parseCidr(p.Subnet)!, cidr))) {
      throw forbidden('Pool overlaps with other one on this address space');
    }
  }
  const has = (family: 4 | 6) => asked.some((p) => parseCidr(p.Subnet)!.family === family);
  if (body.EnableIPv6 && !has(6)) throw invalidParameter('could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network');
  if (has(4)) return { config: asked, picked: false };
  const subnet = pickSubnet(ctx.pools, [...subnetsOf(ctx.existing), ...ctx.routes]);
  if (!subnet) throw invalidParameter('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
  const gateway = defaultGateway(parseCidr(subnet)!);
  return { config: [{ Subnet: subnet, Gateway: gateway }, ...asked], picked: true };
}

/** One IPAM.Config entry: a valid subnet, and range, gateway and auxiliary addresses in it. */
function checkPool(c: IpamConfigBody): IpamPool {
  const subnet = c.Subnet ? parseCidr(c.Subnet) : undefined;
  if (!c.Subnet) throw invalidParameter('an IPAM pool needs a Subnet (berthd picks one only when IPAM.Config is empty)');
  if (!subnet) throw invalidParameter(`Invalid subnet ${c.Subnet} : invalid CIDR address: ${c.Subnet}`);
  const pool: IpamPool = { Subnet: networkOf(subnet) };
  if (c.IPRange) {
    const range = parseCidr(c.IPRange);
    if (!range) throw invalidParameter(`Invalid range ${c.IPRange} : invalid CIDR address: ${c.IPRange}`);
    if (range.family !== subnet.family || range.prefix < subnet.prefix || !contains(subnet, networkOf(range).split('/')[0]!)) {
      throw invalidParameter(`invalid ip-range ${c.IPRange}: it must be within subnet ${pool.Subnet}`);
    }
    pool.IPRange = networkOf(range);
  }
  if (c.Gateway) pool.Gateway = checkIn(subnet, c.Gateway, `failed to allocate gateway (${c.Gateway}): Requested address is out of range`);
  // dockerd's IPAM never hands out the network or broadcast address, and a /32 (/128) has no
  // address left for a gateway (the default one would lie outside the subnet).
  if (pool.Gateway && !isHostAddress(subnet, pool.Gateway)) throw invalidParameter(`failed to allocate gateway (${c.Gateway}): Address already in use`);
  if (!pool.Gateway && subnet.prefix === subnet.bits) throw invalidParameter('failed to allocate gateway (): No available addresses on this pool');
  if (c.AuxiliaryAddresses && Object.keys(c.AuxiliaryAddresses).length) {
    // Reserved after the gateway, as dockerd does: one on the gateway or another's is in use.
    const taken = new Set([pool.Gateway ?? defaultGateway(subnet, pool.IPRange ? parseCidr(pool.IPRange) : undefined)]);
    pool.AuxiliaryAddresses = Object.fromEntries(Object.entries(c.AuxiliaryAddresses).map(([k, ip]) => {
      const canonical = checkIn(subnet, ip, `invalid auxiliary address ${k}=${ip}: it must be an address within subnet ${pool.Subnet}`);
      if (taken.has(canonical) || !isHostAddress(subnet, canonical)) throw invalidParameter(`failed to allocate secondary ip address (${k}:${ip}): Address already in use`);
      taken.add(canonical);
      return [k, canonical];
    }));
  }
  return pool;
}

function checkIn(subnet: Cidr, ip: string, message: string): string {
  const canonical = canonicalIp(ip);
  if (!canonical || !contains(subnet, canonical)) throw invalidParameter(message);
  return canonical;
}
