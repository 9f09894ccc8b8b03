// The build client against a small HTTP server on a unix socket that plays the daemon's part:
// the context streams up while it is still being produced (never held whole in memory), the
// headers are the docker client's, a context that fails ends the request with its own error,
// and a refusal before any output is an ordinary error.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createClient } from './index.ts';
import { BerthError } from '../api/types/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'berth-build-api-'));
const sock = join(dir, 'd.sock');
type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
let handler: Handler = () => undefined;
const server = http.createServer((req, res) => {
  if (req.url === '/_ping') return void res.setHeader('Api-Version', '1.50').end('OK');
  handler(req, res);
});
await new Promise<void>((resolve) => server.listen(sock, resolve));
after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});
const client = () => createClient({ endpoint: { host: `unix://${sock}` } });

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test('the context streams up: the daemon has the first bytes before the rest exists', { timeout: 30_000 }, async () => {
  let firstSeen!: () => void;
  const seen = new Promise<void>((r) => (firstSeen = r));
  let received = 0;
  handler = (req, res) => {
    assert.equal(req.headers['content-type'], 'application/x-tar');
    assert.equal(req.headers['x-registry-config'], Buffer.from('{"127.0.0.1:5000":{"username":"u"}}').toString('base64url') + '=');
    assert.equal(req.url, '/v1.50/build?dockerfile=Dockerfile&t=x%3A1&version=1');
    req.on('data', (c: Buffer) => {
      received += c.length;
      firstSeen();
    });
    req.on('end', () => {
      res.setHeader('Content-Type', 'application/json');
      res.end('{"stream":"Step 1/1 : FROM busybox\\n"}\r\n{"aux":{"ID":"sha256:abc"}}\r\n');
    });
  };
  // 64 MiB in 1 MiB chunks, the second of which waits until the server has seen the first.
  const context = Readable.from((async function* () {
    yield Buffer.alloc(1 << 20);
    await seen;
    for (let i = 1; i < 64; i++) yield Buffer.alloc(1 << 20);
  })());
  const messages = await collect(client().build.build(context, { tags: ['x:1'], dockerfile: 'Dockerfile' }, { authConfigs: { '127.0.0.1:5000': { username: 'u' } } }));
  assert.equal(received, 64 << 20);
  assert.deepEqual(messages, [{ stream: 'Step 1/1 : FROM busybox\n' }, { aux: { ID: 'sha256:abc' } }]);
});

test('a context that fails ends the request with its own error', async () => {
  handler = (req) => req.resume(); // a daemon that waits for the rest of the context forever
  const context = Readable.from((async function* () {
    yield Buffer.alloc(4096);
    throw new Error("no permission to read from '/ctx/secret'");
  })());
  await assert.rejects(collect(client().build.build(context, {})), { message: "no permission to read from '/ctx/secret'" });
});

test('a refusal before any output is an error; the context is not read further', async () => {
  handler = (_req, res) => {
    res.statusCode = 400;
    res.setHeader('Content-Type', 'application/json');
    res.end('{"message":"dockerfile parse error line 2: unknown instruction: FOO"}');
  };
  let produced = 0;
  const context = new Readable({
    read() {
      produced++;
      if (produced > 10_000) this.push(null); // bounded, should the client not stop reading
      else this.push(Buffer.alloc(65536));
    },
  });
  await assert.rejects(collect(client().build.build(context, {})), (err: unknown) => {
    assert.ok(err instanceof BerthError);
    assert.equal(err.message, 'dockerfile parse error line 2: unknown instruction: FOO');
    return true;
  });
  assert.ok(context.destroyed);
  assert.ok(produced < 10_000, `read ${produced} chunks after the refusal`);
});

test('a remote context sends no body; build cache prune takes docker\'s query', async () => {
  let url = '';
  let body = '';
  handler = (req, res) => {
    url = req.url!;
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.setHeader('Content-Type', 'application/json');
      res.end(req.url!.startsWith('/v1.50/build/prune') ? '{"CachesDeleted":["a","b"],"SpaceReclaimed":2048}' : '');
    });
  };
  assert.deepEqual(await collect(client().build.build(undefined, { remote: 'http://127.0.0.1:1/ctx.tar', dockerfile: 'sub/Dockerfile' })), []);
  assert.equal(url, '/v1.50/build?dockerfile=sub%2FDockerfile&remote=http%3A%2F%2F127.0.0.1%3A1%2Fctx.tar&version=1');
  assert.equal(body, '');
  const report = await client().build.pruneBuildCache({ all: true, keepStorage: 1_000_000, filters: { until: ['24h'] } });
  assert.deepEqual(report, { CachesDeleted: ['a', 'b'], SpaceReclaimed: 2048 });
  assert.equal(decodeURIComponent(url), '/v1.50/build/prune?all=1&keep-storage=1000000&filters={"until":{"24h":true}}');
});
