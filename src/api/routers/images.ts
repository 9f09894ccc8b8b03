// Image operations. Image names contain slashes (127.0.0.1:5000/team/app:v1), so the
// per-image routes are wildcards split here on their last path segment, as dockerd's
// `{name:.*}` routes are.
import type { Readable } from 'node:stream';
import type { Route } from '../route.ts';
import type { RequestContext } from '../context.ts';
import type { Platform } from '../../image/types.ts';
import { versionLessThan } from '../types/version.ts';
import { boolParam, parseFilters, type Filters } from '../query.ts';
import { withProgress, type ProgressSink } from '../progress.ts';
import { notFound, invalidParameter } from '../types/errors.ts';
import { namesAsked } from '../../authz/image-patterns.ts';

export interface ImagesBackend {
  list(opts: { all: boolean; digests: boolean; sharedSize: boolean; filters: Filters }, version: string): Promise<unknown[]> | unknown[];
  inspect(name: string, version: string): Promise<unknown> | unknown;
  history(name: string): Promise<unknown[]> | unknown[];
  tag(name: string, repo: string, tag: string | undefined): void;
  remove(name: string, opts: { force: boolean; noprune: boolean }): Promise<unknown[]>;
  prune(filters: Filters): Promise<unknown>;
  importImage(opts: { body: Readable; fromSrc: string; repo?: string; tag?: string; changes: string[]; message?: string; platform?: string }, send: ProgressSink): Promise<void>;
  pull(opts: { fromImage: string; tag?: string; platform?: string; auth?: string }, send: ProgressSink): Promise<void>;
  push(opts: { name: string; tag?: string; auth?: string }, send: ProgressSink): Promise<void>;
  save(names: string[]): Promise<Readable>;
  /** `checkName`: the request's authorization, asked about each name the archive tags. */
  load(body: Readable, opts: { quiet: boolean; platforms: Platform[]; checkName?: (name: string) => void }, send: ProgressSink): Promise<void>;
  distribution(name: string, auth?: string): Promise<unknown>;
  search(term: string, limit: number | undefined, filters: Filters, auth?: string): Promise<unknown[]>;
}

export const IMAGE_LIST_FILTERS = ['dangling', 'label', 'before', 'since', 'reference', 'until'];
const PRUNE_FILTERS = ['dangling', 'label', 'until'];
const SEARCH_FILTERS = ['is-automated', 'is-official', 'stars'];

export function imagesRoutes(b: ImagesBackend): Route[] {
  return [
    { method: 'GET', path: '/images/json', handler: (ctx) => list(ctx, b) },
    { method: 'POST', path: '/images/create', handler: (ctx) => create(ctx, b) },
    { method: 'POST', path: '/images/load', handler: (ctx) => load(ctx, b) },
    { method: 'POST', path: '/images/prune', minVersion: '1.25', handler: (ctx) => prune(ctx, b) },
    { method: 'GET', path: '/images/get', handler: (ctx) => save(ctx, b, ctx.query.getAll('names')) },
    { method: 'GET', path: '/images/search', handler: (ctx) => search(ctx, b) },
    { method: 'GET', path: '/images/*', handler: (ctx) => perImage(ctx, b, 'GET') },
    { method: 'POST', path: '/images/*', handler: (ctx) => perImage(ctx, b, 'POST') },
    { method: 'DELETE', path: '/images/*', handler: (ctx) => remove(ctx, b, ctx.params['*'] ?? '') },
    { method: 'GET', path: '/distribution/*', minVersion: '1.30', handler: (ctx) => distribution(ctx, b) },
  ];
}

function splitAction(rest: string): { name: string; action: string } {
  const slash = rest.lastIndexOf('/');
  return slash <= 0 ? { name: '', action: rest } : { name: rest.slice(0, slash), action: rest.slice(slash + 1) };
}

async function perImage(ctx: RequestContext, b: ImagesBackend, method: 'GET' | 'POST'): Promise<void> {
  const { name, action } = splitAction(ctx.params['*'] ?? '');
  if (!name) throw notFound('page not found');
  const auth = ctx.header('x-registry-auth');
  if (method === 'GET' && action === 'json') return ctx.sendJson(200, await b.inspect(name, ctx.version));
  if (method === 'GET' && action === 'history') return ctx.sendJson(200, await b.history(name));
  // GET /images/* is read-only for json and history; a save hands out the image's contents.
  if (method === 'GET' && action === 'get') return (ctx.guard?.requireClass('images', `GET /images/{name}/get`), save(ctx, b, [name]));
  if (method === 'POST' && action === 'tag') {
    const repo = ctx.query.get('repo');
    if (!repo) throw invalidParameter('repo is required');
    ctx.guard?.imageName(repo, 'tag');
    b.tag(name, repo, ctx.query.get('tag') || undefined);
    return ctx.sendEmpty(201);
  }
  if (method === 'POST' && action === 'push') {
    ctx.guard?.imageName(name, 'push');
    return withProgress(ctx, (send) => b.push({ name, tag: ctx.query.get('tag') || undefined, ...(auth && { auth }) }, send));
  }
  throw notFound('page not found');
}

async function list(ctx: RequestContext, b: ImagesBackend): Promise<void> {
  const filters = parseFilters(ctx.query.get('filters'), IMAGE_LIST_FILTERS);
  const legacy = ctx.query.get('filter');
  if (legacy) filters.set('reference', [...(filters.get('reference') ?? []), legacy]);
  const opts = { all: boolParam(ctx.query, 'all'), digests: boolParam(ctx.query, 'digests'), sharedSize: boolParam(ctx.query, 'shared-size'), filters };
  ctx.sendJson(200, await b.list(opts, ctx.version));
}

async function create(ctx: RequestContext, b: ImagesBackend): Promise<void> {
  const q = ctx.query;
  const fromImage = q.get('fromImage');
  const fromSrc = q.get('fromSrc');
  const platform = q.get('platform') || undefined;
  if (fromImage) {
    ctx.guard?.imageName(fromImage, 'pull');
    const auth = ctx.header('x-registry-auth');
    return withProgress(ctx, (send) => b.pull({ fromImage, tag: q.get('tag') || undefined, ...(platform && { platform }), ...(auth && { auth }) }, send));
  }
  if (!fromSrc) throw invalidParameter('fromImage or fromSrc is required');
  if (q.get('repo')) ctx.guard?.imageName(q.get('repo')!, 'import');
  const opts = {
    body: ctx.body(),
    fromSrc,
    repo: q.get('repo') || undefined,
    tag: q.get('tag') || undefined,
    changes: q.getAll('changes'),
    message: q.get('message') || undefined,
    ...(platform && { platform }),
  };
  return withProgress(ctx, (send) => b.importImage(opts, send));
}

async function prune(ctx: RequestContext, b: ImagesBackend): Promise<void> {
  const filters = parseFilters(ctx.query.get('filters'), PRUNE_FILTERS);
  ctx.guard?.anyImage('image prune');
  ctx.sendJson(200, await b.prune(filters));
}

async function remove(ctx: RequestContext, b: ImagesBackend, name: string): Promise<void> {
  if (ctx.guard) await judgeRemoval(ctx, b, name);
  ctx.sendJson(200, await b.remove(name, { force: boolParam(ctx.query, 'force'), noprune: boolParam(ctx.query, 'noprune') }));
}

async function save(ctx: RequestContext, b: ImagesBackend, names: string[]): Promise<void> {
  if (names.length === 0) throw invalidParameter('no images given to save: use names=<image>');
  const tar = await b.save(names);
  const out = ctx.stream(200, 'application/x-tar');
  tar.on('error', () => ctx.req.socket.destroy());
  tar.pipe(out);
  await new Promise((resolve) => out.on('finish', resolve).on('close', resolve));
}

/** Only bad query values are refused with a status; whatever is wrong with the archive is
 * reported in the 200 stream, as dockerd does. quiet is true unless given, as in dockerd. */
async function load(ctx: RequestContext, b: ImagesBackend): Promise<void> {
  const raw = ctx.query.getAll('platform');
  if (versionLessThan(ctx.version, '1.48')) raw.length = 0; // the parameter came with API 1.48
  if (raw.length > 1 && versionLessThan(ctx.version, '1.52')) throw invalidParameter('multiple platform parameters are not supported in this API version; use API version 1.52 or later');
  const platforms = raw.map(decodePlatform);
  const quiet = boolParam(ctx.query, 'quiet', true);
  const guard = ctx.guard;
  const checkName = guard && ((name: string) => guard.imageName(name, 'load'));
  return withProgress(ctx, (send) => b.load(ctx.body(), { quiet, platforms, ...(checkName && { checkName }) }, send), { openAtOnce: true });
}

/** A platform query value: an OCI platform as JSON, with os and architecture. */
function decodePlatform(raw: string): Platform {
  let p: unknown;
  try {
    p = JSON.parse(raw);
  } catch (err) {
    throw invalidParameter(`failed to parse platform: ${(err as Error).message}`);
  }
  if (typeof p !== 'object' || p === null || Array.isArray(p)) throw invalidParameter('failed to parse platform: not a JSON object');
  const { os, architecture, variant } = p as Record<string, unknown>;
  for (const [k, v] of Object.entries({ os, architecture, variant })) {
    if (v !== undefined && v !== null && typeof v !== 'string') throw invalidParameter(`failed to parse platform: ${k} must be a string`);
  }
  if (!os || !architecture) {
    const optional = ['variant', 'os.version', 'os.features'].some((k) => (p as Record<string, unknown>)[k]);
    throw invalidParameter(optional && !os && !architecture ? 'optional platform fields provided, but OS and Architecture are missing' : 'both OS and Architecture must be provided');
  }
  return { os: os as string, architecture: architecture as string, ...(variant ? { variant: variant as string } : {}) };
}

async function search(ctx: RequestContext, b: ImagesBackend): Promise<void> {
  const term = ctx.query.get('term');
  if (!term) throw invalidParameter('term is required');
  const limit = ctx.query.get('limit');
  const n = limit ? Number(limit) : undefined;
  if (n !== undefined && (!Number.isInteger(n) || n < 1 || n > 100)) throw invalidParameter('limit must be between 1 and 100');
  const auth = ctx.header('x-registry-auth');
  ctx.sendJson(200, await b.search(term, n, parseFilters(ctx.query.get('filters'), SEARCH_FILTERS), auth));
}

async function distribution(ctx: RequestContext, b: ImagesBackend): Promise<void> {
  const { name, action } = splitAction(ctx.params['*'] ?? '');
  if (!name || action !== 'json') throw notFound('page not found');
  ctx.sendJson(200, await b.distribution(name, ctx.header('x-registry-auth')));
}

/**
 * Under a rule's image patterns a removal is judged by the names it takes away: the tag asked for,
 * or — an image named by its id — every name the image has, each within the patterns (an image
 * with no name is refused, as a create of one is). Else `rmi` would reach images outside them.
 */
async function judgeRemoval(ctx: RequestContext, b: ImagesBackend, name: string): Promise<void> {
  let image: { RepoTags?: string[] };
  try {
    image = (await b.inspect(name, ctx.version)) as { RepoTags?: string[] };
  } catch {
    return; // no such image: the removal answers it (404) as without a policy
  }
  const names = namesAsked(name, image.RepoTags ?? []);
  if (names.length === 0) ctx.guard?.imageName([], 'removal');
  for (const n of names) ctx.guard?.imageName(n, 'removal');
}
