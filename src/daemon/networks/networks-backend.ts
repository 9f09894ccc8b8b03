// The /networks routes' backend: the service's records shaped as dockerd shows them.
import type { NetworksBackend } from '../../api/routers/networks.ts';
import { notFound } from '../../api/types/errors.ts';
import type { NetworkService } from './network-service.ts';
import { listFilter, networkView, type ViewDeps } from './network-views.ts';

export function networksBackend(svc: NetworkService): NetworksBackend {
  const deps: ViewDeps = { endpointsOf: (id) => svc.endpointsIn(id), containerName: (id) => svc.containerName(id), running: (id) => svc.isRunning(id) };
  return {
    list: (filters, version) => svc.all().filter(listFilter(filters, (id) => svc.endpointsIn(id).length)).map((n) => networkView(n, deps, false, version)),
    inspect(idOrName, { scope, version }) {
      const n = svc.resolve(idOrName);
      // `verbose` shows swarm services and tasks, which local networks have none of.
      if (scope !== undefined && scope !== n.scope) throw notFound(`network ${idOrName} not found`);
      return networkView(n, deps, true, version);
    },
    create: (body) => svc.create(body),
    remove: (idOrName) => svc.remove(idOrName),
    connect: (idOrName, container, config) => svc.connect(idOrName, container, config),
    disconnect: (idOrName, container, force) => svc.disconnect(idOrName, container, force),
    prune: (filters) => svc.prune(filters),
  };
}
