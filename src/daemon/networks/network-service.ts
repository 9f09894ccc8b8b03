// The daemon's networks: the predefined ones, user-defined bridge networks, and the endpoints
// that attach containers to them (IPAM in the store). The kernel side is behind two seams: a
// NetworkDriver makes a network's bridge and firewall, EndpointHooks plumb an endpoint into a
// container that runs. Records change first, the kernel follows; a kernel failure undoes the
// record, so the store never claims what is not there for a running container.
import { conflict, forbidden, invalidParameter, notFound } from '../../api/types/errors.ts';
import type { Filters } from '../../api/query.ts';
import type { NetworkCreateBody, EndpointSettingsBody } from '../../api/routers/networks.ts';
import type { Database } from '../../store/database.ts';
import { hasProcess, type ContainerRow } from '../../store/containers.ts';
import type { EndpointsTable, NetworksTable } from '../../store/networks.ts';
import type { EventsService } from '../events/events-service.ts';
import type { Logger } from '../../lib/logger.ts';
import { logFailure } from '../../lib/log-failure.ts';
import { untilSeconds } from '../images/image-filters.ts';
import { matchLabels } from '../../api/query.ts';
import { allocateEndpoint, type Want } from './endpoint-allocation.ts';
import { checkName, networkSpec } from './network-spec.ts';
import { isPredefined } from './network-views.ts';
import type { AddressPool } from './addresses.ts';
import type { EndpointHooks, EndpointRecord, NetworkDriver, NetworkRow } from './types.ts';

export interface NetworkServiceDeps {
  db: Database;
  networks: NetworksTable;
  endpoints: EndpointsTable;
  driver: NetworkDriver;
  hooks: EndpointHooks;
  events: EventsService;
  containers: { resolve(idOrName: string): ContainerRow };
  pools: () => readonly AddressPool[];
  hostRoutes: () => Promise<{ dst: string }[]>;
  /** The network namespace (name) a container's endpoints live in. */
  netnsName: (containerId: string) => string;
  logger: Logger;
}

export class NetworkService {
  readonly deps: NetworkServiceDeps;
  constructor(deps: NetworkServiceDeps) {
    this.deps = deps;
  }

  /** A full id, a name, or a unique id prefix (dockerd's order). */
  resolve(idOrName: string): NetworkRow {
    const t = this.deps.networks;
    const hit = t.get(idOrName) ?? t.byName(idOrName);
    if (hit) return hit;
    const matches = /^[a-f0-9]+$/.test(idOrName) ? t.byIdPrefix(idOrName) : [];
    if (matches.length > 1) throw invalidParameter(`network ${idOrName} is ambiguous (${matches.length} matches found based on ID)`);
    if (matches[0]) return matches[0];
    throw notFound(`network ${idOrName} not found`);
  }

  defaultBridge(): NetworkRow | undefined {
    const n = this.deps.networks.byName('bridge');
    return n?.driver === 'bridge' ? n : undefined;
  }

  all(): NetworkRow[] {
    return this.deps.networks.all();
  }

  /** Every bridge network's kernel side, at daemon start (the driver's create is idempotent). */
  async ensureKernel(): Promise<void> {
    for (const n of this.all().filter((x) => x.driver === 'bridge')) {
      await this.deps.driver.create(n).catch(logFailure(this.deps.logger, `set-up of bridge ${n.bridge} of network ${n.name}`, { level: 'warn' }));
    }
  }

  async create(body: NetworkCreateBody): Promise<{ Id: string; Warning: string }> {
    const routes = (await this.deps.hostRoutes()).map((r) => r.dst);
    const n = this.deps.db.transaction(() => {
      checkName(body.Name);
      if (this.deps.networks.byName(body.Name)) throw conflict(`network with name ${body.Name} already exists`);
      const row = networkSpec(body, { existing: this.all(), pools: this.deps.pools(), routes });
      this.deps.networks.insert(row);
      return row;
    });
    try {
      await this.deps.driver.create(n);
    } catch (err) {
      this.deps.networks.delete(n.id);
      throw err;
    }
    this.#emit(n, 'create');
    return { Id: n.id, Warning: '' };
  }

  async remove(idOrName: string): Promise<void> {
    const n = this.resolve(idOrName);
    if (isPredefined(n)) throw forbidden(`${n.name} is a pre-defined network and cannot be removed`);
    const users = this.deps.endpoints.ofNetwork(n.id);
    if (users.length) {
      const names = users.map((e) => `name:${JSON.stringify(this.#containerName(e.containerId) ?? '')} id:${JSON.stringify(e.containerId.slice(0, 12))}`);
      throw conflict(`error while removing network: network ${n.name} id ${n.id} has active endpoints (${names.join(', ')})`);
    }
    await this.deps.driver.remove(n);
    this.deps.networks.delete(n.id);
    this.#emit(n, 'destroy');
  }

  async prune(filters: Filters): Promise<{ NetworksDeleted: string[] | null }> {
    const until = filters.get('until')?.[0];
    const limit = until ? untilSeconds(until) * 1000 : Infinity;
    const deleted: string[] = [];
    for (const n of this.all()) {
      if (isPredefined(n) || Date.parse(n.created) >= limit || this.deps.endpoints.countIn(n.id) > 0) continue;
      if (!matchLabels(n.labels, filters.get('label') ?? []) || (filters.get('label!') ?? []).some((l) => matchLabels(n.labels, [l]))) continue;
      try {
        await this.remove(n.id);
        deleted.push(n.name);
      } catch (err) {
        logFailure(this.deps.logger, `network prune: removal of ${n.name}`, { level: 'warn' })(err);
      }
    }
    this.deps.events.emit('network', 'prune', '', { reclaimed: '0' });
    return { NetworksDeleted: deleted.length ? deleted : null };
  }

  /** IPAM: the endpoint's addresses, chosen and recorded in one transaction. */
  allocate(c: { id: string; name: string }, network: NetworkRow, want: Want): EndpointRecord {
    return allocateEndpoint(this.deps, c, network, want);
  }

  release(containerId: string, networkId: string): void {
    this.deps.endpoints.delete(containerId, networkId);
  }

  /** After a container's removal: its endpoints and their addresses go. */
  releaseAll(containerId: string): void {
    this.deps.endpoints.deleteContainer(containerId);
  }

  endpointsOf(containerId: string): EndpointRecord[] {
    return this.deps.endpoints.ofContainer(containerId);
  }

  endpointsIn(networkId: string): EndpointRecord[] {
    return this.deps.endpoints.ofNetwork(networkId);
  }

  async connect(idOrName: string, container: string, cfg: EndpointSettingsBody): Promise<void> {
    const n = this.resolve(idOrName);
    const c = this.deps.containers.resolve(container);
    this.#checkConnectable(c, n);
    const ep = this.allocate(c, n, {
      ...(cfg.IPAMConfig?.IPv4Address && { ipv4: cfg.IPAMConfig.IPv4Address }),
      ...(cfg.IPAMConfig?.IPv6Address && { ipv6: cfg.IPAMConfig.IPv6Address }),
      ...(cfg.MacAddress && { mac: cfg.MacAddress }),
      aliases: cfg.Aliases ?? [],
      config: cfg,
    });
    if (hasProcess(c.status)) {
      try {
        await this.deps.hooks.connect(c.id, n, ep);
      } catch (err) {
        this.release(c.id, n.id);
        throw err;
      }
    } else {
      this.deps.hooks.changed?.(c.id);
    }
    this.#emit(n, 'connect', { container: c.id });
  }

  async disconnect(idOrName: string, container: string, force: boolean): Promise<void> {
    const n = this.resolve(idOrName);
    if (n.driver === 'host') throw invalidParameter('container cannot be disconnected from host network or connected to host network');
    const c = this.#containerOrGone(container, n, force);
    if (!c) return;
    const ep = this.deps.endpoints.get(c.id, n.id);
    if (!ep) throw invalidParameter(`container ${c.id} is not connected to the network ${n.name}`);
    if (hasProcess(c.status)) {
      try {
        await this.deps.hooks.disconnect(c.id, n, ep);
      } catch (err) {
        if (!force) throw err;
        logFailure(this.deps.logger, `forced disconnect of ${c.id.slice(0, 12)} from ${n.name}`, { level: 'warn' })(err);
      }
    } else {
      this.deps.hooks.changed?.(c.id);
    }
    this.release(c.id, n.id);
    this.#emit(n, 'disconnect', { container: c.id });
  }

  /** The container; with `force`, an endpoint whose container is gone is released instead. */
  #containerOrGone(container: string, n: NetworkRow, force: boolean): ContainerRow | undefined {
    try {
      return this.deps.containers.resolve(container);
    } catch (err) {
      const stale = force ? this.deps.endpoints.ofNetwork(n.id).find((e) => e.containerId === container) : undefined;
      if (!stale) throw err;
      this.release(stale.containerId, n.id);
      this.#emit(n, 'disconnect', { container: stale.containerId });
      return undefined;
    }
  }

  #checkConnectable(c: ContainerRow, n: NetworkRow): void {
    const mode = String(c.hostConfig.NetworkMode ?? '');
    if (n.driver === 'host') throw invalidParameter('container cannot be disconnected from host network or connected to host network');
    if (mode === 'host' || mode.startsWith('container:')) throw invalidParameter('container sharing network namespace with another container or host cannot be connected to any other network');
    // With --bridge none, containers default to the none network (as dockerd's).
    const onNone = mode === 'none' || (mode === 'default' && !this.defaultBridge()) || this.endpointsOf(c.id).some((e) => this.deps.networks.get(e.network)?.driver === 'null');
    const others = this.endpointsOf(c.id).length > 0;
    if ((n.driver === 'null' && others) || (onNone && n.driver !== 'null')) {
      throw invalidParameter('container cannot be connected to multiple networks with one of the networks in private (none) mode');
    }
  }

  #containerName(id: string): string | undefined {
    try {
      return this.deps.containers.resolve(id).name.replace(/^\//, '');
    } catch {
      return undefined; // an endpoint whose container was removed without releasing it
    }
  }

  containerName(id: string): string | undefined {
    return this.#containerName(id);
  }

  #emit(n: NetworkRow, action: string, extra: Record<string, string> = {}): void {
    this.deps.events.emit('network', action, n.id, { ...extra, name: n.name, type: n.driver });
  }
}
