// A container's endpoint on a bridge network: a veth pair, one end on the bridge, the other as
// eth0 (eth1...) in the container's namespace — made in ONE `ip -batch -` spawn (ip forks once
// more for the commands inside the namespace; see ip-batch.ts for why iproute2 and not a netlink
// library). That spawn is most of what a bridge costs `docker run --rm`, so nothing here looks
// anything up first.
import { existsSync } from 'node:fs';
import { IpBatchError, ipBatch, runIp } from './ip-batch.ts';
import { deleteNetns } from './netns.ts';

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

/** The commands run in the host's namespace; the last of them (an endpoint's veth) is undone on failure. */
export function hostCommands(e: EndpointSpec): string[] {
  const mtu = e.mtu ? ` mtu ${e.mtu}` : '';
  return [
    ...(e.createNetns ? [`netns add ${e.netns}`] : []),
    // The peer is born in the namespace under its final name: no rename, no move. It cannot be
    // brought up from here (the kernel refuses a peer's flags across namespaces).
    `link add ${e.hostIf}${mtu} master ${e.bridge} up type veth peer name ${e.ifName} address ${e.mac}${mtu} netns ${e.netns}`,
    // Hairpin: a container reaching its own published port through the host comes back on the
    // same bridge port.
    `link set dev ${e.hostIf} type bridge_slave hairpin on`,
  ];
}

/** The commands run inside the namespace. */
export function namespaceCommands(e: EndpointSpec): string[] {
  return [
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
  const host = hostCommands(e);
  try {
    await ipBatch(`adding endpoint ${e.hostIf} (${e.ifName} in ${e.netns})`, host, { netns: e.netns, commands: namespaceCommands(e) });
  } catch (err) {
    if (err instanceof IpBatchError) await undo(e, err.failure.index);
    throw err;
  }
}

/** Removes what the failed batch made: commands before `failedAt` succeeded (-1: not known, so
 * all of it may be there; the host end's name is this endpoint's own). Removing the host end of
 * the veth removes the pair. */
async function undo(e: EndpointSpec, failedAt: number): Promise<void> {
  const vethAt = e.createNetns ? 1 : 0;
  if (failedAt > vethAt || failedAt < 0) await removeEndpoint(e.hostIf);
  if (e.createNetns && failedAt !== 0) await deleteNetns(e.netns);
}

/** Idempotent. Takes a while (the kernel waits for the network to settle before it frees the
 * pair): when the container's namespace goes too, deleteNetns alone is cheaper. */
export async function removeEndpoint(hostIf: string): Promise<void> {
  if (!existsSync(`/sys/class/net/${hostIf}`)) return;
  const r = await runIp(['link', 'delete', 'dev', hostIf]);
  if (r.code === 0 || !existsSync(`/sys/class/net/${hostIf}`)) return;
  throw new IpBatchError(`removing endpoint ${hostIf}`, { command: `link delete dev ${hostIf}`, index: 0, stderr: r.stderr });
}
