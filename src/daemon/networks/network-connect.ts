// Connecting and disconnecting containers: dockerd's refusals (host and shared namespaces,
// none), the endpoint recorded first, then plumbed by the hooks when the container runs — and
// unrecorded again when the plumbing fails, so the store claims nothing the kernel lacks. Both
// run under the container's lock (hooks.locked), so they never interleave with its start.
import { invalidParameter } from '../../api/types/errors.ts';
import type { EndpointSettingsBody } from '../../api/routers/networks.ts';
import { hasProcess, type ContainerRow } from '../../store/containers.ts';
import { logFailure } from '../../lib/log-failure.ts';
import type { NetworkService } from './network-service.ts';
import type { NetworkRow } from './types.ts';
import { checkEndpoint } from './container-networks.ts';

export async function connectContainer(svc: NetworkService, idOrName: string, container: string, cfg: EndpointSettingsBody): Promise<void> {
  const found = svc.resolve(idOrName);
  const { id } = svc.deps.containers.resolve(container);
  // Under the container's lock: a start cannot be plumbing its namespace meanwhile (it would
  // miss this endpoint, or make an eth<N> this one then collides with), and its status holds.
  const joined = await svc.lockedContainer(id, async () => {
    const n = svc.resolve(found.id); // removed while this waited: a 404
    const c = svc.deps.containers.resolve(id);
    checkConnectable(svc, c, n);
    checkEndpoint(n, cfg); // before the endpoint's existence, as dockerd
    const ep = svc.allocate(c, n, {
      ...(cfg.IPAMConfig?.IPv4Address && { ipv4: cfg.IPAMConfig.IPv4Address }),
      ...(cfg.IPAMConfig?.IPv6Address && { ipv6: cfg.IPAMConfig.IPv6Address }),
      ...(cfg.MacAddress && { mac: cfg.MacAddress }),
      aliases: cfg.Aliases ?? [],
      config: cfg,
    });
    if (!hasProcess(c.status)) {
      await svc.deps.hooks.changed?.(c.id);
      return undefined;
    }
    try {
      await svc.deps.hooks.connect(c.id, n, ep);
    } catch (err) {
      svc.release(c.id, n.id);
      throw err;
    }
    return n;
  });
  // A stopped container is announced connected when it starts (network-attachment.ts runStarted),
  // as dockerd: not twice. (A disconnect is announced either way, as dockerd's.)
  if (joined) svc.emit(joined, 'connect', { container: id });
}

export async function disconnectContainer(svc: NetworkService, idOrName: string, container: string, force: boolean): Promise<void> {
  const found = svc.resolve(idOrName);
  if (found.driver === 'host') throw invalidParameter('container cannot be disconnected from host network or connected to host network');
  const gone = containerOrGone(svc, container, found, force);
  if (!gone) return;
  // Under the container's lock, as connect: a start in progress has plumbed what it read.
  const n = await svc.lockedContainer(gone.id, async () => {
    const n = svc.resolve(found.id);
    const c = svc.deps.containers.resolve(gone.id);
    const ep = svc.deps.endpoints.get(c.id, n.id);
    if (!ep) throw invalidParameter(`container ${c.id} is not connected to network ${n.name}`);
    if (!hasProcess(c.status)) await svc.deps.hooks.changed?.(c.id);
    else {
      try {
        await svc.deps.hooks.disconnect(c.id, n, ep);
      } catch (err) {
        if (!force) throw err;
        logFailure(svc.deps.logger, `forced disconnect of ${c.id.slice(0, 12)} from ${n.name}`, { level: 'warn' })(err);
      }
    }
    svc.release(c.id, n.id);
    return n;
  });
  svc.emit(n, 'disconnect', { container: gone.id });
}

/** The container; with `force`, an endpoint whose container is gone is released instead. */
function containerOrGone(svc: NetworkService, container: string, n: NetworkRow, force: boolean): ContainerRow | undefined {
  try {
    return svc.deps.containers.resolve(container);
  } catch (err) {
    const stale = force ? svc.deps.endpoints.ofNetwork(n.id).find((e) => e.containerId === container) : undefined;
    if (!stale) throw err;
    svc.release(stale.containerId, n.id);
    svc.emit(n, 'disconnect', { container: stale.containerId });
    return undefined;
  }
}

function checkConnectable(svc: NetworkService, c: ContainerRow, n: NetworkRow): void {
  const mode = String(c.hostConfig.NetworkMode ?? '');
  if (n.driver === 'host') throw invalidParameter('container cannot be disconnected from host network or connected to host network');
  if (mode === 'host' || mode.startsWith('container:')) throw invalidParameter('container sharing network namespace with another container or host cannot be connected to any other network');
  // With --bridge none, containers default to the none network (as dockerd's).
  const onNone = mode === 'none' || (mode === 'default' && !svc.defaultBridge()) || svc.endpointsOf(c.id).some((e) => svc.deps.networks.get(e.network)?.driver === 'null');
  const others = svc.endpointsOf(c.id).length > 0;
  if ((n.driver === 'null' && others) || (onNone && n.driver !== 'null')) {
    throw invalidParameter('container cannot be connected to multiple networks with one of the networks in private (none) mode');
  }
}
