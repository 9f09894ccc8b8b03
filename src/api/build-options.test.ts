// `docker build` options with the real CLI (classic builder): -q and --iidfile, --build-arg
// (and the warning for one no ARG consumed), -f with a Dockerfile of another name, --label,
// several -t.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBuildDaemon } from '../testing/build-fixtures/build-daemon.ts';
import { stepsOf, withoutNotice } from '../testing/build-fixtures/build-output.ts';

const skip = requires('docker', ...RUNS_CONTAINERS);
const f = useBuildDaemon({ skip });

const inspect = async (format: string, ref: string) => (await f.docker(['image', 'inspect', '--format', format, ref])).stdout.trim();

test('-q prints only the image id, --iidfile writes it', { skip }, async () => {
  const dir = f.context('quiet', { Dockerfile: 'FROM busybox\nRUN echo quiet-run-output\nLABEL step=two\n' });
  const iidfile = join(f.dir(), 'iid');
  const r = await f.docker(['build', '-q', '--iidfile', iidfile, '-t', 'quiet:v1', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^sha256:[0-9a-f]{64}\n$/);
  assert.equal(withoutNotice(r.stderr), '');
  const id = r.stdout.trim();
  // (with -q the CLI writes the id as the stream gave it, newline and all)
  assert.equal(readFileSync(iidfile, 'utf8').trim(), id);
  assert.equal(await inspect('{{.Id}}', 'quiet:v1'), id);
  // Again, from the cache: the same id, still nothing else printed.
  const again = await f.docker(['build', '-q', dir]);
  assert.equal(again.stdout, `${id}\n`);
});

test('-q on a failing build still shows what failed', { skip }, async () => {
  const dir = f.context('quiet-fail', { Dockerfile: 'FROM busybox\nRUN echo shown-on-failure && exit 5\n' });
  const r = await f.docker(['build', '-q', '-t', 'quiet:fail', dir]);
  assert.equal(r.code, 5, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout + r.stderr, /shown-on-failure/);
  assert.match(r.stderr, /returned a non-zero code: 5/);
});

test('--build-arg sets ARGs; one no ARG consumed is warned about', { skip }, async () => {
  const dir = f.context('args', {
    Dockerfile: 'FROM busybox\nARG USED=default\nARG DEFAULTED=kept-default\nENV FROM_ARG=$USED\nRUN echo "used=$USED defaulted=$DEFAULTED"\n',
  });
  const r = await f.docker(['build', '--build-arg', 'USED=given', '--build-arg', 'UNUSED=x', '-t', 'args:v1', dir]);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.ok(r.stdout.split('\n').includes('used=given defaulted=kept-default'), r.stdout);
  assert.match(r.stdout, /^\[Warning\] One or more build-args \[UNUSED\] were not consumed$/m);
  assert.ok((JSON.parse(await inspect('{{json .Config.Env}}', 'args:v1')) as string[]).includes('FROM_ARG=given'));
  // A different value is a different RUN: no cache hit for it (the classic builder's rule).
  const other = await f.docker(['build', '--build-arg', 'USED=other', '-t', 'args:v2', dir]);
  assert.equal(other.code, 0, other.stderr);
  const run = stepsOf(other.stdout).find((s) => s.text.startsWith('RUN'))!;
  assert.ok(!run.lines.includes(' ---> Using cache') && run.lines.includes('used=other defaulted=kept-default'), other.stdout);
  assert.doesNotMatch(other.stdout, /\[Warning\]/);
  // The same value again: every step from the cache.
  const same = await f.docker(['build', '--build-arg', 'USED=given', dir]);
  assert.ok(stepsOf(same.stdout).slice(1).every((s) => s.lines.includes(' ---> Using cache')), same.stdout);
});

test('-f names another Dockerfile; --label and several -t apply to the image', { skip }, async () => {
  const dir = f.context('custom', { 'build/app.dockerfile': 'FROM busybox\nLABEL from=dockerfile\nCMD ["echo", "custom-dockerfile"]\n', Dockerfile: 'FROM busybox\nRUN exit 9\n' });
  const r = await f.docker(['build', '-f', join(dir, 'build/app.dockerfile'), '--label', 'extra=from-cli', '-t', 'custom:a', '-t', 'custom:b', dir]);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /Successfully tagged custom:a\nSuccessfully tagged custom:b\n$/);
  assert.equal(await inspect('{{.Id}}', 'custom:a'), await inspect('{{.Id}}', 'custom:b'));
  assert.deepEqual(JSON.parse(await inspect('{{json .Config.Labels}}', 'custom:a')), { from: 'dockerfile', extra: 'from-cli' });
  assert.equal((await f.docker(['run', '--rm', 'custom:b'])).stdout, 'custom-dockerfile\n');
});
