// The API's contract on the wire, checked against a real berthd on a temporary socket.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startBerthd, type Berthd } from '../testing/berthd-harness.ts';
import { within } from '../testing/until.ts';

let d: Berthd;
before(async () => {
  d = await startBerthd();
});
after(() => d.cleanup());

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function raw(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Raw> {
  return within(`the answer to ${method} ${path}`, new Promise((resolve, reject) => {
    const req = http.request({ socketPath: d.socket, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  }));
}

test('GET /_ping answers OK with dockerd headers', async () => {
  const r = await raw('GET', '/_ping');
  assert.equal(r.status, 200);
  assert.equal(r.body, 'OK');
  assert.equal(r.headers['api-version'], '1.56');
  assert.equal(r.headers['ostype'], 'linux');
  assert.match(String(r.headers['server']), /^berth\/[\w.-]+ \(linux\)$/);
  assert.equal(r.headers['cache-control'], 'no-cache, no-store, must-revalidate');
  assert.equal(r.headers['pragma'], 'no-cache');
  assert.equal(r.headers['swarm'], 'inactive');
  assert.equal(r.headers['docker-experimental'], 'false');
  assert.ok(r.headers['builder-version']);
});

test('HEAD /_ping has no body', async () => {
  const r = await raw('HEAD', '/_ping');
  assert.equal(r.status, 200);
  assert.equal(r.body, '');
  assert.equal(r.headers['content-length'], '0');
  assert.equal(r.headers['api-version'], '1.56');
});

test('every version from 1.24 to 1.56 is served, with and without prefix', async () => {
  for (let minor = 24; minor <= 56; minor++) {
    const r = await raw('GET', `/v1.${minor}/version`);
    assert.equal(r.status, 200, `v1.${minor}`);
    assert.equal(JSON.parse(r.body).ApiVersion, '1.56');
  }
  assert.equal((await raw('GET', '/version')).status, 200);
});

test('version errors read as dockerd writes them', async () => {
  const tooNew = await raw('GET', '/v1.99/version');
  assert.equal(tooNew.status, 400);
  assert.equal(tooNew.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(tooNew.body), { message: 'client version 1.99 is too new. Maximum supported API version is 1.56' });
  // dockerd writes these two in plain text; berthd in JSON, as every other error.
  for (const v of ['1.23', '1.0']) {
    const tooOld = await raw('GET', `/v${v}/version`);
    assert.equal(tooOld.status, 400);
    assert.equal(tooOld.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(tooOld.body), {
      message: `client version ${v} is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version`,
    });
    assert.equal(tooOld.headers['api-version'], '1.56');
  }
});

test('a bad percent escape in the query is a 400 with Go\'s text, on every route', async () => {
  for (const [path, bad] of [['/v1.47/containers/json?all=%zz', '%zz'], ['/images/json?filters=%7', '%7'], ['/version?x=%', '%']] as const) {
    const r = await raw('GET', path);
    assert.equal(r.status, 400, path);
    assert.deepEqual(JSON.parse(r.body), { message: `invalid URL escape ${JSON.stringify(bad)}` }, path);
  }
  assert.equal((await raw('GET', '/v1.47/containers/json?all=%31&filters=%7B%7D')).status, 200);
});

test('unknown routes are 404 page not found, as JSON', async () => {
  for (const [method, path] of [['GET', '/nope'], ['GET', '/v1.45/containers/json/extra'], ['PATCH', '/version'], ['POST', '/_ping']]) {
    const r = await raw(method!, path!);
    assert.equal(r.status, 404, `${method} ${path}`);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(r.body), { message: 'page not found' });
  }
});

test('a name of any length routes, percent-decoded: a long-named volume can be inspected and removed', async () => {
  // find-my-way refused values over 100 characters: berthd created this volume, then answered
  // `page not found` to inspecting and removing it. dockerd has no such limit.
  const name = 'v'.repeat(101);
  const created = await raw('POST', '/volumes/create', JSON.stringify({ Name: name }), { 'Content-Type': 'application/json' });
  assert.equal(created.status, 201, created.body);
  const inspected = await raw('GET', `/volumes/${name.slice(0, 50)}%76${name.slice(51)}`);
  assert.equal(inspected.status, 200, inspected.body);
  assert.equal(JSON.parse(inspected.body).Name, name);
  assert.equal((await raw('DELETE', `/volumes/${name}/`)).status, 204);
  const gone = await raw('GET', `/volumes/${name}`);
  assert.equal(gone.status, 404);
  assert.notDeepEqual(JSON.parse(gone.body), { message: 'page not found' });
});

test('swarm endpoints answer 503 not a swarm manager', async () => {
  for (const path of ['/swarm', '/nodes', '/services', '/tasks', '/secrets', '/configs']) {
    const r = await raw('GET', path);
    assert.equal(r.status, 503, path);
    assert.match(JSON.parse(r.body).message, /^This node is not a swarm manager\./);
  }
  const leave = await raw('POST', '/swarm/leave');
  assert.equal(JSON.parse(leave.body).message, 'This node is not part of a swarm');
});

test('routes newer than the requested version are refused', async () => {
  const r = await raw('GET', '/v1.29/configs');
  assert.equal(r.status, 400);
  assert.equal(JSON.parse(r.body).message, 'GET /configs requires minimum API version 1.30');
});

test('plugins list is empty and a named plugin is not found', async () => {
  assert.equal((await raw('GET', '/plugins')).body.trim(), '[]');
  const r = await raw('GET', '/plugins/foo/json');
  assert.equal(r.status, 404);
  assert.equal(JSON.parse(r.body).message, 'plugin "foo" not found');
});

test('OPTIONS is answered for CORS preflight', async () => {
  assert.equal((await raw('OPTIONS', '/anything')).status, 200);
});

test('a slow request does not block ping', async () => {
  // An events stream with no until stays open; ping must still answer at once.
  const events = http.get({ socketPath: d.socket, path: '/events' });
  await within('the events stream to answer', new Promise((r) => events.once('response', r)));
  const started = Date.now();
  const r = await raw('GET', '/_ping');
  assert.equal(r.status, 200);
  assert.ok(Date.now() - started < 5000);
  events.destroy();
});

test('/info is shaped per API version', async () => {
  const newest = JSON.parse((await raw('GET', '/v1.56/info')).body);
  assert.equal(newest.BridgeNfIptables, undefined);
  assert.equal(newest.RuncCommit.Expected, undefined);
  const old = JSON.parse((await raw('GET', '/v1.41/info')).body);
  assert.equal(old.BridgeNfIptables, false);
  assert.equal(old.RuncCommit.Expected, old.RuncCommit.ID);
  assert.equal(old.KernelMemory, false);
});

test('events are JSON before 1.52 and JSON lines from it (their fields: api/compose.test.ts)', async () => {
  const since = Math.floor(Date.now() / 1000) - 60;
  const until = Math.floor(Date.now() / 1000) + 1;
  const r = await raw('GET', `/v1.51/events?since=${since}&until=${until}`);
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/json');
  const r2 = await raw('GET', `/v1.56/events?since=${since}&until=${until}`);
  assert.equal(r2.headers['content-type'], 'application/jsonl');
});
