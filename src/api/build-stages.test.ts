// Multi-stage builds with the real docker CLI (classic builder): COPY --from a stage by name,
// by index and from an image; --target; and (berthd, beyond dockerd 20.10's classic builder,
// which builds every stage up to the target) stages the target does not need are not built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBuildDaemon } from '../testing/build-fixtures/build-daemon.ts';
import { builtId, stepsOf } from '../testing/build-fixtures/build-output.ts';

const skip = requires('docker', ...RUNS_CONTAINERS);
const f = useBuildDaemon({ skip });

const DOCKERFILE = `FROM busybox AS builder
RUN echo builder-stage-ran && mkdir /out && echo built-in-stage-one > /out/artifact
FROM busybox AS unused
RUN echo unused-stage-ran && touch /unused
FROM busybox AS other
RUN echo other-stage-ran && echo other > /other
FROM builder AS derived
RUN echo derived-stage-ran && echo derived >> /out/artifact
FROM busybox
COPY --from=derived /out/artifact /artifact
COPY --from=0 /out /out-by-index
COPY --from=busybox /bin/busybox /copied-from-image
CMD ["cat", "/artifact"]
`;

const lines = (stdout: string) => stdout.split('\n');

test('a multi-stage build copies from stages by name and index and from an image', { skip }, async () => {
  const dir = f.context('stages', { Dockerfile: DOCKERFILE });
  const r = await f.docker(['build', '-t', 'stages:all', dir]);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.ok(lines(r.stdout).includes('builder-stage-ran'), r.stdout);
  assert.ok(lines(r.stdout).includes('derived-stage-ran'), r.stdout);
  const last = stepsOf(r.stdout).at(-1)!;
  assert.equal(last.text, 'CMD ["cat", "/artifact"]');
  assert.equal(last.n, last.total);
  if (!f.dockerd) {
    assert.ok(!lines(r.stdout).includes('unused-stage-ran'), `a stage nothing needs is not built:\n${r.stdout}`);
    assert.ok(!lines(r.stdout).includes('other-stage-ran'), `a stage nothing needs is not built:\n${r.stdout}`);
  }
  const out = await f.docker(['run', '--rm', 'stages:all']);
  assert.deepEqual([out.code, out.stdout], [0, 'built-in-stage-one\nderived\n'], out.stderr);
  const ls = await f.docker(['run', '--rm', 'stages:all', 'sh', '-c', 'ls /out-by-index; cmp /copied-from-image /bin/busybox && echo same; ls /other /unused 2>&1 || true']);
  assert.equal(ls.code, 0, ls.stderr);
  assert.match(ls.stdout, /^artifact\nsame\n/);
  assert.match(ls.stdout, /\/other: No such file or directory/);
  const id = await f.docker(['image', 'inspect', '--format', '{{.Id}}', 'stages:all']);
  assert.equal(id.stdout.trim().slice(7, 19), builtId(r.stdout));
});

test('--target builds that stage (and what it needs) and tags it', { skip }, async () => {
  const dir = f.context('stages', { Dockerfile: DOCKERFILE });
  const r = await f.docker(['build', '--no-cache', '--target', 'other', '-t', 'stages:other', dir]);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.ok(lines(r.stdout).includes('other-stage-ran'), r.stdout);
  assert.equal(stepsOf(r.stdout).at(-1)!.text, 'RUN echo other-stage-ran && echo other > /other');
  assert.ok(!lines(r.stdout).includes('derived-stage-ran'), 'nothing after the target is built');
  if (!f.dockerd) assert.ok(!lines(r.stdout).includes('builder-stage-ran'), `a stage the target does not need is not built:\n${r.stdout}`);
  const out = await f.docker(['run', '--rm', 'stages:other', 'sh', '-c', 'cat /other; test -e /artifact || echo no-artifact']);
  assert.deepEqual([out.code, out.stdout], [0, 'other\nno-artifact\n'], out.stderr);

  // A stage built FROM another stage: the target pulls in its base stage.
  const derived = await f.docker(['build', '--no-cache', '--target', 'derived', '-t', 'stages:derived', dir]);
  assert.equal(derived.code, 0, `${derived.stdout}\n${derived.stderr}`);
  assert.ok(lines(derived.stdout).includes('builder-stage-ran') && lines(derived.stdout).includes('derived-stage-ran'), derived.stdout);
  const cat = await f.docker(['run', '--rm', 'stages:derived', 'cat', '/out/artifact']);
  assert.equal(cat.stdout, 'built-in-stage-one\nderived\n');
});

test('--target naming no stage fails before anything runs, nothing is tagged', { skip }, async () => {
  const dir = f.context('stages', { Dockerfile: DOCKERFILE });
  const r = await f.docker(['build', '--target', 'nosuch', '-t', 'stages:nosuch', dir]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /failed to reach build target nosuch in Dockerfile/);
  assert.ok(!r.stdout.includes('Running in'), r.stdout);
  assert.notEqual((await f.docker(['image', 'inspect', 'stages:nosuch'])).code, 0);
});
