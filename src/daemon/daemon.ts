// The composition root: the one place where berthd's parts are built and wired. Nothing else
// constructs services or reaches for globals.
import { randomUUID } from '../lib/lazy-crypto.ts';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createApiServer } from '../api/server.ts';
import { buildRoutes } from './routes.ts';
import { Database } from '../store/database.ts';
import { EventsTable } from '../store/events.ts';
import { SettingsTable } from '../store/settings.ts';
import { EventsService } from './events/events-service.ts';
import { SystemService } from './system/system-service.ts';
import { listenAll, type Listener } from './listeners.ts';
import { backingFilesystem } from './system/host-facts.ts';
import { setupImages, startDriverChoice } from './images/setup.ts';
import { imagesBackend } from './images/images-backend.ts';
import { summaryView } from './images/image-views.ts';
import { ContainersTable, hasProcess, isActive } from '../store/containers.ts';
import { ContainerService } from './containers/container-service.ts';
import { containersBackend } from './containers/containers-backend.ts';
import { Conmon } from '../runtime/monitor/conmon.ts';
import { ContainerRuntimes } from './containers/container-runtimes.ts';
import { Lifecycle } from './containers/lifecycle.ts';
import { NamespaceJoins } from './containers/namespace-joins.ts';
import { ContainerAttachments, type RunAttachment } from './containers/attachments.ts';
import { lifecycleBackend } from './containers/lifecycle-backend.ts';
import { ExecService } from './containers/exec-service.ts';
import { HealthMonitor } from './containers/health-monitor.ts';
import { healthActions } from './containers/health-actions.ts';
import { observeBackend } from './containers/observe-backend.ts';
import { ContainerLogs } from './containers/container-logs.ts';
import { MAX_API_VERSION } from '../api/types/version.ts';
import type { DaemonConfig } from './config/types.ts';
import type { Logger } from '../lib/logger.ts';
import { ENGINE_VERSION } from '../lib/build-info.ts';
import { RootfsAccess } from './containers/rootfs-access.ts';
import { containerFilesBackend } from './containers/container-files-backend.ts';
import { unmountStale } from './stale-mounts.ts';
import { setupNetworks } from './networks/setup.ts';
import { networksBackend } from './networks/networks-backend.ts';
import { networkKernel } from './networks/network-kernel.ts';
import { containerNetViews } from './networks/container-net-views.ts';
import { sandboxInterfaces } from './networks/sandbox-endpoints.ts';
import { planCreateNetworks, recordCreateNetworks, type CreateNetworks } from './networks/container-networks.ts';
import { VolumesTable } from '../store/volumes.ts';
import { LocalDriver } from '../volume/local-driver.ts';
import { VolumeService } from './volumes/volume-service.ts';
import { volumesBackend } from './volumes/volumes-backend.ts';
import { mountsForCreate } from './containers/container-mounts.ts';
import { VolumeAttachment } from './volumes/volume-attachment.ts';
import { BuildCacheTable } from '../store/build-cache.ts';
import { BuildCacheService } from './build/build-cache-service.ts';
import { removeOrphanSteps } from './build/orphan-steps.ts';
import type { BuildHostDeps } from './build/build-host.ts';
import { lazyBuild, BUILD_SCRATCH } from './build/lazy-build.ts';
import type { Authorizer } from '../authz/authorizer.ts';
import type { AuditSource } from '../authz/audit-route.ts';
import { sharedSizes } from './images/shared-size.ts';
// What an idle daemon never runs is imported at its first use (the registry client, image
// archives, the builder): berthd starts sooner and holds less (issue 12). In the release bundle
// a dynamically imported module stays unevaluated until then too.
const pulls = () => import('./images/image-pull.ts');
const remote = () => import('./images/image-remote.ts');

export interface Daemon {
  readonly id: string;
  readonly config: DaemonConfig;
  readonly events: EventsService;
  readonly listeners: Listener[];
  /** What a DaemonBuildHost is made of (one per build; in-process tests make their own). */
  readonly buildHostDeps: BuildHostDeps;
  /** The authorization policy's engine; undefined without a policy. */
  readonly authorizer: Authorizer | undefined;
  /** Replace the running config with a reloaded one (SIGHUP). */
  applyConfig(next: DaemonConfig): void;
  shutdown(): Promise<void>;
}

/** What an in-process daemon of a test adds: attachments run after the daemon's own. */
export interface DaemonExtras {
  attachments?: readonly RunAttachment[];
}

export async function startDaemon(initial: DaemonConfig, logger: Logger, extras: DaemonExtras = {}): Promise<Daemon> {
  let config = initial;
  mkdirSync(config.dataRoot, { recursive: true, mode: 0o711 });
  mkdirSync(config.execRoot, { recursive: true, mode: 0o700 });
  // First: its test mount runs in a process of its own while the database opens (issue 12).
  const driver = startDriverChoice(config, logger);
  const db = new Database(join(config.dataRoot, 'berth.db'));
  const settings = new SettingsTable(db);
  const daemonId = settings.getOrCreate('daemon-id', () => randomUUID());
  const events = new EventsService(new EventsTable(db));
  const containersTable = new ContainersTable(db);
  // Before the stores clear their debris: what a killed daemon left mounted (stale-mounts.ts).
  const mayRun = containersTable.all().filter((c) => c.status === 'running' || c.status === 'paused');
  await unmountStale({ dataRoot: config.dataRoot, execRoot: config.execRoot, keepRootfs: mayRun.map((c) => c.rwCacheId) }, logger);
  const { images, driverStatus } = await setupImages(config, db, events, logger, driver);
  const runtimes = new ContainerRuntimes({
    execRoot: config.execRoot,
    config: () => config,
    bundle: (id) => join(config.execRoot, 'containers', id),
    logger,
  });
  const containers = new ContainerService({
    table: containersTable,
    images,
    events,
    logger,
    logDir: (id) => join(config.dataRoot, 'containers', id),
    logDefaults: () => ({ driver: config.logDriver, opts: config.logOpts }),
    runtimeName: (requested) => runtimes.nameForCreate(requested),
  });
  const volumes = new VolumeService({
    table: new VolumesTable(db),
    containers: containersTable,
    driver: new LocalDriver(join(config.dataRoot, 'volumes')),
    events,
    logger,
  });
  containers.deps.mounts = (cfg, hc) => mountsForCreate(cfg, hc, { volumes, container: (x) => containers.resolve(x) });
  containers.deps.volumeOptions = (name) => volumes.get(name).options;
  containers.deps.approveVolumeDevice = (name, path) => volumes.deps.table.approveDevice(name, path);
  // Before restore: option volumes of containers that may still run stay mounted.
  await volumes.users.reconcile();
  await volumes.purgeLeftovers();
  images.deps.containersUsing = (imageId) => containers.deps.table.usingImage(imageId).map((c) => ({ id: c.id, running: hasProcess(c.status) }));
  await images.collectGarbage(containers.rwCacheIds());
  for (const dir of ['exits', 'socket', 'containers']) mkdirSync(join(config.execRoot, dir), { recursive: true, mode: 0o700 });
  const conmon = new Conmon({ exitDir: join(config.execRoot, 'exits'), socketDir: join(config.execRoot, 'socket') });
  const logs = new ContainerLogs({
    conmon,
    stateDir: (id) => join(config.execRoot, 'containers', id),
    defaults: () => ({ driver: config.logDriver, opts: config.logOpts }),
    logger,
  });
  // Before any container starts (restore, restart policies): the networks' records and bridges,
  // which the network attachment reads and plumbs into.
  const kernel = networkKernel({ db, config: () => config, logger });
  const networks = await setupNetworks({ db, config: () => config, containers, events, logger, driver: kernel.driver, hooks: kernel.hooks });
  let lifecycleRef: Lifecycle | undefined;
  const networkAttachment = kernel.bind(networks, {
    locked: (id, fn) => (lifecycleRef ? lifecycleRef.locked(id, fn) : fn()),
    discardPreparedHeld: async (id) => lifecycleRef?.discardPreparedHeld(id),
  });
  containers.deps.networks = { plan: (hc, body) => planCreateNetworks(networks, hc, body), record: (row, plan) => recordCreateNetworks(networks, row, plan as CreateNetworks, (links) => containers.deps.table.setHostConfig(row.id, { ...row.hostConfig, Links: links })) };
  // Network endpoints and volume mounts of each run, in order (attachments.ts).
  const volumeAttachment = new VolumeAttachment({ volumes, events, logger, rootfs: (c) => images.deps.layers.mount(c.rwCacheId) });
  // Volumes first: /etc/hosts and resolv.conf bind over what a volume mounts at /etc.
  const namespaceJoins = new NamespaceJoins({ resolve: (x) => containers.resolve(x), containerDir: (id) => join(config.dataRoot, 'containers', id) });
  const attachments = new ContainerAttachments([volumeAttachment, networkAttachment, namespaceJoins, ...(extras.attachments ?? [])], { logger });
  const lifecycle = new Lifecycle({
    svc: containers,
    runtime: runtimes,
    conmon,
    execRoot: config.execRoot,
    logs,
    attachments,
    logger,
    // A static tini: it must run inside any image, whatever libc it has (or none).
    initPath: '/usr/bin/tini-static',
    // Tests shorten how long a prepared start waits (prepared-starts.ts); 10 s otherwise.
    ...(Number(process.env.BERTH_PREPARED_START_TTL_MS) > 0 && { preparedStartTtlMs: Number(process.env.BERTH_PREPARED_START_TTL_MS) }),
  });
  lifecycleRef = lifecycle;
  logs.clearRemoved(join(config.dataRoot, 'containers'));
  // live-restore: containers whose conmon survived are adopted; exits while down are recorded.
  await lifecycle.restore();
  // A killed build's RUN containers, before the build service empties its directory.
  await removeOrphanSteps(BUILD_SCRATCH(config.dataRoot), (id) => lifecycle.removeContainer(containers.resolve(id), { force: true, removeVolumes: true }), logger);
  const execs = new ExecService(lifecycle);
  // Health checks follow the container events; for re-adopted containers they resume here.
  const health = new HealthMonitor({ svc: containers, execs, actions: healthActions(lifecycle), logger });
  const rootfsAccess = new RootfsAccess({
    layers: images.deps.layers,
    isActive: (id) => {
      const status = containers.deps.table.get(id)?.status;
      return (status !== undefined && isActive(status)) || lifecycle.holdsRootfs(id);
    },
    imageTop: (c) => images.table.layersOf(c.imageId).at(-1)?.cacheId,
    viewsDir: join(config.execRoot, 'rootfs-views'),
    logger,
    freeze: (id) => lifecycle.freezeForAccess(id),
    thaw: (id) => lifecycle.thawAfterAccess(id),
  });
  await rootfsAccess.cleanup();
  lifecycle.deps.rootfsInUse = (id) => rootfsAccess.inUse(id);
  const buildCache = new BuildCacheService({ table: new BuildCacheTable(db), images });
  const buildHostDeps: BuildHostDeps = {
    images, containers, lifecycle, cache: buildCache, logger,
    pull: async (req, send) => (await pulls()).pullImage(images, config, req, send),
    viewsDir: join(config.execRoot, 'rootfs-views'),
  };

  const containersApi = containersBackend(containers, lifecycle, containerNetViews(networks, kernel.ports, (id) => join(config.dataRoot, 'containers', id)));
  const system = new SystemService({
    config: () => config,
    daemonId,
    counts: { containers: () => containerCounts(containers), images: () => images.count() },
    usage: {
      diskUsage: async () => {
        // Every container with its sizes (`ps -a --size`), and each image with how many use it.
        const all = (await containersApi.list({ all: true, size: true, filters: new Map() }, MAX_API_VERSION)) as { ImageID: string }[];
        const users = new Map<string, number>();
        for (const c of all) users.set(c.ImageID, (users.get(c.ImageID) ?? 0) + 1);
        const shared = sharedSizes(images.table);
        return {
          LayersSize: images.layersSize(),
          Images: (await images.factsOf(images.table.listImages())).map((f) => summaryView(f, MAX_API_VERSION, users.get(f.row.id) ?? 0, shared.get(f.row.id) ?? 0)),
          Containers: all,
          Volumes: await volumes.usage(),
          BuildCache: buildCache.records(),
        };
      },
    },
    eventListeners: () => events.listenerCount,
    storageDriver: () => ({ name: images.deps.layers.driver, status: [['Backing Filesystem', backingFilesystem(config.dataRoot)], ...driverStatus] }),
  });

  const routes = buildRoutes({
    system: {
      version: () => system.version(),
      info: () => system.info(),
      diskUsage: () => system.diskUsage(),
      login: async (auth) => (await import('./registry-login.ts')).registryLogin(auth, config),
    },
    events,
    images: imagesBackend(images, {
      pull: async (req, send) => void (await (await pulls()).pullImage(images, config, req, send)),
      push: async (req, send) => (await import('./images/image-push.ts')).pushImages(images, config, req, send),
      distribution: async (name, auth) => (await remote()).distributionInspect(config, name, auth),
      search: async (term, limit, filters, auth) => (await remote()).searchImages(config, term, limit, filters, auth),
      save: async (names) => (await import('./images/image-archive.ts')).saveImages(images, names),
      load: async (body, opts, send) => (await import('./images/image-load.ts')).loadImages(images, join(config.dataRoot, 'tmp'), body, opts, send),
    }),
    containers: containersApi,
    lifecycle: lifecycleBackend(lifecycle),
    observe: observeBackend(lifecycle, (c) => sandboxInterfaces(networks, c)),
    exec: execs,
    containerFiles: containerFilesBackend({ svc: containers, rootfs: rootfsAccess, lifecycle }),
    networks: networksBackend(networks),
    volumes: volumesBackend(volumes),
    build: lazyBuild({ scratchDir: BUILD_SCRATCH(config.dataRoot), hostDeps: buildHostDeps, logger }),
    buildCache: { prune: async (req) => (await import('./build/build-cache-prune.ts')).pruneBuildCache(buildCache, req, { dataRoot: config.dataRoot, logger }) },
    audit: { source: () => auditSource(authorizer) },
  });
  const serverHeader = `berth/${ENGINE_VERSION} (linux)`;
  // Loaded only with a policy: an ordinary daemon never reads koffi (~100 ms, issue 12).
  const authz = config.authzPolicy ? await import('../authz/setup.ts') : undefined;
  // The containers a request acts on: a rule with limits may act only on ones it could make.
  const authorizer = authz?.loadAuthorizer(config.authzPolicy!, config.dataRoot, logger, { containers: authz.daemonContainers(containers, execs) });
  if (authorizer) logger.info('authorization policy active', { file: authorizer.policy.file, rules: authorizer.policy.rules.length });
  const authorize = authorizer && ((r: Parameters<Authorizer['authorize']>[0]) => authorizer.authorize(r));
  const listeners = await listenAll(
    config,
    (tls) => createApiServer({ routes, logger, serverHeader, experimental: config.experimental, ...(authorize && { authorize }) }, tls),
    logger,
  );

  return {
    id: daemonId,
    get config() {
      return config;
    },
    events,
    listeners,
    buildHostDeps,
    authorizer,
    applyConfig(next) {
      config = next;
      logger.level = next.logLevel;
    },
    async shutdown() {
      health.close();
      await Promise.all(listeners.map((l) => l.close()));
      await authorizer?.audit?.log.close();
      await lifecycle.shutdown(!config.liveRestore);
      await kernel.shutdown(!config.liveRestore);
      await logs.stopAll();
      db.close();
    },
  };
}

/** The running policy's audit log for GET /berth/audit (the policy may change on SIGHUP). */
function auditSource(authorizer: Authorizer | undefined): AuditSource | undefined {
  return authorizer?.audit?.log;
}

function containerCounts(svc: ContainerService): { total: number; running: number; paused: number; stopped: number } {
  const all = svc.deps.table.all();
  const running = all.filter((c) => c.status === 'running' || c.status === 'restarting').length;
  const paused = all.filter((c) => c.status === 'paused').length;
  return { total: all.length, running, paused, stopped: all.length - running - paused };
}
