// NetworkSettings of inspect and the list, and the list's Ports, shaped as dockerd 20.10 shapes
// them: the top-level address fields describe the default bridge's endpoint (empty on other
// networks), `Networks` has one entry per network the container is on, with its address only
// while it runs; `Ports` has every exposed port, bound ones with their host side.
import type { ContainerRow } from '../../store/containers.ts';
import type { PublishedPort } from '../../store/published-ports.ts';
import { exposedPorts, parsePortKey } from './port-plan.ts';

export interface EndpointView {
  networkName: string;
  networkId: string;
  isDefaultBridge: boolean;
  endpointId: string;
  gateway: string;
  /** "" while the container does not run. */
  address: string;
  prefix: number;
  mac: string;
  aliases: string[] | null;
  ipamConfig: Record<string, unknown> | null;
  links: string[] | null;
  driverOpts: Record<string, string> | null;
  dnsNames: string[] | null;
  /** Before API 1.44 dockerd lists the short id among a user network's Aliases (from 1.44 it is
   * in DNSNames): the id12 then, else undefined. */
  idAlias?: string;
}

function endpointSettings(e: EndpointView, apiVersion: number): Record<string, unknown> {
  const running = e.address !== '';
  return {
    IPAMConfig: e.ipamConfig, Links: e.links, Aliases: apiVersion < 1.44 && e.idAlias ? [...(e.aliases ?? []), e.idAlias] : e.aliases,
    NetworkID: e.networkId, EndpointID: running ? e.endpointId : '', Gateway: running ? e.gateway : '',
    IPAddress: e.address, IPPrefixLen: running ? e.prefix : 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0,
    MacAddress: running ? e.mac : '',
    DriverOpts: e.driverOpts,
    ...(apiVersion >= 1.44 && { DNSNames: running ? e.dnsNames : null }),
  };
}

/** dockerd 20.10 maps ports only in a sandbox of the container's own on a network: on none or
 * the host's network (where -p is discarded) and in another's namespace, Ports are empty. */
function mapsPorts(c: ContainerRow): boolean {
  const mode = String(c.hostConfig.NetworkMode ?? 'default');
  return mode !== 'none' && mode !== 'host' && !mode.startsWith('container:');
}

/** `Ports` of inspect: {"80/tcp": [{HostIp, HostPort}], "443/tcp": null}; {} when not running. */
export function portsView(c: ContainerRow, published: readonly PublishedPort[], running: boolean): Record<string, { HostIp: string; HostPort: string }[] | null> {
  if (!running || !mapsPorts(c)) return {};
  const out: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
  for (const key of exposedPorts(c.config, c.hostConfig)) {
    const [port, proto] = parsePortKey(key);
    const bound = published.filter((p) => p.containerPort === port && p.proto === proto);
    out[key] = bound.length ? bound.map((p) => ({ HostIp: p.hostIp || '0.0.0.0', HostPort: String(p.hostPort) })) : null;
  }
  return out;
}

/** `mapping`: the container runs on a network, so its ports are mapped (Ports shows them). */
export function inspectNetworkSettings(o: { c: ContainerRow; endpoints: readonly EndpointView[]; published: readonly PublishedPort[]; running: boolean; mapping: boolean; sandboxKey: string; apiVersion: number }): Record<string, unknown> {
  const def = o.endpoints.find((e) => e.isDefaultBridge && e.address !== '');
  const networks: Record<string, unknown> = {};
  for (const e of o.endpoints) networks[e.networkName] = endpointSettings(e, o.apiVersion);
  return {
    Bridge: '', SandboxID: o.sandboxKey ? o.c.id : '', HairpinMode: false, LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0,
    Ports: portsView(o.c, o.published, o.mapping), SandboxKey: o.sandboxKey, SecondaryIPAddresses: null, SecondaryIPv6Addresses: null,
    EndpointID: def?.endpointId ?? '', Gateway: def?.gateway ?? '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0,
    IPAddress: def?.address ?? '', IPPrefixLen: def?.prefix ?? 0, IPv6Gateway: '', MacAddress: def?.mac ?? '',
    Networks: networks,
  };
}

/** The list's NetworkSettings: only `Networks`. */
export function summaryNetworkSettings(endpoints: readonly EndpointView[], apiVersion: number): Record<string, unknown> {
  const networks: Record<string, unknown> = {};
  for (const e of endpoints) networks[e.networkName] = endpointSettings(e, apiVersion);
  return { Networks: networks };
}

/** The list's Ports: published ones with their host side, exposed ones without; none when not running. */
export function summaryPorts(c: ContainerRow, published: readonly PublishedPort[], running: boolean): Record<string, unknown>[] {
  if (!running || !mapsPorts(c)) return [];
  const out: Record<string, unknown>[] = [];
  for (const key of exposedPorts(c.config, c.hostConfig)) {
    const [port, proto] = parsePortKey(key);
    const bound = published.filter((p) => p.containerPort === port && p.proto === proto);
    if (bound.length === 0) out.push({ PrivatePort: port, Type: proto });
    for (const p of bound) out.push({ IP: p.hostIp || '0.0.0.0', PrivatePort: port, PublicPort: p.hostPort, Type: proto });
  }
  return out;
}
