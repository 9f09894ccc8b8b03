// The interfaces docker stats reports for a container: those of its network sandbox's
// endpoints, as dockerd lists them (libnetwork's sandbox statistics). A container on the host's
// network or on none has none; one that joined another's namespace (container:<id>) shares that
// container's sandbox and so its endpoints — also when that one is on the host's network, whose
// own interfaces dockerd never reports.
import type { ContainerRow } from '../../store/containers.ts';
import type { NetworkService } from './network-service.ts';

export interface SandboxInterface {
  /** Inside the container: eth0, eth1... */
  ifName: string;
  /** The veth pair's host end. */
  hostIf: string;
}

export function sandboxInterfaces(svc: NetworkService, c: ContainerRow): SandboxInterface[] {
  const owner = sandboxOwner(svc, c);
  if (!owner) return [];
  return svc.endpointsOf(owner.id)
    .filter((e) => e.hostIf !== '') // recorded but not plumbed (a null-driver endpoint)
    .sort((a, b) => a.ifIndex - b.ifIndex)
    .map((e) => ({ ifName: `eth${e.ifIndex}`, hostIf: e.hostIf }));
}

/** Whose endpoints c uses; undefined on the host's network or when the joined container is gone. */
function sandboxOwner(svc: NetworkService, c: ContainerRow): ContainerRow | undefined {
  const mode = String(c.hostConfig.NetworkMode ?? 'default');
  if (mode === 'host') return undefined;
  if (!mode.startsWith('container:')) return c;
  try {
    const other = svc.deps.containers.resolve(mode.slice('container:'.length));
    // One level: a container: chain ends at a container with a namespace of its own.
    return String(other.hostConfig.NetworkMode ?? 'default') === 'host' ? undefined : other;
  } catch {
    return undefined; // removed since: its namespace went with it
  }
}
