// berth run, ps and rm against a real berthd running busybox on runc.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBerthd, type Berthd } from '../../testing/berthd-harness.ts';
import { busyboxRootfs } from '../../testing/busybox.ts';
import { importImage } from '../../testing/api.ts';
import { berth } from '../../testing/run.ts';

let d: Berthd;
const env = () => ({ DOCKER_HOST: d.host, DOCKER_CONFIG: `${d.dir}/client` });

before(async () => {
  d = await startBerthd();
  await importImage(d.client().api, busyboxRootfs(), { repo: 'busybox', tag: 'latest' });
});
after(() => d?.cleanup());

test('berth run prints the output and exits with the container\'s code', async () => {
  const hello = await berth(['run', '--rm', 'busybox', 'echo', 'hello'], { env: env() });
  assert.equal(hello.stdout, 'hello\n');
  assert.equal(hello.code, 0, hello.stderr);
  const fail = await berth(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 4'], { env: env() });
  assert.deepEqual([fail.code, fail.stdout, fail.stderr], [4, 'out\n', 'err\n']);
  const stdin = await berth(['run', '-i', '--rm', 'busybox', 'cat'], { env: env(), input: 'piped\n' });
  assert.equal(stdin.stdout, 'piped\n');
  const missing = await berth(['run', '--rm', 'nope', 'true'], { env: env() });
  assert.equal(missing.code, 125);
  assert.match(missing.stderr, /No such image: nope/);
});

test('berth run -d, ps, rm -f', async () => {
  const started = await berth(['run', '-d', '--name', 'bg', 'busybox', 'sleep', '100'], { env: env() });
  assert.match(started.stdout.trim(), /^[a-f0-9]{64}$/, started.stderr);
  const ps = await berth(['ps'], { env: env() });
  assert.match(ps.stdout, /^CONTAINER ID {3}IMAGE {5}COMMAND {7}CREATED {18}STATUS {18}PORTS {5}NAMES\n[a-f0-9]{12} {3}busybox {3}"sleep 100" {3}/);
  const names = await berth(['ps', '-a', '--format', '{{.Names}} {{.State}}'], { env: env() });
  assert.equal(names.stdout, 'bg running\n');
  const rm = await berth(['rm', '-f', 'bg'], { env: env() });
  assert.equal(rm.stdout, 'bg\n', rm.stderr);
  assert.equal((await berth(['ps', '-aq'], { env: env() })).stdout, '');
});
