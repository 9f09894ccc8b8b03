// The daemon's networks: the predefined ones, user-defined bridge networks, and the endpoints
// that attach containers to them (IPAM in the store). The kernel side is behind two seams: a
// NetworkDriver makes a network's bridge and firewall, EndpointHooks plumb an endpoint into a
// container that runs. Records change first, the kernel follows; a kernel failure undoes the
// record, so the store never claims what is not there for a running container.
import { conflict, invalidParameter, isKind, notFound } from '../../api/types/errors.ts';
import type { Filters } from '../../api/query.ts';
import type { NetworkCreateBody, EndpointSettingsBody } from '../../api/routers/networks.ts';
import type { Database } from '../../store/database.ts';
import { hasProcess, type ContainerRow } from '../../store/containers.ts';
import type { EndpointsTable, NetworksTable } from '../../store/networks.ts';
import type { EventsService } from '../events/events-service.ts';
import type { Logger } from '../../lib/logger.ts';
import { addressingOf, allocateEndpoint, type FamilyAddressing, type Want } from './endpoint-allocation.ts';
import { connectContainer, disconnectContainer } from './network-connect.ts';
import { checkName, networkSpec } from './network-spec.ts';
import { logFailure } from '../../lib/log-failure.ts';
import { pruneNetworks, removeNetwork } from './network-remove.ts';
import type { AddressPool } from './addresses.ts';
import type { EndpointConfig, EndpointHooks, EndpointRecord, NetworkDriver, NetworkRow } from './types.ts';

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
  /** Networks whose removal is under way (network-remove.ts): their row is there until the
   * driver is done, and no endpoint may be made on them meanwhile. */
  readonly removing = new Set<string>();
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
    this.emit(n, 'create');
    return { Id: n.id, Warning: '' };
  }

  remove(idOrName: string): Promise<void> {
    return removeNetwork(this, idOrName);
  }

  /** fn under the container's lock (EndpointHooks.locked). */
  lockedContainer<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.deps.hooks.locked ? this.deps.hooks.locked(id, fn) : fn();
  }

  prune(filters: Filters): Promise<{ NetworksDeleted: string[] | null }> {
    return pruneNetworks(this, filters);
  }

  /** IPAM: the endpoint's addresses, chosen and recorded in one transaction. */
  allocate(c: { id: string; name: string }, network: NetworkRow, want: Want): EndpointRecord {
    // Being removed, or removed since the caller looked it up (a create plans its networks, then
    // awaits its layer before recording them): not found, rather than the endpoint's foreign key.
    if (this.removing.has(network.id) || !this.deps.networks.get(network.id)) throw notFound(`network ${network.name} not found`);
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

  /** The EndpointSettings a client asked for (inspect's NetworkSettings.Networks shows them). */
  endpointConfig(containerId: string, networkId: string): EndpointConfig | undefined {
    return this.deps.endpoints.configOf(containerId, networkId);
  }

  /** Subnet, prefix length and gateway per family (an endpoint's CIDR is address/prefix). */
  addressing(n: NetworkRow): { ipv4?: FamilyAddressing; ipv6?: FamilyAddressing } {
    return addressingOf(n);
  }

  endpointsIn(networkId: string): EndpointRecord[] {
    return this.deps.endpoints.ofNetwork(networkId);
  }

  connect(idOrName: string, container: string, cfg: EndpointSettingsBody): Promise<void> {
    return connectContainer(this, idOrName, container, cfg);
  }

  disconnect(idOrName: string, container: string, force: boolean): Promise<void> {
    return disconnectContainer(this, idOrName, container, force);
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

  /** The container's hostname (Config.Hostname), one of its DNS names on a user network as
   * dockerd's; undefined when it has none or is gone. */
  containerHostname(id: string): string | undefined {
    try {
      return (this.deps.containers.resolve(id).config as { Hostname?: string }).Hostname || undefined;
    } catch (err) {
      if (isKind(err, 'not-found')) return undefined;
      throw err;
    }
  }

  /** The container's own DNS servers (HostConfig.Dns), [] when it has none or is gone. */
  containerDns(id: string): string[] {
    try {
      const dns = (this.deps.containers.resolve(id).hostConfig as { Dns?: string[] | null }).Dns;
      return (dns ?? []).filter((d) => d !== '');
    } catch (err) {
      if (isKind(err, 'not-found')) return [];
      throw err;
    }
  }

  isRunning(id: string): boolean {
    try {
      return hasProcess(this.deps.containers.resolve(id).status);
    } catch (err) {
      if (isKind(err, 'not-found')) return false; // an endpoint whose container was removed without releasing it
      throw err;
    }
  }

  emit(n: NetworkRow, action: string, extra: Record<string, string> = {}): void {
    this.deps.events.emit('network', action, n.id, { ...extra, name: n.name, type: n.driver });
  }
}
