// A container's filesystem: changes against its image (docker diff), export, docker cp's
// stat/archive/extract, and commit (a new image from the changes).
import type { Readable, Writable } from 'node:stream';
import type { Route } from '../route.ts';
import type { RequestContext } from '../context.ts';
import { boolParam } from '../query.ts';
import { invalidParameter } from '../types/errors.ts';
import { encodePathStat, PATH_STAT_HEADER, type PathStat } from '../types/path-stat.ts';

/** Kind: 0 modified ("C"), 1 added ("A"), 2 deleted ("D"). */
export interface FilesystemChange {
  Path: string;
  Kind: 0 | 1 | 2;
}

export interface CommitRequest {
  container: string;
  repo: string;
  tag: string;
  comment: string;
  author: string;
  pause: boolean;
  changes: string[];
  /** A Config to commit instead of the container's own (the request body), if given. */
  config?: Record<string, unknown>;
}

export interface ContainerFilesBackend {
  changes(id: string): Promise<FilesystemChange[]>;
  /** The whole filesystem as a tar; the backend tidies up when the stream closes. */
  export(id: string): Promise<Readable>;
  statPath(id: string, path: string): Promise<PathStat>;
  archive(id: string, path: string): Promise<{ stat: PathStat; tar: Readable }>;
  extract(id: string, path: string, tar: Readable, opts: { noOverwriteDirNonDir: boolean; copyUIDGID: boolean }): Promise<void>;
  commit(req: CommitRequest): Promise<{ Id: string }>;
}

export function containerFilesRoutes(b: ContainerFilesBackend): Route[] {
  return [
    { method: 'GET', path: '/containers/:id/changes', handler: async (ctx) => {
      const changes = await b.changes(ctx.params.id!);
      ctx.sendJson(200, changes.length ? changes : null); // dockerd's nil slice
    } },
    { method: 'GET', path: '/containers/:id/export', handler: async (ctx) => pipe(ctx, await b.export(ctx.params.id!), 'application/octet-stream') },
    { method: 'HEAD', path: '/containers/:id/archive', handler: async (ctx) => {
      const stat = await b.statPath(ctx.params.id!, archivePath(ctx));
      ctx.sendEmpty(200, { [PATH_STAT_HEADER]: encodePathStat(stat) });
    } },
    { method: 'GET', path: '/containers/:id/archive', handler: async (ctx) => {
      const { stat, tar } = await b.archive(ctx.params.id!, archivePath(ctx));
      await pipe(ctx, tar, 'application/x-tar', { [PATH_STAT_HEADER]: encodePathStat(stat) });
    } },
    { method: 'PUT', path: '/containers/:id/archive', handler: async (ctx) => {
      const opts = { noOverwriteDirNonDir: boolParam(ctx.query, 'noOverwriteDirNonDir'), copyUIDGID: boolParam(ctx.query, 'copyUIDGID') };
      await b.extract(ctx.params.id!, archivePath(ctx), ctx.body(), opts);
      ctx.sendEmpty(200);
    } },
    { method: 'POST', path: '/commit', handler: (ctx) => commit(ctx, b) },
  ];
}

function archivePath(ctx: RequestContext): string {
  const path = ctx.query.get('path');
  // sic: dockerd's message has no space before "cannot".
  if (!path) throw invalidParameter('bad parameter: pathcannot be empty');
  // No system call takes a NUL; dockerd's lstat fails on it (EINVAL), as a 500 naming its
  // data-root. The same text, as the client's error, without the host's part.
  if (path.includes('\0')) throw invalidParameter(`lstat ${path}: invalid argument`);
  return path;
}

/** Stream a tar; a failure half way can only cut the connection (the status is long sent). */
async function pipe(ctx: RequestContext, tar: Readable, contentType: string, headers: Record<string, string> = {}): Promise<void> {
  ctx.onClose(() => tar.destroy());
  const chunks = tar[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let next = await chunks.next(); // an error before the first byte still gets its own status
  const out = ctx.stream(200, contentType, headers);
  for (; !next.done; next = await chunks.next()) {
    if (!out.write(next.value)) await drained(out);
  }
  out.end();
}

/** The client has taken what was written, or gone; neither listener outlives the wait (a big
 * export waits thousands of times on one response). */
function drained(out: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.once('drain', done);
    out.once('close', done);
  });
}

async function commit(ctx: RequestContext, b: ContainerFilesBackend): Promise<void> {
  const body = await ctx.json<Record<string, unknown> | null>();
  if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) throw invalidParameter('invalid JSON: the body must be a container config object');
  const q = ctx.query;
  // The image's name is the policy's to allow, as a tag's is (else a commit launders any image).
  if (q.get('repo')) ctx.guard?.imageName(q.get('tag') ? `${q.get('repo')}:${q.get('tag')}` : q.get('repo')!, 'commit');
  const res = await b.commit({
    container: q.get('container') ?? '', repo: q.get('repo') ?? '', tag: q.get('tag') ?? '',
    comment: q.get('comment') ?? '', author: q.get('author') ?? '',
    // An absent or empty pause means yes (API >= 1.13).
    pause: q.get('pause') ? boolParam(q, 'pause') : true,
    changes: q.getAll('changes'),
    ...(body && { config: body }),
  });
  ctx.sendJson(201, res);
}
