// What the network attachment needs of the network service: a container's networks (in eth0,
// eth1… order), addresses from the store's IPAM, and the record of what a run made (the host
// side of each veth, the namespace) so that its tearDown finds it after a crash.
import type { ContainerRow } from '../../store/containers.ts';

export interface AttachedNetwork {
  id: string;
  name: string;
  /** The Linux bridge. */
  bridge: string;
  gateway: string;
  prefix: number;
  internal: boolean;
  mtu?: number;
  /** The predefined `bridge` network: no embedded DNS, legacy links. */
  isDefaultBridge: boolean;
}

export interface Membership {
  network: AttachedNetwork;
  aliases: string[];
}

export type NetworkMode =
  | { kind: 'none' }
  | { kind: 'host' }
  | { kind: 'container'; container: string }
  | { kind: 'networks'; memberships: Membership[] };

export interface RunEndpoint {
  networkId: string;
  hostIf: string;
}

export interface NetworkAccess {
  modeOf(c: ContainerRow): NetworkMode;
  memberships(c: ContainerRow): Membership[];
  /** An address (the one asked for, or the next free) and its MAC, recorded in one transaction. */
  allocate(c: ContainerRow, networkId: string): { address: string; mac: string };
  setRuntime(containerId: string, networkId: string, r: { hostIf: string; netns: string }): void;
  /** Endpoints with something made for a run (a host interface recorded). */
  runtimeOf(containerId: string): RunEndpoint[];
  /** The run is over: its address is free again, its runtime record cleared. */
  release(containerId: string, networkId: string): void;
  /** The container is gone: its memberships go too. */
  forget(containerId: string): void;
  /** What `host-gateway` in --add-host means: the default bridge's gateway. */
  hostGateway(): string;
}
