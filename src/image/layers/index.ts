// berthd's layer store: overlay2 as dockerd does it, vfs where overlay mounts are refused.
export type { AppliedLayer, DiskUsage, DriverName, LayerStore, LayerStoreOptions, RwTree } from './store.ts';
export { isCacheId } from './store.ts';
export { Overlay2Store, MAX_DEPTH } from './overlay2-store.ts';
export { VfsStore } from './vfs-store.ts';
export { detectDriver, PROBE_PREFIX, type DriverChoice } from './detect.ts';
export { FUSE_FSTYPE } from './fuse-mount.ts';
export { mountOverlay, unmount, unmountOrDetach, isMountRoot, mountPoints, mountsUnder, mountTable, type MountEntry } from './mount.ts';

import { join } from 'node:path';
import type { DriverName, LayerStore, LayerStoreOptions } from './store.ts';
import { Overlay2Store } from './overlay2-store.ts';
import { VfsStore } from './vfs-store.ts';

/** The store for the driver detectDriver chose; root is the daemon's data root. */
export function openLayerStore(driver: DriverName, root: string, opts: LayerStoreOptions = {}): LayerStore {
  // fuse-overlayfs keeps overlay2's layout in overlay2/: a data root moves between the two.
  if (driver === 'vfs') return new VfsStore(root, opts);
  return new Overlay2Store(root, opts, driver === 'fuse-overlayfs' ? 'fuse' : 'kernel');
}

// Known before a store is opened, for the daemon's first clean-up (stale-mounts.ts), which
// unmounts what a killed daemon left mounted before a store clears its debris.

/** The staging directories of both drivers' stores under root: debris, deleted on open. */
export function layerDebrisDirs(root: string): string[] {
  return [join(root, 'overlay2', '.staging'), join(root, 'vfs', '.staging')];
}

/** Where writable layer cacheId's rootfs is mounted under root, whichever driver mounts it
 * (overlay2's rootfsPath; vfs mounts nothing there). */
export function rootfsMountPoint(root: string, cacheId: string): string {
  return join(root, 'overlay2', cacheId, 'merged');
}
