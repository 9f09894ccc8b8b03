// A container's network for one run, as the attachment seam asks for it (attachments.ts): set
// up before the runtime creates the container, torn down when the run is over, re-adopted at
// restore. On bridge networks: a namespace of its own (berth-<id12>) with one veth per endpoint
// the store records for it (eth0, eth1…; one `ip -batch` each), its published ports in the
// firewall, its names in the embedded DNS, and /etc/hosts, /etc/hostname, /etc/resolv.conf.
// With --network host the host's files; none: loopback only; container:<x>: x's namespace.
//
// Invariants:
// - Addresses live in the store from create (or connect) to removal (or disconnect); a run only
//   plumbs them. The namespace and veth names come from the store too, so a tearDown after a
//   crash finds what a set-up made, and a set-up over a crashed run's leftovers replaces them.
// - tearDown is cheap when nothing is there (restore calls it for every stopped container): it
//   spawns nothing unless the namespace exists or ports are recorded.
import { existsSync } from 'node:fs';
import type { ContainerRow } from '../../store/containers.ts';
import type { OciMount } from '../../runtime/spec/index.ts';
import type { RunAttachment, SpecAdditions } from '../containers/attachments.ts';
import { conflict } from '../../api/types/errors.ts';
import { addEndpoint, removeEndpoint, removeWithNetns } from '../../network/endpoint.ts';
import { deleteNetns, netnsPath } from '../../network/netns.ts';
import type { Logger } from '../../lib/logger.ts';
import { logFailure } from '../../lib/log-failure.ts';
import { writeHostNetFiles, writeNetFiles, fileMounts, netFilePaths, readOr, type ResolverSettings } from './container-net-files.ts';
import { portRequests } from './port-plan.ts';
import type { PortAllocator } from './port-allocator.ts';
import type { NetworkService } from './network-service.ts';
import type { EndpointRecord, NetworkRow } from './types.ts';
import { netnsName } from './setup.ts';
import type { LinkRun } from './legacy-links.ts';
import type { FirewallPort } from './network-kernel.ts';

const NO_LINKS: LinkRun = { hosts: [], env: [] };

export interface NetworkAttachmentDeps {
  networks: NetworkService;
  ports: PortAllocator;
  /** Absent with --iptables=false: nothing is published. */
  firewall: FirewallPort | undefined;
  /** Tells the embedded DNS that names changed. */
  namesChanged: () => Promise<void>;
  containerDir: (id: string) => string;
  resolver: () => ResolverSettings;
  /** Its legacy links' /etc/hosts lines and environment (legacy-links.ts); `skipStopped` for
   * a rewrite of a running container's files, where a stopped target is no refusal. */
  links?: (c: ContainerRow, o?: { skipStopped?: boolean }) => LinkRun;
  logger?: Logger;
}

interface Plumbed {
  network: NetworkRow;
  ep: EndpointRecord;
}

export class NetworkAttachment implements RunAttachment {
  readonly name = 'network';
  readonly #d: NetworkAttachmentDeps;

  constructor(deps: NetworkAttachmentDeps) {
    this.#d = deps;
  }

  async setUp(c: ContainerRow): Promise<SpecAdditions> {
    const mode = String(c.hostConfig.NetworkMode ?? 'default');
    const dir = this.#d.containerDir(c.id);
    if (mode === 'host') return { mounts: writeHostNetFiles(dir) };
    if (mode.startsWith('container:')) return this.#joinContainer(mode.slice('container:'.length));
    // A network removed while the container was stopped (dockerd allows it): the start fails.
    if (!['default', 'bridge', 'none'].includes(mode)) this.#d.networks.resolve(mode);
    const eps = this.#plumbable(c);
    if (eps.length === 0) return { mounts: this.#writeFiles(c, [], NO_LINKS).mounts };
    // Before any kernel work: a link to a stopped container refuses the start.
    const linked = eps.some((p) => p.network.name === 'bridge') ? this.#d.links?.(c) ?? NO_LINKS : NO_LINKS;
    try {
      await deleteNetns(netnsName(c.id)); // a crashed run's namespace, if any
      for (const [i, p] of eps.entries()) await this.#plumb(p, i === 0);
      const files = this.#writeFiles(c, eps, linked);
      await this.#publish(c, eps);
      if (eps.some((p) => p.network.name !== 'bridge')) await this.#d.namesChanged();
      return { netnsPath: netnsPath(netnsName(c.id)), mounts: files.mounts, ...(linked.env.length && { env: linked.env }) };
    } catch (err) {
      await this.tearDown(c).catch(logFailure(this.#d.logger, 'undoing a failed network set-up', { fields: { container: c.id }, level: 'warn' }));
      throw err;
    }
  }

  /** /etc/hosts, /etc/hostname, /etc/resolv.conf for these endpoints: at a start, and again in
   * place (the bind mounts see the same inode) when a running container connects or disconnects,
   * as dockerd does — its resolver becomes the embedded DNS once a user network is there. */
  #writeFiles(c: ContainerRow, eps: readonly Plumbed[], linked: LinkRun): { mounts: OciMount[] } {
    const cfg = c.config as { Hostname?: string; Domainname?: string };
    const user = eps.find((p) => p.network.name !== 'bridge');
    const files = writeNetFiles({
      dir: this.#d.containerDir(c.id), hostname: cfg.Hostname || c.id.slice(0, 12), ...(cfg.Domainname && { domainname: cfg.Domainname }),
      extraHosts: this.#extraHosts(c), resolver: this.#resolverFor(c), hostResolvConf: readOr('/etc/resolv.conf', ''),
      links: linked.hosts, ips: eps.map((p) => p.ep.address), ...(user && { nameserver: this.#gateway(user.network) }),
    });
    if (files.fellBack) this.#d.logger?.info('resolv.conf: the host has only loopback resolvers; the container gets the public fallback (8.8.8.8, 8.8.4.4)', { container: c.id });
    return files;
  }

  #joinContainer(idOrName: string): SpecAdditions {
    const other = this.#d.networks.deps.containers.resolve(idOrName);
    if (other.status !== 'running' && other.status !== 'paused') throw conflict(`cannot join network of a non running container: ${other.id}`);
    const cfg = other.config as { Hostname?: string; Domainname?: string };
    return {
      netnsPath: `/proc/${other.pid}/ns/net`, mounts: fileMounts(netFilePaths(this.#d.containerDir(other.id))),
      hostname: cfg.Hostname || other.id.slice(0, 12), domainname: cfg.Domainname ?? '',
    };
  }

  /** The container's endpoints on bridge networks, eth0 first. */
  #plumbable(c: ContainerRow): Plumbed[] {
    const out: Plumbed[] = [];
    for (const ep of this.#d.networks.endpointsOf(c.id).sort((a, b) => a.ifIndex - b.ifIndex)) {
      const network = this.#d.networks.deps.networks.get(ep.network);
      if (network?.driver === 'bridge' && ep.address) out.push({ network, ep });
    }
    return out;
  }

  #gateway(n: NetworkRow): string {
    return this.#d.networks.addressing(n).ipv4?.gateway ?? '';
  }

  /** One endpoint's veth; the first one makes the namespace and, unless internal, the route. */
  async #plumb({ network, ep }: Plumbed, first: boolean): Promise<void> {
    const a = this.#d.networks.addressing(network);
    const mtu = Number(network.options['com.docker.network.driver.mtu']) || undefined;
    await addEndpoint({
      netns: ep.netns, createNetns: first, bridge: network.bridge, hostIf: ep.hostIf, ifName: `eth${ep.ifIndex}`,
      address: `${ep.address}/${a.ipv4?.prefix ?? 32}`, mac: ep.mac, ...(mtu && { mtu }),
      ...(first && !network.internal && a.ipv4 && { gateway: a.ipv4.gateway }),
      ...(ep.ipv6Address && a.ipv6 && { ipv6Address: `${ep.ipv6Address}/${a.ipv6.prefix}`, ...(first && !network.internal && { ipv6Gateway: a.ipv6.gateway }) }),
    });
  }

  /** POST /networks/{id}/connect of a running container: one more veth in its namespace. */
  async connectRunning(containerId: string, network: NetworkRow, ep: EndpointRecord): Promise<void> {
    if (network.driver !== 'bridge' || !ep.address) return;
    await this.#plumb({ network, ep }, !existsSync(netnsPath(ep.netns)));
    const c = this.#d.networks.deps.containers.resolve(containerId);
    this.#writeFiles(c, this.#plumbable(c), this.#runningLinks(c));
    if (network.name !== 'bridge') await this.#d.namesChanged();
  }

  async disconnectRunning(containerId: string, network: NetworkRow, ep: EndpointRecord): Promise<void> {
    if (ep.hostIf) await removeEndpoint(ep.hostIf);
    if (this.#d.ports.of(containerId).some((p) => p.bridge === network.bridge)) {
      await this.#d.firewall?.unpublish(containerId);
      this.#d.ports.release(containerId);
    }
    // The endpoint is still recorded (released after this hook): the files leave it out.
    const c = this.#d.networks.deps.containers.resolve(containerId);
    const left = this.#plumbable(c).filter((p) => p.network.id !== network.id);
    this.#writeFiles(c, left, left.some((p) => p.network.name === 'bridge') ? this.#runningLinks(c) : NO_LINKS);
    if (network.name !== 'bridge') await this.#d.namesChanged();
  }

  #runningLinks(c: ContainerRow): LinkRun {
    return this.#d.links?.(c, { skipStopped: true }) ?? NO_LINKS;
  }

  async #publish(c: ContainerRow, eps: readonly Plumbed[]): Promise<void> {
    const requests = portRequests(c.config, c.hostConfig);
    const target = eps.find((p) => !p.network.internal);
    if (requests.length === 0 || !target || !this.#d.firewall) return;
    const ports = await this.#d.ports.allocate(c.id, requests, { containerIp: target.ep.address, bridge: target.network.bridge });
    await this.#d.firewall.publish(c.id, ports.map(toMap));
  }

  async tearDown(c: ContainerRow): Promise<void> {
    const ns = netnsName(c.id);
    const published = this.#d.ports.of(c.id).length > 0;
    if (!published && !existsSync(netnsPath(ns))) return;
    if (published) await this.#d.firewall?.unpublish(c.id);
    this.#d.ports.release(c.id);
    const eps = this.#plumbable(c);
    await removeWithNetns(ns, eps.map((p) => p.ep.hostIf));
    if (eps.some((p) => p.network.name !== 'bridge')) await this.#d.namesChanged();
  }

  /** As dockerd's events: a run is connected to its networks when it begins (host and none too)
   * and disconnected from those it is on at its end (a `network connect/disconnect` meanwhile
   * announced itself); one in another container's namespace is on none of its own. */
  runStarted(c: ContainerRow): void {
    this.#announce(c, 'connect');
  }

  runEnded(c: ContainerRow): void {
    this.#announce(c, 'disconnect');
  }

  #announce(c: ContainerRow, action: 'connect' | 'disconnect'): void {
    const mode = String(c.hostConfig.NetworkMode ?? 'default');
    if (mode.startsWith('container:')) return;
    const named = mode === 'host' || mode === 'none' ? this.#d.networks.deps.networks.byName(mode) : undefined;
    const on = named ? [named] : this.#plumbable(c).map((p) => p.network);
    for (const n of on) this.#d.networks.emit(n, action, { container: c.id });
  }

  /** A running container after a berthd restart: its published ports are put back as the store
   * says (rules outlive berthd; a flush by hand or a reboot does not). */
  async adopt(c: ContainerRow): Promise<void> {
    // A connect or disconnect cut off by the last daemon's end leaves a record without its veth
    // (test-faults found them after restarts): made whole again, as the record says.
    for (const p of this.#plumbable(c)) {
      if (!p.ep.hostIf || existsSync(`/sys/class/net/${p.ep.hostIf}`) || !existsSync(netnsPath(p.ep.netns))) continue;
      await this.connectRunning(c.id, p.network, p.ep).catch(logFailure(this.#d.logger, 'restoring an endpoint cut off by a restart', { fields: { container: c.id, network: p.network.name }, level: 'warn' }));
    }
    const ports = this.#d.ports.of(c.id);
    if (ports.length > 0 && this.#d.firewall) await this.#d.firewall.publish(c.id, ports.map(toMap));
  }

  async removed(c: ContainerRow): Promise<void> {
    this.#d.networks.releaseAll(c.id);
  }

  #extraHosts(c: ContainerRow): { host: string; ip: string }[] {
    const bridge = this.#d.networks.defaultBridge();
    const gw = bridge ? this.#gateway(bridge) : '';
    return ((c.hostConfig.ExtraHosts as string[] | null | undefined) ?? []).map((h) => {
      const at = h.indexOf(':');
      const ip = h.slice(at + 1);
      return { host: h.slice(0, at), ip: ip === 'host-gateway' ? gw : ip };
    });
  }

  #resolverFor(c: ContainerRow): ResolverSettings {
    const hc = c.hostConfig as { Dns?: string[] | null; DnsSearch?: string[] | null; DnsOptions?: string[] | null };
    const daemon = this.#d.resolver();
    return {
      dns: hc.Dns?.length ? hc.Dns : daemon.dns,
      search: hc.DnsSearch?.length ? hc.DnsSearch : daemon.search,
      options: hc.DnsOptions?.length ? hc.DnsOptions : daemon.options,
    };
  }
}

function toMap(p: { proto: 'tcp' | 'udp' | 'sctp'; hostIp: string; hostPort: number; containerIp: string; containerPort: number; bridge: string }) {
  return { proto: p.proto, hostIp: p.hostIp, hostPort: p.hostPort, containerIp: p.containerIp, containerPort: p.containerPort, bridge: p.bridge };
}
