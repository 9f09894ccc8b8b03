// A container's endpoint on a bridge network: a veth pair, one end on the bridge, the other as
// eth0 (eth1...) in the container's namespace — made in ONE `ip -batch`, on the ip process the
// daemon keeps (ip forks once for the commands inside the namespace; see ip-batch.ts for why
// iproute2 and not a netlink library). That fork is most of what a bridge costs `docker run
// --rm`: addEndpoint spawns nothing, and deleteNetns (netns.ts) takes the endpoint down with the
// namespace at the cost of one netlink-free unmount.
import { existsSync, readFileSync } from 'node:fs';
import { IpBatchError, ipBatch, runIp } from './ip-batch.ts';
import { deleteNetns, netnsExists } from './netns.ts';
import { conflict } from '../api/types/errors.ts';

export interface EndpointSpec {
  /** The namespace's name (/run/netns/<name>); made in the same batch when createNetns. */
  netns: string;
  createNetns?: boolean;
  bridge: string;
  /** The host end: "veth" + 7 hex. */
  hostIf: string;
  /** The container end: eth0, eth1... */
  ifName: string;
  /** With its prefix: "172.17.0.2/16". */
  address: string;
  mac: string;
  mtu?: number;
  /** Default route via it (the first endpoint only). */
  gateway?: string;
  /** With its prefix: "fd00::2/64". */
  ipv6Address?: string;
  ipv6Gateway?: string;
}

/** The commands run in the host's namespace, around the inner batch (marked by INNER). */
export function hostCommands(e: EndpointSpec): string[] {
  return [
    ...(e.createNetns ? [`netns add ${e.netns}`] : []),
    INNER,
    `link set dev ${e.hostIf} master ${e.bridge} up`,
    // Hairpin: a container reaching its own published port through the host comes back on the
    // same bridge port.
    `link set dev ${e.hostIf} type bridge_slave hairpin on`,
  ];
}
const INNER = '(inside the namespace)';

/** The commands run inside the namespace, by an ip that stops at the first failure. */
export function namespaceCommands(e: EndpointSpec): string[] {
  const mtu = e.mtu ? ` mtu ${e.mtu}` : '';
  return [
    // The pair is made from inside, its host end sent out to the daemon's namespace by pid: made
    // from the host, ip 6.1 would keep the namespace's file open (and the namespace alive) in
    // the daemon's long-lived ip. The container end is born under its final name.
    `link add ${e.ifName} address ${e.mac}${mtu} type veth peer name ${e.hostIf}${mtu} netns ${process.pid}`,
    'link set dev lo up',
    `addr add ${e.address} brd + dev ${e.ifName}`,
    // No duplicate address detection: the address is berth's to give, and a tentative address
    // would leave the container without IPv6 for its first second.
    ...(e.ipv6Address ? [`addr add ${e.ipv6Address} dev ${e.ifName} nodad`] : []),
    `link set dev ${e.ifName} up`,
    ...(e.gateway ? [`route add default via ${e.gateway} dev ${e.ifName}`] : []),
    ...(e.ipv6Gateway ? [`route add default via ${e.ipv6Gateway} dev ${e.ifName}`] : []),
  ];
}

export async function addEndpoint(e: EndpointSpec): Promise<void> {
  // Someone else's namespace must not get this endpoint (the batch goes on after `netns add`).
  if (e.createNetns && netnsExists(e.netns)) throw conflict(`network namespace ${e.netns} exists already`);
  const host = hostCommands(e);
  const innerAt = host.indexOf(INNER);
  try {
    await ipBatch(`adding endpoint ${e.hostIf} (${e.ifName} in ${e.netns})`, host.filter((c) => c !== INNER), { netns: e.netns, commands: namespaceCommands(e), at: innerAt });
  } catch (err) {
    if (err instanceof IpBatchError) await undo(e, err.failure.index, innerAt);
    throw err;
  }
}

/** Removes what the failed batch made: commands before `failedAt` succeeded (-1: not known, so
 * all of it may be there; the host end's name is this endpoint's own). Removing the host end of
 * the veth removes the pair. */
async function undo(e: EndpointSpec, failedAt: number, innerAt: number): Promise<void> {
  if (failedAt >= innerAt || failedAt < 0) await removeEndpoint(e.hostIf);
  if (e.createNetns && failedAt !== 0) await deleteNetns(e.netns);
}

/** Idempotent. Takes a while (the kernel waits for the network to settle before it frees the
 * pair), so it runs its own ip rather than hold up the daemon's: when the container's namespace
 * goes too, deleteNetns alone is cheaper. */
/** Whether a link of that name is in berthd's own network namespace: /proc/net/dev is per
 * namespace, /sys/class/net the one's that mounted /sys (the host's for a berthd started in
 * `unshare --net`, where a disconnect then left the veth in place and a reconnect of the
 * container failed with a 500, "File exists"). As bridge.ts's bridgeExists. */
function linkThere(name: string): boolean {
  if (readFileSync('/proc/net/dev', 'utf8').split('\n').some((line) => line.trimStart().startsWith(`${name}:`))) return true;
  // A deleted link leaves /proc/net/dev before its /sys/class/net entry goes, and a new link of
  // the same name fails until then: where /sys is this namespace's, the link is gone when both
  // say so. (Where it is the host's, names of ours are not there.)
  return existsSync(`/sys/class/net/${name}`);
}

export async function removeEndpoint(hostIf: string): Promise<void> {
  if (!linkThere(hostIf)) return;
  const r = await runIp(['link', 'delete', 'dev', hostIf]);
  if (r.code === 0 || !linkThere(hostIf)) return;
  throw new IpBatchError(`removing endpoint ${hostIf}`, { command: `link delete dev ${hostIf}`, index: 0, stderr: r.stderr });
}

/** How long a run's end waits for the kernel to free a deleted namespace's endpoints before it
 *  removes them itself (something else still holds the namespace). */
export const NETNS_FREE_WAIT_MS = 1000;

/**
 * The end of a run: the namespace and its endpoints (their host ends) gone when this returns.
 * Deleting the namespace first and waiting for the kernel to free its devices costs a fraction
 * of `link delete` and then the deletion (measured on this loaded machine: ~15 ms against ~55 ms
 * median, see src/bench/endpoint-bench.ts), and spawns no process: a `link delete` blocks its
 * caller until the kernel has settled, the namespace's clean-up runs in the kernel's own
 * time, and here we only watch the namespace's link list. A host end still there after
 * NETNS_FREE_WAIT_MS (a process outside the container holds the namespace) is deleted the
 * slow way. Idempotent.
 */
export async function removeWithNetns(netns: string, hostIfs: readonly string[]): Promise<void> {
  const there = linkThere;
  if (netnsExists(netns)) {
    await deleteNetns(netns);
    const t0 = performance.now();
    while (hostIfs.some(there) && performance.now() - t0 < NETNS_FREE_WAIT_MS) await new Promise((r) => setTimeout(r, 2));
  }
  for (const i of hostIfs) if (there(i)) await removeEndpoint(i);
}
