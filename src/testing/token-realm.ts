// A tiny token realm on 127.0.0.1 for tests: the distribution token spec (GET with basic auth,
// OAuth2 POST with refresh_token/password grants), issuing RS256 JWTs with an x5c header that
// a real docker-registry configured with `auth: token` accepts. It records every request.
import { createHash, createPrivateKey, randomUUID, sign, X509Certificate } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { makeSigningCert, makeTempDir, startRegistry, type RunningRegistry } from './registry.ts';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export const SERVICE = 'berth-test-registry';
export const ISSUER = 'berth-test-issuer';

export interface RealmHit {
  method: string;
  query: URLSearchParams;
  form: URLSearchParams;
  authorization: string;
}

export interface TokenRealm {
  url: string;
  hits: RealmHit[];
  /** A token the registry accepts, granting `scopes`, for tests that bring their own. */
  mint(subject: string, scopes: string[]): string;
  close(): Promise<void>;
}

export async function startTokenRealm(signer: { certFile: string; keyFile: string }, users: Record<string, string>): Promise<TokenRealm> {
  const key = createPrivateKey(await readFile(signer.keyFile));
  const x5c = [new X509Certificate(await readFile(signer.certFile)).raw.toString('base64')];
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const mint = (subject: string, scopes: string[]): string => {
    const now = Math.floor(Date.now() / 1000);
    const access = subject ? scopes.map(parseScope) : [];
    const head = `${b64({ typ: 'JWT', alg: 'RS256', x5c })}.${b64({ iss: ISSUER, sub: subject, aud: SERVICE, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access })}`;
    return `${head}.${sign('sha256', Buffer.from(head), key).toString('base64url')}`;
  };
  const refreshTokens = new Map<string, string>();
  const hits: RealmHit[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://realm');
    let body = '';
    for await (const chunk of req) body += chunk;
    const form = new URLSearchParams(req.method === 'POST' ? body : '');
    const authorization = req.headers.authorization ?? '';
    hits.push({ method: req.method ?? '', query: url.searchParams, form, authorization });
    const reply = (status: number, json: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    };
    const user = req.method === 'POST' ? postUser(form) : getUser(authorization);
    if (user === undefined) return reply(401, { details: req.method === 'POST' && form.get('grant_type') === 'refresh_token' ? 'invalid refresh token' : 'incorrect username or password' });
    const scopes = req.method === 'POST' ? (form.get('scope') ?? '').split(' ').filter(Boolean) : url.searchParams.getAll('scope');
    const token = mint(user, scopes);
    const wantsRefresh = user !== '' && (url.searchParams.get('offline_token') === 'true' || form.get('access_type') === 'offline');
    const refresh = wantsRefresh ? `refresh-${createHash('sha256').update(user).digest('hex').slice(0, 12)}` : undefined;
    if (refresh) refreshTokens.set(refresh, user);
    reply(200, { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString(), ...(refresh && { refresh_token: refresh }) });
  };
  const getUser = (authorization: string): string | undefined => {
    if (authorization === '') return ''; // anonymous: a token that grants nothing
    const [user, ...rest] = Buffer.from(authorization.replace(/^Basic /, ''), 'base64').toString().split(':');
    return user !== undefined && users[user] === rest.join(':') ? user : undefined;
  };
  const postUser = (form: URLSearchParams): string | undefined => {
    if (form.get('grant_type') === 'refresh_token') return refreshTokens.get(form.get('refresh_token') ?? '');
    if (form.get('grant_type') === 'password' && users[form.get('username') ?? ''] === form.get('password')) return form.get('username')!;
    return undefined;
  };

  const server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/token`,
    hits,
    mint,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** `repository:name/with/slashes:pull,push` → the JWT access entry distribution expects. */
function parseScope(scope: string): { type: string; name: string; actions: string[] } {
  const parts = scope.split(':');
  return { type: parts[0] ?? '', name: parts.slice(1, -1).join(':'), actions: (parts.at(-1) ?? '').split(',') };
}

export interface TokenRegistry {
  realm: TokenRealm;
  registry: RunningRegistry;
  /** A temp directory the fixture owns (tests may put files there); removed by stop(). */
  dir: string;
  stop(): Promise<void>;
}

/** A real docker-registry with token auth, and the token realm that signs its tokens. */
export async function startTokenRegistry(users: Record<string, string>): Promise<TokenRegistry> {
  const dir = await makeTempDir();
  const signer = await makeSigningCert(dir);
  const realm = await startTokenRealm(signer, users);
  const registry = await startRegistry({ token: { realm: realm.url, service: SERVICE, issuer: ISSUER, rootCertFile: signer.certFile } });
  return {
    realm,
    registry,
    dir,
    stop: async () => {
      await registry.stop();
      await realm.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
