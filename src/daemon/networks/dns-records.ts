// What berth-dns answers (network/dns/): for each user-defined bridge network, on its gateway
// address, the names of the containers plumbed into it now — name, aliases, short id — and the
// upstream servers for every other name: the daemon's `dns` setting, else the host's resolvers,
// loopback ones included (berth-dns runs in the host's namespace, so 127.0.0.53 works there).
// A container with --dns servers of its own has them as its entry's upstream: berth-dns forwards
// its queries there (its resolv.conf names the gateway, as dockerd's names 127.0.0.11).
// A container counts from the moment its namespace exists (its start's set-up) until its
// tearDown removes it, so names are there before the process runs and gone after it ends.
import { existsSync } from 'node:fs';
import type { DnsEntry, DnsRecords } from '../../network/dns/records.ts';
import type { EndpointRecord } from './types.ts';
import { netnsPath } from '../../network/netns.ts';
import type { NetworkService } from './network-service.ts';

export function dnsRecords(svc: NetworkService, o: { dns: readonly string[]; hostResolvConf: string }): DnsRecords {
  const networks: DnsRecords['networks'] = [];
  for (const n of svc.all()) {
    if (n.driver !== 'bridge' || n.name === 'bridge') continue;
    const gateway = svc.addressing(n).ipv4?.gateway;
    if (!gateway) continue;
    const live = svc.endpointsIn(n.id).filter((ep) => ep.address && existsSync(netnsPath(ep.netns)));
    const byName = new Map(live.map((ep) => [svc.containerName(ep.containerId), ep] as const));
    const entries = live.map((ep) => {
      const name = svc.containerName(ep.containerId);
      // dockerd's DNSNames, in its order: name, aliases, short id, hostname.
      const hostname = svc.containerHostname(ep.containerId);
      const names = [...(name ? [name] : []), ...ep.aliases, ep.containerId.slice(0, 12), ...(hostname ? [hostname] : [])];
      const own = svc.containerDns(ep.containerId);
      const links = linkEntries(svc.endpointConfig(ep.containerId, n.id)?.Links ?? [], byName);
      return { names: [...new Set(names)], ipv4: ep.address, ...(ep.ipv6Address && { ipv6: ep.ipv6Address }), ...(own.length && { upstream: own }), ...(links.length && { links }) };
    });
    networks.push({ name: n.name, listen: gateway, entries, ...(n.internal && { internal: true }) });
  }
  return { upstream: o.dns.length ? [...o.dns] : nameservers(o.hostResolvConf), networks };
}

/** `--link x:alias` on a user network: the alias of x's address on this network (x running). */
function linkEntries(links: readonly string[], byName: ReadonlyMap<string | undefined, EndpointRecord>): DnsEntry[] {
  const out: DnsEntry[] = [];
  for (const l of links) {
    const [target = '', alias = target] = l.replace(/^\//, '').split(':');
    const ep = byName.get(target);
    if (ep && alias) out.push({ names: [alias.slice(alias.lastIndexOf('/') + 1)], ipv4: ep.address, ...(ep.ipv6Address && { ipv6: ep.ipv6Address }) });
  }
  return out;
}

/** The `nameserver` lines of a resolv.conf. */
export function nameservers(text: string): string[] {
  return text.split('\n').map((l) => l.trim().split(/\s+/)).filter((w) => w[0] === 'nameserver' && w[1]).map((w) => w[1]!);
}
