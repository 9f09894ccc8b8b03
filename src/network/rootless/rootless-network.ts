// The networking of a rootless berthd, put together. berthd runs inside the user, mount and
// network namespaces that rootlesskit holds (--net=slirp4netns, --port-driver=builtin), as
// uid 0 of that user namespace, so most of berth's network code runs unchanged there: bridges,
// veths, `ip netns`, the nft table, route_localnet, berth-dns on the gateways — all of them in a
// namespace the user owns, none visible on the host. What differs:
// - outbound traffic: the namespace's default route is slirp4netns's tap0, which turns the
//   namespace's connections into the user's own sockets on the host. Containers reach it through
//   berth's masquerade out of their bridge, which needs forwarding on in the namespace (berthd
//   turns it on there: the namespace is berthd's own, unlike a rootful host's);
// - published ports: the host's side is rootlesskit's parent (parent-ports.ts), and a free host
//   port is told from the host's socket tables (host-ports.ts);
// - /run: rootlesskit's copy-up links to the host's entries; the two berth writes become the
//   namespace's own at start (ownRunEntries).
// The daemon's network kernel makes this when berthd runs inside the holder (src/rootless/env.ts,
// rootlessChild(): the launcher's marker), with rootlesskit's API socket.
import { lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Logger } from '../../lib/logger.ts';
import type { HostPortCheck } from '../port-holder.ts';
import { RootlessHostPorts, parentNetDir } from './host-ports.ts';
import { ParentPorts, type PortRecords, type Publisher } from './parent-ports.ts';
import { RootlessKitApi } from './port-api.ts';

export interface RootlessNetwork {
  readonly api: RootlessKitApi;
  /** For the port allocator: host ports as the host sees them. */
  readonly hostPorts: HostPortCheck;
  /** berth's firewall (inside the namespace) with the host's side of published ports added. */
  publisher(inner: Publisher | undefined, records: PortRecords): Publisher;
}

export function rootlessNetwork(o: { apiSocket: string; logger?: Logger }): RootlessNetwork {
  const api = new RootlessKitApi(o.apiSocket);
  let netDir: Promise<string | undefined> | undefined;
  const hostNetDir = () => (netDir ??= findNetDir(api, o.logger));
  // The holder's driver does not change while berthd runs inside it; a failed ask is asked again.
  let driver: Promise<string | undefined> | undefined;
  const portDriver = () => (driver ??= api.info().then((i) => i.portDriver?.driver, (err: unknown) => {
    driver = undefined;
    throw err;
  }));
  return {
    api,
    hostPorts: new RootlessHostPorts({ netDir: hostNetDir, ...(o.logger && { logger: o.logger }) }),
    publisher: (inner, records) => new ParentPorts({ api, records, inner, prepare: enableForwarding, driver: portDriver, ...(o.logger && { logger: o.logger }) }),
  };
}

async function findNetDir(api: RootlessKitApi, logger: Logger | undefined): Promise<string | undefined> {
  try {
    const dir = await parentNetDir((await api.info()).childPID);
    if (!dir) logger?.warn('cannot read the host\'s socket tables: a taken host port shows only when rootlesskit binds it');
    return dir;
  } catch (err) {
    logger?.warn('cannot ask rootlesskit for its child\'s pid: a taken host port shows only when rootlesskit binds it', { error: (err as Error).message });
    return undefined;
  }
}

/** rootlesskit's copy-up of /run is a tmpfs of the namespace's own holding links to the host's
 *  entries. Two of them are the host's root-owned files, which the namespace's root cannot write:
 *  /run/netns (where `ip netns add` keeps containers' namespaces) and /run/xtables.lock (the
 *  lock iptables takes, FORWARD rules in host-forward.ts). The links are replaced by the
 *  namespace's own directory and nothing (iptables makes its lock); the host's are untouched.
 *  Synchronous: it runs once at start, before anything makes a namespace. */
export function ownRunEntries(): void {
  for (const [path, dir] of [['/run/netns', true], ['/run/xtables.lock', false]] as const) {
    let link = false;
    try {
      link = lstatSync(path).isSymbolicLink();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (link) unlinkSync(path);
    if (dir) mkdirSync(path, { recursive: true, mode: 0o755 });
  }
}

/** Routing between the bridges and tap0, in the namespace (a new one starts with it off). */
async function enableForwarding(): Promise<void> {
  await writeFile('/proc/sys/net/ipv4/ip_forward', '1');
}
