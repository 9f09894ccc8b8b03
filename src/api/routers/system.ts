// System operations: ping, version, info, disk usage, registry login.
import type { Route } from '../route.ts';
import type { RequestContext } from '../context.ts';
import { boolParam } from '../query.ts';
import { invalidParameter } from '../types/errors.ts';
import { shapeInfo } from './info-shape.ts';
import type { AuthConfig } from '../types/auth-config.ts';

export type { AuthConfig };

export interface SystemBackend {
  version(): Promise<Record<string, unknown>>;
  info(): Promise<Record<string, unknown>>;
  diskUsage(): Promise<{ LayersSize: number; Images: unknown[]; Containers: unknown[]; Volumes: unknown[]; BuildCache: unknown[] }>;
  login(auth: AuthConfig): Promise<{ Status: string; IdentityToken: string }>;
}

export function systemRoutes(backend: SystemBackend): Route[] {
  return [
    { method: 'GET', path: '/_ping', handler: ping },
    { method: 'HEAD', path: '/_ping', handler: ping },
    { method: 'GET', path: '/version', handler: async (ctx) => ctx.sendJson(200, await backend.version()) },
    { method: 'GET', path: '/info', handler: async (ctx) => ctx.sendJson(200, shapeInfo(await backend.info(), ctx.version)) },
    { method: 'GET', path: '/system/df', handler: (ctx) => diskUsage(ctx, backend) },
    { method: 'POST', path: '/auth', handler: (ctx) => login(ctx, backend) },
  ];
}

function ping(ctx: RequestContext): void {
  ctx.setHeader('Cache-Control', 'no-cache, no-store, must-revalidate');
  ctx.setHeader('Pragma', 'no-cache');
  ctx.setHeader('Builder-Version', '1');
  ctx.setHeader('Swarm', 'inactive');
  if (ctx.req.method === 'HEAD') return ctx.sendEmpty(200, { 'Content-Type': 'text/plain; charset=utf-8' });
  ctx.sendText(200, 'OK');
}

const DF_TYPES = ['container', 'image', 'volume', 'build-cache'];

async function diskUsage(ctx: RequestContext, backend: SystemBackend): Promise<void> {
  const types = ctx.query.getAll('type');
  for (const t of types) if (!DF_TYPES.includes(t)) throw invalidParameter(`unknown object type: ${t}`);
  const want = (t: string) => types.length === 0 || types.includes(t);
  const du = await backend.diskUsage();
  const legacy = {
    LayersSize: du.LayersSize,
    Images: want('image') ? du.Images : null,
    Containers: want('container') ? du.Containers : null,
    Volumes: want('volume') ? du.Volumes : null,
    // No records: null, as dockerd's (Go's empty slice).
    BuildCache: want('build-cache') && du.BuildCache.length > 0 ? buildCacheBefore142(du.BuildCache, ctx) : null,
  };
  if (ctx.versionBelow('1.52')) return ctx.sendJson(200, legacy);
  const verbose = boolParam(ctx.query, 'verbose');
  const usage = (items: unknown[], size: number, active: number, reclaimable = 0) => ({
    TotalCount: items.length,
    ActiveCount: active,
    TotalSize: size,
    Reclaimable: reclaimable,
    ...(verbose && { Items: items }),
  });
  ctx.sendJson(200, {
    ...(want('image') && { ImagesUsage: imagesUsage(du.Images, du.LayersSize, usage) }),
    ...(want('container') && { ContainersUsage: containersUsage(du.Containers, usage) }),
    ...(want('volume') && { VolumesUsage: volumesUsage(du.Volumes, usage) }),
    ...(want('build-cache') && { BuildCacheUsage: buildCacheUsage(du.BuildCache, usage) }),
    // API 1.52 sent the legacy fields beside these, 1.53 dropped them; berth keeps them (without
    // verbose, as 1.52): docker-py negotiates the newest API, and code that reads df()['Images']
    // (as written against any dockerd before) would fail with a KeyError. Extra fields break no client.
    ...(!verbose && legacy),
  });
}

type Usage = (items: unknown[], size: number, active: number, reclaimable?: number) => object;

/** Images some container uses are active; the rest of the layers' bytes are reclaimable — the
 * docker CLI's sums over the legacy list, so both forms print the same row. */
function imagesUsage(items: unknown[], layersSize: number, usage: Usage): object {
  const images = items as { Containers?: number; Size?: number; SharedSize?: number }[];
  const used = images.filter((i) => (i.Containers ?? 0) > 0);
  const usedBytes = used.reduce((n, i) => (i.Size === -1 || i.SharedSize === -1 ? n : n + (i.Size ?? 0) - (i.SharedSize ?? 0)), 0);
  return usage(items, layersSize, used.length, Math.max(0, layersSize - usedBytes));
}

/** Running, paused and restarting containers are active; the others' writable layers are
 * reclaimable (the docker CLI's rule). */
function containersUsage(items: unknown[], usage: Usage): object {
  const containers = items as { State?: string; SizeRw?: number }[];
  const active = (c: { State?: string }) => ['running', 'paused', 'restarting'].includes(c.State ?? '');
  const bytes = (cs: { SizeRw?: number }[]) => cs.reduce((n, c) => n + Math.max(0, c.SizeRw ?? 0), 0);
  return usage(items, bytes(containers), containers.filter(active).length, bytes(containers.filter((c) => !active(c))));
}

/** Volumes in use (RefCount > 0) are active; the others' bytes are reclaimable (-1: unknown). */
function volumesUsage(items: unknown[], usage: Usage): object {
  const data = items.map((v) => (v as { UsageData?: { Size: number; RefCount: number } }).UsageData ?? { Size: 0, RefCount: 0 });
  const size = (d: { Size: number }) => Math.max(0, d.Size);
  return usage(items, data.reduce((n, d) => n + size(d), 0), data.filter((d) => d.RefCount > 0).length, data.filter((d) => d.RefCount === 0).reduce((n, d) => n + size(d), 0));
}

interface CacheRecord {
  Size: number;
  InUse: boolean;
  Shared: boolean;
  Parents?: string[] | null;
}

/** Records in use are active; a shared record's bytes belong to the image that shares them, so
 * only the others count in the size, and those not in use are reclaimable — the docker CLI's
 * sums over the records (API < 1.52), so both forms print the same row. */
function buildCacheUsage(items: unknown[], usage: Usage): object {
  const recs = items as CacheRecord[];
  const sum = (rs: CacheRecord[]) => rs.reduce((n, r) => n + r.Size, 0);
  const own = recs.filter((r) => !r.Shared);
  return usage(items, sum(own), recs.filter((r) => r.InUse).length, sum(own.filter((r) => !r.InUse)));
}

/** Before API 1.42 a record named one parent, in `Parent`. */
function buildCacheBefore142(items: unknown[], ctx: RequestContext): unknown[] {
  if (!ctx.versionBelow('1.42')) return items;
  return (items as CacheRecord[]).map(({ Parents, ...r }) => ({ ...r, Parent: Parents?.[0] ?? '' }));
}

async function login(ctx: RequestContext, backend: SystemBackend): Promise<void> {
  const body = await ctx.json<AuthConfig>({ required: true, limit: 64 * 1024 });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidParameter('invalid JSON: the body must be an AuthConfig object');
  for (const [k, v] of Object.entries(body)) {
    if (v !== undefined && v !== null && typeof v !== 'string') throw invalidParameter(`invalid value for "${k}": expected a string`);
  }
  ctx.sendJson(200, await backend.login(body));
}
