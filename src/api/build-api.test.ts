// POST /build on the wire, as the clients that do not print it read it: the JSON stream
// (stream, aux with the id before "Successfully built", errorDetail with the RUN's exit code),
// q=1's single message, the HTTP errors a request is refused with before the build starts,
// and remote contexts (a tarball and a lone Dockerfile from a loopback HTTP server; one that
// cannot be reached). dockerd 20.10 answers 500 where berthd answers 400 (a caller's mistake),
// the only difference the dockerd run of this file allows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBuildDaemon } from '../testing/build-fixtures/build-daemon.ts';
import { contextTar, messagesOf, streamText } from '../testing/build-fixtures/context-tar.ts';
import { freePort } from '../testing/free-port.ts';

const skip = requires('docker', ...RUNS_CONTAINERS);
const f = useBuildDaemon({ skip });
const MESSAGE_KEYS = new Set(['stream', 'aux', 'errorDetail', 'error', 'status', 'id', 'progressDetail', 'progress']);

const build = async (query: string, files: Record<string, string>) => f.api('POST', `/v1.41/build?${query}`, await contextTar(files));
const callerError = () => (f.dockerd ? 500 : 400);

test('a build streams steps, the RUN output, aux with the id, then Successfully built/tagged', { skip }, async () => {
  const r = await build('t=api:v1', { Dockerfile: 'FROM busybox\nRUN echo api-run-output\nLABEL k=v\n' });
  assert.equal(r.status, 200, r.text);
  assert.match(r.contentType, /^application\/json/);
  const msgs = messagesOf(r.text);
  for (const m of msgs) assert.ok(Object.keys(m).every((k) => MESSAGE_KEYS.has(k)), JSON.stringify(m));
  const text = streamText(msgs);
  assert.match(text, /^Step 1\/3 : FROM busybox\n ---> [0-9a-f]{12}\nStep 2\/3 : RUN echo api-run-output\n ---> Running in [0-9a-f]{12}\napi-run-output\n/);
  const built = /\nSuccessfully built ([0-9a-f]{12})\nSuccessfully tagged api:v1\n$/.exec(text);
  assert.ok(built, text);
  const auxAt = msgs.findIndex((m) => m.aux !== undefined);
  const builtAt = msgs.findIndex((m) => String(m.stream).startsWith('Successfully built'));
  assert.ok(auxAt >= 0 && auxAt < builtAt, 'aux comes before "Successfully built"');
  const id = (msgs[auxAt]!.aux as { ID: string }).ID;
  assert.match(id, /^sha256:[0-9a-f]{64}$/);
  assert.equal(id.slice(7, 19), built[1]);
});

test('q=1 streams the image id alone', { skip }, async () => {
  const r = await build('q=1&t=api:quiet', { Dockerfile: 'FROM busybox\nRUN echo not-shown\n' });
  assert.equal(r.status, 200, r.text);
  const msgs = messagesOf(r.text);
  assert.equal(msgs.length, 1, r.text);
  assert.match(String(msgs[0]!.stream), /^sha256:[0-9a-f]{64}\n$/);
});

test('a failing RUN ends the stream with errorDetail carrying its exit code', { skip }, async () => {
  const r = await build('t=api:fail', { Dockerfile: 'FROM busybox\nRUN echo out-before && exit 7\n' });
  assert.equal(r.status, 200, 'the stream had begun');
  const msgs = messagesOf(r.text);
  assert.match(streamText(msgs), /\nout-before\n/);
  const last = msgs.at(-1) as { errorDetail: { code: number; message: string }; error: string };
  assert.equal(last.errorDetail.code, 7, r.text);
  assert.match(last.errorDetail.message, /The command '\/bin\/sh -c echo out-before && exit 7' returned a non-zero code: 7/);
  assert.equal(last.error, last.errorDetail.message);
});

test('what is wrong before the build starts is an HTTP error', { skip }, async () => {
  const parse = await build('', { Dockerfile: 'FROM busybox\nFROB x\n' });
  assert.equal(parse.status, 400, parse.text);
  assert.match((parse.body as { message: string }).message, /unknown instruction: FROB/i);
  const args = await build('buildargs=notjson', { Dockerfile: 'FROM busybox\n' });
  assert.equal(args.status, 400, args.text);
  assert.match((args.body as { message: string }).message, /build args|buildargs/i);
  const labels = await build(`labels=${encodeURIComponent('{"x":1}')}`, { Dockerfile: 'FROM busybox\n' });
  assert.equal(labels.status, 400, labels.text);
  const missing = await build('dockerfile=nope', { Dockerfile: 'FROM busybox\n' });
  assert.equal(missing.status, callerError(), missing.text);
  assert.equal((missing.body as { message: string }).message, 'Cannot locate specified Dockerfile: nope');
});

let server: Server;
let base = '';
before(async () => {
  if (skip) return;
  const tar = await contextTar({ 'Dockerfile': 'FROM busybox\nCOPY remote.txt /remote.txt\nRUN cat /remote.txt\n', 'remote.txt': 'from-a-remote-tarball\n' });
  server = createServer((req, res) => {
    if (req.url === '/ctx.tar') res.writeHead(200, { 'Content-Type': 'application/x-tar' }).end(tar);
    else if (req.url === '/Dockerfile') res.writeHead(200, { 'Content-Type': 'text/plain' }).end('FROM busybox\nRUN echo from-a-remote-dockerfile\n');
    else res.writeHead(404).end('not here\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server?.close());

test('remote contexts: a tarball and a lone Dockerfile over HTTP (docker build <url>)', { skip }, async () => {
  const tar = await f.docker(['build', '--no-cache', '-t', 'remote:tar', `${base}/ctx.tar`]);
  assert.equal(tar.code, 0, `${tar.stdout}\n${tar.stderr}`);
  assert.ok(tar.stdout.split('\n').includes('from-a-remote-tarball'), tar.stdout);
  const df = await f.docker(['build', '--no-cache', '-t', 'remote:df', `${base}/Dockerfile`]);
  assert.equal(df.code, 0, `${df.stdout}\n${df.stderr}`);
  assert.ok(df.stdout.split('\n').includes('from-a-remote-dockerfile'), df.stdout);
});

test('a remote context that cannot be fetched is refused with what went wrong', { skip }, async () => {
  const port = await freePort();
  const refused = await f.api('POST', `/v1.41/build?remote=${encodeURIComponent(`http://127.0.0.1:${port}/ctx.tar`)}`);
  assert.equal(refused.status, callerError(), refused.text);
  assert.match((refused.body as { message: string }).message, new RegExp(`127\\.0\\.0\\.1:${port}.*(connection refused|ECONNREFUSED)`, 'i'));
  const notFound = await f.api('POST', `/v1.41/build?remote=${encodeURIComponent(`${base}/missing.tar`)}`);
  assert.ok(notFound.status >= 400, notFound.text);
  assert.match(notFound.text, /404|Not Found/i);
});
