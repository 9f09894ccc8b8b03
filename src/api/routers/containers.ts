// Containers as records: create, inspect, list, rename, remove, prune. Running them (start,
// stop, wait, logs, attach) is container-lifecycle.ts; exec is exec.ts.
import type { Route } from '../route.ts';
import type { RequestContext } from '../context.ts';
import { boolParam, intParam, parseFilters, type Filters } from '../query.ts';
import { invalidParameter } from '../types/errors.ts';
import type { RequestGuard } from '../../authz/guard.ts';

export interface ContainersBackend {
  /** `guard`: the request's authorization, asked about the container once it is parsed. */
  create(body: Record<string, unknown>, name: string | undefined, platform: string | undefined, guard?: RequestGuard): Promise<{ Id: string; Warnings: string[] }>;
  inspect(idOrName: string, size: boolean, version: string): Promise<unknown>;
  list(opts: { all: boolean; limit?: number; size: boolean; filters: Filters }, version: string): Promise<unknown[]>;
  remove(idOrName: string, opts: { force: boolean; volumes: boolean; link: boolean }): Promise<void>;
  rename(idOrName: string, name: string): void;
  /** `mayRemove`: the request's authorization; a container it may not act on is kept, as if
   * a filter had left it out. */
  prune(filters: Filters, mayRemove?: (id: string) => boolean): Promise<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }>;
}

export const CONTAINER_LIST_FILTERS = ['ancestor', 'before', 'expose', 'exited', 'health', 'id', 'isolation', 'is-task', 'label', 'name', 'network', 'publish', 'since', 'status', 'volume'];

export function containersRoutes(b: ContainersBackend): Route[] {
  return [
    { method: 'POST', path: '/containers/create', handler: (ctx) => create(ctx, b) },
    { method: 'GET', path: '/containers/json', handler: (ctx) => list(ctx, b) },
    { method: 'GET', path: '/containers/:id/json', handler: async (ctx) => ctx.sendJson(200, await b.inspect(ctx.params.id!, boolParam(ctx.query, 'size'), ctx.version)) },
    { method: 'DELETE', path: '/containers/:id', handler: (ctx) => remove(ctx, b, ctx.params.id!) },
    // A legacy link's name has a slash (/web/db): `docker rm --link /web/db`.
    { method: 'DELETE', path: '/containers/*', handler: (ctx) => remove(ctx, b, ctx.params['*'] ?? '') },
    { method: 'POST', path: '/containers/:id/rename', handler: (ctx) => rename(ctx, b) },
    { method: 'POST', path: '/containers/prune', minVersion: '1.25', handler: (ctx) => prune(ctx, b) },
  ];
}

async function create(ctx: RequestContext, b: ContainersBackend): Promise<void> {
  const body = await ctx.json<Record<string, unknown>>({ limit: 1024 * 1024 });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidParameter('Config cannot be empty in order to create a container');
  const name = ctx.query.get('name') ?? undefined;
  const created = await b.create(body, name, ctx.query.get('platform') || undefined, ctx.guard);
  ctx.guard?.named(created.Id); // the audit line's object when the request named none
  ctx.sendJson(201, created);
}

async function list(ctx: RequestContext, b: ContainersBackend): Promise<void> {
  const filters = parseFilters(ctx.query.get('filters'), CONTAINER_LIST_FILTERS);
  const limit = intParam(ctx.query, 'limit');
  const opts = { all: boolParam(ctx.query, 'all'), size: boolParam(ctx.query, 'size'), filters, ...(limit !== undefined && limit > 0 && { limit }) };
  ctx.sendJson(200, await b.list(opts, ctx.version));
}

async function remove(ctx: RequestContext, b: ContainersBackend, idOrName: string): Promise<void> {
  await b.remove(idOrName, { force: boolParam(ctx.query, 'force'), volumes: boolParam(ctx.query, 'v'), link: boolParam(ctx.query, 'link') });
  ctx.sendEmpty(204);
}

async function prune(ctx: RequestContext, b: ContainersBackend): Promise<void> {
  const filters = parseFilters(ctx.query.get('filters'), ['until', 'label', 'label!']);
  const guard = ctx.guard;
  ctx.sendJson(200, await b.prune(filters, guard && ((id) => guard.mayActOn(id))));
}

function rename(ctx: RequestContext, b: ContainersBackend): void {
  const name = ctx.query.get('name');
  if (!name) throw invalidParameter('name is required');
  b.rename(ctx.params.id!, name);
  ctx.sendEmpty(204);
}
