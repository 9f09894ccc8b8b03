// A client for one registry's distribution API (/v2/...). It picks the endpoint the way
// dockerd does (https, then http for insecure registries), learns the auth scheme from the
// registry's 401 challenge, answers it with basic credentials or a bearer token for the
// request's scope, and from then on sends that authorization up front. Pull and push build on
// request(); login is one GET /v2/ through it.
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { BerthError, unauthorized } from '../../api/types/errors.ts';
import { resolveCredentials, type AuthConfig, type Credentials } from './auth-config.ts';
import { parseWWWAuthenticate, pickChallenge, type Challenge } from './challenge.ts';
import { registryEndpoints, type EndpointOptions, type RegistryEndpoint } from './endpoints.ts';
import { normalizeRegistryHost, type RegistryHost } from './hosts.ts';
import { TokenAuthenticator } from './token.ts';
import { nodeTransport, type Transport } from './transport.ts';

export interface RegistryClientOptions extends EndpointOptions {
  auth?: AuthConfig;
  userAgent?: string;
  /** Replaces node:http(s); receives TLS settings and lookup in its init. */
  transport?: Transport;
  /** Custom name resolution for the registry and its token realm. */
  lookup?: LookupFunction;
  /** Ask the token realm for a refresh token (login does; pulls need not). */
  offlineAccess?: boolean;
  /** Clock for token expiry; tests move it. */
  now?: () => number;
}

export interface RegistryRequestInit {
  method?: string;
  headers?: Record<string, string>;
  /** A Readable body is sent once: such a request is not retried after a 401. Ping first. */
  body?: string | Uint8Array | Readable | null;
  signal?: AbortSignal;
}

export class RegistryClient {
  readonly registry: RegistryHost;
  readonly #opts: RegistryClientOptions;
  readonly #transport: Transport;
  readonly #credentials: Credentials;
  readonly #tokens: TokenAuthenticator;
  #endpoints?: Promise<RegistryEndpoint[]>;
  #endpoint?: RegistryEndpoint;
  #challenge?: Challenge;

  constructor(registry: string | RegistryHost, opts: RegistryClientOptions = {}) {
    this.registry = typeof registry === 'string' ? normalizeRegistryHost(registry) : registry;
    this.#opts = opts;
    this.#transport = opts.transport ?? nodeTransport;
    this.#credentials = resolveCredentials(opts.auth);
    this.#tokens = new TokenAuthenticator({
      transport: this.#transport,
      credentials: this.#credentials,
      userAgent: opts.userAgent,
      offlineAccess: opts.offlineAccess,
      now: opts.now,
    });
  }

  /** The base URL that answered (`https://host:port`), once a request has gone through. */
  get baseUrl(): string | undefined {
    return this.#endpoint?.url;
  }

  /** The identity token given in `auth`, or a refresh token the realm issued since. */
  get identityToken(): string {
    return this.#tokens.refreshToken;
  }

  /** GET /v2/: settles the endpoint and learns the challenge before streaming requests. */
  async ping(signal?: AbortSignal): Promise<Response> {
    const res = await this.request('/v2/', { signal });
    await res.body?.cancel();
    return res;
  }

  /**
   * Sends `init` to `path` (e.g. `/v2/library/alpine/manifests/latest`, or an absolute URL
   * such as an upload session's Location, authorized only on the endpoint's origin), authorized for
   * `scope` (e.g. `repository:library/alpine:pull`). A 401 carrying a challenge is answered
   * once with fresh credentials; a second 401 is returned to the caller.
   */
  async request(path: string, init: RegistryRequestInit = {}, scope?: string | readonly string[]): Promise<Response> {
    const scopes = typeof scope === 'string' ? [scope] : [...(scope ?? [])];
    const first = await this.#send(path, init, scopes, false);
    const replayable = init.body == null || typeof init.body === 'string' || init.body instanceof Uint8Array;
    if (first.status !== 401 || !replayable) return first;
    const challenge = pickChallenge(parseWWWAuthenticate(first.headers.get('www-authenticate')));
    if (!challenge) return first;
    await first.body?.cancel();
    this.#challenge = challenge;
    // A registry may name the scope it wants (e.g. for a cross-repository mount); ask for it too.
    const wanted = challenge.params.scope?.split(' ').filter(Boolean) ?? [];
    return this.#send(path, init, [...scopes, ...wanted], true);
  }

  async #send(path: string, init: RegistryRequestInit, scopes: string[], fresh: boolean): Promise<Response> {
    if (this.#endpoint) return this.#sendTo(this.#endpoint, path, init, scopes, fresh);
    let lastError: unknown;
    // Until an endpoint has answered there is no challenge, hence nothing to authorize.
    for (const endpoint of await (this.#endpoints ??= registryEndpoints(this.registry, this.#opts))) {
      try {
        const res = await this.#sendTo(endpoint, path, init, scopes, fresh);
        this.#endpoint = endpoint;
        return res;
      } catch (err) {
        lastError = err;
        if (init.signal?.aborted) break;
      }
    }
    throw lastError;
  }

  async #sendTo(endpoint: RegistryEndpoint, path: string, init: RegistryRequestInit, scopes: string[], fresh: boolean): Promise<Response> {
    const method = (init.method ?? 'GET').toUpperCase();
    // Upload sessions answer with an absolute Location; other origins never see our credentials.
    const absolute = /^https?:\/\//i.test(path);
    const url = absolute ? path : endpoint.url + path;
    const where = `${method[0]}${method.slice(1).toLowerCase()} "${url}"`;
    const headers: Record<string, string> = { 'user-agent': this.#opts.userAgent ?? 'berth', ...init.headers };
    const sameOrigin = !absolute || new URL(url).origin === new URL(endpoint.url).origin;
    try {
      const authorization = sameOrigin ? await this.#authorization(endpoint, scopes, fresh, init.signal) : undefined;
      if (authorization) headers.authorization = authorization;
      const tls = sameOrigin ? endpoint.tls : undefined;
      return await this.#transport(url, { ...init, method, headers, tls, lookup: this.#opts.lookup });
    } catch (err) {
      // dockerd's wording: `Get "https://host/v2/": <cause>`, keeping the cause's kind.
      const kind = err instanceof BerthError ? err.kind : 'system';
      throw new BerthError(kind, `${where}: ${(err as Error).message}`, { cause: err });
    }
  }

  async #authorization(endpoint: RegistryEndpoint, scopes: string[], fresh: boolean, signal?: AbortSignal): Promise<string | undefined> {
    const challenge = this.#challenge;
    if (challenge?.scheme === 'bearer') {
      if (this.#opts.auth?.registrytoken) return `Bearer ${this.#opts.auth.registrytoken}`;
      const conn = { tls: endpoint.tls, lookup: this.#opts.lookup, signal };
      return `Bearer ${await this.#tokens.token(challenge.params, scopes, conn, fresh)}`;
    }
    if (challenge?.scheme === 'basic') {
      const { username, password } = this.#credentials;
      if (!username && !password) throw unauthorized('no basic auth credentials');
      return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    return undefined;
  }
}
