// A new container's networks, as dockerd takes them from the create request: HostConfig.NetworkMode
// ("default" is the default bridge, or none when berthd runs with --bridge none; a network's name
// or id; host; none; container:<id>) and NetworkingConfig.EndpointsConfig (per network: aliases,
// a static address, a MAC). Endpoints on networks are recorded — addresses allocated — in the same
// store transaction as the container's row, so a container never exists half-connected.
import { invalidParameter, isKind } from '../../api/types/errors.ts';
import type { ContainerRow } from '../../store/containers.ts';
import type { HostConfig } from '../../api/types/engine-api.ts';
import type { NetworkService } from './network-service.ts';
import { checkNetworkModeConflicts } from './network-mode-check.ts';
import { storedLinks, type LinkTargets } from './legacy-links.ts';
import type { EndpointConfig, NetworkRow } from './types.ts';

export interface CreateNetworks {
  /** HostConfig.NetworkMode as stored. */
  mode: string;
  /** The networks to record endpoints on, each with what was asked for it. */
  endpoints: { network: NetworkRow; config: EndpointConfig }[];
}

/** Checks the request and resolves its networks (404 for an unknown one); nothing is recorded. */
export function planCreateNetworks(svc: NetworkService, hostConfig: HostConfig, body: Record<string, unknown>): CreateNetworks {
  const asked = (((body.NetworkingConfig as { EndpointsConfig?: Record<string, EndpointConfig | null> } | undefined)?.EndpointsConfig) ?? {}) as Record<string, EndpointConfig | null>;
  const mode = typeof hostConfig.NetworkMode === 'string' && hostConfig.NetworkMode !== '' ? hostConfig.NetworkMode : 'default';
  if (mode === 'container:') throw invalidParameter('Invalid network mode: invalid container format container:<name|id>');
  checkNetworkModeConflicts(mode, hostConfig, body);
  storedLinks(linksOf(hostConfig), '', linkTargets(svc)); // every target exists, or a 400 before anything is made
  if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) {
    // Stored by id, as dockerd does: a rename of the other container changes nothing. One that
    // does not exist (yet) is the start's error, as dockerd's: a 404 here would make the docker
    // CLI pull the image.
    const other = mode.startsWith('container:') ? findContainer(svc, mode.slice('container:'.length)) : undefined;
    if (other) hostConfig.NetworkMode = `container:${other.id}`;
    return { mode: String(hostConfig.NetworkMode), endpoints: [] };
  }
  if (mode === 'default' && !svc.defaultBridge()) return { mode, endpoints: [] };
  const first = mode === 'default' ? svc.resolve('bridge') : svc.resolve(mode);
  if (first.driver === 'host' || first.driver === 'null') return { mode: first.name, endpoints: [] };
  // The docker CLI names the default network "default" (as NetworkMode says).
  const configFor = (n: NetworkRow): EndpointConfig => asked[n.name] ?? asked[n.id] ?? asked[mode] ?? {};
  const endpoints = [{ network: first, config: configFor(first) }];
  for (const key of Object.keys(asked)) {
    if (key === mode) continue; // the docker CLI names the default network "default"
    const n = svc.resolve(key);
    if (n.id === first.id) continue;
    if (n.driver !== 'bridge') throw invalidParameter(`container cannot be connected to network endpoints: ${first.name}, ${n.name}`);
    endpoints.push({ network: n, config: asked[key] ?? {} });
  }
  for (const e of endpoints) checkEndpoint(e.network, e.config);
  return { mode, endpoints };
}

/** dockerd's refusals of what only user-defined networks support. */
export function checkEndpoint(n: NetworkRow, cfg: EndpointConfig): void {
  if (n.name !== 'bridge') return;
  if (cfg.IPAMConfig?.IPv4Address || cfg.IPAMConfig?.IPv6Address) throw invalidParameter('user specified IP address is supported on user defined networks only');
  if (cfg.Aliases?.length) throw invalidParameter('network-scoped alias is supported only for containers in user defined networks');
}

function findContainer(svc: NetworkService, idOrName: string): ContainerRow | undefined {
  try {
    return svc.deps.containers.resolve(idOrName);
  } catch (err) {
    if (isKind(err, 'not-found')) return undefined;
    throw err;
  }
}

function linksOf(hc: HostConfig): string[] {
  return ((hc as { Links?: string[] | null }).Links ?? []).filter((l) => l !== '');
}

/** Containers as legacy links see them: by name, with their default-bridge address. */
export function linkTargets(svc: NetworkService): LinkTargets {
  return {
    resolve: (x) => svc.deps.containers.resolve(x),
    bridgeAddress: (t) => svc.endpointsOf(t.id).find((ep) => svc.deps.networks.get(ep.network)?.name === 'bridge')?.address ?? '',
  };
}

/** Records the planned endpoints (inside the caller's transaction with the container's row),
 * and its links as dockerd stores them ("/srv:/web/db") through `setLinks`. */
export function recordCreateNetworks(svc: NetworkService, c: ContainerRow, plan: CreateNetworks, setLinks?: (links: string[] | null) => void): void {
  const links = linksOf(c.hostConfig);
  // On a user network a link is the endpoint's (EndpointSettings.Links, as the docker CLI sends
  // it), not the container's: dockerd's HostConfig.Links is null there.
  const onUserNetwork = plan.endpoints[0] !== undefined && plan.endpoints[0].network.name !== 'bridge';
  if (links.length && setLinks) setLinks(onUserNetwork ? null : storedLinks(links, c.name, linkTargets(svc)));
  const macFromConfig = (c.config as { MacAddress?: string }).MacAddress;
  for (const [i, e] of plan.endpoints.entries()) {
    const cfg = e.config;
    svc.allocate(c, e.network, {
      ...(cfg.IPAMConfig?.IPv4Address && { ipv4: cfg.IPAMConfig.IPv4Address }),
      ...(cfg.IPAMConfig?.IPv6Address && { ipv6: cfg.IPAMConfig.IPv6Address }),
      ...((cfg.MacAddress || (i === 0 && macFromConfig)) && { mac: cfg.MacAddress || macFromConfig }),
      aliases: cfg.Aliases ?? [],
      config: cfg,
    });
  }
}
