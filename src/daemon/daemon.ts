// The composition root: the one place where berthd's parts are built and wired. Nothing else
// constructs services or reaches for globals.
import { randomUUID } from 'node:crypto';
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
import { backingFilesystem, storageDriverName } from './system/host-facts.ts';
import type { DaemonConfig } from './config/types.ts';
import type { Logger } from '../lib/logger.ts';
import { ENGINE_VERSION } from '../lib/build-info.ts';
import { registryLogin } from './registry-login.ts';

export interface Daemon {
  readonly id: string;
  readonly config: DaemonConfig;
  readonly events: EventsService;
  readonly listeners: Listener[];
  /** Replace the running config with a reloaded one (SIGHUP). */
  applyConfig(next: DaemonConfig): void;
  shutdown(): Promise<void>;
}

export async function startDaemon(initial: DaemonConfig, logger: Logger): Promise<Daemon> {
  let config = initial;
  mkdirSync(config.dataRoot, { recursive: true, mode: 0o711 });
  mkdirSync(config.execRoot, { recursive: true, mode: 0o700 });
  const db = new Database(join(config.dataRoot, 'berth.db'));
  const settings = new SettingsTable(db);
  const daemonId = settings.getOrCreate('daemon-id', () => randomUUID());
  const events = new EventsService(new EventsTable(db));

  const system = new SystemService({
    config: () => config,
    daemonId,
    // No container or image service exists yet; they plug their counts in when they land.
    counts: { containers: () => ({ total: 0, running: 0, paused: 0, stopped: 0 }), images: () => 0 },
    usage: { diskUsage: async () => ({ LayersSize: 0, Images: [], Containers: [], Volumes: [], BuildCache: [] }) },
    eventListeners: () => events.listenerCount,
    storageDriver: () => ({ name: storageDriverName(config.storageDriver), status: [['Backing Filesystem', backingFilesystem(config.dataRoot)]] }),
  });

  const routes = buildRoutes({
    system: {
      version: () => system.version(),
      info: () => system.info(),
      diskUsage: () => system.diskUsage(),
      login: (auth) => registryLogin(auth, config),
    },
    events,
  });
  const serverHeader = `berth/${ENGINE_VERSION} (linux)`;
  const listeners = await listenAll(
    config,
    (tls) => createApiServer({ routes, logger, serverHeader, experimental: config.experimental }, tls),
    logger,
  );

  return {
    id: daemonId,
    get config() {
      return config;
    },
    events,
    listeners,
    applyConfig(next) {
      config = next;
      logger.level = next.logLevel;
    },
    async shutdown() {
      await Promise.all(listeners.map((l) => l.close()));
      db.close();
    },
  };
}
