import { test } from 'node:test';
import assert from 'node:assert/strict';
import FindMyWay from 'find-my-way';
import { Router } from './router.ts';
import type { Method, Route } from './route.ts';
import { buildRoutes, type Backends } from '../daemon/routes.ts';

const route = (method: Method, path: string): Route => ({ method, path, handler: () => undefined });

function routerOf(...routes: Route[]): Router {
  const r = new Router();
  for (const x of routes) r.add(x);
  return r;
}

const which = (r: Router, method: string, path: string) => {
  const m = r.find(method, path);
  return m && { path: m.route.path, params: m.params };
};

test('a static segment is tried before a parameter, a parameter before a wildcard', () => {
  const r = routerOf(route('GET', '/c/json'), route('GET', '/c/:id/json'), route('GET', '/c/:id'), route('GET', '/c/*'));
  assert.deepEqual(which(r, 'GET', '/c/json'), { path: '/c/json', params: {} });
  assert.deepEqual(which(r, 'GET', '/c/json/json'), { path: '/c/:id/json', params: { id: 'json' } });
  assert.deepEqual(which(r, 'GET', '/c/abc'), { path: '/c/:id', params: { id: 'abc' } });
  // Backtracks: no /c/:id/x, so the wildcard takes the rest.
  assert.deepEqual(which(r, 'GET', '/c/abc/x/y'), { path: '/c/*', params: { '*': 'abc/x/y' } });
});

test('the method picks among routes of one path; an unknown method or path finds nothing', () => {
  const r = routerOf(route('GET', '/v/:name'), route('DELETE', '/v/:name'), route('POST', '/v/create'));
  assert.equal(r.find('DELETE', '/v/x')?.route.method, 'DELETE');
  assert.deepEqual(which(r, 'GET', '/v/create'), { path: '/v/:name', params: { name: 'create' } });
  assert.equal(r.find('PATCH', '/v/x'), null);
  assert.equal(r.find('GET', '/v'), null);
  assert.equal(r.find('GET', '/v/x/y'), null);
  assert.equal(r.find('GET', '/V/x'), null);
});

test('one trailing slash is ignored; an empty segment is an empty value', () => {
  const r = routerOf(route('GET', '/a/:id/json'), route('DELETE', '/a/*'));
  assert.deepEqual(which(r, 'GET', '/a/x/json/'), { path: '/a/:id/json', params: { id: 'x' } });
  assert.equal(r.find('GET', '/a/x/json//'), null);
  assert.deepEqual(which(r, 'GET', '/a//json'), { path: '/a/:id/json', params: { id: '' } });
  assert.deepEqual(which(r, 'DELETE', '/a//'), { path: '/a/*', params: { '*': '' } });
  assert.equal(r.find('DELETE', '/a/'), null);
});

test('values are percent-decoded after splitting; malformed escapes find nothing; values have no length limit', () => {
  const r = routerOf(route('GET', '/a/:id/json'), route('GET', '/i/*'));
  assert.deepEqual(which(r, 'GET', '/a/x%2Fy/json'), { path: '/a/:id/json', params: { id: 'x/y' } });
  assert.deepEqual(which(r, 'GET', '/%61/caf%C3%A9%25/js%6Fn'), { path: '/a/:id/json', params: { id: 'café%' } });
  assert.deepEqual(which(r, 'GET', '/i/lib%2Fbox/json'), { path: '/i/*', params: { '*': 'lib/box/json' } });
  assert.equal(r.find('GET', '/a/%ZZ/json'), null);
  assert.equal(r.find('GET', '/i/x/%E9'), null);
  assert.equal(r.find('GET', `/a/${'x'.repeat(5000)}/json`)?.params['id'], 'x'.repeat(5000));
  assert.equal(r.find('GET', `/a/${'%41'.repeat(101)}/json`)?.params['id'], 'A'.repeat(101));
  assert.ok(r.find('GET', `/i/${'x'.repeat(5000)}`));
});

test('a wildcard must end the path it is declared in', () => {
  assert.throws(() => routerOf(route('GET', '/a/*/b')), /must be the last segment/);
});

// The router berthd had before: every route of the API, odd paths included, must find the same
// route and values as find-my-way did with the options the server gave it — but for its limit
// on a value's length, which berthd no longer has (router.ts).
const unused = new Proxy({}, { get: () => () => assert.fail('not called') });
const ROUTES = buildRoutes(new Proxy({}, { get: () => unused }) as unknown as Backends);
const ODD = ['', '/', '//', '/_ping/', '//_ping', '/_ping//', '/_PING', '/%5Fping', '/_ping%2F', '/_ping;x', '/info/', '/version%20'];
const IDS = ['abc', '', 'json', 'create', 'prune', 'a%2Fb', 'a%2fb', '%2E%2E', '..%2F..%2Fetc', 'a%00b', '%E2%98%83', '%25', '%2525', 'a%3Fb', 'a%23', 'a;b', 'a b', '%ZZ', '%E9', '%', 'x'.repeat(100), 'x'.repeat(101), '%78'.repeat(100), '%78'.repeat(101), 'a%2F'.repeat(30), 'x'.repeat(5000), 'library/busybox', 'a//b'];

function paths(): string[] {
  const out = new Set<string>(ODD);
  for (const r of ROUTES) {
    out.add(r.path.replaceAll('*', 'img'));
    for (const id of IDS) {
      const p = r.path.replace(/:\w+/g, id).replace('*', `${id}/json`);
      for (const v of [p, `${p}/`, `${p}//`, p.replace(/^\/([a-z])/, (c) => c.toUpperCase()), `${p}/extra`]) out.add(v);
    }
  }
  return [...out];
}

test('every API path, odd ones included, finds what find-my-way found', () => {
  const ours = routerOf(...ROUTES);
  const theirs = FindMyWay({ ignoreTrailingSlash: true, caseSensitive: true, maxParamLength: 1e6 });
  for (const r of ROUTES) theirs.on(r.method, r.path, () => undefined, r);
  let compared = 0;
  for (const path of paths()) {
    for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH']) {
      const expected = path.startsWith('/') ? theirs.find(method as FindMyWay.HTTPMethod, path) : null;
      const got = ours.find(method, path);
      const want = expected && { route: expected.store as Route, params: { ...expected.params } as Record<string, string> };
      assert.deepEqual(got && { route: got.route, params: got.params }, want, `${method} ${path}`);
      compared++;
    }
  }
  assert.ok(compared > 1000);
});
