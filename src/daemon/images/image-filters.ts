// Filters of GET /images/json and POST /images/prune, with dockerd's semantics.
import { matchesGlob } from 'node:path';
import type { Filters } from '../../api/query.ts';
import { matchLabels } from '../../api/query.ts';
import { invalidParameter } from '../../api/types/errors.ts';
import { parseTimestampNano } from '../../api/timestamps.ts';
import type { ImageFacts } from './image-views.ts';
import { createdSeconds } from './image-views.ts';
import { parseGoDuration } from '../../lib/go-duration.ts';

export type ImagePredicate = (f: ImageFacts) => boolean;

export function imagePredicate(filters: Filters, lookup: (name: string) => ImageFacts): ImagePredicate {
  const tests: ImagePredicate[] = [];
  const dangling = filters.get('dangling');
  if (dangling?.length) {
    const v = dangling[0]!.toLowerCase();
    if (!['true', 'false', '1', '0'].includes(v)) throw invalidParameter(`invalid filter 'dangling=${dangling[0]}'`);
    const want = v === 'true' || v === '1';
    tests.push((f) => (f.tags.length === 0) === want);
  }
  const labels = filters.get('label');
  if (labels?.length) tests.push((f) => matchLabels(f.config.config?.Labels ?? {}, labels));
  for (const key of ['before', 'since'] as const) {
    const names = filters.get(key);
    if (!names?.length) continue;
    const pivot = createdSeconds(lookup(names[0]!).config);
    tests.push((f) => (key === 'before' ? createdSeconds(f.config) < pivot : createdSeconds(f.config) > pivot));
  }
  const until = filters.get('until');
  if (until?.length) {
    const limit = untilSeconds(until[0]!);
    tests.push((f) => createdSeconds(f.config) < limit);
  }
  const refs = filters.get('reference');
  if (refs?.length) tests.push((f) => f.tags.some((t) => refs.some((pattern) => referenceMatches(t, pattern))));
  return (f) => tests.every((t) => t(f));
}

/** With a `reference` filter, an image lists only the names it matched by (RepoTags and
 * RepoDigests), as dockerd's: `images --filter reference=busybox` shows no row for the other
 * names of the same image. Without one, every name. */
export function namesShown(filters: Filters): (name: string) => boolean {
  const refs = filters.get('reference');
  return refs?.length ? (name) => refs.some((pattern) => referenceMatches(name, pattern)) : () => true;
}

// `busybox`, `busybox:1.*`, `*/app`: matched on the familiar name, with or without tag.
function referenceMatches(tag: string, pattern: string): boolean {
  const at = tag.indexOf('@');
  const colon = tag.lastIndexOf(':');
  const name = at >= 0 ? tag.slice(0, at) : colon > tag.lastIndexOf('/') ? tag.slice(0, colon) : tag;
  return matchesGlob(tag, pattern) || matchesGlob(name, pattern);
}

/** A prune `until`: a Go duration back from now, or a timestamp; in seconds since the epoch. */
export function untilSeconds(raw: string): number {
  const duration = parseGoDuration(raw);
  if (duration !== undefined) return (Date.now() - duration) / 1000;
  return Number(parseTimestampNano('until', raw)! / 1_000_000n) / 1000;
}
