// Left for daemon.ts only, which other work edits this session: the layer store mounts a
// container's rootfs itself now (LayerStore.mount, with the queueing this module had). The
// lead replaces the one call with `images.deps.layers.mount(c.rwCacheId)` and deletes this file.
import type { LayerStore } from '../../image/layers/index.ts';

export function mountRootfs(layers: LayerStore, rwCacheId: string): Promise<string> {
  return layers.mount(rwCacheId);
}
