// Requests that act on a container someone already made: a rule with limits may act only on a
// container it could have made itself. Otherwise the limits are checked at create and nowhere
// else, and a rule that may not run `--privileged` or bind `/` could start, exec into, attach
// to, copy into or out of, or commit a container root made that way — the same root on the
// host, one step later. (Reading — inspect, logs, top — is not acting: read-only routes may
// look at any container.) It also makes a `labels` limit scope a rule to its own containers.
import type { ContainerRequest } from './container-limits.ts';
import type { ContainerService } from '../daemon/containers/container-service.ts';
import type { ExecInstance, ExecService } from '../daemon/containers/exec-service.ts';
import type { ContainerRow } from '../store/containers.ts';

/** A container as a create would have asked for it, and its name (for the audit line). */
export interface Existing {
  name: string;
  request: ContainerRequest;
}

export interface ExistingContainers {
  /** The container an id, id prefix or name resolves to; undefined when there is none (the
   * handler then answers as it always does). */
  container(idOrName: string): Existing | undefined;
  /** The container of an exec instance; a privileged exec counts as a privileged container. */
  ofExec(execId: string): Existing | undefined;
}

export type Target = { kind: 'container' | 'exec'; ref: string };

/** The existing container (or exec) a route changes or hands out, from its path or query; a
 * container named only in a body (network connect) is asked about by its handler. */
export function targetOf(route: string, params: Record<string, string>, query: URLSearchParams): Target | undefined {
  if (route.startsWith('POST /exec/:id/')) return { kind: 'exec', ref: params.id! };
  if (route === 'POST /commit') return ref('container', query.get('container'));
  // A legacy link's removal (/web/db) is a change to the container named first.
  if (route === 'DELETE /containers/*') return ref('container', (params['*'] ?? '').split('/').find(Boolean));
  if (/^[A-Z]+ \/containers\/:id(\/|$)/.test(route)) return ref('container', params.id);
  return undefined;
}

function ref(kind: Target['kind'], value: string | null | undefined): Target | undefined {
  return value ? { kind, ref: value } : undefined;
}

export function lookUp(containers: ExistingContainers, t: Target): Existing | undefined {
  return t.kind === 'exec' ? containers.ofExec(t.ref) : containers.container(t.ref);
}

/** The daemon's containers and exec instances as the authorizer asks about them. */
export function daemonContainers(svc: ContainerService, execs: ExecService): ExistingContainers {
  const existing = (idOrName: string, privilegedExec = false): Existing | undefined => {
    let row: ContainerRow;
    try {
      row = svc.resolve(idOrName);
    } catch {
      return undefined; // not there, or an ambiguous prefix: the handler's 404 or 400
    }
    const hostConfig = privilegedExec ? { ...row.hostConfig, Privileged: true } : row.hostConfig;
    const request: ContainerRequest = {
      image: row.image,
      imageNames: svc.deps.images.table.refsOf(row.imageId).map((r) => r.ref),
      config: row.config,
      hostConfig,
      mounts: row.mounts ?? [],
      ...(svc.deps.volumeOptions && { volumeOptions: svc.deps.volumeOptions }),
    };
    return { name: row.name.replace(/^\//, ''), request };
  };
  return {
    container: (idOrName) => existing(idOrName),
    ofExec: (execId) => {
      let e: ExecInstance;
      try {
        e = execs.get(execId);
      } catch {
        return undefined;
      }
      return existing(e.containerId, e.config.privileged);
    },
  };
}
