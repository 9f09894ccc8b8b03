// A corpus of bad requests sent at every route berthd serves: each must get a precise 4xx (or
// the route's ordinary answer), never a 500, never a crash.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startBerthd, type Berthd } from '../testing/berthd-harness.ts';
import { buildRoutes, type Backends } from '../daemon/routes.ts';

let d: Berthd;
before(async () => {
  d = await startBerthd();
});
after(() => d.cleanup());

/** Only the method and path of each route are used; the backends are never called. */
const unused = new Proxy({}, { get: () => () => { throw new Error('not called'); } });
const ROUTES = buildRoutes({ system: unused, events: unused, images: unused, containers: unused, lifecycle: unused } as unknown as Backends);

interface Answer {
  status: number;
  contentType: string | undefined;
  body: string;
}

function send(method: string, path: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: d.socket, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString();
        if (text.length > 64 * 1024) res.destroy();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body: text }));
      res.on('close', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body: text }));
    });
    req.setTimeout(3000, () => req.destroy());
    req.on('error', (err) => (/socket hang up|ECONNRESET/.test(err.message) ? resolve({ status: 0, contentType: undefined, body: '' }) : reject(err)));
    req.end(body);
  });
}

const BAD_PARAMS = ['..%2F..%2Fetc%2Fpasswd', 'x'.repeat(5000), '%00', '%E2%98%83', '-'];
const BAD_QUERIES = ['filters=%7Bbad', 'filters=%5B1%5D', 'filters=%7B%22nope%22%3A%5B%22x%22%5D%7D', 'since=yesterday', 'until=abc', 'verbose=%00', 'type=nope'];
const BAD_BODIES: [string, Record<string, string>][] = [
  ['{"username": ', { 'Content-Type': 'application/json' }],
  ['[1,2,3]', { 'Content-Type': 'application/json' }],
  ['{"username": 5}', { 'Content-Type': 'application/json' }],
  ['{"a":1}', { 'Content-Type': 'text/plain' }],
  ['null', { 'Content-Type': 'application/json' }],
];

function check(a: Answer, what: string): void {
  assert.notEqual(a.status, 500, `${what} → 500: ${a.body}`);
  if (a.status >= 400 && a.status !== 0) {
    assert.equal(a.contentType, 'application/json', `${what}: error content type`);
    // A HEAD answer has no body to carry the message.
    if (!what.startsWith('HEAD ')) assert.ok(JSON.parse(a.body).message, `${what}: error has a message`);
  }
}

test('bad params, queries and bodies never produce a 500', async () => {
  for (const route of ROUTES) {
    const paths = route.path.includes(':') ? BAD_PARAMS.map((p) => route.path.replace(/:\w+/g, p)) : [route.path];
    for (const path of paths) {
      for (const q of ['', ...BAD_QUERIES]) {
        const url = `/v1.56${path}${q ? `?${q}` : ""}`;
        const full = route.path === '/events' && !q.startsWith('until') ? `${url}${q ? '&' : '?'}until=1` : url;
        check(await send(route.method, full), `${route.method} ${full}`);
      }
      if (route.method === 'POST' || route.method === 'PUT') {
        for (const [body, headers] of BAD_BODIES) check(await send(route.method, `/v1.56${path}`, body, headers), `${route.method} ${path} body ${body}`);
        const huge = Buffer.alloc(6 * 1024 * 1024, 'a');
        check(await send(route.method, `/v1.56${path}`, huge, { 'Content-Type': 'application/json' }), `${route.method} ${path} huge body`);
      }
    }
  }
  assert.equal((await send('GET', '/_ping')).status, 200, 'the daemon is still alive');
});

test('malformed versions and paths are refused cleanly', async () => {
  for (const path of ['/v1.x/version', '/v/version', '/v1.56.7/version', '/vabc/version', '/v1.56//version', '/%ZZ', '/v1.56/version%00']) {
    check(await send('GET', path), path);
  }
  assert.equal((await send('GET', '/_ping')).status, 200);
});

test('the POST /auth body is validated field by field', async () => {
  const a = await send('POST', '/v1.56/auth', '{"username": 5}', { 'Content-Type': 'application/json' });
  assert.equal(a.status, 400);
  assert.equal(JSON.parse(a.body).message, 'invalid value for "username": expected a string');
  const b = await send('POST', '/v1.56/auth', '{"username": ', { 'Content-Type': 'application/json' });
  assert.equal(b.status, 400);
  assert.match(JSON.parse(b.body).message, /^invalid JSON: /);
  const c = await send('POST', '/v1.56/auth', '');
  assert.equal(c.status, 400);
  assert.match(JSON.parse(c.body).message, /got EOF while reading request body/);
});
