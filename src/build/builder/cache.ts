// The build cache, with the classic builder's rule: a step is reused when its parent image, its
// text as it goes into history (variables expanded; RUN's text carries the build args it sees;
// COPY/ADD's carries the sources' checksum) and the config it commits are the same. The key is
// a hash of exactly those; the host keeps key → image. As in dockerd, after the first miss in
// a stage no more lookups are made (every later parent is new anyway), and `noCache` skips
// lookups but still records, so the next build can use what this one made. A miss may still be
// served by a --cache-from image (cache-from.ts).
import { createHash } from 'node:crypto';
import type { ContainerConfig } from '../../image/types.ts';
import type { StepImage } from '../host.ts';
import type { StageRun } from './build-run.ts';

/** JSON with object keys sorted, so equal configs hash equally whatever their key order. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export function cacheKey(parent: string | undefined, createdBy: string, config: ContainerConfig, extra = ''): string {
  const text = stableJson({ parent: parent ?? '', createdBy, config, extra });
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/**
 * One step that makes an image: looked up in the cache first (" ---> Using cache"), else made
 * by `make` and recorded. The stage's image becomes the step's.
 */
export async function cachedStep(sr: StageRun, createdBy: string, make: () => Promise<StepImage>, extra?: string): Promise<void> {
  const { st, run } = sr;
  const key = cacheKey(st.image, createdBy, st.config, extra);
  if (!run.opts.noCache && !st.cacheBusted) {
    const local = run.host.cacheGet(key);
    // A step restored from a cache-from image is recorded: the next build finds it locally.
    const restored = local === undefined ? await run.cacheFrom?.find(st.image, createdBy, st.config) : undefined;
    if (restored !== undefined) run.host.cachePut(key, restored, createdBy);
    const hit = local ?? restored;
    if (hit !== undefined) {
      sr.lane.stream(' ---> Using cache\n');
      st.image = hit;
      return;
    }
  }
  st.cacheBusted = true;
  const made = await make();
  run.host.cachePut(key, made.id, createdBy);
  st.image = made.id;
}
