// dockerd's refusals of a create whose network mode shares another's stack (host, or
// container:<x>) while the request asks for what only a stack of its own has: a hostname, DNS
// servers, hosts entries, a MAC, ports, links. The texts are dockerd's (the docker CLI and
// compose show them as they are).
import { invalidParameter } from '../../api/types/errors.ts';
import type { HostConfig } from '../../api/types/engine-api.ts';

interface RequestConfig {
  Hostname?: string;
  MacAddress?: string;
  ExposedPorts?: Record<string, unknown> | null;
}

const filled = (v: unknown): boolean => Array.isArray(v) ? v.length > 0 : v !== null && typeof v === 'object' ? Object.keys(v).length > 0 : Boolean(v);

export function checkNetworkModeConflicts(mode: string, hc: HostConfig, body: RequestConfig): void {
  const shared = mode.startsWith('container:');
  const h = hc as HostConfig & { Links?: unknown; Dns?: unknown; ExtraHosts?: unknown; PortBindings?: unknown; PublishAllPorts?: boolean };
  if (shared && body.Hostname) throw invalidParameter('conflicting options: hostname and the network mode');
  if (shared && filled(h.Links)) throw invalidParameter("conflicting options: container type network can't be used with links. This would result in undefined behavior");
  if (mode === 'host' && filled(h.Links)) throw invalidParameter("conflicting options: host type networking can't be used with links. This would result in undefined behavior");
  if (shared && filled(h.Dns)) throw invalidParameter('conflicting options: dns and the network mode');
  if (shared && filled(h.ExtraHosts)) throw invalidParameter('conflicting options: custom host-to-IP mapping and the network mode');
  if ((shared || mode === 'host') && body.MacAddress) throw invalidParameter('conflicting options: mac-address and the network mode');
  if (shared && (filled(h.PortBindings) || h.PublishAllPorts === true)) throw invalidParameter('conflicting options: port publishing and the container type network mode');
  if (shared && filled(body.ExposedPorts)) throw invalidParameter('conflicting options: port exposing and the container type network mode');
}

/** Whether a start needs other containers running (legacy links, --network container:<x>), as
 * dockerd checks at the start itself: such a start is not prepared at create (prepared-starts.ts),
 * which would keep the others' state of then. */
export function dependsOnOthers(hc: unknown): boolean {
  const h = (hc ?? {}) as { Links?: unknown[] | null; NetworkMode?: unknown };
  return (h.Links?.length ?? 0) > 0 || String(h.NetworkMode ?? '').startsWith('container:');
}

/** dockerd's warning of a create with --network host and published ports (which it ignores). */
export function networkModeWarnings(hc: unknown): string[] {
  const h = (hc ?? {}) as { NetworkMode?: unknown; PortBindings?: Record<string, unknown> | null };
  return h.NetworkMode === 'host' && Object.keys(h.PortBindings ?? {}).length > 0 ? ['Published ports are discarded when using host network mode'] : [];
}
