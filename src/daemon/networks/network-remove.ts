// network rm and prune. As dockerd, only running containers hold a network: a stopped one's
// endpoint goes with it (ON DELETE CASCADE) and its next start fails with "network ... not
// found". The removal runs under the locks of every container with an endpoint on the network
// (locked-all.ts): a start in progress has plumbed what it read and counts as the running
// container it becomes (else its eth<N> outlived the record and the next connect collided with
// it: 500 "RTNETLINK answers: File exists"), and a prepared start made with the network is
// dropped before any start can take it.
import { conflict, forbidden, notFound } from '../../api/types/errors.ts';
import { matchLabels, type Filters } from '../../api/query.ts';
import { logFailure } from '../../lib/log-failure.ts';
import { untilSeconds } from '../images/image-filters.ts';
import { lockedAll } from './locked-all.ts';
import type { NetworkService } from './network-service.ts';
import { isPredefined } from './network-views.ts';

export async function removeNetwork(svc: NetworkService, idOrName: string): Promise<void> {
  const n = svc.resolve(idOrName);
  if (isPredefined(n)) throw forbidden(`${n.name} is a pre-defined network and cannot be removed`);
  const { endpoints, networks, driver, hooks } = svc.deps;
  await lockedAll(svc, `the removal of network ${n.name}`, () => endpoints.ofNetwork(n.id).map((e) => e.containerId), async (ids) => {
    // Another removal was first (while this one waited, or under way now).
    if (!networks.get(n.id) || svc.removing.has(n.id)) throw notFound(`network ${idOrName} not found`);
    const users = ids.filter((id) => svc.isRunning(id));
    if (users.length) {
      const names = users.map((id) => `name:${JSON.stringify(svc.containerName(id) ?? '')} id:${JSON.stringify(id.slice(0, 12))}`);
      throw conflict(`error while removing network: network ${n.name} id ${n.id} has active endpoints (${names.join(', ')})`);
    }
    svc.removing.add(n.id); // no endpoint on it meanwhile (a create, a connect of another container)
    try {
      await driver.remove(n);
      networks.delete(n.id);
    } finally {
      svc.removing.delete(n.id);
    }
    for (const id of ids) await hooks.changed?.(id); // a prepared start still has it
  });
  svc.emit(n, 'destroy');
}

export async function pruneNetworks(svc: NetworkService, filters: Filters): Promise<{ NetworksDeleted: string[] | null }> {
  const until = filters.get('until')?.[0];
  const limit = until ? untilSeconds(until) * 1000 : Infinity;
  const deleted: string[] = [];
  for (const n of svc.all()) {
    if (isPredefined(n) || Date.parse(n.created) >= limit || svc.deps.endpoints.ofNetwork(n.id).some((e) => svc.isRunning(e.containerId))) continue;
    if (!matchLabels(n.labels, filters.get('label') ?? []) || (filters.get('label!') ?? []).some((l) => matchLabels(n.labels, [l]))) continue;
    try {
      await removeNetwork(svc, n.id);
      deleted.push(n.name);
    } catch (err) {
      logFailure(svc.deps.logger, `network prune: removal of ${n.name}`, { level: 'warn' })(err);
    }
  }
  svc.deps.events.emit('network', 'prune', '', { reclaimed: '0' });
  return { NetworksDeleted: deleted.length ? deleted : null };
}
