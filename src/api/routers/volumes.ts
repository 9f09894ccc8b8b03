// Volumes: list, create, inspect, remove, prune (swagger "Volume" tag). The per-container
// mounts that use them are resolved at container create (daemon/containers/container-mounts.ts).
import type { Route } from '../route.ts';
import type { RequestContext } from '../context.ts';
import { boolParam, parseFilters, type Filters } from '../query.ts';
import { invalidParameter } from '../types/errors.ts';
import { checkGoJson, go, goFieldNames } from '../go-decode.ts';

export interface VolumesBackend {
  list(filters: Filters): unknown;
  create(body: Record<string, unknown>): unknown;
  inspect(name: string): unknown;
  remove(name: string, force: boolean): Promise<void>;
  prune(filters: Filters, version: string): Promise<unknown>;
}

export const VOLUME_LIST_FILTERS = ['dangling', 'driver', 'label', 'name'];
const PRUNE_FILTERS = ['label', 'label!', 'all'];
/** volume.CreateOptions, as dockerd decodes the body. */
const CREATE_OPTIONS = go.struct('volume.CreateOptions', { Name: go.string(), Driver: go.string(), DriverOpts: go.stringMap, Labels: go.stringMap });

export function volumesRoutes(b: VolumesBackend): Route[] {
  return [
    { method: 'GET', path: '/volumes', handler: (ctx) => ctx.sendJson(200, b.list(parseFilters(ctx.query.get('filters'), VOLUME_LIST_FILTERS))) },
    { method: 'POST', path: '/volumes/create', handler: (ctx) => create(ctx, b) },
    { method: 'POST', path: '/volumes/prune', minVersion: '1.25', handler: async (ctx) => ctx.sendJson(200, await b.prune(parseFilters(ctx.query.get('filters'), PRUNE_FILTERS), ctx.version)) },
    { method: 'GET', path: '/volumes/:name', handler: (ctx) => ctx.sendJson(200, b.inspect(ctx.params.name!)) },
    { method: 'DELETE', path: '/volumes/:name', handler: (ctx) => remove(ctx, b) },
  ];
}

async function create(ctx: RequestContext, b: VolumesBackend): Promise<void> {
  const body = (await ctx.json<unknown>({ limit: 1024 * 1024 })) ?? {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidParameter('invalid JSON: the body must be an object');
  // Go's decoder matches field names case-insensitively ("name" fills Name).
  const opts = goFieldNames(body as Record<string, unknown>, ['Name', 'Driver', 'DriverOpts', 'Labels']);
  checkGoJson(opts, CREATE_OPTIONS);
  const volume = b.create(opts);
  ctx.guard?.named(String((volume as { Name?: unknown }).Name ?? '')); // a generated name too
  ctx.sendJson(201, volume);
}

async function remove(ctx: RequestContext, b: VolumesBackend): Promise<void> {
  await b.remove(ctx.params.name!, boolParam(ctx.query, 'force'));
  ctx.sendEmpty(204);
}
