import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWWWAuthenticate, pickChallenge } from './challenge.ts';
import { responseErrorMessage } from './response-error.ts';

test('parses Basic and Bearer challenges', () => {
  assert.deepEqual(parseWWWAuthenticate('Basic realm="Registry Realm"'), [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]);
  assert.deepEqual(
    parseWWWAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull,push"'),
    [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull,push' } }],
  );
});

test('splits several challenges joined into one header, with spaces and escapes', () => {
  const got = parseWWWAuthenticate('Negotiate abc==, BASIC realm = "a \\"b\\", c" , Bearer realm=https://r/t, service=svc,error="insufficient_scope"');
  assert.deepEqual(got, [
    { scheme: 'negotiate', params: {} },
    { scheme: 'basic', params: { realm: 'a "b", c' } },
    { scheme: 'bearer', params: { realm: 'https://r/t', service: 'svc', error: 'insufficient_scope' } },
  ]);
  assert.equal(pickChallenge(got)?.scheme, 'bearer');
});

test('garbage never throws', () => {
  for (const bad of ['', null, undefined, ',,,', '=', '"', 'Bearer realm="unterminated', '=== , ;; Basic', 'a=b']) {
    assert.ok(Array.isArray(parseWWWAuthenticate(bad)));
  }
  assert.deepEqual(parseWWWAuthenticate('Bearer realm="unterminated'), [{ scheme: 'bearer', params: { realm: 'unterminated' } }]);
  assert.equal(pickChallenge(parseWWWAuthenticate('Digest realm=x')), undefined);
});

test('error responses read as distribution describes them', async () => {
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers });
  assert.equal(await responseErrorMessage(json(401, { details: 'incorrect username or password' })), 'unauthorized: incorrect username or password');
  assert.equal(
    await responseErrorMessage(json(404, { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] })),
    'manifest unknown: manifest unknown',
  );
  assert.equal(await responseErrorMessage(new Response('nope', { status: 401 })), 'unauthorized: authentication required');
  assert.equal(await responseErrorMessage(new Response('', { status: 502 })), 'unexpected status: 502 Bad Gateway');
  const denied = new Response('', { status: 401, headers: { 'www-authenticate': 'Bearer realm="r",error="insufficient_scope"' } });
  assert.equal(await responseErrorMessage(denied), 'denied: requested access to the resource is denied');
});
