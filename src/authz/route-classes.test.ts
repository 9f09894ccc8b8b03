// Every route the daemon serves has a class, and the table names no route that does not exist
// (a stale entry would hide that a route was renamed and lost its class).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRoutes, type Backends } from '../daemon/routes.ts';
import { alsoNeeded, classOf, classifiedRoutes } from './route-classes.ts';

// Routers only call their backend inside handlers; building the table needs none of it.
const noBackends = new Proxy({}, { get: () => ({}) }) as Backends;

test('every route of the API has a class', () => {
  const routes = buildRoutes(noBackends);
  assert.ok(routes.length > 50, `only ${routes.length} routes: the table was not built`);
  const missing = routes.filter((r) => classOf(r.method, r.path) === undefined).map((r) => `${r.method} ${r.path}`);
  assert.deepEqual(missing, [], `routes without a class in src/authz/route-classes.ts: ${missing.join(', ')}`);
});

test('the class table names only routes that exist', () => {
  const served = new Set(buildRoutes(noBackends).map((r) => `${r.method} ${r.path}`));
  assert.deepEqual(classifiedRoutes().filter((r) => !served.has(r)), []);
});

test('an unknown route has no class', () => {
  assert.equal(classOf('POST', '/containers/:id/checkpoints'), undefined);
  assert.equal(classOf('GET', '/containers/create'), undefined);
});

test('a commit needs containers besides images: it copies a container\'s files into an image that save hands out', () => {
  assert.equal(classOf('POST', '/commit'), 'images');
  assert.equal(alsoNeeded('POST', '/commit'), 'containers');
  assert.equal(alsoNeeded('POST', '/images/create'), undefined);
});

test('waiting for a container changes nothing: read-only', () => {
  assert.equal(classOf('POST', '/containers/:id/wait'), 'read-only');
});
