// Linux bridges for bridge networks (berth0 for the default one), made with one `ip -batch -`
// (see ip-batch.ts for why iproute2 and not a netlink library).
import { randomBytes } from '../lib/lazy-crypto.ts';
import { readFile } from 'node:fs/promises';
import { IpBatchError, ipBatch } from './ip-batch.ts';

/** Whether a link of that name is in berthd's own network namespace. /proc/net/dev is per
 * namespace; /sys/class/net is the namespace's that mounted /sys, which is the host's for a
 * berthd started in a namespace of its own (unshare --net) without a /sys of its own. */
export async function bridgeExists(name: string): Promise<boolean> {
  const dev = await readFile('/proc/net/dev', 'utf8');
  return dev.split('\n').some((line) => line.trimStart().startsWith(`${name}:`));
}

/** A random locally administered unicast MAC. */
export function randomMac(): string {
  const b = randomBytes(6);
  b[0] = (b[0]! & 0xfe) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** Makes the bridge if missing, and (again, idempotently) gives it its gateway addresses and
 * brings it up. A new bridge gets a fixed random MAC, as dockerd does: left alone, the kernel
 * gives a bridge the lowest MAC of its ports, so the gateway's MAC would change as containers
 * come and go and their ARP caches would point at a port that left. */
export async function ensureBridge(o: { name: string; gateway: string; mtu?: number; ipv6Gateway?: string }): Promise<void> {
  const settle = [
    ...(o.mtu ? [`link set dev ${o.name} mtu ${o.mtu}`] : []),
    `addr replace ${o.gateway} brd + dev ${o.name}`,
    ...(o.ipv6Gateway ? [`addr replace ${o.ipv6Gateway} dev ${o.name} nodad`] : []),
    `link set dev ${o.name} up`,
  ];
  const create = `link add ${o.name}${o.mtu ? ` mtu ${o.mtu}` : ''} address ${randomMac()} type bridge`;
  if (await bridgeExists(o.name)) return ipBatch(`setting up bridge ${o.name}`, settle);
  try {
    await ipBatch(`setting up bridge ${o.name}`, [create, ...settle]);
  } catch (err) {
    // Another caller made it between the look and the add: settle the one that exists.
    if (!(err instanceof IpBatchError && err.failure.index === 0 && (await bridgeExists(o.name)))) throw err;
    await ipBatch(`setting up bridge ${o.name}`, settle);
  }
}

/** Idempotent. Its ports (host ends of veth pairs) stay, unattached. */
export async function deleteBridge(name: string): Promise<void> {
  if (!(await bridgeExists(name))) return;
  // On the daemon's ip, which then forgets the bridge's index (a new bridge of the name gets another).
  try {
    await ipBatch(`deleting bridge ${name}`, [`link delete dev ${name} type bridge`]);
  } catch (err) {
    if (await bridgeExists(name)) throw err;
  }
}
