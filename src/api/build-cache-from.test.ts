// `docker build --cache-from` as it is used: an image built on one daemon is saved there and
// loaded into a fresh daemon (no build cache, none of the build's intermediate images), where a
// build of the same Dockerfile takes every step from it — " ---> Using cache", no RUN, no
// container — and the image it ends with is that very image. A changed step after that is made
// on the restored images (its RUN reads the file the restored COPY step has, through the layer
// the restore shares with the loaded image). MAINTAINER's author is checked on the way
// (dockerd's classic builder writes it as the image's Author, and on every later step's image).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBusyboxDaemon, type BusyboxDaemon } from '../testing/busybox-daemon.ts';
import { run, type RunResult } from '../testing/run.ts';

const skip = requires('docker', ...RUNS_CONTAINERS);
const a = useBusyboxDaemon({ skip });
const b = useBusyboxDaemon({ skip });

const AUTHOR = 'Ann Example <ann@example.com>';
const DOCKERFILE = [
  'FROM busybox',
  `MAINTAINER ${AUTHOR}`,
  'ARG V=1',
  'ENV E=e',
  'WORKDIR /app',
  'COPY data.txt ./',
  'RUN echo step-ran-$V && cp data.txt copy-$V.txt',
  'CMD ["sh", "-c", "cat /app/copy-*.txt"]',
].join('\n');
/** Steps after FROM: each one a " ---> Using cache" when it is taken from the cache. */
const STEPS = 7;

/** The docker CLI against a daemon, with the classic builder (the CLI here has no buildx). */
function docker(f: BusyboxDaemon, args: string[]): Promise<RunResult> {
  return run('docker', args, { env: { ...f.env(), DOCKER_BUILDKIT: '0' }, timeoutMs: 120_000 });
}

async function ok(f: BusyboxDaemon, args: string[]): Promise<string> {
  const r = await docker(f, args);
  assert.equal(r.code, 0, `docker ${args.join(' ')}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function context(f: BusyboxDaemon): string {
  const dir = join(f.dir, 'ctx');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
  writeFileSync(join(dir, 'data.txt'), 'the data\n');
  return dir;
}

const usingCache = (out: string) => out.match(/^ ---> Using cache$/gm)?.length ?? 0;
const inspect = (f: BusyboxDaemon, format: string, ref: string) => ok(f, ['inspect', '-f', format, ref]).then((s) => s.trim());

/** Container events of the daemon between two times (seconds since the epoch). */
async function containerEvents(f: BusyboxDaemon, since: number, until: number): Promise<string> {
  return ok(f, ['events', '--since', String(since), '--until', String(until), '--filter', 'type=container', '--format', '{{.Action}} {{.Actor.ID}}']);
}

test('an image saved on one daemon and loaded on a fresh one serves every step of its build there; a changed step is made', { skip }, async () => {
  const built = await ok(a, ['build', '-t', 'app:1', context(a)]);
  assert.match(built, /^step-ran-1$/m);
  const id = await inspect(a, '{{.Id}}', 'app:1');
  assert.equal(await inspect(a, '{{.Author}}', 'app:1'), AUTHOR, 'MAINTAINER is the Author');

  const archive = join(a.dir, 'app.tar');
  await ok(a, ['save', '-o', archive, 'busybox', 'app:1']);
  // Daemon b gets the same busybox as a (as two daemons pulling it would), and the app image.
  await ok(b, ['load', '-i', archive]);
  assert.equal(await inspect(b, '{{.Id}}', 'app:1'), id);

  const ctx = context(b);
  const since = Math.floor(Date.now() / 1000);
  const cached = await ok(b, ['build', '--cache-from', 'app:1', '-t', 'app:2', ctx]);
  const until = Math.ceil(Date.now() / 1000) + 1;
  assert.doesNotMatch(cached, /^step-ran|Running in/m, cached);
  assert.equal(usingCache(cached), STEPS, cached);
  assert.match(cached, new RegExp(`^Successfully built ${id.replace('sha256:', '').slice(0, 12)}$`, 'm'), 'it ends with the image it was given');
  assert.equal(await containerEvents(b, since, until), '', 'no container was made');
  assert.equal(await inspect(b, '{{.Id}}', 'app:2'), id);
  assert.equal(await ok(b, ['run', '--rm', 'app:2']), 'the data\n');

  // The same build once more is served by b's own build cache now (the restores were recorded).
  const again = await ok(b, ['build', '-t', 'app:3', ctx]);
  assert.equal(usingCache(again), STEPS, again);

  // A changed build arg changes the RUN: the steps before it are taken, it and the rest are made.
  const from = Math.floor(Date.now() / 1000);
  const changed = await ok(b, ['build', '--cache-from', 'app:1', '--build-arg', 'V=2', '-t', 'app:4', ctx]);
  assert.match(await containerEvents(b, from, Math.ceil(Date.now() / 1000) + 1), /^create /m, 'its RUN made a container (the events show one)');
  assert.match(changed, /^step-ran-2$/m, changed);
  assert.equal(usingCache(changed), STEPS - 2, changed);
  assert.equal(await ok(b, ['run', '--rm', 'app:4']), 'the data\n', 'the RUN on the restored steps found their files');
  assert.equal(await inspect(b, '{{.Author}}', 'app:4'), AUTHOR, 'the images made after the restored MAINTAINER step have its author too');
});
