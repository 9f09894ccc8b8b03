// --network (plain or "name=n,alias=a,ip=...") and the flags that configure the first network
// (--network-alias, --ip, --ip6, --mac-address, --link-local-ip, --link), as NetworkingConfig.EndpointsConfig.
import type { ContainerFlags } from './container-flags.ts';

export interface NetworkAttachment {
  Target: string;
  Aliases: string[];
  DriverOpts?: Record<string, string>;
  Links: string[];
  IPv4Address: string;
  IPv6Address: string;
  LinkLocalIPs: string[];
  MacAddress: string;
  GwPriority: number;
}

/** opts.NetworkOpt.Set: the long syntax is recognised by a `key=value` anywhere in it. */
export function parseNetworkOpt(value: string): NetworkAttachment {
  const opt: NetworkAttachment = { Target: value, Aliases: [], Links: [], IPv4Address: '', IPv6Address: '', LinkLocalIPs: [], MacAddress: '', GwPriority: 0 };
  if (!/\w+=\w+(,\w+=\w+)*/.test(value)) return opt;
  opt.Target = '';
  for (const field of value.split(',')) {
    const eq = field.indexOf('=');
    const lower = field.toLowerCase();
    if (eq <= 0) throw new Error(`invalid field ${field}`);
    const key = lower.slice(0, eq).trim();
    const val = lower.slice(eq + 1).trim();
    if (key === 'name') opt.Target = val;
    else if (key === 'alias') opt.Aliases.push(val);
    else if (key === 'ip') opt.IPv4Address = val;
    else if (key === 'ip6') opt.IPv6Address = val;
    else if (key === 'mac-address') opt.MacAddress = val;
    else if (key === 'link-local-ip') opt.LinkLocalIPs.push(val);
    else if (key === 'driver-opt') {
      const deq = val.indexOf('=');
      if (deq <= 0) throw new Error('invalid key value pair format in driver options');
      (opt.DriverOpts ??= {})[val.slice(0, deq).trim()] = val.slice(deq + 1).trim();
    } else if (key === 'gw-priority') {
      if (!/^[+-]?\d+$/.test(val)) throw new Error(`invalid gw-priority (${val}): invalid syntax`);
      opt.GwPriority = Number(val);
    } else throw new Error(`invalid field key ${key}`);
  }
  if (opt.Target === '') throw new Error('network name/id is not specified');
  return opt;
}

const isUserDefined = (n: string) => !['default', 'bridge', 'host', 'none'].includes(n) && !n.startsWith('container:');

/** applyContainerOptions: the single-network flags go to the first network. */
function applyContainerOptions(n: NetworkAttachment, f: ContainerFlags): void {
  const conflict = (what: string) => new Error(`conflicting options: cannot specify both ${what}`);
  if (n.Aliases.length && f.networkAlias?.length) throw conflict('--network-alias and per-network alias');
  if (n.IPv4Address && f.ip) throw conflict('--ip and per-network IPv4 address');
  if (n.IPv6Address && f.ip6) throw conflict('--ip6 and per-network IPv6 address');
  if (n.MacAddress && f.macAddress) throw conflict('--mac-address and per-network MAC address');
  if (n.LinkLocalIPs.length && f.linkLocalIp?.length) throw conflict('--link-local-ip and per-network link-local IP addresses');
  if (f.networkAlias?.length) n.Aliases = [...f.networkAlias];
  if (isUserDefined(n.Target) && f.link?.length) n.Links = [...f.link];
  if (f.ip) n.IPv4Address = f.ip;
  if (f.ip6) n.IPv6Address = f.ip6;
  if (f.macAddress) n.MacAddress = f.macAddress;
  if (f.linkLocalIp?.length) n.LinkLocalIPs = [...f.linkLocalIp];
}

/** parseNetworkAttachmentOpt: one endpoint's settings, every field present as in docker's JSON. */
function endpointSettings(n: NetworkAttachment): Record<string, unknown> {
  if (n.Target.trim() === '') throw new Error('no name set for network');
  if (!isUserDefined(n.Target)) {
    if (n.Aliases.length) throw new Error('network-scoped aliases are only supported for user-defined networks');
    if (n.Links.length) throw new Error('links are only supported for user-defined networks');
  }
  const ipam = n.IPv4Address || n.IPv6Address || n.LinkLocalIPs.length
    ? { ...(n.IPv4Address && { IPv4Address: n.IPv4Address }), ...(n.IPv6Address && { IPv6Address: n.IPv6Address }), ...(n.LinkLocalIPs.length && { LinkLocalIPs: n.LinkLocalIPs }) }
    : null;
  return {
    IPAMConfig: ipam,
    Links: n.Links.length ? n.Links : null,
    Aliases: n.Aliases.length ? n.Aliases : null,
    MacAddress: n.MacAddress,
    DriverOpts: n.DriverOpts ?? null,
    GwPriority: n.GwPriority,
    NetworkID: '', EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0,
    DNSNames: null,
  };
}

const isEmptyEndpoint = (ep: Record<string, unknown>) =>
  ep.IPAMConfig === null && ep.Links === null && ep.Aliases === null && ep.MacAddress === '' && ep.DriverOpts === null && ep.GwPriority === 0;

export function networkingConfig(f: ContainerFlags): { EndpointsConfig: Record<string, unknown> } {
  const networks = f.network ?? [];
  const endpoints: Record<string, unknown> = {};
  if (networks.length === 0) {
    const n = parseNetworkOpt('default');
    applyContainerOptions(n, f);
    endpoints.default = endpointSettings(n);
  }
  let userDefined = false;
  let builtin = false;
  networks.forEach((original, i) => {
    const n = { ...original, Aliases: [...original.Aliases], Links: [...original.Links] };
    if (isUserDefined(n.Target)) userDefined = true;
    else builtin = true;
    if (i === 0) applyContainerOptions(n, f);
    const ep = endpointSettings(n);
    if (n.MacAddress && !/^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i.test(n.MacAddress)) throw new Error(`${n.MacAddress} is not a valid mac address`);
    if (n.Target in endpoints) throw new Error(`network ${JSON.stringify(n.Target)} is specified multiple times`);
    // One network without options: no endpoint settings (the daemon makes them).
    if (i === 0 && networks.length === 1 && isEmptyEndpoint(ep)) return;
    endpoints[n.Target] = ep;
  });
  if (userDefined && builtin) throw new Error('conflicting options: cannot attach both user-defined and non-user-defined network-modes');
  return { EndpointsConfig: endpoints };
}
