// berth run, ps and rm against a real berthd running busybox on runc.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBusyboxDaemon } from '../../testing/busybox-daemon.ts';
import { berth } from '../../testing/run.ts';
import { until } from '../../testing/until.ts';

const f = useBusyboxDaemon();
const env = f.env;

test('berth run prints the output and exits with the container\'s code', async () => {
  const hello = await berth(['run', '--rm', 'busybox', 'echo', 'hello'], { env: env() });
  assert.equal(hello.stdout, 'hello\n');
  assert.equal(hello.code, 0, hello.stderr);
  const fail = await berth(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 4'], { env: env() });
  assert.deepEqual([fail.code, fail.stdout, fail.stderr], [4, 'out\n', 'err\n']);
  const stdin = await berth(['run', '-i', '--rm', 'busybox', 'cat'], { env: env(), input: 'piped\n' });
  assert.equal(stdin.stdout, 'piped\n');
  // --pull never: a missing image must not send the daemon to Docker Hub.
  const missing = await berth(['run', '--rm', '--pull', 'never', 'nope', 'true'], { env: env() });
  assert.equal(missing.code, 125);
  assert.equal(missing.stderr, "berth: Error response from daemon: No such image: nope:latest\n\nRun 'berth run --help' for more information\n");
});

test('berth run -d, ps, rm -f', async () => {
  const started = await berth(['run', '-d', '--name', 'bg', 'busybox', 'sleep', '100'], { env: env() });
  assert.match(started.stdout.trim(), /^[a-f0-9]{64}$/, started.stderr);
  const ps = await berth(['ps'], { env: env() });
  assert.match(ps.stdout, /^CONTAINER ID {3}IMAGE {5}COMMAND {7}CREATED +STATUS +PORTS +NAMES\n[a-f0-9]{12} {3}busybox {3}"sleep 100" {3}.* ago {3}Up .* {3}bg\n$/);
  const names = await berth(['ps', '-a', '--format', '{{.Names}} {{.State}}'], { env: env() });
  assert.equal(names.stdout, 'bg running\n');
  const rm = await berth(['rm', '-f', 'bg'], { env: env() });
  assert.equal(rm.stdout, 'bg\n', rm.stderr);
  assert.equal((await berth(['ps', '-aq'], { env: env() })).stdout, '');
});

test('berth logs, stop, start, kill, wait', async () => {
  await berth(['run', '-d', '--name', 'svc', 'busybox', 'sh', '-c', 'echo one; echo two >&2; exec sleep 100'], { env: env() });
  let logs = await berth(['logs', 'svc'], { env: env() });
  await until('svc has logged one', async () => (logs = await berth(['logs', 'svc'], { env: env() })).stdout.includes('one'));
  assert.deepEqual([logs.stdout, logs.stderr], ['one\n', 'two\n']);
  const tail = await berth(['logs', '--tail', '1', '-t', 'svc'], { env: env() });
  assert.match(tail.stderr, /^\d{4}-\d\d-\d\dT\S+Z two\n$/);
  assert.equal((await berth(['stop', '-t', '1', 'svc'], { env: env() })).stdout, 'svc\n');
  assert.equal((await berth(['wait', 'svc'], { env: env() })).stdout, '137\n');
  assert.equal((await berth(['start', 'svc'], { env: env() })).stdout, 'svc\n');
  assert.equal((await berth(['kill', '-s', 'KILL', 'svc'], { env: env() })).stdout, 'svc\n');
  assert.equal((await berth(['wait', 'svc'], { env: env() })).stdout, '137\n');
  const missing = await berth(['stop', 'nope'], { env: env() });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No such container: nope/);
  await berth(['rm', 'svc'], { env: env() });
});
