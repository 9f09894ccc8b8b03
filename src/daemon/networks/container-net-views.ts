// The network parts of a container's inspect and list entries, from the store: its endpoints
// (through the network service) and its published ports.
import { existsSync } from 'node:fs';
import { hasProcess, type ContainerRow } from '../../store/containers.ts';
import { netnsPath } from '../../network/netns.ts';
import type { PortAllocator } from './port-allocator.ts';
import type { NetworkService } from './network-service.ts';
import { inspectNetworkSettings, summaryNetworkSettings, summaryPorts, type EndpointView } from './network-settings.ts';
import { netFilePaths } from './container-net-files.ts';
import { compareVersions } from '../../api/types/version.ts';
import { netnsName } from './setup.ts';
import type { ListedPort } from '../containers/port-filters.ts';

export interface ContainerNetViews {
  inspect(c: ContainerRow, version: string): Record<string, unknown>;
  summary(c: ContainerRow, version: string): Record<string, unknown>;
  /** The list entry's Ports (what the publish and expose filters look at). */
  ports(c: ContainerRow): ListedPort[];
  /** The networks the list entry names (what the network filter looks at). */
  networks(c: ContainerRow): { name: string; id: string }[];
}

export function containerNetViews(svc: NetworkService, ports: PortAllocator, containerDir: (id: string) => string): ContainerNetViews {
  const endpoints = (c: ContainerRow, running: boolean): EndpointView[] => {
    const out: EndpointView[] = [];
    for (const ep of svc.endpointsOf(c.id).sort((a, b) => a.ifIndex - b.ifIndex)) {
      const n = svc.deps.networks.get(ep.network);
      if (!n) continue;
      const a = svc.addressing(n).ipv4;
      const cfg = svc.endpointConfig(c.id, n.id);
      const name = c.name.slice(1);
      out.push({
        networkName: n.name, networkId: n.id, isDefaultBridge: n.name === 'bridge', endpointId: ep.endpointId,
        gateway: a?.gateway ?? '', address: running ? ep.address : '', prefix: a?.prefix ?? 0, mac: ep.mac,
        aliases: cfg?.Aliases ?? (ep.aliases.length ? ep.aliases : null), ipamConfig: (cfg?.IPAMConfig as Record<string, unknown> | undefined) ?? null,
        links: cfg?.Links ?? null, driverOpts: cfg?.DriverOpts ?? null,
        dnsNames: n.name === 'bridge' ? null : [...new Set([name, ...ep.aliases, c.id.slice(0, 12)])],
        ...(n.name !== 'bridge' && { idAlias: c.id.slice(0, 12) }),
      });
    }
    // host and none: the network itself, without addresses. A daemon without a default bridge
    // (--bridge none) still names `bridge` for the default mode, with no id, as dockerd 20.10 does.
    const mode = String(c.hostConfig.NetworkMode ?? 'default');
    if (out.length === 0 && (mode === 'host' || mode === 'none' || (mode === 'default' && !svc.defaultBridge()))) {
      const n = mode === 'default' ? { name: 'bridge', id: '' } : svc.resolve(mode);
      out.push({ networkName: n.name, networkId: n.id, isDefaultBridge: false, endpointId: '', gateway: '', address: '', prefix: 0, mac: '', aliases: null, ipamConfig: null, links: null, driverOpts: null, dnsNames: null });
    }
    return out;
  };
  // Ports are mapped only on a network: in the default mode of a daemon without a default
  // bridge there is none, and dockerd shows no Ports (as for a stopped container).
  const mapping = (c: ContainerRow) => hasProcess(c.status) && (String(c.hostConfig.NetworkMode ?? 'default') !== 'default' || svc.defaultBridge() !== undefined);
  return {
    inspect(c, version) {
      const running = hasProcess(c.status);
      // container:<x> uses x's files (dockerd's paths show it too).
      const shared = /^container:([0-9a-f]{64})$/.exec(String(c.hostConfig.NetworkMode ?? ''))?.[1];
      const files = netFilePaths(containerDir(shared ?? c.id));
      const ns = netnsPath(netnsName(c.id));
      const sandboxKey = running && existsSync(ns) ? ns : '';
      const made = existsSync(files.hosts);
      return {
        ResolvConfPath: made ? files.resolvConf : '', HostnamePath: made ? files.hostname : '', HostsPath: made ? files.hosts : '',
        NetworkSettings: inspectNetworkSettings({ c, endpoints: endpoints(c, running), published: ports.of(c.id), running, mapping: mapping(c), sandboxKey, apiVersion: apiNumber(version) }),
      };
    },
    summary(c, version) {
      const running = hasProcess(c.status);
      return { Ports: summaryPorts(c, ports.of(c.id), mapping(c)), NetworkSettings: summaryNetworkSettings(endpoints(c, running), apiNumber(version)) };
    },
    ports: (c) => summaryPorts(c, ports.of(c.id), mapping(c)) as unknown as ListedPort[],
    networks: (c) => endpoints(c, false).map((e) => ({ name: e.networkName, id: e.networkId })),
  };
}

function apiNumber(version: string): number {
  return compareVersions(version, '1.44') >= 0 ? 1.44 : 1.43;
}
