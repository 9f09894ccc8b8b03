// A container's root filesystem: overlay2 mounts the image layers under the container's
// writable layer at <layer>/merged; vfs's writable layer is already a full tree.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LayerStore } from '../../image/layers/index.ts';
import { Overlay2Store, mountOverlay, unmount, isMountRoot } from '../../image/layers/index.ts';
import { KeyedMutex } from '../../lib/keyed-mutex.ts';

/** Where mountRootfs puts the container's root filesystem (known before it is mounted). */
export function rootfsPath(layers: LayerStore, rwCacheId: string): string {
  return layers instanceof Overlay2Store ? mergedPath(layers, rwCacheId) : layers.layerPath(rwCacheId);
}

/** Mounts and unmounts of each target, one at a time: a start (or a prepared start) and a copy
 * that mount one rootfs at once share the mount instead of stacking two overlays on one upper
 * directory, and a mount never lands in the middle of an unmount (or the reverse). */
const queues = new KeyedMutex();

export function mountRootfs(layers: LayerStore, rwCacheId: string): Promise<string> {
  if (!(layers instanceof Overlay2Store)) return Promise.resolve(layers.layerPath(rwCacheId));
  const target = mergedPath(layers, rwCacheId);
  return queues.run(target, async () => {
    if (isMountRoot(target)) return target;
    const dirs = await layers.lowerDirs(rwCacheId);
    mkdirSync(target, { recursive: true }); // on every start: no thread-pool round trip
    await mountOverlay(dirs.slice(1), dirs[0]!, layers.workPath(rwCacheId), target);
    return target;
  });
}

export async function unmountRootfs(layers: LayerStore, rwCacheId: string): Promise<void> {
  if (!(layers instanceof Overlay2Store)) return;
  const target = mergedPath(layers, rwCacheId);
  await queues.run(target, async () => {
    if (isMountRoot(target)) await unmount(target);
  });
}

/** Removes the container's writable layer in the queue of its rootfs's mounts: a mount or
 * unmount asked for before (an exit's unmount, a copy's release) is done first, the rootfs is
 * unmounted (lazily if busy) before the layer is renamed away, and a mount asked for after
 * finds no layer and makes nothing. Without the queue, an exit's unmount still on its way would
 * miss a target renamed from under it and leave the overlay mounted in the staging debris. */
export function removeRootfsLayer(layers: LayerStore, rwCacheId: string): Promise<void> {
  if (!(layers instanceof Overlay2Store)) return layers.removeLayer(rwCacheId);
  return queues.run(mergedPath(layers, rwCacheId), () => layers.removeLayer(rwCacheId));
}

function mergedPath(layers: LayerStore, rwCacheId: string): string {
  return join(layers.layerPath(rwCacheId), '..', 'merged');
}
