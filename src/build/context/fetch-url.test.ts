// ADD <url> against a loopback server: the file named from the URL, 0600, its mtime from
// Last-Modified (else the epoch), its checksum following its content; errors naming the URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../testing/free-port.ts';
import { within } from '../../testing/until.ts';
import { fetchUrl } from './fetch-url.ts';

let scratch: string;
let server: Server;
let base: string;
let content = 'version one\n';
const signal = new AbortController().signal;
const timeouts = { headersMs: 500, idleMs: 500 };

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'berth-fetchurl-'));
  server = createServer((req, res) => {
    if (req.url === '/files/app%20v1.sh?x=1') return (res.setHeader('Last-Modified', 'Wed, 21 Oct 2015 07:28:00 GMT'), res.end(content));
    if (req.url === '/plain.txt') return res.end(content);
    if (req.url === '/private') return (res.statusCode = 403, res.end('go away'));
    if (req.url === '/silent') return;
    res.statusCode = 404;
    res.end('not here');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  const left = readdirSync(scratch);
  rmSync(scratch, { recursive: true, force: true });
  assert.deepEqual(left, [], 'every download disposed');
});

test('the download: named after the URL\'s last element (decoded), 0600, Last-Modified as its mtime', async () => {
  const got = await fetchUrl(`${base}/files/app%20v1.sh?x=1`, { scratchDir: scratch, signal, timeouts });
  try {
    assert.deepEqual(got.entry, { pattern: `${base}/files/app%20v1.sh?x=1`, path: '/app v1.sh', isDir: false });
    const host = join(got.root.root, 'app v1.sh');
    assert.equal(readFileSync(host, 'utf8'), content);
    const st = statSync(host);
    assert.equal(st.mode & 0o777, 0o600);
    assert.equal(st.mtimeMs, Date.parse('2015-10-21T07:28:00Z'));
    assert.match(got.checksum, /^sha256:[0-9a-f]{64}$/);
  } finally {
    await got.dispose();
  }
});

test('no Last-Modified: the epoch; the checksum follows the content', async () => {
  const get = () => fetchUrl(`${base}/plain.txt`, { scratchDir: scratch, signal, timeouts });
  const one = await get();
  const again = await get();
  content = 'version two\n';
  const two = await get();
  try {
    assert.equal(statSync(join(one.root.root, 'plain.txt')).mtimeMs, 0);
    assert.equal(one.checksum, again.checksum);
    assert.notEqual(one.checksum, two.checksum);
  } finally {
    await Promise.all([one, again, two].map((f) => f.dispose()));
  }
});

test('errors name the URL: HTTP status, refused, silent, no file name', async () => {
  const get = (url: string) => within(url, fetchUrl(url, { scratchDir: scratch, signal, timeouts }), 5000);
  await assert.rejects(get(`${base}/nosuch.txt`), { kind: 'not-found', message: `failed to GET ${base}/nosuch.txt with status 404 Not Found: not here` });
  await assert.rejects(get(`${base}/private`), { kind: 'forbidden', message: `failed to GET ${base}/private with status 403 Forbidden: go away` });
  const port = await freePort();
  await assert.rejects(get(`http://127.0.0.1:${port}/x.txt`), { kind: 'invalid-parameter', message: new RegExp(`^Get "http://127.0.0.1:${port}/x.txt": dial tcp 127.0.0.1:${port}: connect: connection refused$`) });
  await assert.rejects(get(`${base}/silent`), { message: `Get "${base}/silent": no answer within 0.5s` });
  await assert.rejects(get(`${base}/`), { message: `cannot determine filename from url: ${base}/` });
});

test('the build\'s abort ends a download that hangs', async () => {
  const stop = new AbortController();
  const pending = fetchUrl(`${base}/silent`, { scratchDir: scratch, signal: stop.signal, timeouts: { headersMs: 60_000, idleMs: 60_000 } });
  setTimeout(() => stop.abort(new Error('build cancelled')), 100);
  await assert.rejects(within('aborted download', pending, 5000), /build cancelled/);
});
