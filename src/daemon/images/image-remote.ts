// Registry look-ups that store nothing: GET /distribution/{name}/json and GET /images/search.
import type { DaemonConfig } from '../config/types.ts';
import type { Filters } from '../../api/query.ts';
import { fetchManifestDescriptor, searchRegistry, type DistributionInspect, type SearchResult } from '../../image/registry/index.ts';
import { parseReference, withDefaultTag, DEFAULT_DOMAIN } from '../../image/reference.ts';
import { registryClientFor } from './registry-access.ts';
import { invalidParameter } from '../../api/types/errors.ts';

export function distributionInspect(config: DaemonConfig, name: string, auth: string | undefined): Promise<DistributionInspect> {
  const ref = withDefaultTag(parseReference(name));
  return fetchManifestDescriptor(registryClientFor(ref.domain, auth, config), ref);
}

/** "term" searches Docker Hub; "host:port/term" searches that registry, as docker splits it. */
export async function searchImages(config: DaemonConfig, term: string, limit: number | undefined, filters: Filters, auth: string | undefined): Promise<SearchResult[]> {
  const slash = term.indexOf('/');
  const first = slash > 0 ? term.slice(0, slash) : '';
  const isHost = first.includes('.') || first.includes(':') || first === 'localhost';
  const domain = isHost ? first : DEFAULT_DOMAIN;
  const query = isHost ? term.slice(slash + 1) : term;
  const results = await searchRegistry(registryClientFor(domain, auth, config), query, limit ?? 25);
  return results.filter(searchFilter(filters));
}

function searchFilter(filters: Filters): (r: SearchResult) => boolean {
  const bool = (key: string): boolean | undefined => {
    const v = filters.get(key)?.[0];
    if (v === undefined) return undefined;
    if (!['true', 'false'].includes(v)) throw invalidParameter(`invalid filter '${key}=${v}'`);
    return v === 'true';
  };
  const official = bool('is-official');
  const automated = bool('is-automated');
  const starsRaw = filters.get('stars')?.[0];
  const stars = starsRaw === undefined ? 0 : Number(starsRaw);
  if (!Number.isInteger(stars)) throw invalidParameter(`invalid filter 'stars=${starsRaw}'`);
  return (r) =>
    (official === undefined || r.is_official === official) &&
    (automated === undefined || r.is_automated === automated) &&
    r.star_count >= stars;
}
