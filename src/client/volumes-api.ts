// Volume operations of the Engine API, typed.
import type { ApiClient } from './api-client.ts';

export interface Volume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt?: string;
  Labels: Record<string, string> | null;
  Options: Record<string, string> | null;
  Scope: string;
  Status?: Record<string, unknown>;
  UsageData?: { Size: number; RefCount: number } | null;
}

export interface VolumeCreateOptions {
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string>;
  Labels?: Record<string, string>;
}

/** Filters in docker's wire form, {"key": {"value": true}}; none: no parameter. */
function wireFilters(filters: Record<string, string[]> = {}): string | undefined {
  const keys = Object.keys(filters).filter((k) => filters[k]!.length).sort();
  if (!keys.length) return undefined;
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k, Object.fromEntries([...filters[k]!].sort().map((v) => [v, true]))])));
}

export class VolumesApi {
  readonly #c: ApiClient;
  constructor(client: ApiClient) {
    this.#c = client;
  }

  list(filters?: Record<string, string[]>): Promise<{ Volumes: Volume[] | null; Warnings: string[] | null }> {
    return this.#c.json('GET', '/volumes', { query: { filters: wireFilters(filters) } });
  }
  create(opts: VolumeCreateOptions): Promise<Volume> {
    return this.#c.json('POST', '/volumes/create', { body: opts });
  }
  inspect(name: string): Promise<Volume> {
    return this.#c.json('GET', `/volumes/${encodeURIComponent(name)}`);
  }
  async remove(name: string, opts: { force?: boolean } = {}): Promise<void> {
    await this.#c.whole('DELETE', `/volumes/${encodeURIComponent(name)}`, { query: { force: opts.force || undefined } });
  }
  prune(filters?: Record<string, string[]>): Promise<{ VolumesDeleted: string[] | null; SpaceReclaimed: number }> {
    return this.#c.json('POST', '/volumes/prune', { query: { filters: wireFilters(filters) } });
  }
}
