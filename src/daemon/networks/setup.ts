// The networks service as berthd starts it: the predefined networks made (or their settings
// brought up to date), every bridge network's kernel side ensured, and endpoints whose
// container is gone released — a removal that a crash cut short must not hold addresses.
import type { Database } from '../../store/database.ts';
import { EndpointsTable, NetworksTable } from '../../store/networks.ts';
import type { ContainerService } from '../containers/container-service.ts';
import type { EventsService } from '../events/events-service.ts';
import type { DaemonConfig } from '../config/types.ts';
import type { Logger } from '../../lib/logger.ts';
import { DEFAULT_POOLS } from './addresses.ts';
import { hostRoutes } from './host-routes.ts';
import { NetworkService } from './network-service.ts';
import { ensurePredefined } from './predefined.ts';
import type { EndpointHooks, NetworkDriver } from './types.ts';

export interface NetworkSetup {
  db: Database;
  config: () => DaemonConfig;
  containers: ContainerService;
  events: EventsService;
  driver: NetworkDriver;
  hooks: EndpointHooks;
  logger: Logger;
}

/** The namespace a container's endpoints live in (ids are random: unique across daemons). */
export const netnsName = (containerId: string): string => `berth-${containerId.slice(0, 12)}`;

export async function setupNetworks(o: NetworkSetup): Promise<NetworkService> {
  const networks = new NetworksTable(o.db);
  const endpoints = new EndpointsTable(o.db);
  const pools = () => o.config().defaultAddressPools ?? DEFAULT_POOLS;
  const svc = new NetworkService({
    db: o.db, networks, endpoints, driver: o.driver, hooks: o.hooks, events: o.events,
    containers: o.containers, pools, hostRoutes, netnsName, logger: o.logger,
  });
  const c = o.config();
  // Only a default bridge picks a subnet clear of the host's routes; `ip route` is two spawns.
  const routes = c.bridge === 'none' ? [] : await hostRoutes();
  o.db.transaction(() => ensurePredefined({ networks, endpoints }, {
    bridge: c.bridge, bip: c.bip, fixedCidr: c.fixedCidr, pools: pools(), mtu: c.mtu, icc: c.icc, ipMasq: c.ipMasq,
  }, routes, o.logger));
  const known = new Set(o.containers.deps.table.all().map((x) => x.id));
  for (const n of svc.all()) {
    for (const ep of svc.endpointsIn(n.id).filter((e) => !known.has(e.containerId))) {
      o.logger.info(`releasing ${n.name}'s endpoint of removed container ${ep.containerId.slice(0, 12)}`);
      svc.release(ep.containerId, n.id);
    }
  }
  // A removed container's endpoints go with it, whichever path removed it.
  o.events.subscribe((e) => {
    if (e.type === 'container' && e.action === 'destroy') svc.releaseAll(e.actorId);
  });
  await svc.ensureKernel();
  return svc;
}
