// The bearer flow end to end: a real docker-registry with `auth: token` whose realm is a tiny
// node:http server (testing/token-realm.ts), both on 127.0.0.1.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { isKind } from '../../api/types/errors.ts';
import { RegistryClient } from './client.ts';
import { login } from './login.ts';
import { requires } from '../../testing/requires.ts';
import type { RunningRegistry } from '../../testing/registry.ts';
import { freePort } from '../../testing/free-port.ts';
import { SERVICE, startTokenRegistry, type TokenRealm, type TokenRegistry } from '../../testing/token-realm.ts';
import { TokenAuthenticator } from './token.ts';
import { nodeTransport } from './transport.ts';

const USER = 'berth';
const PASS = 'pa:ss word';
const auth = { username: USER, password: PASS };

describe('bearer tokens against a registry with token auth', { skip: requires('registry', 'openssl') }, () => {
  let fixture: TokenRegistry;
  let realm: TokenRealm;
  let reg: RunningRegistry;
  before(async () => {
    fixture = await startTokenRegistry({ [USER]: PASS });
    ({ realm, registry: reg } = fixture);
  });
  after(() => fixture?.stop());
  beforeEach(() => realm && (realm.hits.length = 0));

  test('login fetches an unscoped token with basic auth and returns the refresh token', async () => {
    const res = await login({ ...auth, serveraddress: reg.host });
    assert.equal(res.Status, 'Login Succeeded');
    assert.match(res.IdentityToken, /^refresh-/);
    assert.equal(realm.hits.length, 1);
    const { method, query, authorization } = realm.hits[0]!;
    assert.equal(method, 'GET');
    assert.equal(authorization, `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`);
    assert.deepEqual(Object.fromEntries(query), { service: SERVICE, account: USER, offline_token: 'true', client_id: 'docker' });
  });

  test('login with an identity token uses the refresh_token grant', async () => {
    const { IdentityToken } = await login({ ...auth, serveraddress: reg.host });
    realm.hits.length = 0;
    const res = await login({ identitytoken: IdentityToken, serveraddress: reg.host });
    assert.deepEqual(res, { Status: 'Login Succeeded', IdentityToken });
    const { method, form } = realm.hits[0]!;
    assert.equal(method, 'POST');
    assert.deepEqual(Object.fromEntries(form), { grant_type: 'refresh_token', refresh_token: IdentityToken, service: SERVICE, client_id: 'docker' });
  });

  test("a refused token is unauthorized with the realm's own message", async () => {
    await assert.rejects(login({ username: USER, password: 'wrong', serveraddress: reg.host }), (err: Error) =>
      isKind(err, 'unauthorized') && err.message === `Get "http://${reg.host}/v2/": unauthorized: incorrect username or password`);
    await assert.rejects(login({ identitytoken: 'bogus', serveraddress: reg.host }), (err: Error) =>
      isKind(err, 'unauthorized') && err.message.endsWith(': unauthorized: invalid refresh token'));
  });

  test('tokens are cached per scope until they expire', async () => {
    let clock = Date.now();
    const client = new RegistryClient(reg.host, { auth, now: () => clock });
    const tags = async (repo: string) => {
      const res = await client.request(`/v2/${repo}/tags/list`, {}, `repository:${repo}:pull`);
      await res.body?.cancel();
      return res.status; // 404 NAME_UNKNOWN: authorized, and the repository does not exist
    };
    assert.equal(await tags('foo'), 404);
    assert.equal(await tags('foo'), 404);
    assert.equal(realm.hits.length, 1);
    assert.deepEqual(realm.hits[0]!.query.getAll('scope'), ['repository:foo:pull']);
    assert.equal(await tags('bar'), 404);
    assert.equal(realm.hits.length, 2);
    clock += 301_000;
    assert.equal(await tags('foo'), 404);
    assert.equal(realm.hits.length, 3);
  });

  test('a token without the access asked for is retried once, then the 401 is returned', async () => {
    const client = new RegistryClient(reg.host); // anonymous: the realm grants nothing
    const res = await client.request('/v2/foo/tags/list', {}, 'repository:foo:pull');
    await res.body?.cancel();
    assert.equal(res.status, 401);
    assert.equal(realm.hits.length, 1);
    const again = await client.request('/v2/foo/tags/list', {}, 'repository:foo:pull');
    await again.body?.cancel();
    assert.equal(again.status, 401);
    assert.equal(realm.hits.length, 2, 'the cached token is tried first, then one fresh fetch');
  });

  test('a registry token is sent as is, without asking the realm', async () => {
    const registrytoken = realm.mint(USER, ['repository:foo:pull']);
    const client = new RegistryClient(reg.host, { auth: { registrytoken } });
    const res = await client.request('/v2/foo/tags/list', {}, 'repository:foo:pull');
    await res.body?.cancel();
    assert.equal(res.status, 404);
    assert.equal(realm.hits.length, 0);
  });

  test('the password grant posts a form and concurrent asks share one fetch', async () => {
    const tokens = new TokenAuthenticator({
      transport: nodeTransport,
      credentials: { ...auth, identityToken: '' },
      forceOAuth: true,
      offlineAccess: true,
    });
    const challenge = { realm: realm.url, service: SERVICE };
    const got = await Promise.all([1, 2, 3].map(() => tokens.token(challenge, ['repository:a:pull', 'repository:a:pull'])));
    assert.equal(new Set(got).size, 1);
    assert.equal(realm.hits.length, 1);
    assert.deepEqual(Object.fromEntries(realm.hits[0]!.form), {
      grant_type: 'password', username: USER, password: PASS, access_type: 'offline', service: SERVICE, client_id: 'docker', scope: 'repository:a:pull',
    });
    assert.match(tokens.refreshToken, /^refresh-/);
  });
});

test('an unreachable realm is a system error naming it', async () => {
  const port = await freePort();
  const tokens = new TokenAuthenticator({ transport: nodeTransport, credentials: { username: 'u', password: 'p', identityToken: '' } });
  await assert.rejects(tokens.token({ realm: `http://127.0.0.1:${port}/token`, service: 's' }, []), (err: Error) =>
    isKind(err, 'system') && err.message.startsWith(`Get "http://127.0.0.1:${port}/token": connect ECONNREFUSED`));
  await assert.rejects(tokens.token({ realm: 'ftp://x/token' }, []), (err: Error) => isKind(err, 'system') && /invalid token realm/.test(err.message));
});
