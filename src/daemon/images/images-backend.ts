// The images router's backend: request-shaped calls turned into ImageService operations and
// the JSON shapes of the Engine API.
import type { Readable } from 'node:stream';
import type { ImagesBackend } from '../../api/routers/images.ts';
import type { ProgressSink } from '../../api/progress.ts';
import type { Filters } from '../../api/query.ts';
import type { ImageService } from './image-service.ts';
import type { Platform } from '../../image/types.ts';
import { historyView, inspectView, summaryView } from './image-views.ts';
import { imagePredicate, namesShown } from './image-filters.ts';
import { importImage, fetchImportSource } from './image-import.ts';
import { invalidParameter } from '../../api/types/errors.ts';
import { sharedSizes } from './shared-size.ts';

/** The operations that talk to registries or move archives; each lives in its own module. */
export type ImageTransfers = Pick<ImagesBackend, 'pull' | 'push' | 'save' | 'load' | 'distribution' | 'search'>;

/** More parent images than any chain of layers can have: a bound for the history walk. */
const MAX_LINEAGE = 1000;

export function imagesBackend(svc: ImageService, transfers: ImageTransfers): ImagesBackend {
  const lookup = (name: string) => svc.facts(svc.resolve(name));
  return {
    ...transfers,
    async list({ all, filters, sharedSize }, version) {
      const keep = imagePredicate(filters, lookup);
      const count = (id: string) => (sharedSize ? (svc.deps.containersUsing?.(id).length ?? 0) : -1);
      const shared = sharedSize ? sharedSizes(svc.table) : undefined;
      const shown = namesShown(filters);
      // An untagged image with children is an intermediate layer image (legacy load, commit
      // parents): shown only with all, as dockerd does.
      const parents = all ? new Set<string>() : svc.table.parentIds();
      // Hidden rows skipped before their configs are read, the rest read a batch at a time off
      // the event loop (factsOf): each config holds the history of every step before it, so
      // all of them at once after a long build took seconds of the loop and, after one of 10^4
      // steps, more heap than there is.
      const rows = svc.table.listImages().filter((row) => !(parents.has(row.id) && svc.table.refsOf(row.id).length === 0));
      const out: Record<string, unknown>[] = [];
      for (let i = 0; i < rows.length; i += 64) {
        for (const f of await svc.factsOf(rows.slice(i, i + 64))) {
          if (keep(f)) out.push(summaryView({ ...f, tags: f.tags.filter(shown), digests: f.digests.filter(shown) }, version, count(f.row.id), shared?.get(f.row.id) ?? -1));
        }
      }
      return out;
    },
    inspect(name, version) {
      const f = lookup(name);
      const layers = svc.table.layersOf(f.row.id);
      return inspectView(f, version, graphDriver(svc, layers.map((l) => l.cacheId)));
    },
    history(name) {
      const f = lookup(name);
      const lineage = [{ id: f.row.id, tags: f.tags }];
      for (let p = f.row.parent; p && lineage.length < MAX_LINEAGE; ) {
        const row = svc.table.getImage(p);
        if (!row) break;
        lineage.push({ id: row.id, tags: svc.facts(row).tags });
        p = row.parent;
      }
      return historyView(f, svc.table.layersOf(f.row.id).map((l) => l.size), lineage);
    },
    tag: (name, repo, tag) => svc.tag(name, repo, tag),
    remove: (name, opts) => svc.remove(name, opts),
    async prune(filters: Filters) {
      const all = (filters.get('dangling') ?? []).some((v) => ['false', '0'].includes(v.toLowerCase()));
      const rest = new Map([...filters].filter(([k]) => k !== 'dangling'));
      const match = imagePredicate(rest, lookup);
      return svc.prune(all, (f) => !match(f));
    },
    async importImage(opts, send: ProgressSink) {
      const source: Readable = opts.fromSrc === '-' ? opts.body : await fetchImportSource(opts.fromSrc);
      await importImage(svc, { source, from: opts.fromSrc, ...(opts.repo && { repo: opts.repo }), ...(opts.tag && { tag: opts.tag }), changes: opts.changes, ...(opts.message && { message: opts.message }), ...(opts.platform && { platform: parsePlatform(opts.platform) }) }, send);
    },
  };
}

function graphDriver(svc: ImageService, cacheIds: string[]): { Name: string; Data: Record<string, string> | null } {
  const layers = svc.deps.layers;
  if (cacheIds.length === 0) return { Name: layers.driver, Data: null };
  const [top, ...parents] = [...cacheIds].reverse();
  return { Name: layers.driver, Data: layers.graphData(top!, parents) };
}

/** "linux/amd64", "linux/arm64/v8", or the JSON OCI platform object newer clients send. */
export function parsePlatform(raw: string): Platform {
  if (raw.trim().startsWith('{')) {
    try {
      const p = JSON.parse(raw) as Platform;
      if (typeof p.os === 'string' && typeof p.architecture === 'string') return p;
    } catch {
      /* fall through to the error */
    }
    throw invalidParameter(`invalid platform: ${raw}`);
  }
  const [os, architecture, variant] = raw.split('/');
  if (!os || !architecture) throw invalidParameter(`invalid platform "${raw}": expected os/arch[/variant]`);
  return { os, architecture: architecture === 'x86_64' ? 'amd64' : architecture, ...(variant && { variant }) };
}
