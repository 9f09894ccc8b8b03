// Image operations of the Engine API, typed. Pull, push, import and load answer with a progress
// stream: an async iterable of docker's jsonmessages, in the order the daemon wrote them.
import { readLines } from './read-lines.ts';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { ApiClient } from './api-client.ts';
import type {
  AuthConfig, ImageDeleteItem, ImageHistoryItem, ImageInspect, ImagePruneReport, ImageSummary, JsonMessage,
} from './types.ts';

export interface ImageListOptions {
  all?: boolean;
  digests?: boolean;
  sharedSize?: boolean;
  filters?: Record<string, string[]>;
}

export interface PullOptions {
  /** Repository name, e.g. docker.io/library/busybox. */
  fromImage: string;
  /** Tag or digest; empty asks for every tag of the repository. */
  tag?: string;
  /** os[/arch[/variant]] */
  platform?: string;
  auth?: AuthConfig;
}

export interface PushOptions {
  /** Empty pushes every tag of the repository. */
  tag?: string;
  /** A JSON OCI platform object (API 1.46+). */
  platform?: string;
  auth?: AuthConfig;
}

export interface ImportOptions {
  /** `-` when the tar is the request body, else a URL the daemon fetches. */
  fromSrc: string;
  repo?: string;
  tag?: string;
  changes?: string[];
  message?: string;
  platform?: string;
}

export class ImagesApi {
  readonly #c: ApiClient;
  constructor(client: ApiClient) {
    this.#c = client;
  }

  list(opts: ImageListOptions = {}): Promise<ImageSummary[]> {
    return this.#c.json('GET', '/images/json', {
      query: { all: opts.all || undefined, digests: opts.digests || undefined, 'shared-size': opts.sharedSize || undefined, filters: encodeFilters(opts.filters) },
    });
  }
  inspect(name: string, opts: { platform?: string } = {}): Promise<ImageInspect> {
    return this.#c.json('GET', `/images/${imagePath(name)}/json`, { query: { platform: opts.platform } });
  }
  history(name: string, opts: { platform?: string } = {}): Promise<ImageHistoryItem[]> {
    return this.#c.json('GET', `/images/${imagePath(name)}/history`, { query: { platform: opts.platform } });
  }
  async tag(source: string, repo: string, tag?: string): Promise<void> {
    await this.#c.whole('POST', `/images/${imagePath(source)}/tag`, { query: { repo, tag } });
  }
  remove(name: string, opts: { force?: boolean; noprune?: boolean; platforms?: string[] } = {}): Promise<ImageDeleteItem[]> {
    return this.#c.json('DELETE', `/images/${imagePath(name)}`, {
      query: { force: opts.force || undefined, noprune: opts.noprune || undefined, platforms: opts.platforms },
    });
  }
  prune(filters?: Record<string, string[]>): Promise<ImagePruneReport> {
    return this.#c.json('POST', '/images/prune', { query: { filters: encodeFilters(filters) } });
  }

  async *pull(opts: PullOptions): AsyncGenerator<JsonMessage> {
    const query = { fromImage: opts.fromImage, tag: opts.tag || undefined, platform: opts.platform?.toLowerCase() };
    yield* jsonMessages(await this.#c.request('POST', '/images/create', { query, headers: authHeader(opts.auth) }));
  }
  async *push(name: string, opts: PushOptions = {}): AsyncGenerator<JsonMessage> {
    const query = { tag: opts.tag || undefined, platform: opts.platform };
    yield* jsonMessages(await this.#c.request('POST', `/images/${imagePath(name)}/push`, { query, headers: authHeader(opts.auth) }));
  }
  /** `body` is the tar when fromSrc is `-`. */
  async *import(body: Readable | undefined, opts: ImportOptions): AsyncGenerator<JsonMessage> {
    const query = {
      fromSrc: opts.fromSrc, repo: opts.repo, tag: opts.tag, message: opts.message,
      platform: opts.platform?.toLowerCase(), changes: opts.changes?.length ? opts.changes : undefined,
    };
    yield* jsonMessages(await this.#c.request('POST', '/images/create', { query, ...(body && { body }) }));
  }
  /** The tar archive of the images, as a stream. */
  save(names: string[], opts: { platforms?: string[] } = {}): Promise<IncomingMessage> {
    return this.#c.request('GET', '/images/get', { query: { names, platform: opts.platforms } });
  }
  async *load(body: Readable, opts: { quiet?: boolean; platforms?: string[] } = {}): AsyncGenerator<JsonMessage> {
    const res = await this.#c.request('POST', '/images/load', {
      // Always sent, as the docker CLI does: dockerd takes a missing quiet as true.
      query: { quiet: opts.quiet === true, platform: opts.platforms },
      body,
      headers: { 'Content-Type': 'application/x-tar' },
    });
    if (res.headers['content-type'] === 'application/json') return yield* jsonMessages(res);
    for await (const chunk of res) yield { stream: (chunk as Buffer).toString('utf8') };
  }
}

/**
 * X-Registry-Auth: base64url of the AuthConfig JSON in Go's field order, padded as Go's
 * base64.URLEncoding pads (dockerd's decoder wants the `=`). No credentials encode as `{}`.
 */
export function encodeRegistryAuth(auth: AuthConfig = {}): string {
  const ordered: AuthConfig = {};
  for (const key of ['username', 'password', 'auth', 'email', 'serveraddress', 'identitytoken', 'registrytoken'] as const) {
    if (auth[key]) ordered[key] = auth[key];
  }
  const b64 = Buffer.from(JSON.stringify(ordered)).toString('base64url');
  return b64 + '='.repeat((4 - (b64.length % 4)) % 4);
}

const authHeader = (auth: AuthConfig | undefined) => ({ 'X-Registry-Auth': encodeRegistryAuth(auth) });

/** filters.Args.ToJSON: `{"key":{"value":true}}`, omitted when empty. */
export function encodeFilters(filters: Record<string, string[]> | undefined): string | undefined {
  const entries = Object.entries(filters ?? {}).filter(([, v]) => v.length);
  if (!entries.length) return undefined;
  return JSON.stringify(Object.fromEntries(entries.map(([k, vs]) => [k, Object.fromEntries(vs.map((v) => [v, true]))])));
}

/** Names keep their slashes, colons and @ in the path, as the docker client sends them. */
function imagePath(name: string): string {
  return name.split('/').map((s) => encodeURIComponent(s).replace(/%3A/gi, ':').replace(/%40/g, '@')).join('/');
}

/** A progress stream's messages: one JSON object per line (dockerd ends each with \r\n). */
export async function* jsonMessages(res: Readable): AsyncGenerator<JsonMessage> {
  const lines = readLines(res);
  try {
    for await (const line of lines) {
      const text = line.trim();
      if (text) yield JSON.parse(text) as JsonMessage;
    }
  } finally {
    lines.close();
    res.destroy();
  }
}
