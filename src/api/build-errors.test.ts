// Builds that fail, with the real docker CLI (classic builder): a failing RUN (its output and
// exit code shown, the build stops, nothing tagged, no container left), an unknown
// instruction, a stage that does not exist, COPY from outside the context or of a missing
// file — each saying what is wrong and on which line of the Dockerfile.
// dockerd 20.10 names the line only for parse errors, and keeps the failed RUN's container
// unless --force-rm; berthd does both always (the issue), checked when not against dockerd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBuildDaemon } from '../testing/build-fixtures/build-daemon.ts';
import { withoutNotice } from '../testing/build-fixtures/build-output.ts';

const skip = requires('docker', ...RUNS_CONTAINERS);
const f = useBuildDaemon({ skip });

/** "Dockerfile:3" (berthd) or "line 3" (dockerd's parse errors). */
const namesLine = (n: number) => new RegExp(`(Dockerfile:${n}\\b|line ${n}\\b)`);

async function failingBuild(name: string, dockerfile: string, files: Record<string, string> = {}) {
  const dir = f.context(name, { Dockerfile: dockerfile, ...files });
  const r = await f.docker(['build', '--no-cache', '-t', `${name}:v1`, dir]);
  assert.notEqual(r.code, 0, `the build fails:\n${r.stdout}`);
  assert.doesNotMatch(r.stdout, /Successfully (built|tagged)/);
  assert.notEqual((await f.docker(['image', 'inspect', `${name}:v1`])).code, 0, 'nothing is tagged');
  return { ...r, error: withoutNotice(r.stderr) };
}

test('a failing RUN shows its output and exit code, stops the build, tags nothing, leaves no container', { skip }, async () => {
  const r = await failingBuild('run-fails', 'FROM busybox\nRUN echo step-two-ran\nRUN echo before-fail && echo to-stderr >&2 && exit 3\nRUN echo never-ran\n');
  assert.equal(r.code, 3, 'the CLI exits with the RUN\'s code');
  const out = r.stdout.split('\n');
  assert.ok(out.includes('step-two-ran') && out.includes('before-fail'), r.stdout);
  assert.match(r.stdout, /to-stderr/, 'the RUN\'s stderr is shown too');
  assert.ok(!out.includes('never-ran') && !r.stdout.includes('Step 4/4'), 'the build stops');
  assert.match(r.error, /The command '\/bin\/sh -c echo before-fail && echo to-stderr >&2 && exit 3' returned a non-zero code: 3/);
  if (!f.dockerd) {
    assert.match(r.error, namesLine(3));
    assert.equal((await f.docker(['ps', '-aq'])).stdout, '', 'the failed RUN\'s container is removed');
  }
});

test('an exec-form RUN of a missing program fails the build with the runtime\'s reason', { skip }, async () => {
  const r = await failingBuild('run-missing', 'FROM busybox\nRUN ["/bin/nonexistent", "arg"]\n');
  assert.match(r.error, /\/bin\/nonexistent/);
  assert.match(r.error, /no such file or directory/i);
  if (!f.dockerd) assert.equal((await f.docker(['ps', '-aq'])).stdout, '');
});

test('an unknown instruction is refused before anything runs, naming its line', { skip }, async () => {
  const r = await failingBuild('unknown-instr', 'FROM busybox\nRUN echo should-not-run\nFROBNICATE the widgets\n');
  assert.match(r.error, /unknown instruction: FROBNICATE/i);
  assert.match(r.error, namesLine(3));
  assert.ok(!r.stdout.includes('Running in'), `no step ran:\n${r.stdout}`);
});

test('an instruction with missing arguments and a Dockerfile without FROM are refused', { skip }, async () => {
  const env = await failingBuild('env-empty', 'FROM busybox\nENV\n');
  assert.match(env.error, /ENV requires at least one argument/);
  assert.match(env.error, namesLine(2));
  const noFrom = await failingBuild('no-from', 'RUN echo hi\n');
  assert.match(noFrom.error, /no build stage in current context|FROM/);
});

test('COPY --from naming no stage (and no valid image) fails, naming the line', { skip }, async () => {
  // Not a valid reference, so no daemon looks for it in a registry (these tests stay offline).
  const r = await failingBuild('missing-stage', 'FROM busybox AS first\nRUN true\nCOPY --from=nosuch! /x /x\n');
  assert.match(r.error, /nosuch!/);
  assert.match(r.error, /invalid reference format/);
  if (!f.dockerd) assert.match(r.error, namesLine(3));
});

test('COPY of a path outside the context fails, naming the line', { skip }, async () => {
  const r = await failingBuild('copy-outside', 'FROM busybox\nCOPY ../x /x\n');
  assert.match(r.error, /forbidden path outside the build context: \.\.\/x/);
  if (!f.dockerd) assert.match(r.error, namesLine(2));
});

test('COPY of a file that is not in the context fails, naming the line', { skip }, async () => {
  const r = await failingBuild('copy-missing', 'FROM busybox\nWORKDIR /w\nCOPY nothere.txt /x\n', { 'here.txt': 'x' });
  assert.match(r.error, /file not found in build context or excluded by \.dockerignore: .*nothere\.txt/);
  if (!f.dockerd) assert.match(r.error, namesLine(3));
});

test('a FROM image that is not there (and is not to be pulled from anywhere) fails the build', { skip }, async () => {
  // A registry on a closed loopback port: the pull is refused at once, the message says so.
  const r = await failingBuild('from-missing', 'FROM 127.0.0.1:9/nosuch/image:1\nRUN echo never\n');
  assert.match(r.error, /127\.0\.0\.1:9/);
  if (!f.dockerd) assert.match(r.error, namesLine(1));
});
