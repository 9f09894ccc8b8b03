// The networks service's vocabulary: a network as the store keeps it, an endpoint (one
// container's attachment to one network, with its addresses), and the two seams the kernel side
// plugs into — a driver for networks and hooks for endpoints of running containers.

import type { EndpointRecord, NetworkRow } from '../../store/networks.ts';
export type { EndpointConfig, EndpointRecord, IpamPool, NetworkIpam, NetworkRow } from '../../store/networks.ts';

/** Makes and unmakes a network's kernel side (bridge, firewall). */
export interface NetworkDriver {
  create(n: NetworkRow): Promise<void>;
  remove(n: NetworkRow): Promise<void>;
}

/** Plumbs an endpoint into (or out of) a container that runs now. Called for running (or
 * paused) containers only: a stopped one gets its endpoints at its next start. */
export interface EndpointHooks {
  connect(containerId: string, n: NetworkRow, ep: EndpointRecord): Promise<void>;
  disconnect(containerId: string, n: NetworkRow, ep: EndpointRecord): Promise<void>;
  /** A container that does not run was connected or disconnected: a prepared start made with
   * the old endpoints must be dropped. Called with the container's lock held (`locked`). */
  changed?(containerId: string): Promise<void>;
  /** fn under the container's lock, the one its start, stop and removal take: an endpoint that
   * changes while a start plumbs the container's namespace would leave a veth without its
   * record (or a record without its veth). Absent: fn runs at once (no lifecycle). */
  locked?<T>(containerId: string, fn: () => Promise<T>): Promise<T>;
}
