// `berth build` and `berth builder prune` against a real berthd, each compared with the real
// docker CLI (DOCKER_BUILDKIT=0: its classic builder) running the same command on the same
// daemon: the same output (ids and sizes aside), the same exit status. Compared builds use
// --no-cache, so that the second CLI does not merely hit the first one's cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { join } from 'node:path';
import { useBusyboxDaemon } from '../../testing/busybox-daemon.ts';
import { BERTH } from '../../testing/berthd-harness.ts';
import { berth, run, type RunResult } from '../../testing/run.ts';
import { requires } from '../../testing/requires.ts';
import { comparableOutput } from '../../testing/build-fixtures/build-output.ts';

const f = useBusyboxDaemon();
const dockerSkip = requires('docker');
const B = (args: string[], input?: string) => berth(args, { env: f.env(), ...(input !== undefined && { input }) });
const D = (args: string[], input?: string) => run('docker', args, { env: { ...f.env(), DOCKER_BUILDKIT: '0' }, ...(input !== undefined && { input }), timeoutMs: 60_000 });
/** A shell line with `$CLI` standing for the CLI under test (for stdin redirections). */
const sh = (line: string, cli: 'berth' | 'docker') =>
  run('sh', ['-c', line.replaceAll('$CLI', cli === 'berth' ? `"${process.execPath}" "${BERTH}"` : 'docker')], { env: { ...f.env(), DOCKER_BUILDKIT: '0' }, cwd: f.dir, timeoutMs: 60_000 });

/** Both streams made comparable (build-output.ts). */
function normal(r: RunResult): RunResult {
  return { code: r.code, stdout: comparableOutput(r.stdout), stderr: comparableOutput(r.stderr) };
}

async function same(args: string[]): Promise<RunResult> {
  const [b, d] = [await B(args), await D(args)];
  assert.deepEqual(normal(b), normal(d));
  return b;
}

function context(name: string, files: Record<string, string>): string {
  const dir = join(f.dir, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const APP = {
  Dockerfile: 'FROM busybox\nARG WHO=world\nENV GREETING=hello\nWORKDIR /app\nCOPY greet.sh ./\nRUN chmod +x greet.sh && echo "built for $WHO"\nCMD ["./greet.sh"]\n',
  'greet.sh': '#!/bin/sh\necho "$GREETING from $(pwd)"\n',
};

test('a build: step by step output, the image runs, a rebuild hits the cache at every step', async () => {
  const ctx = context('app', APP);
  const built = await B(['build', '-t', 'app:1', '--build-arg', 'WHO=berth', ctx]);
  assert.equal(built.code, 0, built.stderr);
  assert.match(built.stdout, /^Sending build context to Docker daemon {2}[0-9.]+k?B\r\r\nStep 1\/7 : FROM busybox\n/);
  assert.match(built.stdout, /\nbuilt for berth\n/);
  assert.match(built.stdout, /\nSuccessfully built [0-9a-f]{12}\nSuccessfully tagged app:1\n$/);
  const ran = await B(['run', '--rm', 'app:1']);
  assert.equal(ran.stdout, 'hello from /app\n');

  const again = await B(['build', '-t', 'app:1', '--build-arg', 'WHO=berth', ctx]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout.match(/ ---> Using cache\n/g)?.length, 6, again.stdout);
  assert.doesNotMatch(again.stdout, /Running in/);
});

test('the same output as the docker CLI for a build, -q, and a failing RUN', { skip: dockerSkip }, async () => {
  const ctx = context('cmp', APP);
  await same(['build', '--no-cache', '-t', 'cmp:1', ctx]);
  const quiet = await same(['build', '-q', '--no-cache', ctx]);
  assert.match(quiet.stdout, /^sha256:[0-9a-f]{64}\n$/);
  const bad = context('bad', { Dockerfile: 'FROM busybox\nRUN echo out; exit 3\nRUN echo never\n' });
  const failed = await same(['build', '-t', 'bad:1', bad]);
  assert.equal(failed.code, 3);
  assert.match(failed.stderr, /^(Dockerfile:2: )?The command '\/bin\/sh -c echo out; exit 3' returned a non-zero code: 3\n$/);
  assert.doesNotMatch(failed.stdout, /never/);
  assert.equal((await B(['images', '-q', 'bad:1'])).stdout, '', 'a failed build tags nothing');
  const failedQuiet = await same(['build', '-q', bad]);
  // -q: the held output, then the error, on stderr.
  assert.match(failedQuiet.stderr, /^Sending build context to Docker daemon[^\n]*\nStep 1\/3 : FROM busybox\n[^]*\nout\n[^]*The command '[^']*' returned a non-zero code: 3\n$/);
  assert.equal(failedQuiet.stdout, '');
  await same(['build', context('unknown', { Dockerfile: 'FROM busybox\nFOO bar\n' })]);
});

test('--iidfile gets the image id; a failed build leaves none', async () => {
  const iid = join(f.dir, 'image-id');
  const ok = await B(['build', '--iidfile', iid, context('iid', APP)]);
  assert.equal(ok.code, 0, ok.stderr);
  const id = readFileSync(iid, 'utf8');
  assert.match(id, /^sha256:[0-9a-f]{64}$/);
  assert.ok(ok.stdout.includes(`Successfully built ${id.slice(7, 19)}\n`));
  const failed = await B(['build', '--iidfile', iid, context('iid-bad', { Dockerfile: 'FROM busybox\nRUN false\n' })]);
  assert.equal(failed.code, 1);
  assert.throws(() => readFileSync(iid), { code: 'ENOENT' });
});

test('stdin: a Dockerfile, a gzipped tar; -f outside the context with .dockerignore, as docker sends them', { skip: dockerSkip }, async () => {
  context('stdin', { Dockerfile: 'FROM busybox\nRUN echo from stdin\n' });
  context('stdin-app', APP);
  for (const line of ['$CLI build --no-cache - < stdin/Dockerfile', 'tar -czf - -C stdin-app . | $CLI build --no-cache -']) {
    const [b, d] = [await sh(line, 'berth'), await sh(line, 'docker')];
    assert.equal(b.code, 0, b.stderr);
    assert.deepEqual(normal(b), normal(d), line);
  }
  context('outside', {
    'ctx/.dockerignore': 'secret\n*.tmp\n', 'ctx/keep': 'k', 'ctx/secret': 's', 'ctx/x.tmp': '',
    'Dockerfile.out': 'FROM busybox\nCOPY . /ctx\nRUN find /ctx | sort\n',
  });
  for (const line of ['$CLI build --no-cache -f outside/Dockerfile.out outside/ctx', '$CLI build --no-cache -f - outside/ctx < outside/Dockerfile.out']) {
    const [b, d] = [await sh(line, 'berth'), await sh(line, 'docker')];
    assert.equal(b.code, 0, b.stderr);
    // .dockerignore is copied (it does not name itself), the added Dockerfile is not (it names that).
    assert.match(b.stdout, /\n\/ctx\n\/ctx\/.dockerignore\n\/ctx\/keep\nRemoving/);
    assert.deepEqual(normal(b), normal(d), line);
  }
});

test('multi-stage with --target; image build and builder build are the same command', async () => {
  const ctx = context('stages', {
    Dockerfile: 'FROM busybox AS base\nRUN echo base > /base\nFROM base AS test\nRUN echo test\nFROM busybox\nCOPY --from=base /base /copied\nCMD ["cat", "/copied"]\n',
  });
  const target = await B(['image', 'build', '-q', '--target', 'base', '-t', 'stages:base', ctx]);
  assert.equal(target.code, 0, target.stderr);
  assert.match(target.stdout, /^sha256:[0-9a-f]{64}\n$/);
  const all = await B(['builder', 'build', '-t', 'stages:final', ctx]);
  assert.equal(all.code, 0, all.stderr);
  assert.doesNotMatch(all.stdout, /\ntest\n/, 'a stage the target does not need is not run');
  assert.equal((await B(['run', '--rm', 'stages:final'])).stdout, 'base\n');
});

test('a URL context is fetched by the daemon (remote=); --compress sends the tar gzipped', async () => {
  const p = pack();
  p.entry({ name: 'Dockerfile' }, 'FROM busybox\nCOPY hello /hello\nRUN cat /hello\n');
  p.entry({ name: 'hello' }, 'hello from a URL\n');
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p as unknown as AsyncIterable<Buffer>) chunks.push(c);
  const tgz = gzipSync(Buffer.concat(chunks));
  const server = http.createServer((req, res) => (req.url === '/ctx.tar.gz' ? res.end(tgz) : res.writeHead(404).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ctx.tar.gz`;
    const r = await B(['build', '--no-cache', url]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /Sending build context/, 'nothing is uploaded');
    assert.match(r.stdout, /\nhello from a URL\n/);
  } finally {
    server.close();
  }
  const compressed = await B(['build', '--compress', '--no-cache', context('compress', APP)]);
  assert.equal(compressed.code, 0, compressed.stderr);
  assert.match(compressed.stdout, /\nbuilt for world\n/);
});

test('usage and context errors need no daemon, in docker words', async () => {
  const r = await B(['build']);
  assert.deepEqual(r, { code: 1, stdout: '', stderr: "berth: 'berth build' requires 1 argument\n\nUsage:  berth build [OPTIONS] PATH | URL | -\n\nRun 'berth build --help' for more information\n" });
  assert.deepEqual(await B(['build', join(f.dir, 'nosuch')]), { code: 1, stdout: '', stderr: `unable to prepare context: path "${join(f.dir, 'nosuch')}" not found\n` });
  const tag = await B(['build', '-t', 'Bad:tag', '.']);
  assert.equal(tag.code, 125);
  assert.match(tag.stderr, /^invalid argument "Bad:tag" for "-t, --tag" flag: invalid reference format: repository name \(library\/Bad\) must be lowercase\n/);
  assert.equal((await B(['build', '-m', '1x', '.'])).stderr.split('\n')[0], 'invalid argument "1x" for "-m, --memory" flag: invalid suffix: \'x\'');
  assert.deepEqual(await B(['build', '--squash=false', '.']), { code: 1, stdout: '', stderr: '"--squash" is only supported on a Docker daemon with experimental features enabled\n' });
});

test('builder prune and the Build Cache row of system df, as docker prints them', { skip: dockerSkip }, async () => {
  // docker 28.2 (API 1.50) adds the records up itself; berth (API 1.52) takes the daemon's
  // BuildCacheUsage, which sums them the same way (shared records left out): the same row.
  const df = async (cli: (a: string[]) => Promise<RunResult>) => (await cli(['system', 'df'])).stdout.split('\n').find((l) => l.startsWith('Build Cache'))!.split(/ {2,}/);
  const [b, d] = [await df(B), await df(D)];
  assert.deepEqual(b, d);
  assert.match(b.slice(3).join(' '), /^[0-9.]+[kMG]?B [0-9.]+[kMG]?B$/, 'sizes, and no percentage');
  const pruned = await B(['builder', 'prune', '-a', '-f']);
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.match(pruned.stdout, /^(Deleted build cache objects:\n(\S+\n)+\n)?Total reclaimed space: [0-9.]+k?M?G?B\n$/);
  const args = ['builder', 'prune', '-f', '--filter', 'until=1h'];
  assert.deepEqual(normal(await B(args)), normal(await D(args)));
  assert.deepEqual(await B(['builder', 'prune'], 'n\n'), {
    code: 0, stdout: 'WARNING! This will remove all dangling build cache. Are you sure you want to continue? [y/N] ', stderr: '',
  });
});
