// The build context as clients send it, with the real docker CLI (classic builder): a directory
// with a .dockerignore using `!` exceptions; a tar on stdin (plain, gzip, bzip2, xz; -f naming
// a Dockerfile inside it); a lone Dockerfile on stdin (an empty context).
// The CLI applies .dockerignore itself to a directory; a tar on stdin reaches the daemon as
// it is, where dockerd 20.10's classic builder only drops the Dockerfile and .dockerignore and
// berthd applies all of .dockerignore (the issue) — checked when not against dockerd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBuildDaemon } from '../testing/build-fixtures/build-daemon.ts';
import { withoutNotice } from '../testing/build-fixtures/build-output.ts';

const skip = requires('docker', 'tar', ...RUNS_CONTAINERS);
const f = useBuildDaemon({ skip });

const IGNORED_TREE = {
  'Dockerfile': 'FROM busybox\nCOPY . /ctx\nRUN find /ctx | sort\n',
  '.dockerignore': '# comment\n*.env\nlogs/\n!logs/keep.log\n**/*.tmp\nDockerfile\n.dockerignore\n',
  'logs/a.log': 'a\n',
  'logs/keep.log': 'keep\n',
  'src/main.txt': 'main\n',
  'src/deep/x.tmp': 'tmp\n',
  'secret.env': 'secret\n',
};
const KEPT = ['/ctx', '/ctx/logs', '/ctx/logs/keep.log', '/ctx/src', '/ctx/src/deep', '/ctx/src/main.txt'];

/** The lines a build's RUN printed that are paths under /ctx. */
const listed = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('/ctx'));

const tarOf = (dir: string, flag: string, paths = ['.']) => execFileSync('tar', [`-c${flag}f`, '-', '-C', dir, ...paths]);

test('.dockerignore with ! exceptions keeps files out of a directory context', { skip }, async () => {
  const dir = f.context('ignored', IGNORED_TREE);
  const r = await f.docker(['build', '--no-cache', dir]);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.deepEqual(listed(r.stdout), KEPT);
});

test('.dockerignore inside a tar on stdin is applied by the daemon', { skip }, async () => {
  const dir = f.context('ignored', IGNORED_TREE);
  const r = await f.docker(['build', '--no-cache', '-'], { input: tarOf(dir, '') });
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  const got = listed(r.stdout);
  assert.ok(!got.includes('/ctx/Dockerfile') && !got.includes('/ctx/.dockerignore'), 'the Dockerfile and .dockerignore, ignored, are not copied');
  if (!f.dockerd) assert.deepEqual(got, KEPT);
});

test('a tar context on stdin, plain and compressed, with -f naming a Dockerfile inside it', { skip }, async () => {
  const dir = f.context('stdin-tar', {
    'Dockerfile': 'FROM busybox\nCOPY f.txt /f.txt\nRUN cat /f.txt\n',
    'sub/Other.dockerfile': 'FROM busybox\nCOPY f.txt /g.txt\nRUN echo "other: $(cat /g.txt)"\n',
    'f.txt': 'from-the-tar\n',
  });
  for (const flag of ['', 'z', 'j', 'J']) {
    const r = await f.docker(['build', '--no-cache', '-t', `stdin-tar:${flag || 'plain'}`, '-'], { input: tarOf(dir, flag) });
    assert.equal(r.code, 0, `tar -c${flag}: ${r.stdout}\n${r.stderr}`);
    assert.ok(r.stdout.split('\n').includes('from-the-tar'), `tar -c${flag}: ${r.stdout}`);
  }
  const other = await f.docker(['build', '--no-cache', '-f', 'sub/Other.dockerfile', '-'], { input: tarOf(dir, '') });
  assert.equal(other.code, 0, `${other.stdout}\n${other.stderr}`);
  assert.ok(other.stdout.split('\n').includes('other: from-the-tar'), other.stdout);
  const none = await f.docker(['build', '-'], { input: tarOf(dir, '', ['f.txt']) });
  assert.notEqual(none.code, 0);
  assert.match(withoutNotice(none.stderr), /Cannot locate specified Dockerfile: Dockerfile/);
});

test('a Dockerfile on stdin builds with an empty context', { skip }, async () => {
  const r = await f.docker(['build', '-t', 'stdin-df:v1', '-'], { input: 'FROM busybox\nRUN echo from-stdin-dockerfile\nCMD ["echo", "stdin-image"]\n' });
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.ok(r.stdout.split('\n').includes('from-stdin-dockerfile'), r.stdout);
  assert.match(r.stdout, /Successfully tagged stdin-df:v1\n$/);
  assert.equal((await f.docker(['run', '--rm', 'stdin-df:v1'])).stdout, 'stdin-image\n');
  const copy = await f.docker(['build', '-'], { input: 'FROM busybox\nCOPY f /f\n' });
  assert.notEqual(copy.code, 0);
  assert.match(withoutNotice(copy.stderr), /file not found in build context or excluded by \.dockerignore: .*\bf\b/);
});
