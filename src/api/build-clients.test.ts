// POST /build as the other clients use it: docker-py's `client.images.build(...)` (Debian's
// python3-docker: it reads the image id from the stream and raises BuildError on an
// errorDetail) and docker-compose 1.29's `build:` section (through docker-py, with args and a
// Dockerfile of another name).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBuildDaemon } from '../testing/build-fixtures/build-daemon.ts';
import { run } from '../testing/run.ts';

const PYTHON = '/usr/bin/python3';
const skip = requires('docker', 'docker-py', 'docker-compose', ...RUNS_CONTAINERS);
const f = useBuildDaemon({ skip });

const SCRIPT = String.raw`
import docker, io, json, sys
c = docker.from_env()
out = {}
img, logs = c.images.build(path=sys.argv[1], tag='py-built:v1', buildargs={'GREETING': 'hey'}, rm=True)
logs = list(logs)
out['tags'] = img.tags
out['id'] = img.id
out['streamed'] = ''.join(l.get('stream', '') for l in logs)
out['aux'] = [l['aux'] for l in logs if 'aux' in l]
out['run'] = c.containers.run('py-built:v1', remove=True).decode()
try:
    c.images.build(fileobj=io.BytesIO(b'FROM busybox\nRUN echo py-failing && exit 4\n'), tag='py-bad', rm=True)
    out['error'] = None
except docker.errors.BuildError as e:
    out['error'] = e.msg
    out['error_log'] = ''.join(l.get('stream', '') for l in e.build_log)
out['bad_tagged'] = len(c.images.list(name='py-bad'))
print(json.dumps(out))
`;

test('docker-py builds a directory with build args and tags it; a failing build raises BuildError', { skip }, async () => {
  const dir = f.context('py', {
    Dockerfile: 'FROM busybox\nARG GREETING=hello\nCOPY greet.txt /greet.txt\nRUN echo "$GREETING from py" > /msg\nCMD ["sh", "-c", "cat /msg /greet.txt"]\n',
    'greet.txt': 'py-context\n',
  });
  const r = await run(PYTHON, ['-c', SCRIPT, dir], { env: { DOCKER_HOST: f.host() }, timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.deepEqual(out.tags, ['py-built:v1']);
  assert.match(out.id as string, /^sha256:[0-9a-f]{64}$/);
  assert.match(out.streamed as string, /^Step 1\/5 : FROM busybox\n/);
  assert.match(out.streamed as string, /Successfully built [0-9a-f]{12}\nSuccessfully tagged py-built:v1\n$/);
  assert.equal(out.run, 'hey from py\npy-context\n');
  assert.match(out.error as string, /The command '\/bin\/sh -c echo py-failing && exit 4' returned a non-zero code: 4/);
  assert.match(out.error_log as string, /py-failing/);
  assert.equal(out.bad_tagged, 0);
  assert.deepEqual(out.aux, [{ ID: out.id }], 'the image id comes in an aux message as well');
});

test('docker-compose build builds a service with args and a Dockerfile of another name', { skip }, async () => {
  const dir = f.context('compose', {
    'docker-compose.yml': `version: "3.8"
services:
  app:
    build:
      context: ./app
      dockerfile: Dockerfile.app
      args:
        FLAVOR: mint
    image: compose-app:latest
`,
    'app/Dockerfile.app': 'FROM busybox\nARG FLAVOR\nCOPY hello.txt /hello.txt\nRUN echo "flavor=$FLAVOR" >> /hello.txt\nCMD ["cat", "/hello.txt"]\n',
    'app/hello.txt': 'hello-compose\n',
  });
  // COMPOSE_DOCKER_CLI_BUILD=0: compose's own builder (docker-py), not a `docker build` it runs.
  const compose = (args: string[]) => run('docker-compose', ['-p', 'bproj', ...args], { env: { ...f.env(), COMPOSE_INTERACTIVE_NO_CLI: '1', COMPOSE_DOCKER_CLI_BUILD: '0' }, timeoutMs: 120_000, cwd: dir });
  const build = await compose(['build']);
  assert.equal(build.code, 0, `${build.stdout}\n${build.stderr}`);
  assert.match(build.stdout, /Successfully tagged compose-app:latest/);
  const out = await f.docker(['run', '--rm', 'compose-app']);
  assert.deepEqual([out.code, out.stdout], [0, 'hello-compose\nflavor=mint\n'], out.stderr);
  // Again: every step from the cache.
  const again = await compose(['build']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal((again.stdout.match(/ ---> Using cache/g) ?? []).length, 4, again.stdout);
});
