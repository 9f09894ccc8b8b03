// Bearer tokens from a registry's token realm (the distribution token spec), as dockerd's
// token handler gets them: a GET with basic auth, or, holding a refresh (identity) token, an
// OAuth2 POST. Tokens are cached per realm+service+scope set until they expire, and concurrent
// requests for the same set share one fetch (a pull asks for the same scope per layer).
import { BerthError, systemError, unauthorized } from '../../api/types/errors.ts';
import type { Credentials } from './auth-config.ts';
import { responseErrorMessage } from './response-error.ts';
import type { Transport, TransportInit } from './transport.ts';

export interface TokenAuthenticatorOptions {
  transport: Transport;
  credentials: Credentials;
  userAgent?: string;
  /** Ask for a refresh token (`offline_token=true` / `access_type=offline`), as dockerd does. */
  offlineAccess?: boolean;
  /** OAuth client id; dockerd sends "docker". */
  clientId?: string;
  /** Use the OAuth2 password grant (POST) instead of GET with basic auth when holding no refresh token. */
  forceOAuth?: boolean;
  now?: () => number;
}

/** How to reach the realm: the same TLS trust and resolution as the registry, like dockerd. */
export type RealmConnection = Pick<TransportInit, 'tls' | 'lookup' | 'signal'>;

interface Issued {
  token: string;
  expiresAt: number;
}

/** distribution treats shorter or missing lifetimes as 60 s. */
const MIN_LIFETIME_S = 60;
/** Renew a little early so a token does not expire between the check and its use. */
const EARLY_RENEW_MS = 5_000;

export class TokenAuthenticator {
  readonly #opts: TokenAuthenticatorOptions;
  readonly #cache = new Map<string, Promise<Issued>>();
  #refreshToken: string;

  constructor(opts: TokenAuthenticatorOptions) {
    this.#opts = opts;
    this.#refreshToken = opts.credentials.identityToken;
  }

  /** The identity token given, or the refresh token a realm issued since. */
  get refreshToken(): string {
    return this.#refreshToken;
  }

  /** A token for `scopes` at the challenge's realm; `fresh` skips the cache (after a 401 with it). */
  async token(challenge: Record<string, string>, scopes: readonly string[], conn: RealmConnection = {}, fresh = false): Promise<string> {
    const realm = parseRealm(challenge.realm);
    const service = challenge.service ?? '';
    const scopeList = [...new Set(scopes)].sort();
    const key = [realm.href, service, ...scopeList].join('\n');
    const now = this.#now();
    const cached = fresh ? undefined : this.#cache.get(key);
    if (cached) {
      const issued = await cached.catch(() => undefined); // that fetch failed for its own caller, who saw why: fetch again
      if (issued && issued.expiresAt - EARLY_RENEW_MS > this.#now()) return issued.token;
    }
    const pending = this.#fetch(realm, service, scopeList, conn, now);
    this.#cache.set(key, pending);
    pending.catch(() => this.#cache.get(key) === pending && this.#cache.delete(key));
    return (await pending).token;
  }

  #now(): number {
    return this.#opts.now?.() ?? Date.now();
  }

  async #fetch(realm: URL, service: string, scopes: string[], conn: RealmConnection, now: number): Promise<Issued> {
    const oauth = this.#refreshToken !== '' || this.#opts.forceOAuth === true;
    const res = oauth ? await this.#postOAuth(realm, service, scopes, conn) : await this.#getWithBasic(realm, service, scopes, conn);
    if (!res.ok) {
      const text = await responseErrorMessage(res);
      throw res.status === 401 || res.status === 403 ? unauthorized(text) : systemError(text);
    }
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    const token = str(body.access_token) || str(body.token);
    if (!token) throw systemError(`token realm ${realm.origin}${realm.pathname} returned no token`);
    if (str(body.refresh_token)) this.#refreshToken = str(body.refresh_token);
    const lifetime = Math.max(Number(body.expires_in) || 0, MIN_LIFETIME_S);
    const issuedAt = Date.parse(str(body.issued_at));
    return { token, expiresAt: (Number.isFinite(issuedAt) ? Math.min(issuedAt, now) : now) + lifetime * 1000 };
  }

  #getWithBasic(realm: URL, service: string, scopes: string[], conn: RealmConnection): Promise<Response> {
    const url = new URL(realm);
    const { username, password } = this.#opts.credentials;
    if (service) url.searchParams.set('service', service);
    for (const s of scopes) url.searchParams.append('scope', s);
    if (username) url.searchParams.set('account', username);
    if (this.#opts.offlineAccess) {
      url.searchParams.set('offline_token', 'true');
      url.searchParams.set('client_id', this.#opts.clientId ?? 'docker');
    }
    const headers = this.#headers();
    if (username || password) headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    return this.#send('GET', url, { ...conn, headers });
  }

  #postOAuth(realm: URL, service: string, scopes: string[], conn: RealmConnection): Promise<Response> {
    const form = new URLSearchParams();
    if (this.#refreshToken) {
      form.set('grant_type', 'refresh_token');
      form.set('refresh_token', this.#refreshToken);
    } else {
      form.set('grant_type', 'password');
      form.set('username', this.#opts.credentials.username);
      form.set('password', this.#opts.credentials.password);
      if (this.#opts.offlineAccess) form.set('access_type', 'offline');
    }
    form.set('service', service);
    form.set('client_id', this.#opts.clientId ?? 'docker');
    if (scopes.length) form.set('scope', scopes.join(' '));
    const headers = { ...this.#headers(), 'content-type': 'application/x-www-form-urlencoded' };
    return this.#send('POST', realm, { ...conn, headers, body: form.toString() });
  }

  #headers(): Record<string, string> {
    return this.#opts.userAgent ? { 'user-agent': this.#opts.userAgent } : {};
  }

  async #send(method: string, url: URL, init: TransportInit): Promise<Response> {
    try {
      return await this.#opts.transport(url.href, { ...init, method });
    } catch (err) {
      const verb = method[0] + method.slice(1).toLowerCase();
      throw new BerthError('system', `${verb} "${url.origin}${url.pathname}": ${(err as Error).message}`, { cause: err });
    }
  }
}

function parseRealm(realm: string | undefined): URL {
  try {
    const url = new URL(realm ?? '');
    if (url.protocol === 'https:' || url.protocol === 'http:') return url;
  } catch {
    // fall through to the error below
  }
  throw systemError(`invalid token realm in the registry's challenge: "${realm ?? ''}"`);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
