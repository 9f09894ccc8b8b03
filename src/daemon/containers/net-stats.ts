// Per-interface counters of a container's network namespace: from /proc/<pid>/net/dev while a
// process of it is at hand, else from the host ends of its veth pairs (sysfs, no spawn) or, last,
// from inside its named namespace (one `ip` spawn). dockerd reports the interfaces of the
// container's network endpoints: the loopback is not one, so a container without networking (or
// on the host's network) has no `networks` at all.
import { readFileSync } from 'node:fs';
import { runIp } from '../../network/ip-batch.ts';
import type { NetworkCounters } from './stats-view.ts';

export function parseNetDev(text: string): Record<string, NetworkCounters> {
  const out: Record<string, NetworkCounters> = {};
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const f = line.slice(colon + 1).trim().split(/\s+/).map((v) => (/^\d+$/.test(v) ? BigInt(v) : 0n));
    if (name === 'lo' || f.length < 12) continue;
    out[name] = {
      rx_bytes: f[0]!, rx_packets: f[1]!, rx_errors: f[2]!, rx_dropped: f[3]!,
      tx_bytes: f[8]!, tx_packets: f[9]!, tx_errors: f[10]!, tx_dropped: f[11]!,
    };
  }
  return out;
}

/** undefined when the process is gone. */
export function readNetDev(pid: number): Record<string, NetworkCounters> | undefined {
  try {
    return parseNetDev(readFileSync(`/proc/${pid}/net/dev`, 'utf8'));
  } catch {
    return undefined;
  }
}

const SIDES = ['bytes', 'packets', 'errors', 'dropped'] as const;

/** The counters of a veth pair's container end, read at its host end: what the host end
 * received the container sent, so rx and tx swap. undefined when the interface is gone. */
export function readVethCounters(hostIf: string): NetworkCounters | undefined {
  const dir = `/sys/class/net/${hostIf}/statistics`;
  try {
    const read = (name: string): bigint => BigInt(readFileSync(`${dir}/${name}`, 'utf8').trim());
    const out: Record<string, bigint> = {};
    for (const f of SIDES) out[`rx_${f}`] = read(`tx_${f}`);
    for (const f of SIDES) out[`tx_${f}`] = read(`rx_${f}`);
    return out as unknown as NetworkCounters;
  } catch {
    return undefined; // gone with its container
  }
}

/** docker stats' `networks` of endpoints known by their host ends, keyed by the container-side
 * name (eth0...); undefined when there is none. */
export function endpointCounters(endpoints: readonly { ifName: string; hostIf: string }[]): Record<string, NetworkCounters> | undefined {
  const out: Record<string, NetworkCounters> = {};
  for (const e of endpoints) {
    const c = readVethCounters(e.hostIf);
    if (c) out[e.ifName] = c;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** docker stats' `networks`: the sandbox's endpoints as the container sees them (its
 * /proc/<pid>/net/dev, as dockerd reads them inside the namespace), else at their veth's host
 * end; only endpoints, so an interface a container made itself is not one. undefined when none. */
export function sandboxCounters(pid: number, endpoints: readonly { ifName: string; hostIf: string }[]): Record<string, NetworkCounters> | undefined {
  if (endpoints.length === 0) return undefined;
  const inside = readNetDev(pid);
  const out: Record<string, NetworkCounters> = {};
  for (const e of endpoints) {
    const c = inside?.[e.ifName] ?? readVethCounters(e.hostIf);
    if (c) out[e.ifName] = c;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The interfaces (no lo) of a named namespace, read inside it. undefined when it is gone. */
export async function readNetnsCounters(netns: string): Promise<Record<string, NetworkCounters> | undefined> {
  const r = await runIp(['-n', netns, '-j', '-s', 'link', 'show']);
  if (r.code !== 0) return undefined;
  const out: Record<string, NetworkCounters> = {};
  for (const link of JSON.parse(r.stdout) as { ifname: string; stats64?: Record<'rx' | 'tx', Record<string, number>> }[]) {
    if (link.ifname === 'lo' || !link.stats64) continue;
    const c: Record<string, bigint> = {};
    for (const dir of ['rx', 'tx'] as const) for (const f of SIDES) c[`${dir}_${f}`] = BigInt(link.stats64[dir][f] ?? 0);
    out[link.ifname] = c as unknown as NetworkCounters;
  }
  return out;
}
