// `docker build` (the real CLI, classic builder) against berthd, as the "done when"
// says: a Dockerfile with ARG/ENV/WORKDIR/COPY/RUN/CMD builds step by step and its image runs
// and prints what it should; a rebuild takes every step from the cache and creates no
// container; --no-cache runs everything again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBuildDaemon } from '../testing/build-fixtures/build-daemon.ts';
import { builtId, containerActions, stepImage, stepsOf, withoutNotice } from '../testing/build-fixtures/build-output.ts';

const skip = requires('docker', ...RUNS_CONTAINERS);
const f = useBuildDaemon({ skip });

const DOCKERFILE = [
  'FROM busybox',
  'ARG GREETING=hello',
  'ENV WHO=world',
  'WORKDIR /app',
  'COPY greet.txt ./',
  'RUN echo "building for $GREETING" && echo "$GREETING $WHO" > msg.txt && cat greet.txt >> msg.txt',
  'CMD ["cat", "/app/msg.txt"]',
];
const FILES = { 'Dockerfile': DOCKERFILE.join('\n') + '\n', 'greet.txt': 'from-context\n' };

let firstIds: string[] = [];

test('a Dockerfile with ARG, ENV, WORKDIR, COPY, RUN and CMD builds step by step; its image runs', { skip }, async () => {
  const dir = f.context('basic', FILES);
  const t0 = Date.now();
  const r = await f.docker(['build', '-t', 'basic:v1', dir]);
  const t1 = Date.now();
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.equal(withoutNotice(r.stderr), '');
  const steps = stepsOf(r.stdout);
  assert.deepEqual(steps.map((s) => `Step ${s.n}/${s.total} : ${s.text}`), DOCKERFILE.map((l, i) => `Step ${i + 1}/7 : ${l}`));
  firstIds = steps.map((s) => stepImage(s) ?? '');
  assert.ok(firstIds.every((id) => /^[0-9a-f]{12}$/.test(id)), `every step ends with " ---> <id>":\n${r.stdout}`);
  const run = steps[5]!;
  assert.match(run.lines[0]!, /^ ---> Running in [0-9a-f]{12}$/);
  assert.ok(run.lines.includes('building for hello'), `the RUN's output is shown:\n${run.lines.join('\n')}`);
  assert.match(run.lines.join('\n'), /Removing intermediate container [0-9a-f]{12}\n ---> [0-9a-f]{12}/);
  assert.ok(!steps.some((s) => s.lines.includes(' ---> Using cache')), 'a first build takes nothing from the cache');
  assert.match(r.stdout, /\nSuccessfully built [0-9a-f]{12}\nSuccessfully tagged basic:v1\n$/);
  assert.equal(builtId(r.stdout), firstIds[6]);
  // RUN ran in a container, created and removed (rm is the CLI's default).
  const actions = await containerActions(f, t0, t1);
  assert.ok(actions.includes('create') && actions.includes('destroy'), `container events of the build: ${actions.join(' ')}`);
  assert.equal((await f.docker(['ps', '-aq'])).stdout, '', 'no intermediate container is left');

  const out = await f.docker(['run', '--rm', 'basic:v1']);
  assert.deepEqual([out.code, out.stdout], [0, 'hello world\nfrom-context\n'], out.stderr);
  const inspect = await f.docker(['image', 'inspect', '--format', '{{.Id}} {{.Config.WorkingDir}} {{json .Config.Cmd}} {{json .Config.Env}}', 'basic:v1']);
  const [id, workdir, cmd, env] = inspect.stdout.trim().split(' ');
  assert.equal(id!.slice(7, 19), firstIds[6]);
  assert.deepEqual([workdir, cmd], ['/app', '["cat","/app/msg.txt"]']);
  assert.ok((JSON.parse(env!) as string[]).includes('WHO=world'), env);
  assert.ok(!(JSON.parse(env!) as string[]).some((e) => e.startsWith('GREETING=')), 'an ARG is not kept in the image');
});

test('a rebuild with nothing changed takes every step from the cache and creates no container', { skip }, async () => {
  assert.equal(firstIds.length, 7, 'the first test built the image');
  const dir = f.context('basic', FILES);
  const t0 = Date.now();
  const r = await f.docker(['build', '-t', 'basic:v2', dir]);
  const t1 = Date.now();
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  const steps = stepsOf(r.stdout);
  assert.equal(steps.length, 7, r.stdout);
  for (const s of steps.slice(1)) {
    assert.deepEqual(s.lines.filter(Boolean), [' ---> Using cache', ` ---> ${firstIds[s.n - 1]}`], `step ${s.n} is a cache hit with the first build's image:\n${r.stdout}`);
  }
  assert.ok(!r.stdout.includes('\nbuilding for hello\n'), 'no RUN ran');
  assert.equal(builtId(r.stdout), firstIds[6]);
  assert.match(r.stdout, /Successfully tagged basic:v2\n$/);
  assert.deepEqual(await containerActions(f, t0, t1), [], 'a fully cached build creates no container');
  const same = await f.docker(['image', 'inspect', '--format', '{{.Id}}', 'basic:v1', 'basic:v2']);
  const [a, b] = same.stdout.trim().split('\n');
  assert.equal(a, b, 'both tags name one image');
});

test('a changed COPY source misses the cache from that step on', { skip }, async () => {
  const dir = f.context('basic-changed', { ...FILES, 'greet.txt': 'changed\n' });
  const r = await f.docker(['build', '-t', 'basic:changed', dir]);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  const steps = stepsOf(r.stdout);
  const cached = steps.slice(1).map((s) => s.lines.includes(' ---> Using cache'));
  assert.deepEqual(cached, [true, true, true, false, false, false], r.stdout);
  assert.ok(steps[5]!.lines.includes('building for hello'));
  assert.equal((await f.docker(['run', '--rm', 'basic:changed'])).stdout, 'hello world\nchanged\n');
});

test('--no-cache runs every step again', { skip }, async () => {
  const dir = f.context('basic', FILES);
  const t0 = Date.now();
  const r = await f.docker(['build', '--no-cache', '-t', 'basic:fresh', dir]);
  const t1 = Date.now();
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  const steps = stepsOf(r.stdout);
  assert.equal(steps.length, 7);
  assert.ok(!r.stdout.includes('Using cache'), r.stdout);
  assert.match(steps[5]!.lines[0]!, /^ ---> Running in [0-9a-f]{12}$/);
  assert.ok(steps[5]!.lines.includes('building for hello'));
  assert.notEqual(stepImage(steps[5]!), firstIds[5], 'the RUN made a new layer');
  assert.ok((await containerActions(f, t0, t1)).includes('create'));
  assert.equal((await f.docker(['run', '--rm', 'basic:fresh'])).stdout, 'hello world\nfrom-context\n');
});

test('docker history shows each step as the classic builder records it', { skip }, async () => {
  const r = await f.docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Size}}', 'basic:v1']);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split('\n');
  const expected = [
    /^\/bin\/sh -c #\(nop\)  CMD \["cat" "\/app\/msg\.txt"\]\|0B$/,
    /^\|1 GREETING=hello \/bin\/sh -c echo "building for \$GREETING" && echo "\$GREETING \$WHO" > msg\.txt && cat greet\.txt >> msg\.txt\|\d+B$/,
    /^\/bin\/sh -c #\(nop\) COPY file:[0-9a-f]{64} in \.\/ \|13B$/,
    /^\/bin\/sh -c #\(nop\) WORKDIR \/app\|0B$/,
    /^\/bin\/sh -c #\(nop\)  ENV WHO=world\|0B$/,
    /^\/bin\/sh -c #\(nop\)  ARG GREETING=hello\|0B$/,
  ];
  assert.equal(rows.length, expected.length + 1, r.stdout);
  expected.forEach((re, i) => assert.match(rows[i]!, re));
});
