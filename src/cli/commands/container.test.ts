// berth run, ps and rm against a real berthd running busybox on runc.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBusyboxDaemon } from '../../testing/busybox-daemon.ts';
import { berth, run } from '../../testing/run.ts';
import { BERTH } from '../../testing/berthd-harness.ts';
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

test('berth ps -n, -l, -s and the docker CLI\'s other fields (CreatedAt, Size, Mounts, LocalVolumes), as docker ps prints them', async () => {
  for (const name of ['first', 'second', 'third']) assert.equal((await berth(['create', '--name', name, '-v', `${name}-vol:/data`, 'busybox', 'true'], { env: env() })).code, 0);
  // The CREATED column ages between the two runs: its words, and the padding they set, left out.
  const steady = (text: string) => text.replace(/(Less than a second|\d+ seconds?|About a minute) ago/g, 'AGO').replace(/ {2,}/g, '  ');
  const docker = (args: string[]) => f.docker(args).then((r) => [r.code, steady(r.stdout), r.stderr]);
  const same = async (args: string[]) => {
    const ours = await berth(args, { env: env() });
    assert.deepEqual([ours.code, steady(ours.stdout), ours.stderr.replaceAll('berth', 'docker')], await docker(args), args.join(' '));
  };
  await same(['ps', '-n', '2', '--format', '{{.Names}}']);
  await same(['ps', '-l', '--format', '{{.Names}}']);
  await same(['ps', '-a', '-s']);
  await same(['ps', '-a', '--format', '{{.Size}}|{{.CreatedAt}}|{{.Mounts}}|{{.LocalVolumes}}']);
  await same(['ps', '-a', '--format', 'json']);
  await same(['ps', '-n', 'abc']);
  assert.equal((await berth(['rm', '-v', 'first', 'second', 'third'], { env: env() })).code, 0);
  for (const name of ['first', 'second', 'third']) await berth(['volume', 'rm', `${name}-vol`], { env: env() });
});

test('a reader that went away (berth ps | head) ends berth quietly with a SIGPIPE status, as the docker CLI ends', async () => {
  // The reader closes its end before berth writes: every write then fails with EPIPE.
  const pipeline = (cmd: string) => run('bash', ['-c', `(sleep 0.5; ${cmd}) | (exec 0<&-; exit 0); echo "status \${PIPESTATUS[0]}" >&2`], { env: env() });
  for (const args of [['ps', '-a'], ['ps', '-a', '--format', 'table {{.Names}}'], ['version'], ['images'], ['--help']]) {
    const r = await pipeline(`${JSON.stringify(process.execPath)} -- ${JSON.stringify(BERTH)} ${args.map((a) => `'${a}'`).join(' ')}`);
    assert.equal(r.stderr, 'status 141\n', args.join(' '));
  }
});
