// Building the image side of the daemon: pick the storage driver (overlay2 unless overlay
// mounts are refused), open the content and layer stores, and clean up what a crash left.
import { join } from 'node:path';
import type { Database } from '../../store/database.ts';
import { ImagesTable } from '../../store/images.ts';
import { ContentStore } from '../../image/content/content-store.ts';
import { detectDriver, openLayerStore, type DriverChoice } from '../../image/layers/index.ts';
import { ImageService } from './image-service.ts';
import type { EventsService } from '../events/events-service.ts';
import type { DaemonConfig } from '../config/types.ts';
import type { Logger } from '../../lib/logger.ts';

export interface ImageSetup {
  images: ImageService;
  driverStatus: [string, string][];
}

/** The driver's test mount takes a spawn: the daemon starts it first and hands the choice here. */
export function startDriverChoice(config: DaemonConfig, logger?: Logger): Promise<DriverChoice> {
  const choice = detectDriver(config.dataRoot, config.storageDriver, logger);
  choice.catch(() => undefined); // awaited by setupImages; a start failing before must not crash on it
  return choice;
}

export async function setupImages(config: DaemonConfig, db: Database, events: EventsService, logger: Logger, driver = startDriverChoice(config, logger)): Promise<ImageSetup> {
  const choice = await driver;
  if (choice.driver === 'vfs') logger.warn('using the vfs storage driver (full copies per layer)', { reason: choice.reason });
  else if (choice.driver === 'fuse-overlayfs') logger.info('using the fuse-overlayfs storage driver', { reason: choice.reason });
  const layers = openLayerStore(choice.driver, config.dataRoot, { warn: (msg, fields) => logger.warn(msg, fields) });
  const content = new ContentStore(join(config.dataRoot, 'image'));
  const images = new ImageService({ table: new ImagesTable(db), content, layers, events, logger });
  return { images, driverStatus: choice.status };
}
