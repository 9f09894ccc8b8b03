// POST /build/prune: the build cache's records go (the daemon's backend says which; see
// src/daemon/build/build-cache-prune.ts). POST /build itself is build.ts.
import type { Route } from '../route.ts';
import type { RequestContext } from '../context.ts';
import { boolParam, intParam, parseFilters, type Filters } from '../query.ts';

export interface BuildPruneRequest {
  all: boolean;
  filters: Filters;
  /** reserved-space, or keep-storage as clients before API 1.48 name it. */
  reservedSpace?: number;
  maxUsedSpace?: number;
  minFreeSpace?: number;
}

export interface BuildCacheBackend {
  prune(req: BuildPruneRequest): Promise<{ CachesDeleted: string[] | null; SpaceReclaimed: number }>;
}

const PRUNE_FILTERS = ['until', 'id', 'parent', 'type', 'description', 'inuse', 'shared', 'private'];

export function buildCacheRoutes(b: BuildCacheBackend): Route[] {
  return [{ method: 'POST', path: '/build/prune', minVersion: '1.31', handler: (ctx) => prune(ctx, b) }];
}

async function prune(ctx: RequestContext, b: BuildCacheBackend): Promise<void> {
  const q = ctx.query;
  const size = (name: string) => {
    const n = intParam(q, name);
    return n !== undefined && n > 0 ? n : undefined;
  };
  const reservedSpace = size('reserved-space') ?? size('keep-storage');
  const maxUsedSpace = size('max-used-space');
  const minFreeSpace = size('min-free-space');
  ctx.sendJson(200, await b.prune({
    all: boolParam(q, 'all'),
    filters: parseFilters(q.get('filters'), PRUNE_FILTERS),
    ...(reservedSpace !== undefined && { reservedSpace }),
    ...(maxUsedSpace !== undefined && { maxUsedSpace }),
    ...(minFreeSpace !== undefined && { minFreeSpace }),
  }));
}
