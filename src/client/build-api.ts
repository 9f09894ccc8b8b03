// The classic builder's endpoints, typed: POST /build (the context tar streams up as the body,
// the answer is docker's JSON stream) and POST /build/prune. The query is encoded as the docker
// client encodes it: defaults left out (rm only when false, networkmode only when not
// "default"), maps and lists as JSON, tags and extra hosts repeated.
import type { Readable } from 'node:stream';
import type { ApiClient, RequestOptions } from './api-client.ts';
import type { AuthConfig, JsonMessage } from './types.ts';
import { encodeFilters, jsonMessages } from './images-api.ts';

export interface BuildQuery {
  tags?: string[];
  /** The Dockerfile's path inside the context (or in the remote repository). */
  dockerfile?: string;
  /** A null value: the variable was named without a value and is not set on the client. */
  buildArgs?: Record<string, string | null>;
  labels?: Record<string, string>;
  target?: string;
  noCache?: boolean;
  pull?: boolean;
  /** Remove intermediate containers after a successful build (the daemon's default: true). */
  rm?: boolean;
  forceRm?: boolean;
  quiet?: boolean;
  cacheFrom?: string[];
  networkMode?: string;
  platform?: string;
  extraHosts?: string[];
  shmSize?: number;
  memory?: number;
  memorySwap?: number;
  cpuShares?: number;
  cpuSetCpus?: string;
  cpuSetMems?: string;
  cpuPeriod?: number;
  cpuQuota?: number;
  cgroupParent?: string;
  ulimits?: { Name: string; Soft: number; Hard: number }[];
  /** Refused by the classic builder on Linux, passed on for the daemon to say so. */
  securityOpt?: string[];
  squash?: boolean;
  isolation?: string;
  /** A git or http(s) URL the daemon takes the context from (no body is sent then). */
  remote?: string;
}

export interface BuildRequestOptions {
  /** X-Registry-Config: credentials per registry, for pulling the base images. */
  authConfigs?: Record<string, AuthConfig>;
  signal?: AbortSignal;
}

export interface BuildCachePruneOptions {
  all?: boolean;
  /** Bytes of cache to keep (`--keep-storage`). */
  keepStorage?: number;
  filters?: Record<string, string[]>;
}

export interface BuildCachePruneReport {
  CachesDeleted: string[] | null;
  SpaceReclaimed: number;
}

/** One record of /system/df's BuildCache. */
export interface BuildCacheRecord {
  ID: string;
  Parents?: string[] | null;
  Type: string;
  Description?: string;
  InUse: boolean;
  Shared: boolean;
  Size: number;
  CreatedAt: string;
  LastUsedAt?: string | null;
  UsageCount: number;
}

export class BuildApi {
  readonly #c: ApiClient;
  constructor(client: ApiClient) {
    this.#c = client;
  }

  /**
   * Sends the context (a tar, plain or compressed; undefined with `remote`) and yields the
   * build's messages. A context stream that fails ends the request with its error; an HTTP error
   * (a bad query, an unreadable Dockerfile) throws before any message.
   */
  async *build(context: Readable | undefined, query: BuildQuery, opts: BuildRequestOptions = {}): AsyncGenerator<JsonMessage> {
    const failed = new AbortController();
    context?.once('error', (err) => failed.abort(err));
    const signal = opts.signal ? AbortSignal.any([failed.signal, opts.signal]) : failed.signal;
    const request: RequestOptions = {
      query: buildQueryParams(query),
      headers: { 'Content-Type': 'application/x-tar', 'X-Registry-Config': registryConfig(opts.authConfigs) },
      signal,
      ...(context && { body: context }),
    };
    let res;
    try {
      res = await this.#c.request('POST', '/build', request);
    } catch (err) {
      context?.destroy();
      // The context's own failure (an unreadable file) is the error to show, not the abort.
      throw failed.signal.aborted ? failed.signal.reason : err;
    }
    yield* jsonMessages(res);
  }

  pruneBuildCache(opts: BuildCachePruneOptions = {}): Promise<BuildCachePruneReport> {
    return this.#c.json('POST', '/build/prune', {
      query: {
        all: opts.all || undefined,
        'keep-storage': opts.keepStorage || undefined,
        filters: encodeFilters(opts.filters),
      },
    });
  }
}

/** client.imageBuildOptionsToQuery, for the options the classic builder knows. */
export function buildQueryParams(q: BuildQuery): NonNullable<RequestOptions['query']> {
  const json = (v: object | undefined, nonEmpty: boolean) => (v && nonEmpty ? JSON.stringify(v) : undefined);
  const num = (n: number | undefined) => (n ? n : undefined);
  return sortedKeys({
    t: q.tags?.length ? q.tags : undefined,
    securityopt: q.securityOpt?.length ? q.securityOpt : undefined,
    extrahosts: q.extraHosts?.length ? q.extraHosts : undefined,
    q: q.quiet || undefined,
    remote: q.remote || undefined,
    nocache: q.noCache || undefined,
    rm: q.rm === false ? false : undefined,
    forcerm: q.forceRm || undefined,
    pull: q.pull || undefined,
    squash: q.squash || undefined,
    isolation: q.isolation && q.isolation !== 'default' ? q.isolation : undefined,
    cpusetcpus: q.cpuSetCpus || undefined,
    networkmode: q.networkMode && q.networkMode !== 'default' ? q.networkMode : undefined,
    cpusetmems: q.cpuSetMems || undefined,
    cpushares: num(q.cpuShares),
    cpuquota: num(q.cpuQuota),
    cpuperiod: num(q.cpuPeriod),
    memory: num(q.memory),
    memswap: num(q.memorySwap),
    cgroupparent: q.cgroupParent || undefined,
    shmsize: num(q.shmSize),
    dockerfile: q.dockerfile || undefined,
    target: q.target || undefined,
    ulimits: json(q.ulimits, (q.ulimits ?? []).length > 0),
    buildargs: json(q.buildArgs, Object.keys(q.buildArgs ?? {}).length > 0),
    labels: json(q.labels, Object.keys(q.labels ?? {}).length > 0),
    cachefrom: json(q.cacheFrom, (q.cacheFrom ?? []).length > 0),
    platform: q.platform?.toLowerCase() || undefined,
    version: '1',
  });
}

/** Go's url.Values.Encode orders the parameters by name; so do we, for comparable requests. */
function sortedKeys<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T;
}

/** base64url (padded, as Go's URLEncoding) of the registry → credentials map; `{}` when none. */
function registryConfig(auths: Record<string, AuthConfig> | undefined): string {
  const b64 = Buffer.from(JSON.stringify(auths ?? {})).toString('base64url');
  return b64 + '='.repeat((4 - (b64.length % 4)) % 4);
}
