// POST /build/prune over the build cache (build-cache-service.ts says what a record is).
//
// Which records go:
// - never one in use (a container uses its image);
// - without `all`, only dangling ones: neither their image nor any image built on it has a tag
//   or digest or a container — the steps of builds nobody named. With `all`, every unused one;
// - those the filters select: until (last used before), id, parent, type, description
//   (a substring), inuse, shared, private;
// - oldest used first, until the records' sizes fit the limits: reserved-space (keep-storage
//   before API 1.48), max-used-space, min-free-space (of the data root's file system); with no
//   limit, all of them. A record goes with the selected records built on it (its image's bytes
//   cannot be freed while they keep it).
// Then the images only the cache kept go, through ImageService's removal: untagged, no child
// image, no container, and no cache row left naming them; their parents after them, by the
// same rule. Tagged images and their parents stay: their records' rows go, their bytes stay.
import { statfs } from 'node:fs/promises';
import type { Filters } from '../../api/query.ts';
import type { BuildPruneRequest } from '../../api/routers/build-cache.ts';
import type { BuildCacheRow } from '../../store/build-cache.ts';
import type { BuildCacheService } from './build-cache-service.ts';
import type { Logger } from '../../lib/logger.ts';
import { untilSeconds } from '../images/image-filters.ts';
import { logFailure } from '../../lib/log-failure.ts';

export type BuildPruneOptions = BuildPruneRequest;

export interface BuildPruneReport {
  CachesDeleted: string[] | null;
  SpaceReclaimed: number;
}

export async function pruneBuildCache(cache: BuildCacheService, opts: BuildPruneOptions, env: { dataRoot: string; logger: Logger }): Promise<BuildPruneReport> {
  const records = cache.records();
  const named = opts.all ? new Set<string>() : namedImages(cache);
  const rows = new Map(cache.live().map((r) => [r.key, r]));
  const test = recordPredicate(opts.filters);
  const candidates = records
    .filter((r) => !r.InUse && test(r) && (opts.all || !named.has(rows.get(r.ID)!.imageId)))
    .sort((a, b) => (a.LastUsedAt ?? a.CreatedAt).localeCompare(b.LastUsedAt ?? b.CreatedAt));
  let total = records.reduce((n, r) => n + r.Size, 0);
  const cap = await limit(opts, total, env.dataRoot);
  const deleted: BuildCacheRow[] = [];
  const gone = new Set<string>();
  for (const r of candidates) {
    if (total <= cap) break;
    // A step's bytes are freed only with the steps built on it: those go along (with no limit
    // every candidate goes anyway).
    const along = cap < 0 ? [] : builtOn(cache, candidates, rows, rows.get(r.ID)!.imageId);
    for (const d of [r, ...along]) {
      if (gone.has(d.ID)) continue;
      gone.add(d.ID);
      cache.deps.table.delete(d.ID);
      deleted.push(rows.get(d.ID)!);
      total -= d.Size;
    }
  }
  // Rows whose image went some other way: misses, dropped quietly (df never listed them).
  for (const r of cache.deps.table.all()) if (!cache.deps.images.table.getImage(r.imageId)) cache.deps.table.delete(r.key);
  const reclaimed = await removeCacheOnlyImages(cache, deleted.map((r) => r.imageId), env.logger);
  return { CachesDeleted: deleted.length ? deleted.map((r) => r.key) : null, SpaceReclaimed: reclaimed };
}

/** The candidates whose image stands on imageId. */
function builtOn(cache: BuildCacheService, candidates: Rec[], rows: Map<string, BuildCacheRow>, imageId: string): Rec[] {
  const t = cache.deps.images.table;
  return candidates.filter((c) => {
    for (let id = t.getImage(rows.get(c.ID)?.imageId ?? '')?.parent; id; id = t.getImage(id)?.parent) if (id === imageId) return true;
    return false;
  });
}

/** Images with a name or a container, and every image they are built on. */
function namedImages(cache: BuildCacheService): Set<string> {
  const t = cache.deps.images.table;
  const out = new Set<string>();
  for (const img of t.listImages()) {
    if (t.refsOf(img.id).length === 0 && !cache.inUse(img.id)) continue;
    for (let id: string | null | undefined = img.id; id && !out.has(id); id = t.getImage(id)?.parent) out.add(id);
  }
  return out;
}

type Rec = ReturnType<BuildCacheService['records']>[number];

function recordPredicate(filters: Filters): (r: Rec) => boolean {
  const tests: ((r: Rec) => boolean)[] = [];
  const any = (key: string, test: (r: Rec, v: string) => boolean) => {
    const values = filters.get(key);
    if (values?.length) tests.push((r) => values.some((v) => test(r, v)));
  };
  const until = filters.get('until')?.[0];
  if (until) {
    const before = untilSeconds(until) * 1000;
    tests.push((r) => Date.parse(r.LastUsedAt ?? r.CreatedAt) < before);
  }
  any('id', (r, v) => r.ID === v);
  any('parent', (r, v) => (r.Parents ?? []).includes(v));
  any('type', (r, v) => r.Type === v);
  any('description', (r, v) => r.Description.includes(v));
  if (filters.has('inuse')) tests.push((r) => r.InUse);
  if (filters.has('shared')) tests.push((r) => r.Shared);
  if (filters.has('private')) tests.push((r) => !r.Shared);
  return (r) => tests.every((t) => t(r));
}

/** The records' total may stay at this many bytes; -1 when no limit was asked: all go. */
async function limit(opts: BuildPruneOptions, total: number, dataRoot: string): Promise<number> {
  const { reservedSpace, maxUsedSpace, minFreeSpace } = opts;
  if (!reservedSpace && !maxUsedSpace && !minFreeSpace) return -1;
  let cap = maxUsedSpace || Infinity;
  if (minFreeSpace) {
    const fs = await statfs(dataRoot);
    cap = Math.min(cap, total - Math.max(0, minFreeSpace - fs.bavail * fs.bsize));
  }
  if (reservedSpace) cap = cap === Infinity ? reservedSpace : Math.max(cap, reservedSpace);
  return cap;
}

/** Removes the images only the cache kept, parents after children; the bytes freed. */
async function removeCacheOnlyImages(cache: BuildCacheService, ids: string[], logger: Logger): Promise<number> {
  const images = cache.deps.images;
  const t = images.table;
  const named = new Set(cache.deps.table.all().map((r) => r.imageId));
  let reclaimed = 0;
  const queue = [...new Set(ids)];
  while (queue.length) {
    const id = queue.shift()!;
    const row = t.getImage(id);
    if (!row || named.has(id) || t.refsOf(id).length || t.childrenOf(id).length || cache.inUse(id)) continue;
    const sizes = new Map(t.layersOf(id).map((l) => [l.chainId, l.size]));
    const removed = await images.remove(id, { force: false, noprune: true }).catch(logFailure(logger, 'removal of an image only the build cache kept', { fields: { image: id }, value: [], level: 'warn' }));
    for (const r of removed) if ('Deleted' in r) reclaimed += sizes.get(r.Deleted) ?? 0;
    if (row.parent) queue.push(row.parent);
  }
  return reclaimed;
}
