// The containers router's backend: list filters with dockerd's semantics, inspect, remove.
import { removeLink } from '../networks/legacy-links.ts';
import { dependsOnOthers } from '../networks/network-mode-check.ts';
import type { ContainersBackend } from '../../api/routers/containers.ts';
import type { Filters } from '../../api/query.ts';
import { matchLabels } from '../../api/query.ts';
import { type ContainerRow, isActive } from '../../store/containers.ts';
import type { ContainerService } from './container-service.ts';
import { healthStatusOf, inspectView, summaryView } from './container-views.ts';
import { compareVersions } from '../../api/types/version.ts';
import { invalidParameter } from '../../api/types/errors.ts';
import { untilSeconds } from '../images/image-filters.ts';
import type { Lifecycle } from './lifecycle.ts';
import type { ContainerNetViews } from '../networks/container-net-views.ts';
import { parsePortFilter, portsMatch } from './port-filters.ts';
import { initFilesBytes } from './init-files.ts';
import type { RwTree } from '../../image/layers/index.ts';

const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];
const HEALTH_STATUSES = ['starting', 'healthy', 'unhealthy', 'none'];

export function containersBackend(svc: ContainerService, lifecycle: Pick<Lifecycle, 'removeContainer' | 'prepareStart'>, net: ContainerNetViews): ContainersBackend {
  return {
    async create(body, name, _platform, guard) {
      const created = await svc.create(body, name, guard);
      // A start that depends on other containers running is checked at the start itself.
      if (!dependsOnOthers(body.HostConfig)) lifecycle.prepareStart(created.Id);
      return created;
    },
    async inspect(idOrName, size, version) {
      const c = svc.resolve(idOrName);
      const layers = svc.deps.images.deps.layers;
      return { ...inspectView(c, { driver: layers.driver, graph: graphData(svc, c) }), ...net.inspect(c, version), ...(size && (await sizesOf(svc, c))) };
    },
    async list(opts, version) {
      const views = net.listing();
      const keep = predicate(svc, opts.filters, views);
      const hasStatus = (opts.filters.get('status') ?? []).length > 0 || (opts.filters.get('exited') ?? []).length > 0;
      // A status filter or a limit (docker ps -n) looks at stopped containers too.
      const all = opts.all || hasStatus || opts.limit !== undefined;
      const rows = svc.deps.table.all().filter((c) => (all || isActive(c.status)) && keep(c));
      const withHealth = compareVersions(version, '1.52') >= 0;
      const entries = rows.slice(0, opts.limit).map((c) => ({ c, view: { ...summaryView(c, withHealth), ...views.summary(c, version) } }));
      if (!opts.size) return entries.map((v) => v.view);
      return Promise.all(entries.map(async ({ c, view }) => ({ ...view, ...(await sizesOf(svc, c)) })));
    },
    async remove(idOrName, opts) {
      // ?link=1 removes a legacy link named /<container>/<alias>, not a container.
      if (opts.link) return removeLink(idOrName, { resolve: (x) => svc.resolve(x), setHostConfig: (id, hc) => svc.deps.table.setHostConfig(id, hc) });
      const c = svc.resolve(idOrName);
      await lifecycle.removeContainer(c, { force: opts.force === true, removeVolumes: opts.volumes === true });
    },
    rename: (idOrName, name) => svc.rename(idOrName, name),
    async prune(filters, mayRemove) {
      const filtered = predicate(svc, filters, net);
      const keep = mayRemove ? (c: ContainerRow) => filtered(c) && mayRemove(c.id) : filtered;
      const deleted: string[] = [];
      let reclaimed = 0;
      for (const c of svc.deps.table.all()) {
        if ((c.status !== 'exited' && c.status !== 'created' && c.status !== 'dead') || !keep(c)) continue;
        const { SizeRw } = await sizesOf(svc, c);
        await lifecycle.removeContainer(c);
        deleted.push(c.id);
        reclaimed += SizeRw;
      }
      return { ContainersDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
    },
  };
}

/** The driver's directories of the container, as dockerd shows them: the writable layer over
 * the image's layers (top first). */
function graphData(svc: ContainerService, c: ContainerRow): Record<string, string> | null {
  const image = svc.deps.images.table.layersOf(c.imageId).map((l) => l.cacheId).reverse();
  return svc.deps.images.deps.layers.graphData(c.rwCacheId, image);
}

const treeRoot = (t: RwTree) => (t.kind === 'overlay' ? t.upper : t.dir);

/** SizeRw: the bytes in the writable layer (the init files' aside); SizeRootFs: those plus the image's layers. */
async function sizesOf(svc: ContainerService, c: ContainerRow): Promise<{ SizeRw: number; SizeRootFs: number }> {
  const images = svc.deps.images;
  const layers = images.deps.layers;
  const rw = await layers.diskUsage(c.rwCacheId).then((u) => u.bytes - initFilesBytes(treeRoot(layers.rwTree(c.rwCacheId))), () => 0);
  const image = images.table.layersOf(c.imageId).reduce((n, l) => n + l.size, 0);
  return { SizeRw: rw, SizeRootFs: rw + image };
}

function predicate(svc: ContainerService, filters: Filters, net: ContainerNetViews): (c: ContainerRow) => boolean {
  const tests: ((c: ContainerRow) => boolean)[] = [];
  const any = (key: string, test: (c: ContainerRow, v: string) => boolean) => {
    const values = filters.get(key);
    if (values?.length) tests.push((c) => values.some((v) => test(c, v)));
  };
  for (const s of filters.get('status') ?? []) if (!STATUSES.includes(s)) throw invalidParameter(`invalid filter 'status=${s}'`);
  any('status', (c, v) => c.status === v);
  for (const h of filters.get('health') ?? []) if (!HEALTH_STATUSES.includes(h)) throw invalidParameter(`Unrecognised filter value for health: ${h}`);
  any('health', (c, v) => healthStatusOf(c) === v);
  any('id', (c, v) => c.id.startsWith(v));
  const names = (filters.get('name') ?? []).map((v) => {
    try {
      return new RegExp(v);
    } catch {
      throw invalidParameter(`invalid filter 'name=${v}': not a regular expression`);
    }
  });
  // Against the name with and without its leading slash, as dockerd (`name=^/web$` and `name=^web$`).
  if (names.length) tests.push((c) => names.some((re) => re.test(c.name) || re.test(c.name.slice(1))));
  any('exited', (c, v) => c.status === 'exited' && c.exitCode === Number(v));
  // A volume's name (a bind's source) or a mount's destination, as dockerd matches `volume`.
  any('volume', (c, v) => (c.mounts ?? []).some((m) => !m.hidden && (m.Destination === v || (m.Name ?? m.Source) === v)));
  any('ancestor', (c, v) => c.image === v || c.imageId === v || imageIdOf(svc, v) === c.imageId);
  tests.push(...networkTests(filters, net));
  const labelsOf = (c: ContainerRow) => (c.config.Labels as Record<string, string>) ?? {};
  const labels = filters.get('label');
  if (labels?.length) tests.push((c) => matchLabels(labelsOf(c), labels));
  // prune's `label!=key[=value]`: only containers without such a label.
  for (const not of filters.get('label!') ?? []) tests.push((c) => !matchLabels(labelsOf(c), [not]));
  const until = filters.get('until')?.[0];
  if (until) {
    const limit = untilSeconds(until) * 1000;
    tests.push((c) => Date.parse(c.created) < limit);
  }
  for (const key of ['before', 'since'] as const) {
    const ref = filters.get(key)?.[0];
    if (!ref) continue;
    const pivot = Date.parse(svc.resolve(ref).created);
    tests.push((c) => (key === 'before' ? Date.parse(c.created) < pivot : Date.parse(c.created) > pivot));
  }
  return (c) => tests.every((t) => t(c));
}

/** `network` (a network's name, or the start of its id) and the port filters, which look at
 * the list entry's own Networks and Ports. */
function networkTests(filters: Filters, net: ContainerNetViews): ((c: ContainerRow) => boolean)[] {
  const tests: ((c: ContainerRow) => boolean)[] = [];
  const wanted = filters.get('network') ?? [];
  if (wanted.length) tests.push((c) => net.networks(c).some((n) => wanted.some((v) => n.name === v || n.id.startsWith(v))));
  for (const key of ['publish', 'expose'] as const) {
    const ranges = (filters.get(key) ?? []).map((v) => parsePortFilter(key, v));
    if (ranges.length) tests.push((c) => portsMatch(key, net.ports(c), ranges));
  }
  return tests;
}

function imageIdOf(svc: ContainerService, name: string): string | undefined {
  try {
    return svc.deps.images.resolve(name).id;
  } catch {
    return undefined;
  }
}
