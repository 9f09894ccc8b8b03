// docker exec against berthd with the real docker CLI: output and exit codes, stdin, the
// process's environment, user and directory, a command that does not exist, a TTY with the
// client's size, detached execs, inspect, events, and nothing left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { PtySession } from '../testing/pty.ts';
import { until } from '../testing/until.ts';

const skip = requires('docker', ...RUNS_CONTAINERS);
const f = useBusyboxDaemon({
  skip,
  importChanges: ['ENV FROM_IMAGE=1'],
  setup: async () => {
    const r = await docker(['run', '-d', '--name', 'box', '-e', 'FROM_RUN=2', 'busybox', 'sleep', '1000']);
    assert.equal(r.code, 0, r.stderr);
  },
});
const docker = (args: string[], input?: string) => f.docker(args, input);
const env = f.env;

test('output on stdout and stderr, and the exit code', { skip }, async () => {
  const hello = await docker(['exec', 'box', 'echo', 'hello']);
  assert.deepEqual([hello.code, hello.stdout], [0, 'hello\n'], hello.stderr);
  const fail = await docker(['exec', 'box', 'sh', '-c', 'echo out; echo err >&2; exit 4']);
  assert.deepEqual([fail.code, fail.stdout, fail.stderr], [4, 'out\n', 'err\n']);
});

test('stdin with -i reaches the process and its end closes it', { skip }, async () => {
  const r = await docker(['exec', '-i', 'box', 'sh', '-c', 'wc -l'], 'a\nb\nc\n');
  assert.deepEqual([r.code, r.stdout.trim()], [0, '3'], r.stderr);
});

test('environment, user and working directory: the container\'s, overridden by the exec\'s', { skip }, async () => {
  const r = await docker(['exec', '-e', 'FROM_RUN=3', '-e', 'OWN=4', '-w', '/tmp', '-u', 'nobody', 'box', 'sh', '-c', 'echo $FROM_IMAGE $FROM_RUN $OWN $(pwd) $(id -u)']);
  assert.deepEqual([r.code, r.stdout], [0, '1 3 4 /tmp 65534\n'], r.stderr);
  const bad = await docker(['exec', '-u', 'nosuchuser', 'box', 'true']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stdout + bad.stderr, /unable to find user nosuchuser: no matching entries in passwd file/);
});

test('a command that does not exist: runc\'s message and 126, as dockerd', { skip }, async () => {
  const r = await docker(['exec', 'box', 'nosuch']);
  assert.equal(r.code, 126);
  assert.match(r.stdout + r.stderr, /OCI runtime exec failed: .*executable file not found in \$PATH/);
});

test('exec -it runs on a terminal of the client\'s size', { skip }, async () => {
  const s = new PtySession('docker exec -it box sh -c "stty size; tty"', { env: env(), rows: 33, cols: 77 });
  await s.expect(/33 77\r?\n/);
  await s.expect(/\/dev\/pts\/\d+/);
  assert.equal(await s.exited, 0, s.output);
});

test('exec -d returns at once and the process runs on', { skip }, async () => {
  const r = await docker(['exec', '-d', 'box', 'sh', '-c', 'sleep 0.5; touch /tmp/detached']);
  assert.equal(r.code, 0, r.stderr);
  await until('the detached exec has made /tmp/detached', async () => (await docker(['exec', 'box', 'test', '-e', '/tmp/detached'])).code === 0, { stepMs: 100 });
});

test('the API: inspect before and after, start twice, resize, errors', { skip }, async () => {
  const api = f.d.client().api;
  const { Id } = await api.json<{ Id: string }>('POST', '/containers/box/exec', { body: { Cmd: ['sh', '-c', 'exit 7'], AttachStdout: true, Tty: false } });
  const before = await api.json<Record<string, any>>('GET', `/exec/${Id}/json`);
  assert.deepEqual([before.Running, before.ExitCode, before.ProcessConfig.entrypoint, before.ProcessConfig.arguments], [false, null, 'sh', ['-c', 'exit 7']]);
  const res = await api.request('POST', `/exec/${Id}/start`, { body: { Detach: true } });
  res.resume();
  let after: Record<string, any> = before;
  await until('the detached exec has an exit code', async () => (after = await api.json<Record<string, any>>('GET', `/exec/${Id}/json`)).ExitCode !== null, { stepMs: 50 });
  assert.deepEqual([after.Running, after.ExitCode], [false, 7]);
  assert.ok(after.Pid > 0);
  await assert.rejects(api.request('POST', `/exec/${Id}/start`, { body: { Detach: true } }), /has already run/);
  await assert.rejects(api.request('POST', `/exec/${Id}/resize`, { query: { h: '10', w: '10' } }), /is not running/);
  await assert.rejects(api.json('GET', '/exec/nope/json'), /No such exec instance: nope/);
  await assert.rejects(api.json('POST', '/containers/box/exec', { body: { Cmd: [] } }), /No exec command specified/);
  const events = await docker(['events', '--since', '1m', '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', 'event=exec_die', '--format', '{{.Actor.Attributes.execID}} {{.Actor.Attributes.exitCode}}']);
  assert.match(events.stdout, new RegExp(`${Id} 7`));
});

test('exec in a stopped container is refused; finished sessions leave no files', { skip }, async () => {
  await docker(['create', '--name', 'stopped', 'busybox', 'true']);
  const r = await docker(['exec', 'stopped', 'true']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /is not running/);
  const execs = join(f.d.dir, 'exec', 'execs');
  await until('no exec session has files left', () => !existsSync(execs) || readdirSync(execs).length === 0, { stepMs: 100 });
  assert.deepEqual(existsSync(execs) ? readdirSync(execs) : [], []);
});
