// The API's route table: every router, given the backend it declares.
import type { Route } from '../api/route.ts';
import { systemRoutes, type SystemBackend } from '../api/routers/system.ts';
import { eventsRoutes, type EventsBackend } from '../api/routers/events.ts';
import { swarmRoutes } from '../api/routers/swarm.ts';
import { pluginRoutes } from '../api/routers/plugins.ts';
import { imagesRoutes, type ImagesBackend } from '../api/routers/images.ts';
import { containersRoutes, type ContainersBackend } from '../api/routers/containers.ts';
import { lifecycleRoutes, type LifecycleBackend } from '../api/routers/container-lifecycle.ts';
import { observeRoutes, type ContainerObserveBackend } from '../api/routers/container-observe.ts';
import { execRoutes, type ExecBackend } from '../api/routers/exec.ts';
import { containerFilesRoutes, type ContainerFilesBackend } from '../api/routers/container-files.ts';
import { networksRoutes, type NetworksBackend } from '../api/routers/networks.ts';
import { volumesRoutes, type VolumesBackend } from '../api/routers/volumes.ts';
import { buildCacheRoutes, type BuildCacheBackend } from '../api/routers/build-cache.ts';
import { imageBuildRoutes, type BuildBackend } from '../api/routers/build.ts';
import { auditRoutes, type AuditBackend } from '../authz/audit-route.ts';

export interface Backends {
  system: SystemBackend;
  events: EventsBackend;
  images: ImagesBackend;
  containers: ContainersBackend;
  lifecycle: LifecycleBackend;
  observe: ContainerObserveBackend;
  exec: ExecBackend;
  containerFiles: ContainerFilesBackend;
  networks: NetworksBackend;
  volumes: VolumesBackend;
  build: BuildBackend;
  buildCache: BuildCacheBackend;
  audit: AuditBackend;
}

export function buildRoutes(b: Backends): Route[] {
  return [
    ...systemRoutes(b.system), ...eventsRoutes(b.events), ...imagesRoutes(b.images), ...containersRoutes(b.containers),
    ...lifecycleRoutes(b.lifecycle), ...observeRoutes(b.observe), ...execRoutes(b.exec), ...containerFilesRoutes(b.containerFiles),
    ...networksRoutes(b.networks),
    ...volumesRoutes(b.volumes),
    ...imageBuildRoutes(b.build), ...buildCacheRoutes(b.buildCache),
    ...swarmRoutes(), ...pluginRoutes(),
    ...auditRoutes(b.audit),
  ];
}
