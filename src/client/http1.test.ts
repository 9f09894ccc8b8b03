// http1.ts against a real berthd (the ping and a JSON call on one kept connection, an error
// status) and against a raw socket server that answers with exactly the bytes a test gives it:
// chunked replies with extensions and trailers, a body ended by the close, 204 and HEAD without
// one, an idle connection the server closed (the GET sent again), a cut answer, an abort. The raw
// server's clients dial as berth's unix endpoints do (pipe-conn.ts); the berthd one a net Socket.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Http1Client } from './http1.ts';
import { connectPipe } from './pipe-conn.ts';
import { createClient } from './index.ts';
import { BerthError } from '../api/types/errors.ts';
import { startBerthd, type Berthd } from '../testing/berthd-harness.ts';
import { within } from '../testing/until.ts';

const dir = mkdtempSync(join(tmpdir(), 'berth-http1-'));
const sock = join(dir, 'raw.sock');
/** What the raw server writes for each request it reads, by request line; then ends or not. */
let script: (requestLine: string, conn: number) => { reply: string; close?: boolean } = () => ({ reply: '' });
let conns = 0;
const open = new Set<net.Socket>();
const raw = net.createServer((c) => {
  const conn = ++conns;
  open.add(c);
  c.on('close', () => open.delete(c));
  let buf = '';
  c.on('error', () => {});
  c.on('data', (d) => {
    buf += d.toString('latin1');
    for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
      const line = buf.slice(0, buf.indexOf('\r\n'));
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
      buf = buf.slice(end + 4 + length);
      const { reply, close } = script(line, conn);
      if (close) c.end(reply);
      else c.write(reply);
    }
  });
});
let d: Berthd;

before(async () => {
  await new Promise<void>((resolve) => raw.listen(sock, resolve));
  d = await startBerthd();
});
after(async () => {
  // Connections the clients keep (idle, unref'd on their side) would hold the server open.
  for (const c of open) c.destroy();
  raw.close();
  await d?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** A client on the raw server that counts its dials. */
function rawClient() {
  const dials = { n: 0 };
  const client = new Http1Client(() => (dials.n++, connectPipe(sock)));
  return { client, dials };
}
const get = (path: string, method = 'GET') => ({ method, path, headers: { 'User-Agent': 'test' } });

test('against berthd: the ping and a JSON call share one connection', async () => {
  let dials = 0;
  const client = new Http1Client(() => (dials++, net.connect(d.socket)));
  const ping = await client.request(get('/_ping', 'HEAD'));
  assert.equal(ping.statusCode, 200);
  assert.match(ping.headers['api-version'] ?? '', /^1\.\d+$/);
  assert.equal(ping.body.length, 0);
  const version = await client.request(get('/version'));
  assert.equal(version.statusCode, 200);
  assert.equal(JSON.parse(version.body.toString()).Platform.Name.startsWith('berth'), true);
  const list = await client.request(get('/containers/json?all=1'));
  assert.deepEqual(JSON.parse(list.body.toString()), []);
  assert.equal(dials, 1);
});

test('against berthd: the API client maps an error status and goes on on the same connection', async () => {
  const c = createClient({ endpoint: { host: d.host } });
  await assert.rejects(c.containers.inspect('no-such-container'), (err: unknown) => err instanceof BerthError && err.kind === 'not-found' && /no-such-container/.test(err.message));
  assert.equal((await c.system.version()).Platform?.Name?.startsWith('berth'), true);
});

test('a chunked answer, with a chunk extension and a trailer, split across writes', async () => {
  script = () => ({ reply: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: t\r\n\r\n' });
  const { client, dials } = rawClient();
  const res = await client.request(get('/a'));
  assert.equal(res.body.toString(), 'hello world');
  assert.equal((await client.request(get('/b'))).body.toString(), 'hello world');
  assert.equal(dials.n, 1, 'a chunked answer leaves the connection usable');
});

test('a body ended by the close of the connection, and repeated headers', async () => {
  script = () => ({ reply: 'HTTP/1.1 200 OK\r\nConnection: close\r\nX-A: 1\r\nx-a: 2\r\n\r\nall of it', close: true });
  const { client, dials } = rawClient();
  const res = await client.request(get('/a'));
  assert.equal(res.body.toString(), 'all of it');
  assert.equal(res.headers['x-a'], '1, 2');
  assert.deepEqual(res.rawHeaders, ['Connection', 'close', 'X-A', '1', 'x-a', '2']);
  await client.request(get('/b'));
  assert.equal(dials.n, 2, 'a closed connection is not reused');
});

test('204, and HEAD with a Content-Length, have no body', async () => {
  script = (line) => ({ reply: line.startsWith('HEAD') ? 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n' : 'HTTP/1.1 204 No Content\r\n\r\n' });
  const { client, dials } = rawClient();
  assert.equal((await client.request(get('/x', 'HEAD'))).body.length, 0);
  const res = await client.request({ ...get('/y', 'POST') });
  assert.equal(res.statusCode, 204);
  assert.equal(res.statusMessage, 'No Content');
  assert.equal(dials.n, 1);
});

test('a kept connection the server has closed: a GET is sent again on a new one', async () => {
  script = (_line, conn) => ({ reply: `HTTP/1.1 200 OK\r\nContent-Length: ${String(conn).length}\r\n\r\n${conn}` });
  const { client, dials } = rawClient();
  assert.equal((await client.request(get('/a'))).body.toString(), String(conns));
  // The server closes the kept connection as the next request arrives on it, unanswered.
  const closedBy = conns;
  script = (_line, conn) => (conn === closedBy ? { reply: '', close: true } : { reply: `HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok` });
  const res = await client.request(get('/b'));
  assert.equal(res.body.toString(), 'ok');
  assert.equal(dials.n, 2);
});

test('an answer cut short is an error, and so is garbage', async () => {
  script = () => ({ reply: 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc', close: true });
  await assert.rejects(rawClient().client.request(get('/a')), /unexpected EOF/);
  script = () => ({ reply: 'SSH-2.0-OpenSSH\r\n\r\n', close: true });
  await assert.rejects(rawClient().client.request(get('/a')), /malformed HTTP response/);
});

test('a header or path that would split the request is refused before sending', async () => {
  const { client, dials } = rawClient();
  await assert.rejects(client.request({ method: 'GET', path: '/a', headers: { 'X-Evil': 'a\r\nInjected: 1' } }), TypeError);
  await assert.rejects(client.request({ method: 'GET', path: '/a b', headers: {} }), TypeError);
  assert.equal(dials.n, 0);
});

test('an abort ends a request the server does not answer', async () => {
  script = () => ({ reply: '' });
  const ac = new AbortController();
  const pending = rawClient().client.request({ ...get('/slow'), signal: ac.signal });
  setTimeout(() => ac.abort(), 50);
  await within('the aborted request settles', assert.rejects(pending, { name: 'AbortError' }));
});
