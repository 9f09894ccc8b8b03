// berth network create: docker's flags, its checks of the IPAM flags (each --ip-range,
// --gateway and --aux-address inside exactly one --subnet), and its request body.
import { BlockList, isIP } from 'node:net';
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import type { IPAMConfig, NetworkCreateRequest } from '../../api/types/engine-api.ts';
import { acceptGoBools, pflagErrors } from '../container-opts/go-bools.ts';
import { collectFilter as collect } from '../filter-arg.ts';
import { exactArgs } from './context-common.ts';

interface CreateFlags {
  attachable?: boolean; auxAddress?: string[]; configFrom?: string; configOnly?: boolean; driver: string;
  gateway?: string[]; ingress?: boolean; internal?: boolean; ipRange?: string[]; ipamDriver: string; ipamOpt?: string[];
  ipv4: boolean; ipv6?: boolean; label?: string[]; opt?: string[]; scope?: string; subnet?: string[];
}

export function addNetworkCreateCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('create')
    .usage('[OPTIONS] NETWORK')
    .description('Create a network')
    .argument('[args...]')
    .option('--attachable', 'Enable manual container attachment')
    .option('--aux-address <map>', 'Auxiliary IPv4 or IPv6 addresses used by Network driver (default map[])', collect)
    .option('--config-from <string>', 'The network from which to copy the configuration')
    .option('--config-only', 'Create a configuration only network')
    .option('-d, --driver <string>', 'Driver to manage the Network', 'bridge')
    .option('--gateway <strings>', 'IPv4 or IPv6 Gateway for the master subnet', collectList)
    .option('--ingress', 'Create swarm routing-mesh network')
    .option('--internal', 'Restrict external access to the network')
    .option('--ip-range <strings>', 'Allocate container ip from a sub-range', collectList)
    .option('--ipam-driver <string>', 'IP Address Management Driver', 'default')
    .option('--ipam-opt <map>', 'Set IPAM driver specific options (default map[])', collect)
    .option('--ipv4', 'Enable or disable IPv4 address assignment (default true)', true)
    .option('--ipv6', 'Enable or disable IPv6 address assignment')
    .option('--label <list>', 'Set metadata on a network', collect)
    .option('-o, --opt <map>', 'Set driver specific options (default map[])', collect)
    .option('--scope <string>', "Control the network's scope")
    .option('--subnet <strings>', 'Subnet in CIDR format that represents a network segment', collectList)
    .action(async (args: string[], flags: CreateFlags) => {
      exactArgs(cmd, args, 1);
      const changed = (name: string) => cmd.getOptionValueSource(name) === 'cli';
      const body = createRequest(args[0]!, flags, { ipv4: changed('ipv4'), ipv6: changed('ipv6') });
      const env = getEnv();
      const res = await env.client().networks.create(body);
      env.out.write(`${res.Id}\n`);
    });
  acceptGoBools(cmd);
  pflagErrors(cmd);
}

/** pflag's StringSlice: each occurrence is a comma-separated list. */
function collectList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',')];
}

/** opts.MapOpts / ConvertKVStringsToMap: "k=v", or "k" for an empty value. */
export function toMap(items: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items ?? []) {
    const eq = item.indexOf('=');
    if (eq === -1) out[item] = '';
    else out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

export function createRequest(name: string, f: CreateFlags, changed: { ipv4: boolean; ipv6: boolean }): NetworkCreateRequest {
  const config = consolidateIpam(f.subnet ?? [], f.ipRange ?? [], f.gateway ?? [], toMap(f.auxAddress));
  return {
    Name: name,
    Driver: f.driver,
    Scope: f.scope ?? '',
    // Sent only when given: the daemon's defaults (IPv4 on, IPv6 off) stay the daemon's.
    ...(changed.ipv4 && { EnableIPv4: f.ipv4 }),
    ...(changed.ipv6 && { EnableIPv6: f.ipv6 === true }),
    IPAM: { Driver: f.ipamDriver, Config: config, Options: toMap(f.ipamOpt) },
    Internal: f.internal === true,
    Attachable: f.attachable === true,
    Ingress: f.ingress === true,
    ConfigOnly: f.configOnly === true,
    ...(f.configFrom && { ConfigFrom: { Network: f.configFrom } }),
    Options: toMap(f.opt),
    Labels: toMap(f.label),
  };
}

interface Cidr { text: string; list: BlockList; family: 'ipv4' | 'ipv6'; address: string }

function parseCidr(s: string): Cidr {
  const [address = '', prefix = ''] = s.split('/');
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  if (!isIP(address) || !/^\d+$/.test(prefix) || Number(prefix) > (family === 'ipv6' ? 128 : 32)) throw new Error(`invalid subnet: invalid CIDR address: ${s}`);
  const list = new BlockList();
  list.addSubnet(address, Number(prefix), family);
  return { text: s, list, family, address };
}

/** Whether `ip` (an address, or a CIDR's address) lies in `subnet`; what does not parse lies nowhere. */
function inSubnet(subnet: Cidr, ip: string): boolean {
  const address = ip.split('/')[0]!;
  const family = isIP(address) === 6 ? 'ipv6' : isIP(address) === 4 ? 'ipv4' : undefined;
  return family === subnet.family && subnet.list.check(address, family);
}

/** docker's consolidateIpam: one IPAM config per subnet, each range, gateway and aux address in its subnet. */
export function consolidateIpam(subnets: string[], ranges: string[], gateways: string[], aux: Record<string, string>): IPAMConfig[] {
  if (subnets.length < ranges.length || subnets.length < gateways.length) throw new Error('every ip-range or gateway must have a corresponding subnet');
  // A lone subnet is the daemon's to check; docker parses them only to compare or match.
  if (subnets.length < 2 && ranges.length + gateways.length + Object.keys(aux).length === 0) return subnets.map((s) => ({ Subnet: s }));
  const parsed = subnets.map(parseCidr);
  // Empty fields are left out, as Go's omitempty leaves them.
  const configs: IPAMConfig[] = parsed.map((s) => ({ Subnet: s.text }));
  parsed.forEach((s, i) => {
    for (const o of parsed.slice(0, i)) {
      if (o.family === s.family && (inSubnet(o, s.address) || inSubnet(s, o.address))) throw new Error('multiple overlapping subnet configuration is not supported');
    }
  });
  const place = (what: string, value: string, set: (c: IPAMConfig) => void, taken?: (c: IPAMConfig) => string | undefined) => {
    const i = parsed.findIndex((s) => inSubnet(s, value));
    if (i === -1) throw new Error(`no matching subnet for ${what} ${value}`);
    const prior = taken?.(configs[i]!);
    if (prior) throw new Error(what === 'range' ? `cannot configure multiple ranges (${value}, ${prior}) on the same subnet (${subnets[i]})` : `cannot configure multiple gateways (${value}, ${prior}) for the same subnet (${subnets[i]})`);
    set(configs[i]!);
  };
  for (const r of ranges) place('range', r, (c) => { c.IPRange = r; }, (c) => c.IPRange);
  for (const g of gateways) place('gateway', g, (c) => { c.Gateway = g; }, (c) => c.Gateway);
  for (const [key, a] of Object.entries(aux)) place('aux-address', a, (c) => { c.AuxiliaryAddresses = { ...c.AuxiliaryAddresses, [key]: a }; });
  return configs;
}
