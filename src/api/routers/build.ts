// POST /build: the classic builder's endpoint (what `docker build` without buildx, docker-py,
// docker-compose and dockerode use). The query is parsed and checked here, stricter than
// dockerd (a number that is not one is a 400, not a silent 0); the context is the body. The
// answer is docker's JSON stream: an error before any output is an ordinary HTTP error, after
// it an in-band errorDetail (with the failing RUN's exit code as `code`, which the docker CLI
// exits with). With q=1 the output is held back and written only if the build fails.
import type { Readable } from 'node:stream';
import type { Writable } from 'node:stream';
import type { Route } from '../route.ts';
import type { HostConfig } from '../types/engine-api.ts';
import type { RequestContext } from '../context.ts';
import type { BuildOptions, BuildOutput } from '../../build/options.ts';
import { boolParam, intParam } from '../query.ts';
import { invalidParameter } from '../types/errors.ts';

export interface BuildRequest extends BuildOptions {
  /** A git or http(s) URL to take the context (or the Dockerfile) from, instead of the body. */
  remote?: string;
  /** X-Registry-Config: registry host → auth config, for pulling base images. */
  authConfigs: Record<string, unknown>;
  /** The request's authorization, asked about each base image (FROM, COPY --from) before it
   * is used or pulled: a policy's image patterns hold for a build's images too. */
  allowImage?: (names: string | readonly string[], action: string) => void;
  /** The request's authorization, asked about each RUN container's HostConfig (its network). */
  allowRun?: (hostConfig: HostConfig) => void;
}

export interface BuildBackend {
  /** Runs the build; resolves to the image id ("sha256:..."). */
  build(body: Readable, req: BuildRequest, out: BuildOutput, signal: AbortSignal): Promise<string>;
}

export function imageBuildRoutes(b: BuildBackend): Route[] {
  return [{ method: 'POST', path: '/build', handler: (ctx) => postBuild(ctx, b) }];
}

async function postBuild(ctx: RequestContext, b: BuildBackend): Promise<void> {
  const req = parseBuildQuery(ctx.query, ctx.versionAtLeast('1.32'));
  req.authConfigs = parseAuthConfigs(ctx.header('x-registry-config'));
  // Before the context is read: the names the image would get are the policy's to allow.
  for (const t of req.tags) ctx.guard?.imageName(t, 'build -t');
  const guard = ctx.guard;
  if (guard) {
    req.allowImage = (names, action) => guard.imageName(names, action);
    req.allowRun = (hostConfig) => guard.buildRun(hostConfig);
  }
  const wantAux = ctx.versionAtLeast('1.30');
  let stream: Writable | undefined;
  const held: string[] = [];
  const write = (msg: unknown) => {
    const line = JSON.stringify(msg) + '\r\n';
    if (req.quiet) held.push(line);
    else {
      stream ??= ctx.stream(200, 'application/json');
      if (!stream.writableEnded) stream.write(line);
    }
  };
  const out: BuildOutput = {
    stream: (text) => write({ stream: text }),
    aux: (value) => {
      if (wantAux) write({ aux: value });
    },
  };
  const abort = new AbortController();
  ctx.onClose(() => abort.abort(new Error('the client closed the connection')));
  try {
    const id = await b.build(ctx.body(), req, out, abort.signal);
    stream ??= ctx.stream(200, 'application/json');
    if (req.quiet) stream.write(JSON.stringify({ stream: `${id}\n` }) + '\r\n');
  } catch (err) {
    if (req.quiet && held.length > 0) {
      stream ??= ctx.stream(200, 'application/json');
      for (const line of held) stream.write(line);
    }
    if (!stream) throw err;
    const message = err instanceof Error ? err.message : String(err);
    const code = (err as { exitCode?: unknown }).exitCode;
    const detail = typeof code === 'number' ? { code, message } : { message };
    if (!stream.writableEnded) stream.write(JSON.stringify({ errorDetail: detail, error: message }) + '\r\n');
  }
  (stream ?? ctx.stream(200, 'application/json')).end();
}

/** The query of POST /build as BuildRequest (auth filled in by the caller). */
export function parseBuildQuery(q: URLSearchParams, hasPlatform: boolean): BuildRequest {
  const version = q.get('version') ?? '';
  if (version === '2') throw invalidParameter('BuildKit is not supported by this daemon: build with the classic builder (version=1, DOCKER_BUILDKIT=0)');
  if (version !== '' && version !== '1') throw invalidParameter(`invalid version ${version}`);
  if (boolParam(q, 'squash')) throw invalidParameter('squash is only supported with experimental mode');
  if (q.getAll('securityopt').length > 0) throw invalidParameter('The daemon on this platform does not support setting security options on build');
  const isolation = q.get('isolation') ?? '';
  if (isolation !== '' && isolation !== 'default') throw invalidParameter(`Unsupported isolation: ${JSON.stringify(isolation)}`);
  const outputs = q.get('outputs') ?? '';
  if (outputs !== '' && outputs !== '[]') throw invalidParameter('outputs are not supported by the classic builder');
  const forceRm = boolParam(q, 'forcerm');
  const shmSize = intParam(q, 'shmsize');
  if (shmSize !== undefined && shmSize <= 0) throw invalidParameter('shmsize: the size of /dev/shm must be greater than 0');
  const platform = hasPlatform ? q.get('platform') || undefined : undefined;
  const target = q.get('target') || undefined;
  const remote = q.get('remote') || undefined;
  const opt = <T>(v: T | undefined) => (v === undefined || v === 0 ? undefined : v);
  return {
    dockerfile: q.get('dockerfile') || 'Dockerfile',
    tags: q.getAll('t').filter((t) => t !== ''),
    buildArgs: jsonParam(q, 'buildargs', 'error reading build args', isBuildArgs) ?? {},
    labels: jsonParam(q, 'labels', 'error reading labels', isStringMap) ?? {},
    ...(target && { target }),
    noCache: boolParam(q, 'nocache'),
    pull: boolParam(q, 'pull'),
    // An empty rm is true in dockerd (a bare `rm=`), unlike every other boolean.
    rm: forceRm || q.get('rm') === '' || boolParam(q, 'rm', true),
    forceRm,
    quiet: boolParam(q, 'q'),
    cacheFrom: jsonParam(q, 'cachefrom', 'error reading cache-from', isStringList) ?? [],
    networkMode: q.get('networkmode') || 'default',
    ...(platform && { platform }),
    extraHosts: q.getAll('extrahosts').flatMap((h) => h.split(',')).filter((h) => h !== ''),
    ...(shmSize !== undefined && { shmSize }),
    ...dropUndefined({
      memory: opt(intParam(q, 'memory')),
      memorySwap: opt(intParam(q, 'memswap')),
      cpuShares: opt(intParam(q, 'cpushares')),
      cpuSetCpus: q.get('cpusetcpus') || undefined,
      cpuPeriod: opt(intParam(q, 'cpuperiod')),
      cpuQuota: opt(intParam(q, 'cpuquota')),
    }),
    ...(remote && { remote }),
    authConfigs: {},
  };
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function jsonParam<T>(q: URLSearchParams, name: string, what: string, check: (v: unknown) => v is T): T | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (err) {
    throw invalidParameter(`${what}: ${(err as Error).message}`);
  }
  if (v === null) return undefined;
  if (!check(v)) throw invalidParameter(`${what}: ${name} must be ${DESCRIBE[name] ?? 'valid'}`);
  return v;
}

const DESCRIBE: Record<string, string> = {
  buildargs: 'a JSON object of strings (or null values)',
  labels: 'a JSON object of strings',
  cachefrom: 'a JSON array of strings',
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringMap = (v: unknown): v is Record<string, string> => isObject(v) && Object.values(v).every((x) => typeof x === 'string');
const isBuildArgs = (v: unknown): v is Record<string, string | null> => isObject(v) && Object.values(v).every((x) => typeof x === 'string' || x === null);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** X-Registry-Config: base64url JSON of registry → auth config. Undecodable is no auth, as in
 * dockerd (a pull without auth then says what is wrong). */
function parseAuthConfigs(header: string | undefined): Record<string, unknown> {
  if (!header) return {};
  try {
    const v: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return isObject(v) ? v : {};
  } catch {
    return {};
  }
}
