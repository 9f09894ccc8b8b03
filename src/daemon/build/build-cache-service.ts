// The classic builder's cache over the image store: a step's key names the image that step
// made (src/store/build-cache.ts keeps the rows, weak references to images). Here: the lookups
// a build makes, /system/df's BuildCache records and POST /build/prune (build-cache-prune.ts).
//
// What a record says (decided here: the classic builder's cache is made of images, so the
// fields buildkit gives its snapshots are answered in terms of those images):
// - ID: the step's cache key; Parents: the records of the step before (the keys naming the
//   image's parent image); Type: always "regular"; Description: the step ("RUN echo hi").
// - Size: the bytes of the layer the step added (0 for a config-only step). These bytes are
//   the image's too: /system/df's LayersSize counts them as well.
// - InUse: a container (an intermediate RUN container of a build under way, or any other)
//   uses the image: a prune leaves such a record alone.
// - Shared: something besides the cache keeps the image — a tag or digest, or a child image
//   — so pruning the record frees none of its bytes.
import type { ImageService } from '../images/image-service.ts';
import type { BuildCacheRow, BuildCacheTable } from '../../store/build-cache.ts';

export interface BuildCacheRecord {
  ID: string;
  Parents: string[] | null;
  Type: 'regular';
  Description: string;
  InUse: boolean;
  Shared: boolean;
  Size: number;
  CreatedAt: string;
  LastUsedAt: string | null;
  UsageCount: number;
}

export interface BuildCacheDeps {
  table: BuildCacheTable;
  images: ImageService;
}

export class BuildCacheService {
  readonly deps: BuildCacheDeps;

  constructor(deps: BuildCacheDeps) {
    this.deps = deps;
  }

  /** The image a step made before, counted as a use; a row whose image is gone is a miss and
   * goes (an image's removal leaves its rows behind on purpose). */
  get(key: string): string | undefined {
    const { table, images } = this.deps;
    const row = table.get(key);
    if (!row) return undefined;
    if (!images.table.getImage(row.imageId)) {
      table.delete(key);
      return undefined;
    }
    table.touch(key);
    return row.imageId;
  }

  put(key: string, imageId: string, description: string): void {
    this.deps.table.put(key, imageId, description);
  }

  /** Rows whose image is still there (the others are misses waiting to be noticed). */
  live(): BuildCacheRow[] {
    return this.deps.table.all().filter((r) => this.deps.images.table.getImage(r.imageId));
  }

  /** /system/df's BuildCache. */
  records(): BuildCacheRecord[] {
    const rows = this.live();
    const keysOf = new Map<string, string[]>();
    for (const r of rows) keysOf.set(r.imageId, [...(keysOf.get(r.imageId) ?? []), r.key]);
    return rows.map((r) => {
      const parent = this.deps.images.table.getImage(r.imageId)?.parent;
      const parents = (parent && keysOf.get(parent)) || [];
      return {
        ID: r.key,
        Parents: parents.length ? parents : null,
        Type: 'regular',
        Description: r.description,
        InUse: this.inUse(r.imageId),
        Shared: this.shared(r.imageId),
        Size: this.stepSize(r.imageId),
        CreatedAt: r.createdAt,
        LastUsedAt: r.lastUsedAt,
        UsageCount: r.usageCount,
      };
    });
  }

  inUse(imageId: string): boolean {
    return (this.deps.images.deps.containersUsing?.(imageId).length ?? 0) > 0;
  }

  shared(imageId: string): boolean {
    const t = this.deps.images.table;
    return t.refsOf(imageId).length > 0 || t.childrenOf(imageId).length > 0;
  }

  /** The layer the step put on its parent's layers: 0 when it added none. */
  stepSize(imageId: string): number {
    const t = this.deps.images.table;
    const layers = t.layersOf(imageId);
    const parent = t.getImage(imageId)?.parent;
    const below = parent ? t.layersOf(parent).length : 0;
    return layers.length > below ? (layers.at(-1)?.size ?? 0) : 0;
  }
}
