// The kernel side of berthd's networks, put together: the bridges and the firewall of each
// bridge network (the NetworkDriver the network service calls), the network attachment of each
// run, the veths of a running container's connect and disconnect (EndpointHooks), and the
// embedded DNS kept in step with them.
// The firewall's table is `berth` for a daemon on the default data-root; another data-root (a
// test's, a second daemon's) gets `berth_<hash>` so that two daemons never share rules.
import { createHash } from '../../lib/lazy-crypto.ts';
import { join } from 'node:path';
import type { Database } from '../../store/database.ts';
import { PublishedPortsTable } from '../../store/published-ports.ts';
import { Firewall } from '../../network/firewall.ts';
import { ensureBridge, deleteBridge } from '../../network/bridge.ts';
import { sweepStaleFiles } from '../../network/ip-batch.ts';
import { DnsSupervisor } from '../../network/dns/dns-supervisor.ts';
import type { Logger } from '../../lib/logger.ts';
import { logFailure } from '../../lib/log-failure.ts';
import type { DaemonConfig } from '../config/types.ts';
import { readOr } from './container-net-files.ts';
import { dnsRecords } from './dns-records.ts';
import { NetworkAttachment } from './network-attachment.ts';
import type { NetworkService } from './network-service.ts';
import { PortAllocator } from './port-allocator.ts';
import { addressingOf } from './endpoint-allocation.ts';
import { boolOption, ENABLE_ICC, ENABLE_IP_MASQUERADE } from './driver-options.ts';
import { linkRun } from './legacy-links.ts';
import { linkTargets } from './container-networks.ts';
import type { EndpointHooks, NetworkDriver, NetworkRow } from './types.ts';
import { ownRunEntries, rootlessNetwork } from '../../network/rootless/rootless-network.ts';
import { rootlessChild } from '../../rootless/env.ts';

export const DEFAULT_DATA_ROOT = '/var/lib/berth';

export function firewallTable(dataRoot: string): string {
  return dataRoot === DEFAULT_DATA_ROOT ? 'berth' : `berth_${createHash('sha256').update(dataRoot).digest('hex').slice(0, 10)}`;
}

/** What the network side calls on the firewall. */
export type FirewallPort = Pick<Firewall, 'addNetwork' | 'removeNetwork' | 'publish' | 'unpublish'>;

/** The firewall made at its first use: the table's name of a non-default data root is a hash,
 *  and node:crypto need not be loaded by a start that plumbs no network (issue 12). */
function lazyFirewall(make: () => Firewall): FirewallPort {
  let made: Firewall | undefined;
  const fw = () => (made ??= make());
  return {
    addNetwork: (n) => fw().addNetwork(n),
    removeNetwork: (bridge) => fw().removeNetwork(bridge),
    publish: (owner, maps) => fw().publish(owner, maps),
    unpublish: (owner) => fw().unpublish(owner),
  };
}

export interface NetworkKernel {
  driver: NetworkDriver;
  hooks: EndpointHooks;
  /** Given the service once it exists (the service is made with the driver and hooks), and
   * the lifecycle's lock and prepared starts (hooks.locked, hooks.changed). */
  bind(svc: NetworkService, o: LifecycleSide): NetworkAttachment;
  /** Daemon shutdown: without live-restore the resolver goes with the containers. */
  shutdown(stopResolver: boolean): Promise<void>;
  readonly ports: PortAllocator;
}

export interface LifecycleSide {
  locked: <T>(id: string, fn: () => Promise<T>) => Promise<T>;
  /** Drops the container's prepared start; the caller holds its lock. */
  discardPreparedHeld: (id: string) => Promise<void>;
}

export function networkKernel(o: { db: Database; config: () => DaemonConfig; logger: Logger }): NetworkKernel {
  const cfg = o.config();
  const inside = cfg.iptables ? lazyFirewall(() => new Firewall({ table: firewallTable(cfg.dataRoot), logger: o.logger })) : undefined;
  // Rootless (network/rootless/): the host's side of published ports is rootlesskit's, with or
  // without berth's own rules inside the namespace.
  const child = cfg.rootless ? rootlessChild() : undefined;
  const rootless = child ? rootlessNetwork({ apiSocket: child.apiSocket, logger: o.logger }) : undefined;
  if (rootless) ownRunEntries();
  const dns = new DnsSupervisor({ dir: join(cfg.execRoot, 'dns'), logger: o.logger });
  const ports = new PortAllocator(new PublishedPortsTable(o.db), rootless?.hostPorts);
  const firewall: FirewallPort | undefined = rootless ? rootless.publisher(inside, ports) : inside;
  try {
    sweepStaleFiles();
  } catch (err) {
    logFailure(o.logger, 'removing the ip batch files of killed daemons', { level: 'warn' })(err);
  }
  let svc: NetworkService | undefined;
  let attachment: NetworkAttachment | undefined;
  let life: LifecycleSide | undefined;

  // `gone`: a network being removed, whose row is still in the store while its driver runs.
  const namesChanged = async (gone?: string): Promise<void> => {
    if (!svc) return;
    const records = dnsRecords(svc, { dns: o.config().dns, hostResolvConf: readOr('/etc/resolv.conf', '') });
    records.networks = records.networks.filter((x) => x.name !== gone);
    // No user network: nothing to answer; a resolver already running is told (it unbinds).
    if (records.networks.length === 0 && dns.pid() === undefined) return;
    await dns.update(records).catch(logFailure(o.logger, 'updating the embedded DNS', { level: 'warn' }));
  };
  const rules = (n: NetworkRow) => {
    const a = addressingOf(n);
    return {
      bridge: n.bridge, subnet: a.ipv4?.subnet ?? '', ...(a.ipv6 && { ipv6Subnet: a.ipv6.subnet }), internal: n.internal,
      masquerade: boolOption(n.options, ENABLE_IP_MASQUERADE, true),
      icc: boolOption(n.options, ENABLE_ICC, true),
    };
  };
  const driver: NetworkDriver = {
    async create(n) {
      const a = addressingOf(n);
      if (!a.ipv4) return;
      const mtu = Number(n.options['com.docker.network.driver.mtu']) || undefined;
      await ensureBridge({ name: n.bridge, gateway: `${a.ipv4.gateway}/${a.ipv4.prefix}`, ...(mtu && { mtu }), ...(a.ipv6 && { ipv6Gateway: `${a.ipv6.gateway}/${a.ipv6.prefix}` }) });
      await firewall?.addNetwork(rules(n));
      if (n.name !== 'bridge') await namesChanged();
    },
    async remove(n) {
      await firewall?.removeNetwork(n.bridge);
      await deleteBridge(n.bridge);
      // Without `gone`, the records still held it and berth-dns kept its socket (test-faults).
      if (n.name !== 'bridge') await namesChanged(n.name);
    },
  };
  const hooks: EndpointHooks = {
    connect: (id, n, ep) => attachment!.connectRunning(id, n, ep),
    disconnect: (id, n, ep) => attachment!.disconnectRunning(id, n, ep),
    changed: async (id) => life?.discardPreparedHeld(id),
    locked: (id, fn) => (life ? life.locked(id, fn) : fn()),
  };
  return {
    driver, hooks, ports,
    bind(service, b) {
      svc = service;
      life = b;
      attachment = new NetworkAttachment({
        networks: service, ports, firewall, namesChanged,
        containerDir: (id) => join(o.config().dataRoot, 'containers', id),
        links: (c, l) => linkRun(c, linkTargets(service), l),
        resolver: () => ({ dns: o.config().dns, search: o.config().dnsSearch, options: o.config().dnsOptions }),
        logger: o.logger,
      });
      return attachment;
    },
    async shutdown(stopResolver) {
      if (stopResolver) await dns.stop().catch(logFailure(o.logger, 'stopping the embedded DNS', { level: 'warn' }));
    },
  };
}
