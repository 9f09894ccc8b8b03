// Which existing container a request acts on, by route: every route that changes or hands out
// a container names one (so a rule with limits is asked about it), and reading routes do not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRoutes, type Backends } from '../daemon/routes.ts';
import { classOf } from './route-classes.ts';
import { targetOf } from './existing-containers.ts';

const noBackends = new Proxy({}, { get: () => ({}) }) as Backends;
const q = (s = '') => new URLSearchParams(s);

test('every route that acts on a container by its path names it', () => {
  const acting = buildRoutes(noBackends)
    .map((r) => `${r.method} ${r.path}`)
    .filter((r) => /^[A-Z]+ \/(containers\/(:id|\*)|exec\/:id\/)/.test(r) && classOf(...(r.split(' ') as [string, string])) !== 'read-only');
  assert.ok(acting.length > 15, acting.join(', '));
  const missing = acting.filter((r) => targetOf(r, { id: 'c1', '*': 'c1' }, q()) === undefined);
  assert.deepEqual(missing, []);
});

test('targets by route', () => {
  assert.deepEqual(targetOf('POST /containers/:id/start', { id: 'web' }, q()), { kind: 'container', ref: 'web' });
  assert.deepEqual(targetOf('GET /containers/:id/archive', { id: 'web' }, q('path=/')), { kind: 'container', ref: 'web' });
  assert.deepEqual(targetOf('POST /exec/:id/start', { id: 'e1' }, q()), { kind: 'exec', ref: 'e1' });
  assert.deepEqual(targetOf('POST /commit', {}, q('container=web&repo=x')), { kind: 'container', ref: 'web' });
  assert.equal(targetOf('POST /commit', {}, q('repo=x')), undefined, 'the handler refuses a commit of nothing');
  // A legacy link's removal changes the container named first.
  assert.deepEqual(targetOf('DELETE /containers/*', { '*': '/web/db' }, q('link=1')), { kind: 'container', ref: 'web' });
  assert.equal(targetOf('POST /containers/create', {}, q('name=x')), undefined);
  assert.equal(targetOf('POST /networks/:id/connect', { id: 'n1' }, q()), undefined, 'its container is in the body: the handler asks');
});
