// Running containers through runc behind conmon, driven by the real docker CLI: run with
// output and exit codes, stdin, detached lifecycle, logs, and live-restore across a SIGKILL
// of berthd. Cleanup is checked: no mounts or monitors left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Berthd } from '../testing/berthd-harness.ts';
import { run } from '../testing/run.ts';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { until, within } from '../testing/until.ts';

const skip = requires('docker', ...RUNS_CONTAINERS);
const f = useBusyboxDaemon({ skip });
const docker = f.docker;

test('docker run --rm prints the output and returns the exit code', { skip }, async () => {
  const hello = await docker(['run', '--rm', 'busybox', 'echo', 'hello']);
  assert.equal(hello.code, 0, hello.stderr);
  assert.equal(hello.stdout, 'hello\n');
  const fail = await docker(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
  assert.equal(fail.code, 3, fail.stderr);
  assert.equal(fail.stdout, 'out\n');
  assert.equal(fail.stderr, 'err\n');
  assert.equal((await docker(['ps', '-aq'])).stdout.trim(), '', '--rm removed the containers');
});

test('-u: a user and group of the image, or of a /etc/passwd copied in before the start', { skip }, async () => {
  const named = await docker(['run', '--rm', '-u', 'nobody:nogroup', 'busybox', 'sh', '-c', 'id; echo $HOME']);
  assert.deepEqual([named.code, named.stdout, named.stderr], [0, 'uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\n/home\n', '']);
  assert.equal((await docker(['create', '--name', 'later', '-u', 'later', 'busybox', 'sh', '-c', 'id -u; echo $HOME'])).code, 0);
  const dir = mkdtempSync(join(tmpdir(), 'passwd-'));
  writeFileSync(join(dir, 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nlater:x:4242:4242:later:/srv:/bin/sh\n');
  assert.equal((await docker(['cp', join(dir, 'passwd'), 'later:/etc/passwd'])).code, 0);
  rmSync(dir, { recursive: true });
  assert.deepEqual(await docker(['start', '-a', 'later']), { code: 0, stdout: '4242\n/srv\n', stderr: '' });
  await docker(['rm', 'later']);
});

test('stdin reaches the container with -i', { skip }, async () => {
  const r = await docker(['run', '-i', '--rm', 'busybox', 'sh', '-c', 'cat; echo done'], 'from stdin\n');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'from stdin\ndone\n');
});

test('detached: ps, logs, stop, start, kill, rm -f', { skip }, async () => {
  const started = await docker(['run', '-d', '--name', 'svc', 'busybox', 'sh', '-c', 'echo ready; exec sleep 1000']);
  assert.equal(started.code, 0, started.stderr);
  const ps = await docker(['ps', '--format', '{{.Names}} {{.Status}}']);
  assert.match(ps.stdout, /^svc Up /m);
  await until('svc has logged ready', async () => (await docker(['logs', 'svc'])).stdout.includes('ready'), { stepMs: 50 });
  assert.equal((await docker(['logs', 'svc'])).stdout, 'ready\n');
  const stop = await docker(['stop', '-t', '1', 'svc']);
  assert.equal(stop.stdout.trim(), 'svc', stop.stderr);
  assert.equal((await docker(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', 'svc'])).stdout.trim(), 'exited 137');
  assert.equal((await docker(['start', 'svc'])).code, 0);
  assert.equal((await docker(['kill', 'svc'])).code, 0);
  const wait = await docker(['wait', 'svc']);
  assert.equal(wait.stdout.trim(), '137');
  await docker(['start', 'svc']);
  const rm = await docker(['rm', '-f', 'svc']);
  assert.equal(rm.stdout.trim(), 'svc', rm.stderr);
  const conmons = (await run('pgrep', ['-f', `conmon.*${f.d.dir}`])).stdout.trim();
  assert.equal(conmons, '', 'no monitor is left for removed containers');
});

test('a kill or exec sent while the start is under way waits for it (its process may already print)', { skip }, async () => {
  const containers = f.d.client().containers;
  const { Id } = await containers.create({ Image: 'busybox', Cmd: ['sleep', '1000'] });
  // Changed after the create, so the start cannot use the runc container prepared for it and
  // makes a new one (40 ms or so); its spec, with the new limit, is written first.
  await containers.update(Id, { Memory: 96 * 1024 * 1024 });
  const starting = containers.start(Id);
  const spec = join(f.d.dir, 'exec', 'containers', Id, 'config.json');
  const written = () => existsSync(spec) && readFileSync(spec, 'utf8').includes(String(96 * 1024 * 1024));
  await until('the start has written the spec with the new limit', written, { stepMs: 1 });
  const exec = f.d.client().exec.create(Id, { Cmd: ['true'] });
  await containers.kill(Id, 'KILL');
  await within('the start to return', starting, 30_000);
  assert.match((await within('the exec create to return', exec)).Id, /^[0-9a-f]{64}$/);
  assert.equal(await within('the wait for the killed container', containers.wait(Id, 'not-running')), 137);
  await containers.remove(Id);
});

/** Whether some process has `text` in its command line. */
function runs(text: string): boolean {
  return readdirSync('/proc').some((p) => {
    try {
      return /^\d+$/.test(p) && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(text);
    } catch {
      return false; // ended while we looked
    }
  });
}

test('live-restore: ten containers survive a SIGKILLed berthd with their pids; exits while down are recorded', { skip }, async () => {
  const names = Array.from({ length: 10 }, (_, i) => `keep${i}`);
  for (const n of names) assert.equal((await docker(['run', '-d', '--name', n, 'busybox', 'sleep', '1000'])).code, 0);
  await docker(['run', '-d', '--name', 'short', 'busybox', 'sh', '-c', 'sleep 1; exit 7']);
  const pids = await Promise.all(names.map(async (n) => (await docker(['inspect', '--format', '{{.State.Pid}}', n])).stdout.trim()));
  const shortId = (await docker(['inspect', '--format', '{{.Id}}', 'short'])).stdout.trim();
  await f.d.kill();
  // Its conmon (the id is in its command line) ends once it has recorded the exit.
  await until('short and its monitor end while berthd is down', () => !runs(shortId), { timeoutMs: 15_000 });
  f.d = await new Berthd({ dir: f.d.dir }).start();
  for (const [i, n] of names.entries()) assert.equal((await docker(['inspect', '--format', '{{.State.Status}} {{.State.Pid}}', n])).stdout.trim(), `running ${pids[i]}`);
  assert.equal((await docker(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', 'short'])).stdout.trim(), 'exited 7');
  const stop = await docker(['stop', '-t', '0', ...names]);
  assert.equal(stop.code, 0, stop.stderr);
  for (const n of names) assert.equal((await docker(['inspect', '--format', '{{.State.Status}}', n])).stdout.trim(), 'exited');
});
