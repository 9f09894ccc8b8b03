// The text of berth's nftables ruleset, as batches of one-line commands (pure: firewall.ts
// applies them, each batch in one transaction; nft-session.ts joins a batch into one line).
// One table of family inet holds IPv4 and IPv6 alike:
//
//   set bridges        every berth bridge
//   map fwd_in/fwd_out ifname : jump fin_<bridge> / fout_<bridge>   (forward filtering)
//   map post_src(6)    subnet : jump post_<bridge>  (masquerade, hairpin; postrouting has no iif)
//   chain prerouting   nat, dstnat   fib daddr type local jump published
//   chain output       nat, -100     fib daddr type local jump published  (the host's own 127.0.0.1
//                                    and other addresses: what dockerd's userland proxy served)
//   chain published    jump own_<owner> for each owner (a container)
//   chain own_<owner>  its DNAT rules; publish replaces them in one batch
//   chain postrouting  nat, srcnat   from 127.0.0.0/8 out a bridge: masquerade; saddr vmap @post_src
//   chain forward      filter        iifname vmap @fwd_in; oifname vmap @fwd_out
//   chain guard        filter, prerouting: new connections from a bridge to 127.0.0.0/8 dropped
//                      (route_localnet would otherwise let a container reach the host's
//                      loopback services: CVE-2020-8558)
//   chain fin_<bridge> internal: out only to its bridge; to other berth bridges only DNATed
//                      (isolation, as DOCKER-ISOLATION); icc=false: routed back into it only DNATed
//   chain fout_<bridge> internal: in only from its bridge
//   chain post_<bridge> DNATed back into its bridge: masquerade (hairpin); out elsewhere:
//                      masquerade (when masquerade and not internal)
// and, for icc=false networks, table bridge <same name> (iccBatch below).
//
// Per-network chains live in verdict maps keyed by the bridge's name or subnet, so adding or
// removing a network touches elements and its own chains, never a rule handle. Names go unquoted into nft's
// grammar (1.0.6 refuses quoted chain names): names are checked against NAME first.
import { isIP } from 'node:net';
import { invalidParameter } from '../api/types/errors.ts';

export interface PortMap { proto: 'tcp' | 'udp' | 'sctp'; hostIp: string /* "" = all */; hostPort: number; containerIp: string; containerPort: number; bridge: string }
export interface NetworkRules { bridge: string; subnet: string; ipv6Subnet?: string; internal: boolean; masquerade: boolean; icc: boolean }

const NAME = /^[A-Za-z0-9_.-]{1,200}$/;
const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;
const BASE_CHAINS = ['prerouting', 'output', 'postrouting', 'forward', 'guard'];

export function checkName(what: string, s: string, re = NAME): string {
  if (!re.test(s)) throw invalidParameter(`invalid ${what} for the firewall: ${JSON.stringify(s)}`);
  return s;
}

/** Creates what is missing and rewrites the base chains' fixed rules; keeps owners and networks. */
export function baseBatch(t: string, owners: readonly string[]): string[] {
  const T = `inet ${checkName('table', t)}`;
  return [
    `add table ${T}`,
    `add set ${T} bridges { type ifname; }`,
    ...['fwd_in', 'fwd_out'].map((m) => `add map ${T} ${m} { type ifname : verdict; }`),
    `add map ${T} post_src { type ipv4_addr : verdict; flags interval; }`,
    `add map ${T} post_src6 { type ipv6_addr : verdict; flags interval; }`,
    `add chain ${T} published`,
    `add chain ${T} prerouting { type nat hook prerouting priority dstnat; policy accept; }`,
    `add chain ${T} output { type nat hook output priority -100; policy accept; }`,
    `add chain ${T} postrouting { type nat hook postrouting priority srcnat; policy accept; }`,
    `add chain ${T} forward { type filter hook forward priority filter; policy accept; }`,
    `add chain ${T} guard { type filter hook prerouting priority filter; policy accept; }`,
    ...BASE_CHAINS.map((c) => `flush chain ${T} ${c}`),
    `add rule ${T} prerouting fib daddr type local jump published`,
    `add rule ${T} output fib daddr type local jump published`,
    `add rule ${T} postrouting oifname @bridges ip saddr 127.0.0.0/8 masquerade`,
    `add rule ${T} postrouting ip saddr vmap @post_src`,
    `add rule ${T} postrouting ip6 saddr vmap @post_src6`,
    `add rule ${T} forward iifname vmap @fwd_in`,
    `add rule ${T} forward oifname vmap @fwd_out`,
    `add rule ${T} guard iifname @bridges ip daddr 127.0.0.0/8 ct state != { established, related } drop`,
    ...publishedBatch(t, owners),
  ];
}

/** The published chain rebuilt with one jump per owner (a flush and re-add: atomic in a batch). */
export function publishedBatch(t: string, owners: readonly string[]): string[] {
  return [`flush chain inet ${t} published`, ...owners.map((o) => `add rule inet ${t} published jump own_${checkName('owner', o)}`)];
}

const family = (cidrOrIp: string): 'ip' | 'ip6' => (cidrOrIp.includes(':') ? 'ip6' : 'ip');

/** A subnet goes into nft's grammar as it is: it must be one. */
function checkSubnet(s: string): string {
  const [addr = '', len = '', ...rest] = s.split('/');
  const max = isIP(addr) === 4 ? 32 : isIP(addr) === 6 ? 128 : -1;
  if (rest.length || !/^\d{1,3}$/.test(len) || Number(len) > max) throw invalidParameter(`invalid subnet for the firewall: ${JSON.stringify(s)}`);
  return s;
}

/** A network's chains and map elements; re-adding one replaces its rules. */
export function networkBatch(t: string, n: NetworkRules): string[] {
  const T = `inet ${t}`;
  const b = checkName('bridge name', n.bridge, IFNAME);
  const fin: string[] = [];
  const fout: string[] = [];
  // internal: nothing in from outside the bridge, nothing out to it.
  if (n.internal) fin.push(`oifname != "${b}" drop`), fout.push(`iifname != "${b}" drop`);
  // Isolation between berth bridges (dockerd's DOCKER-ISOLATION), except published ports: a
  // connection DNATed to a port is as reachable from another network as from anywhere.
  fin.push(`oifname @bridges oifname != "${b}" ct status & dnat == 0 drop`);
  // (`ct status != dnat` would compare the whole bitmask in nft 1.0.6: the bit is tested.)
  // icc=false for routed traffic; switched traffic never reaches inet hooks: bridge port
  // isolation (set on the veth) keeps containers apart there.
  if (!n.icc) fin.push(`oifname "${b}" ct status & dnat == 0 drop`);
  // post_<bridge> sees packets from the network's subnets. Hairpin: a container reaching a
  // published port of its own network through a host address; the reply must come back
  // through the host to be un-DNATed, not straight over the bridge.
  const post = [`oifname "${b}" ct status dnat masquerade`];
  if (n.masquerade && !n.internal) post.push(`oifname != "${b}" masquerade`);
  const subnets = [n.subnet, ...(n.ipv6Subnet ? [n.ipv6Subnet] : [])].map(checkSubnet);
  const chain = (name: string, rules: string[]) => [
    `add chain ${T} ${name}_${b}`, `flush chain ${T} ${name}_${b}`, ...rules.map((r) => `add rule ${T} ${name}_${b} ${r}`),
  ];
  return [
    ...chain('fin', fin), ...chain('fout', fout), ...chain('post', post),
    `add element ${T} bridges { "${b}" }`,
    `add element ${T} fwd_in { "${b}" : jump fin_${b} }`,
    `add element ${T} fwd_out { "${b}" : jump fout_${b} }`,
    ...subnets.map((s) => `add element ${T} ${postMap(s)} { ${s} : jump post_${b} }`),
  ];
}

/** icc=false: frames switched between two ports of a bridge never reach inet hooks (without
 *  br_netfilter, which would send every bridge of the host through iptables), and this kernel
 *  has no `meta ibrname` in the bridge family. A bridge-family table of the same name drops
 *  bridged IP between two addresses of icc=false subnets: a bridged frame stays within one
 *  bridge, and each subnet has one bridge. Traffic to the gateway is not bridged (input hook). */
export function iccBatch(t: string, subnets: readonly string[]): string[] {
  subnets.forEach(checkSubnet);
  const T = `bridge ${t}`;
  return [
    `add table ${T}`,
    `add set ${T} noicc { type ipv4_addr; flags interval; }`,
    `add set ${T} noicc6 { type ipv6_addr; flags interval; }`,
    `add chain ${T} forward { type filter hook forward priority filter; policy accept; }`,
    `flush chain ${T} forward`,
    `add rule ${T} forward ip saddr @noicc ip daddr @noicc drop`,
    `add rule ${T} forward ip6 saddr @noicc6 ip6 daddr @noicc6 drop`,
    ...subnets.map((s) => `add element ${T} ${family(s) === 'ip' ? 'noicc' : 'noicc6'} { ${s} }`),
  ];
}

/** The icc=false subnets among `subnets` (read from the bridge table's sets) taken out. */
export function iccRemoveBatch(t: string, subnets: readonly string[]): string[] {
  return subnets.map((s) => `delete element bridge ${t} ${family(s) === 'ip' ? 'noicc' : 'noicc6'} { ${s} }`);
}

const postMap = (subnet: string) => (family(subnet) === 'ip' ? 'post_src' : 'post_src6');

/** Removes a network's elements and chains (`subnets`: its keys in post_src, as read from the
 *  kernel); each `add` first makes the batch idempotent. */
export function removeNetworkBatch(t: string, bridge: string, subnets: readonly string[]): string[] {
  const T = `inet ${t}`;
  const b = checkName('bridge name', bridge, IFNAME);
  const out = [`add element ${T} bridges { "${b}" }`, `delete element ${T} bridges { "${b}" }`];
  for (const [map, chain] of [['fwd_in', 'fin'], ['fwd_out', 'fout']]) {
    out.push(`add chain ${T} ${chain}_${b}`, `add element ${T} ${map} { "${b}" : jump ${chain}_${b} }`);
    out.push(`delete element ${T} ${map} { "${b}" }`, `delete chain ${T} ${chain}_${b}`);
  }
  out.push(`add chain ${T} post_${b}`);
  for (const s of subnets) out.push(`delete element ${T} ${postMap(s)} { ${s} }`);
  out.push(`delete chain ${T} post_${b}`);
  return out;
}

/** An owner's chain, emptied and refilled with its DNAT rules. */
export function ownerBatch(t: string, owner: string, maps: readonly PortMap[]): string[] {
  const c = `inet ${t} own_${checkName('owner', owner)}`;
  return [`add chain ${c}`, `flush chain ${c}`, ...maps.map((m) => `add rule ${c} ${dnatRule(m)}`)];
}

const ANY = new Set(['', '0.0.0.0', '::']);

export function dnatRule(m: PortMap): string {
  const v = isIP(m.containerIp);
  if (v === 0) throw invalidParameter(`invalid container address for a published port: ${JSON.stringify(m.containerIp)}`);
  for (const p of [m.hostPort, m.containerPort]) {
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw invalidParameter(`invalid port for a published port: ${p}`);
  }
  if (!['tcp', 'udp', 'sctp'].includes(m.proto)) throw invalidParameter(`invalid protocol for a published port: ${m.proto}`);
  const fam = v === 4 ? 'ip' : 'ip6';
  let match = `${fam} daddr ${m.hostIp}`;
  if (ANY.has(m.hostIp)) match = `meta nfproto ${v === 4 ? 'ipv4' : 'ipv6'}`;
  // An address of the other family cannot be DNATed to this container (that needs a proxy),
  // and ::1 cannot leave the host (IPv6 has no route_localnet).
  if (m.hostIp !== '' && isIP(m.hostIp) !== v) {
    throw invalidParameter(`cannot publish ${m.hostIp}:${m.hostPort} to the IPv${v} container address ${m.containerIp}`);
  }
  if (m.hostIp === '::1') throw invalidParameter('cannot publish on ::1: IPv6 loopback traffic cannot be forwarded to a container');
  const to = v === 4 ? m.containerIp : `[${m.containerIp}]`;
  return `${match} ${m.proto} dport ${m.hostPort} dnat ${fam} to ${to}:${m.containerPort}`;
}
