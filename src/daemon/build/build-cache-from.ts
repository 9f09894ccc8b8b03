// --cache-from on the daemon's side (the builder's rule is src/build/builder/cache-from.ts):
// finding the named images, and dockerd's restoreCachedImage — a step taken from such an image
// becomes an image of the parent plus the source's next history entry and layer.
//
// The layer is not copied: the source's layer row for that entry sits on the parent's top
// layer (the builder checked that the source's diff ids begin with the parent's, and a chain id
// is the hash of the diff ids below it), so the new image's chain is the parent's chain plus
// that same row, shared as pulled images share their base layers.
import type { CacheSource } from '../../build/host.ts';
import type { ContainerConfig, ImageConfig } from '../../image/types.ts';
import type { LayerRow } from '../../store/images.ts';
import type { ImageService } from '../images/image-service.ts';
import { isKind, systemError } from '../../api/types/errors.ts';
import { ENGINE_VERSION } from '../../lib/build-info.ts';
import { scratchConfig } from '../containers/container-commit.ts';

/** A local image by reference or id; undefined when there is none (never pulled: dockerd skips
 * a cache-from image it does not have, and fails on any other error). */
export function localImage(images: ImageService, ref: string): CacheSource | undefined {
  try {
    const id = images.resolve(ref).id;
    return { id, config: images.deps.content.readJson<ImageConfig>(id) };
  } catch (err) {
    if (isKind(err, 'not-found')) return undefined;
    throw err;
  }
}

/** `parent` (none: scratch) plus `source`'s history entry `index` and, unless it is an
 * empty_layer, its layer, with `config`. The platform, author and creation time are the
 * source's (its entry's time), as dockerd writes them; the parent is recorded. */
export function restoreCachedImage(images: ImageService, parent: string | undefined, source: string, index: number, config: ContainerConfig): string {
  const src = images.deps.content.readJson<ImageConfig>(source);
  const entry = src.history?.[index];
  if (!entry) throw systemError(`cache-from image ${source} has no history entry ${index}`);
  const p = parent ? images.deps.content.readJson<ImageConfig>(parent) : scratchConfig();
  const parentLayers = parent ? images.table.layersOf(parent) : [];
  const layers = entry.empty_layer ? parentLayers : [...parentLayers, sourceLayer(images, source, src, index, parentLayers.at(-1))];
  const image: ImageConfig = {
    ...(entry.created && { created: entry.created }),
    docker_version: ENGINE_VERSION,
    ...(src.author && { author: src.author }),
    config,
    architecture: src.architecture,
    ...(src.variant && { variant: src.variant }),
    os: src.os,
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history: [...(p.history ?? []), entry],
    ...(src['os.version'] !== undefined && { 'os.version': src['os.version'] }),
    ...(src['os.features'] !== undefined && { 'os.features': src['os.features'] }),
  };
  return images.commitImage(image, layers, [], parent);
}

/** The source's layer made by history entry `index` (its n-th layer, n the entries before it
 * that made one); it must lie on `below`, else the store does not hold what the config says. */
function sourceLayer(images: ImageService, source: string, src: ImageConfig, index: number, below: LayerRow | undefined): LayerRow {
  const n = (src.history ?? []).slice(0, index).filter((h) => !h.empty_layer).length;
  const row = images.table.layersOf(source)[n];
  if (!row || row.parent !== (below?.chainId ?? null) || row.diffId !== src.rootfs.diff_ids[n]) {
    throw systemError(`cache-from image ${source}: its layer ${n} does not continue the parent's layers`);
  }
  return row;
}
