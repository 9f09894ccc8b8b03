// The rows of the networks and endpoints tables as berthd uses them (schema.ts draws the
// tables). EndpointRecord is what the kernel side plumbs: addresses, veth and namespace names.

import type { EndpointSettings } from '../api/types/engine-api.ts';

/** One IPAM pool as `GET /networks/{id}` shows it (what was asked, or what berthd picked). */
export interface IpamPool {
  Subnet: string;
  IPRange?: string;
  Gateway?: string;
  AuxiliaryAddresses?: Record<string, string>;
}

export interface NetworkIpam {
  Driver: string;
  Options: Record<string, string> | null;
  Config: IpamPool[];
  /** berthd picked the IPv4 subnet from its pools (not shown): `--ip` is then refused, as
   * dockerd refuses it on networks without a user-configured subnet. */
  Picked?: boolean;
}

export interface NetworkRow {
  id: string;
  name: string;
  /** bridge, host or null (the `none` network), as dockerd names them. */
  driver: string;
  created: string;
  scope: string;
  internal: boolean;
  attachable: boolean;
  enableIPv6: boolean;
  ipam: NetworkIpam;
  options: Record<string, string>;
  labels: Record<string, string>;
  /** The Linux bridge's name ('' for host and none). */
  bridge: string;
}

/** EndpointSettings as the client asked for them (kept verbatim for inspect). */
export type EndpointConfig = Pick<EndpointSettings, 'IPAMConfig' | 'Aliases' | 'Links' | 'DriverOpts' | 'MacAddress'>;

export interface EndpointRecord {
  containerId: string;
  /** The network's id. */
  network: string;
  /** 0 → eth0, 1 → eth1 ...: the order the container was attached in (smallest free). */
  ifIndex: number;
  /** IPv4 without prefix ('' on host and none); the prefix is the network's subnet's. */
  address: string;
  mac: string;
  /** IPv6 without prefix, on networks with EnableIPv6. */
  ipv6Address?: string;
  aliases: string[];
  /** Host side of the veth pair: "veth" + 7 hex. */
  hostIf: string;
  /** Name of the container's network namespace (one per container, shared by its endpoints). */
  netns: string;
  endpointId: string;
  links?: string[];
  ipamConfig?: object;
  driverOpts?: Record<string, string>;
}
