// Containers created before berthd stored resolved mounts (an empty `mounts` column) had only
// host binds and tmpfs mounts, read from HostConfig at each start: they keep them.
import type { StoredMount } from '../../store/containers.ts';
import type { HostConfig } from '../../api/types/engine-api.ts';
import { parseBind } from './mount-specs.ts';

export function legacyMounts(hc: Pick<HostConfig, 'Binds' | 'Tmpfs'>): StoredMount[] {
  const out: StoredMount[] = [];
  for (const spec of hc.Binds ?? []) {
    const r = parseBind(spec);
    if (r.type !== 'bind') continue; // refused at create before volumes existed
    out.push({ Type: 'bind', Source: r.source, Destination: r.destination, Mode: r.mode, RW: r.rw, Propagation: r.propagation });
  }
  for (const [destination, data] of Object.entries(hc.Tmpfs ?? {})) {
    out.push({ Type: 'tmpfs', Source: '', Destination: destination, Mode: '', RW: true, Propagation: '', tmpfsData: data, hidden: true });
  }
  return out;
}
