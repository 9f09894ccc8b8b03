// restart, rename, port, container prune, pause/unpause, update, attach, start -a/-i, run's
// signal proxy and -t, through the built CLI against a real berthd (and the docker CLI to compare).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { BERTH } from '../../testing/berthd-harness.ts';
import { useBusyboxDaemon } from '../../testing/busybox-daemon.ts';
import { berth, run } from '../../testing/run.ts';
import { requires } from '../../testing/requires.ts';
import { portMappings } from './container-manage.ts';

const f = useBusyboxDaemon();
const env = f.env;
const cli = (args: string[], input?: string) => berth(args, { env: env(), ...(input !== undefined && { input }) });

test('restart, rename, port, container prune', async () => {
  assert.equal((await cli(['run', '-d', '--name', 'r1', 'busybox', 'sleep', '100'])).code, 0);
  const pid = async () => (await f.d.client().containers.inspectRaw('r1')).State as unknown as { Pid: number };
  const before = (await pid()).Pid;
  assert.deepEqual(await cli(['restart', '-t', '1', 'r1']), { code: 0, stdout: 'r1\n', stderr: '' });
  assert.notEqual((await pid()).Pid, before);
  const missing = await cli(['restart', '--time', '0', 'nope', 'r1']);
  assert.deepEqual([missing.code, missing.stdout, missing.stderr], [1, 'r1\n', 'Flag --time has been deprecated, use --timeout instead\nError response from daemon: No such container: nope\n']);

  assert.deepEqual(await cli(['container', 'rename', 'r1', 'r2']), { code: 0, stdout: '', stderr: '' });
  assert.equal((await f.d.client().containers.inspectRaw('r2')).Name, '/r2');
  const same = await cli(['rename', 'r2', 'r2']);
  assert.deepEqual([same.code, same.stderr], [1, 'Error response from daemon: Renaming a container with the same name as its current name\nError: failed to rename container named r2\n']);

  // No networking yet: no published ports, and docker's answer for a port that is not published.
  assert.deepEqual(await cli(['port', 'r2']), { code: 0, stdout: '', stderr: '' });
  assert.deepEqual(await cli(['port', 'r2', '80']), { code: 1, stdout: '', stderr: "Error: No public port '80' published for r2\n" });
  assert.equal((await cli(['port', 'r2', 'x'])).stderr, 'Error: invalid port (x): strconv.ParseUint: parsing "x": invalid syntax\n');

  assert.equal((await cli(['create', '--name', 'stopped', 'busybox', 'true'])).code, 0);
  const no = await cli(['container', 'prune'], 'n\n');
  assert.deepEqual(no, { code: 0, stdout: 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ', stderr: '' });
  const id = (await f.d.client().containers.inspectRaw('stopped')).Id;
  const none = await cli(['container', 'prune', '-f', '--filter', 'label=keep']);
  assert.deepEqual(none, { code: 0, stdout: 'Total reclaimed space: 0B\n', stderr: '' });
  const yes = await cli(['container', 'prune'], 'y\n');
  assert.equal(yes.stdout, `WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] Deleted Containers:\n${id}\n\nTotal reclaimed space: 0B\n`);
  assert.deepEqual(await cli(['container', 'prune', '-f']), { code: 0, stdout: 'Total reclaimed space: 0B\n', stderr: '' });
  assert.deepEqual((await cli(['container', 'ls', '--format', '{{.Names}}'])).stdout, 'r2\n');
  await cli(['rm', '-f', 'r2']);
});

test('pause and unpause', async (t) => {
  await cli(['run', '-d', '--name', 'p1', 'busybox', 'sleep', '100']);
  assert.deepEqual(await cli(['pause', 'p1']), { code: 0, stdout: 'p1\n', stderr: '' });
  assert.equal((await f.d.client().containers.inspectRaw('p1')).State.Status, 'paused');
  assert.deepEqual(await cli(['container', 'unpause', 'p1', 'nope']), { code: 1, stdout: 'p1\n', stderr: 'Error response from daemon: No such container: nope\n' });
  assert.equal((await f.d.client().containers.inspectRaw('p1')).State.Status, 'running');
  await cli(['rm', '-f', 'p1']);
});

test('update', async (t) => {
  const none = await cli(['update', 'x']);
  assert.deepEqual([none.code, none.stderr], [1, 'you must provide one or more flags when using this command\n']);
  await cli(['create', '--name', 'u1', 'busybox', 'true']);
  assert.deepEqual(await cli(['update', '--cpus', '1.5', '-m', '64m', '--restart', 'on-failure:3', '--pids-limit', '10', 'u1']), { code: 0, stdout: 'u1\n', stderr: '' });
  const hc = (await f.d.client().containers.inspectRaw('u1')).HostConfig as Record<string, unknown>;
  assert.deepEqual([hc.NanoCpus, hc.Memory, hc.PidsLimit, hc.RestartPolicy], [1_500_000_000, 64 * 1024 * 1024, 10, { Name: 'on-failure', MaximumRetryCount: 3 }]);
  await cli(['rm', 'u1']);
});

test('start -a -i and attach exit with the container\'s code', async () => {
  await cli(['create', '--name', 's1', '-i', 'busybox', 'sh', '-c', 'read x; echo got $x; echo err >&2; exit 4']);
  assert.deepEqual(await cli(['start', '-ai', 's1'], 'hello\n'), { code: 4, stdout: 'got hello\n', stderr: 'err\n' });
  await cli(['create', '--name', 's2', 'busybox', 'sh', '-c', 'echo out; exit 7']);
  assert.deepEqual(await cli(['container', 'start', '-a', 's2']), { code: 7, stdout: 'out\n', stderr: '' });
  const many = await cli(['start', '-a', 's1', 's2']);
  assert.deepEqual([many.code, many.stderr], [1, 'you cannot start and attach multiple containers at once\n']);

  await cli(['run', '-d', '--name', 'a1', '-i', 'busybox', 'sh', '-c', 'read x; echo got $x; exit 6']);
  // Without StdinOnce the input's end ends the session at once (dockerd's rule: stdin stays
  // open for the next client), so the answer may come after it; the exit code is waited for.
  const attached = await cli(['attach', 'a1'], 'via attach\n');
  assert.deepEqual([attached.code, attached.stderr], [6, '']);
  assert.match(attached.stdout, /^(got via attach\n)?$/);
  assert.equal((await cli(['logs', 'a1'])).stdout, 'got via attach\n');
  assert.deepEqual(await cli(['attach', 'a1']), { code: 1, stdout: '', stderr: 'You cannot attach to a stopped container, start it first\n' });
  await cli(['rm', 's1', 's2', 'a1']);
});

test('run forwards signals to the container while attached (--sig-proxy)', async () => {
  const child = spawn(process.execPath, ['--', BERTH, 'run', '--rm', 'busybox', 'sh', '-c', 'trap "echo got INT; exit 3" INT; echo ready; while :; do sleep 0.1; done'], { env: { ...process.env, ...env() } });
  let out = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    if (out === 'ready\n') child.kill('SIGINT');
  });
  // A lost signal would leave the loop running: fail in seconds rather than at the test timeout.
  const overdue = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise((resolve) => child.on('close', resolve));
  clearTimeout(overdue);
  assert.deepEqual([code, out], [3, 'ready\ngot INT\n']);
});

test('run -a picks the streams; -d prints only the id', async () => {
  assert.deepEqual(await cli(['run', '--rm', '-a', 'stderr', 'busybox', 'sh', '-c', 'echo out; echo err >&2']), { code: 0, stdout: '', stderr: 'err\n' });
  const detached = await cli(['run', '-d', '--rm', 'busybox', 'true']);
  assert.match(detached.stdout, /^[0-9a-f]{64}\n$/);
});

test('run -t prints the container\'s terminal output as docker does', { skip: requires('docker', 'script') }, async () => {
  const inPty = (bin: string) => run('script', ['-qec', `${bin} run -t --rm busybox sh -c 'echo hi; tty; exit 5'`, '/dev/null'], { env: env() });
  const [theirs, ours] = [await inPty('docker'), await inPty(`"${process.execPath}" -- "${BERTH}"`)];
  assert.deepEqual([ours.code, ours.stdout], [theirs.code, theirs.stdout]);
  assert.equal(ours.code, 5);
});

test('port lists mappings in docker\'s forms (what NetworkSettings.Ports will hold with networking)', () => {
  const ports = {
    '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }, { HostIp: '::', HostPort: '8080' }],
    '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }],
    '9000/tcp': null,
  };
  assert.deepEqual(portMappings(ports, 'web'), ['53/udp -> 127.0.0.1:5353', '80/tcp -> 0.0.0.0:8080', '80/tcp -> [::]:8080']);
  assert.deepEqual(portMappings(ports, 'web', '80'), ['0.0.0.0:8080', '[::]:8080']);
  assert.deepEqual(portMappings(ports, 'web', '53/udp'), ['127.0.0.1:5353']);
  assert.throws(() => portMappings(ports, 'web', '53'), { message: "Error: No public port '53' published for web" });
  assert.throws(() => portMappings(ports, 'web', '9000'), { message: "Error: No public port '9000' published for web" });
  assert.throws(() => portMappings(ports, 'web', '70000'), { message: 'Error: invalid port (70000): strconv.ParseUint: parsing "70000": value out of range' });
});
