// Remote contexts against servers of the test's own on 127.0.0.1 only: a tarball (compressed
// or not, whatever its Content-Type), a Dockerfile alone, HTTP errors and silence with
// dockerd's texts and bounded time, and git repositories over dumb http (a static server) and
// git:// (a loopback git daemon), with #ref:subdir.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import { freePort } from '../../testing/free-port.ts';
import { until, within } from '../../testing/until.ts';
import { remoteContext, type RemoteOptions } from './remote.ts';
import { tarBytes } from './tar-fixture.ts';
import type { BuildContext } from './types.ts';

let dir: string;
let scratch: string;
let server: Server;
let base: string;
let daemon: ChildProcess | undefined;
let gitPort = 0;
const signal = new AbortController().signal;
const opts = (o: Partial<RemoteOptions> = {}): RemoteOptions => ({ dockerfile: '', scratchDir: scratch, signal, timeouts: { headersMs: 500, idleMs: 500 }, ...o });

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'berth-remote-'));
  scratch = join(dir, 'scratch');
  mkdirSync(scratch);
  const tar = await tarBytes([{ name: 'Dockerfile', body: 'FROM scratch\n' }, { name: 'sub/Dockerfile', body: 'FROM sub\n' }, { name: 'app.txt', body: 'app' }]);
  const routes: Record<string, (res: import('node:http').ServerResponse) => void> = {
    '/ctx.tar.gz': (res) => res.end(gzipSync(tar)),
    '/ctx.tar': (res) => (res.setHeader('Content-Type', 'text/plain'), res.end(tar)),
    '/Dockerfile': (res) => (res.setHeader('Content-Type', 'application/octet-stream'), res.end('FROM busybox\nRUN true\n')),
    '/binary': (res) => res.end(Buffer.from([1, 0, 2, 0, 3])),
    '/empty': (res) => res.end(),
    '/missing': (res) => (res.statusCode = 404, res.end('no such thing\n')),
    '/silent': () => undefined, // never answers
    '/stalls': (res) => res.write(tar.subarray(0, 1024)), // starts, then nothing more
  };
  server = createServer((req, res) => {
    const route = routes[req.url ?? ''];
    if (route) return route(res);
    // Anything else: a static file under dir (the dumb-http git repository).
    const file = join(dir, normalize(decodeURIComponent(req.url ?? '/').split('?')[0]!));
    if (!file.startsWith(`${dir}/`) || !existsSync(file)) return (res.statusCode = 404, res.end());
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  if (daemon && daemon.exitCode === null) {
    const gone = new Promise((r) => daemon!.once('exit', r));
    daemon.kill('SIGTERM');
    await gone;
  }
  const left = readdirSync(scratch);
  rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(left, [], 'every remote context removed');
});

async function using<T>(p: Promise<BuildContext>, fn: (ctx: BuildContext) => T): Promise<T> {
  const ctx = await p;
  try {
    return fn(ctx);
  } finally {
    await ctx.dispose();
  }
}

test('a tarball context, gzip or plain, whatever its Content-Type; the dockerfile parameter applies', async () => {
  await using(remoteContext(`${base}/ctx.tar.gz`, opts()), (ctx) => {
    assert.deepEqual(ctx.dockerfile, { name: 'Dockerfile', text: 'FROM scratch\n' });
    assert.equal(readFileSync(join(ctx.root.root, 'app.txt'), 'utf8'), 'app');
  });
  await using(remoteContext(`${base}/ctx.tar`, opts({ dockerfile: 'sub/Dockerfile' })), (ctx) => assert.equal(ctx.dockerfile.text, 'FROM sub\n'));
});

test('a Dockerfile alone: an empty context with it', async () => {
  await using(remoteContext(`${base}/Dockerfile`, opts()), (ctx) => {
    assert.deepEqual(ctx.dockerfile, { name: 'Dockerfile', text: 'FROM busybox\nRUN true\n' });
    assert.deepEqual(readdirSync(ctx.root.root), []);
  });
});

test('what cannot be a context: an error naming the URL', async () => {
  await assert.rejects(remoteContext(`${base}/missing`, opts()), { kind: 'not-found', message: `error downloading remote context ${base}/missing: failed to GET ${base}/missing with status 404 Not Found: no such thing` });
  await assert.rejects(remoteContext(`${base}/binary`, opts()), { kind: 'invalid-parameter', message: /^error detecting content type for remote .*\/binary: neither a tar archive nor a Dockerfile$/ });
  await assert.rejects(remoteContext(`${base}/empty`, opts()), { kind: 'invalid-parameter', message: /empty response/ });
  await assert.rejects(remoteContext('ftp://127.0.0.1/x', opts()), { kind: 'invalid-parameter', message: 'remoteURL (ftp://127.0.0.1/x) could not be recognized as URL' });
});

test('an unreachable or silent server ends within the bounds, with a clear 400', async () => {
  const port = await freePort();
  await assert.rejects(within('refused', remoteContext(`http://127.0.0.1:${port}/ctx.tar`, opts()), 5000), { kind: 'invalid-parameter', message: new RegExp(`^error downloading remote context http://127.0.0.1:${port}/ctx.tar: Get "http://127.0.0.1:${port}/ctx.tar": dial tcp 127.0.0.1:${port}: connect: connection refused$`) });
  await assert.rejects(within('silent', remoteContext(`${base}/silent`, opts()), 5000), { kind: 'invalid-parameter', message: /no answer within 0.5s/ });
  await assert.rejects(within('stalled', remoteContext(`${base}/stalls`, opts()), 5000), { message: /no data for 0.5s/ });
});

/** A repository with a tag v1 (Dockerfile "FROM one"), then main ("FROM two") with app/. */
function makeRepo(): string {
  const work = join(dir, 'work');
  mkdirSync(join(work, 'app'), { recursive: true });
  const git = (...args: string[]) => {
    const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@127.0.0.1', ...args], { cwd: work, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  git('init', '-q', '-b', 'main');
  writeFileSync(join(work, 'Dockerfile'), 'FROM one\n');
  git('add', '.');
  git('commit', '-qm', 'one');
  git('tag', 'v1');
  writeFileSync(join(work, 'Dockerfile'), 'FROM two\n');
  writeFileSync(join(work, 'app/Dockerfile'), 'FROM app\n');
  writeFileSync(join(work, 'app/main.sh'), 'echo hi\n');
  git('add', '.');
  git('commit', '-qm', 'two');
  const bare = join(dir, 'repo.git');
  spawnSync('git', ['clone', '-q', '--bare', work, bare]);
  spawnSync('git', ['-C', bare, 'update-server-info']);
  return git('rev-parse', 'v1');
}

test('git over http (dumb: no shallow fetch, so the whole history): HEAD, a tag, a branch with a subdirectory, a commit id', async () => {
  const v1 = makeRepo();
  const url = `${base}/repo.git`;
  await using(remoteContext(url, opts()), (ctx) => {
    assert.equal(ctx.dockerfile.text, 'FROM two\n');
    assert.deepEqual(readdirSync(ctx.root.root).sort(), ['Dockerfile', 'app'], 'no .git in the context');
  });
  await using(remoteContext(`${url}#v1`, opts()), (ctx) => assert.equal(ctx.dockerfile.text, 'FROM one\n'));
  await using(remoteContext(`${url}#main:app`, opts()), (ctx) => assert.deepEqual([ctx.dockerfile.text, readdirSync(ctx.root.root).sort()], ['FROM app\n', ['Dockerfile', 'main.sh']]));
  await using(remoteContext(`${url}#${v1}`, opts()), (ctx) => assert.equal(ctx.dockerfile.text, 'FROM one\n'));
  await assert.rejects(remoteContext(`${url}#main:nosuch`, opts()), { kind: 'invalid-parameter', message: 'error setting git context, not a directory: nosuch' });
  await assert.rejects(remoteContext(`${url}#nosuchref`, opts()), { kind: 'invalid-parameter', message: /^error fetching: .*nosuchref.*: exit status 128$/s });
});

test('git:// from a loopback git daemon, shallow; an unreachable one fails fast', async () => {
  if (!existsSync(join(dir, 'repo.git'))) makeRepo();
  gitPort = await freePort();
  daemon = spawn('git', ['daemon', '--reuseaddr', '--export-all', `--base-path=${dir}`, '--listen=127.0.0.1', `--port=${gitPort}`, dir], { stdio: 'ignore' });
  await until('git daemon listens', () => listening(gitPort));
  await using(remoteContext(`git://127.0.0.1:${gitPort}/repo.git#main:app`, opts()), (ctx) => assert.equal(ctx.dockerfile.text, 'FROM app\n'));
  const closed = await freePort();
  await assert.rejects(within('unreachable git', remoteContext(`git://127.0.0.1:${closed}/repo.git`, opts()), 10_000), { kind: 'invalid-parameter', message: /^error fetching: fatal: unable to connect to 127\.0\.0\.1.*Connection refused\n+: exit status 128$/s });
});

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    sock.once('connect', () => (sock.destroy(), resolve(true)));
    sock.once('error', () => resolve(false));
  });
}
