// A container's network for one run, as the attachment seam asks for it (attachments.ts):
// set up before the runtime creates the container, torn down when the run is over, re-adopted
// at restore. On bridge networks: a namespace of its own with one veth per network (eth0, eth1…,
// one `ip -batch` each), addresses from the store's IPAM, its published ports in the firewall,
// its names in the embedded DNS, and /etc/hosts, /etc/hostname, /etc/resolv.conf. With
// --network host the host's files; none: loopback only; container:<x>: x's namespace.
//
// Invariants:
// - What a set-up made is recorded in the store (endpoint's host interface, published ports)
//   before the next step, so a tearDown — after a failure here, a crash, or at restore — finds
//   it; tearDown only undoes what is recorded or present, and is cheap when nothing is.
// - The namespace is named after the container (berth-<id12>): a leftover of a crashed run is
//   found and replaced by the next set-up.
import { existsSync } from 'node:fs';
import type { ContainerRow } from '../../store/containers.ts';
import type { RunAttachment, SpecAdditions } from '../containers/attachments.ts';
import { conflict } from '../../api/types/errors.ts';
import { addEndpoint, removeEndpoint } from '../../network/endpoint.ts';
import { deleteNetns, netnsPath } from '../../network/netns.ts';
import type { Firewall } from '../../network/firewall.ts';
import type { Logger } from '../../lib/logger.ts';
import { logFailure } from '../../lib/log-failure.ts';
import { writeHostNetFiles, writeNetFiles, fileMounts, netFilePaths, readOr, type ResolverSettings } from './container-net-files.ts';
import { portRequests } from './port-plan.ts';
import type { PortAllocator } from './port-allocator.ts';
import type { NetworkAccess, Membership } from './network-access.ts';
import { randomBytes } from 'node:crypto';

export interface NetworkAttachmentDeps {
  access: NetworkAccess;
  ports: PortAllocator;
  /** Absent with --iptables=false: nothing is published. */
  firewall: Firewall | undefined;
  /** Tells the embedded DNS that names changed. */
  namesChanged: () => Promise<void>;
  containerDir: (id: string) => string;
  resolver: () => ResolverSettings;
  running: (id: string) => ContainerRow | undefined;
  logger?: Logger;
}

export const netnsName = (id: string): string => `berth-${id.slice(0, 12)}`;

export class NetworkAttachment implements RunAttachment {
  readonly name = 'network';
  readonly #d: NetworkAttachmentDeps;

  constructor(deps: NetworkAttachmentDeps) {
    this.#d = deps;
  }

  async setUp(c: ContainerRow): Promise<SpecAdditions> {
    const mode = this.#d.access.modeOf(c);
    const dir = this.#d.containerDir(c.id);
    if (mode.kind === 'host') return { mounts: writeHostNetFiles(dir) };
    if (mode.kind === 'container') {
      const other = this.#d.running(mode.container);
      if (!other || other.pid <= 0) throw conflict(`cannot join network of a non running container: ${mode.container}`);
      return { netnsPath: `/proc/${other.pid}/ns/net`, mounts: fileMounts(netFilePaths(this.#d.containerDir(other.id))) };
    }
    const cfg = c.config as { Hostname?: string; Domainname?: string };
    const hostname = cfg.Hostname || c.id.slice(0, 12);
    const base = { dir, hostname, ...(cfg.Domainname && { domainname: cfg.Domainname }), extraHosts: this.#extraHosts(c), resolver: this.#resolverFor(c), hostResolvConf: readOr('/etc/resolv.conf', '') };
    if (mode.kind === 'none') return { mounts: writeNetFiles({ ...base, ips: [], links: [] }).mounts };
    try {
      const made = await this.#connectAll(c, mode.memberships);
      const user = made.find((m) => !m.network.isDefaultBridge);
      const files = writeNetFiles({ ...base, ips: made.map((m) => m.address), links: [], ...(user && { nameserver: user.network.gateway }) });
      if (files.fellBack) this.#d.logger?.info('resolv.conf: the host has only loopback resolvers; the container gets the public fallback (8.8.8.8, 8.8.4.4)', { container: c.id });
      await this.#publish(c, made);
      if (made.some((m) => !m.network.isDefaultBridge)) await this.#d.namesChanged();
      return { netnsPath: netnsPath(netnsName(c.id)), mounts: files.mounts };
    } catch (err) {
      await this.tearDown(c).catch(logFailure(this.#d.logger, 'undoing a failed network set-up', { fields: { container: c.id }, level: 'warn' }));
      throw err;
    }
  }

  /** One endpoint per network, eth0 first: the first also makes the namespace. */
  async #connectAll(c: ContainerRow, memberships: readonly Membership[]): Promise<Made[]> {
    await deleteNetns(netnsName(c.id)); // a crashed run's namespace, if any
    const made: Made[] = [];
    for (const [i, m] of memberships.entries()) made.push(await this.#connect(c, m, i, i === 0));
    return made;
  }

  async #connect(c: ContainerRow, m: Membership, index: number, first: boolean): Promise<Made> {
    const a = this.#d.access.allocate(c, m.network.id);
    const hostIf = `veth${randomBytes(4).toString('hex').slice(0, 7)}`;
    this.#d.access.setRuntime(c.id, m.network.id, { hostIf, netns: netnsName(c.id) });
    await addEndpoint({
      netns: netnsName(c.id), createNetns: first, bridge: m.network.bridge, hostIf, ifName: `eth${index}`,
      address: `${a.address}/${m.network.prefix}`, mac: a.mac, ...(m.network.mtu && { mtu: m.network.mtu }),
      ...(first && !m.network.internal && { gateway: m.network.gateway }),
    });
    return { network: m.network, address: a.address };
  }

  /** Connects a running container to one more network (POST /networks/{id}/connect). */
  async connectRunning(c: ContainerRow, m: Membership): Promise<void> {
    const index = this.#d.access.memberships(c).findIndex((x) => x.network.id === m.network.id);
    await this.#connect(c, m, index < 0 ? this.#d.access.memberships(c).length : index, false);
    if (!m.network.isDefaultBridge) await this.#d.namesChanged();
  }

  async disconnectRunning(c: ContainerRow, networkId: string): Promise<void> {
    const ep = this.#d.access.runtimeOf(c.id).find((e) => e.networkId === networkId);
    if (ep?.hostIf) await removeEndpoint(ep.hostIf);
    this.#d.access.release(c.id, networkId);
    await this.#d.namesChanged();
  }

  async #publish(c: ContainerRow, made: readonly Made[]): Promise<void> {
    const requests = portRequests(c.config, c.hostConfig);
    const target = made.find((m) => !m.network.internal);
    if (requests.length === 0 || !target || !this.#d.firewall) return;
    const ports = await this.#d.ports.allocate(c.id, requests, { containerIp: target.address, bridge: target.network.bridge });
    await this.#d.firewall.publish(c.id, ports.map((p) => ({ proto: p.proto, hostIp: p.hostIp, hostPort: p.hostPort, containerIp: p.containerIp, containerPort: p.containerPort, bridge: p.bridge })));
  }

  async tearDown(c: ContainerRow): Promise<void> {
    const eps = this.#d.access.runtimeOf(c.id);
    const published = this.#d.ports.of(c.id).length > 0;
    const ns = netnsName(c.id);
    if (eps.length === 0 && !published && !existsSync(netnsPath(ns))) return;
    if (published) await this.#d.firewall?.unpublish(c.id);
    this.#d.ports.release(c.id);
    for (const ep of eps) if (ep.hostIf) await removeEndpoint(ep.hostIf);
    await deleteNetns(ns);
    for (const ep of eps) this.#d.access.release(c.id, ep.networkId);
    if (eps.length > 0) await this.#d.namesChanged();
  }

  /** A running container after a berthd restart: its published ports are put back as the store
   * says (rules survive a daemon restart; a host reboot or a flush does not). */
  async adopt(c: ContainerRow): Promise<void> {
    const ports = this.#d.ports.of(c.id);
    if (ports.length > 0 && this.#d.firewall) await this.#d.firewall.publish(c.id, ports.map((p) => ({ proto: p.proto, hostIp: p.hostIp, hostPort: p.hostPort, containerIp: p.containerIp, containerPort: p.containerPort, bridge: p.bridge })));
  }

  async removed(c: ContainerRow): Promise<void> {
    this.#d.access.forget(c.id);
  }

  #extraHosts(c: ContainerRow): { host: string; ip: string }[] {
    const gw = this.#d.access.hostGateway();
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

interface Made {
  network: Membership['network'];
  address: string;
}
