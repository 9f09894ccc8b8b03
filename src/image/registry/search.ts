// `GET /images/search`: the registry's v1 search endpoint, which only Docker Hub (at
// index.docker.io, not the v2 API host) and a few registries still serve; distribution's
// registry does not, and that is reported plainly rather than as a parse failure.
import { BerthError, invalidParameter, systemError } from '../../api/types/errors.ts';
import { kindOfRegistryStatus, readCapped } from './body.ts';
import type { RegistryClient } from './client.ts';

export interface SearchResult {
  name: string;
  description: string;
  star_count: number;
  is_official: boolean;
  is_automated: boolean;
}

/** Docker Hub's v1 API lives on the index host; the client sends it no registry credentials. */
const HUB_INDEX = 'https://index.docker.io';

export async function searchRegistry(client: RegistryClient, term: string, limit = 25, signal?: AbortSignal): Promise<SearchResult[]> {
  // dockerd's bounds and words.
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalidParameter(`limit ${limit} is outside the range of [1, 100]`);
  const base = client.registry.official ? HUB_INDEX : '';
  const res = await client.request(`${base}/v1/search?q=${encodeURIComponent(term)}&n=${limit}`, { signal });
  if (res.status !== 200) {
    await res.body?.cancel();
    const why = res.status === 404 ? `: ${client.registry.name} does not offer the v1 search API` : '';
    throw new BerthError(kindOfRegistryStatus(res.status), `Unexpected status code ${res.status}${why}`);
  }
  let body: { results?: unknown };
  try {
    body = JSON.parse((await readCapped(res, 8 << 20, 'search response')).toString('utf8')) as { results?: unknown };
  } catch (err) {
    throw systemError(`invalid search response from ${client.registry.name}: ${(err as Error).message}`);
  }
  if (!Array.isArray(body?.results)) throw systemError(`invalid search response from ${client.registry.name}: no results`);
  return body.results.slice(0, limit).map((r: Record<string, unknown>) => ({
    name: String(r?.name ?? ''),
    description: String(r?.description ?? ''),
    star_count: Number(r?.star_count) || 0,
    is_official: r?.is_official === true,
    is_automated: r?.is_automated === true,
  }));
}
