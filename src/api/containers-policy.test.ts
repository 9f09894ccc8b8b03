// Pause/unpause, restart policies (with back-off, stop cancelling, the daemon starting what a
// policy says), update of limits and policy, and a daemon without live-restore stopping its
// containers at SIGTERM — all through the real docker CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Berthd } from '../testing/berthd-harness.ts';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { until } from '../testing/until.ts';

const skip = requires('docker', ...RUNS_CONTAINERS);
const f = useBusyboxDaemon({ skip });
const docker = f.docker;
const state = async (name: string, format = '{{.State.Status}}') => (await docker(['inspect', '-f', format, name])).stdout.trim();

test('pause freezes and unpause thaws; wrong states are refused as dockerd does', { skip }, async () => {
  await docker(['run', '-d', '--name', 'frozen', 'busybox', 'sh', '-c', 'while true; do date +%s%N > /tmp/t; sleep 0.05; done']);
  assert.equal((await docker(['pause', 'frozen'])).code, 0);
  assert.equal(await state('frozen'), 'paused');
  assert.match((await docker(['ps', '--format', '{{.Status}}', '--filter', 'name=frozen'])).stdout, /\(Paused\)/);
  const id = await state('frozen', '{{.Id}}');
  const freezer = readFileSync(`/sys/fs/cgroup/freezer/berth/${id}/freezer.state`, 'utf8').trim();
  assert.equal(freezer, 'FROZEN');
  assert.match((await docker(['pause', 'frozen'])).stderr, new RegExp(`Container ${id} is already paused`));
  assert.match((await docker(['exec', 'frozen', 'true'])).stderr, /is paused, unpause the container before exec/);
  assert.equal((await docker(['unpause', 'frozen'])).code, 0);
  assert.equal(await state('frozen'), 'running');
  assert.match((await docker(['unpause', 'frozen'])).stderr, new RegExp(`Container ${id} is not paused`));
  // A paused container can still be stopped: the signal lands once it is thawed.
  assert.equal((await docker(['pause', 'frozen'])).code, 0);
  assert.equal((await docker(['stop', '-t', '1', 'frozen'])).code, 0);
  assert.equal(await state('frozen'), 'exited');
  const events = await docker(['events', '--since', '1m', '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', 'container=frozen', '--filter', 'event=pause', '--filter', 'event=unpause', '--format', '{{.Action}}']);
  assert.deepEqual(events.stdout.trim().split('\n'), ['pause', 'unpause', 'pause']);
});

test('on-failure:N restarts N times, then the container stays exited', { skip }, async () => {
  await docker(['run', '-d', '--name', 'flaky', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'exit 3']);
  await until('flaky has restarted twice and stays exited', async () => (await state('flaky', '{{.RestartCount}} {{.State.Status}}')) === '2 exited', { stepMs: 100 });
  await new Promise((r) => setTimeout(r, 800)); // and no third time
  assert.equal(await state('flaky', '{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}'), '2 exited 3');
  await docker(['run', '-d', '--name', 'fine', '--restart', 'on-failure', 'busybox', 'true']);
  await until('fine has exited', async () => (await state('fine')) === 'exited', { stepMs: 100 });
  assert.equal(await state('fine', '{{.RestartCount}}'), '0');
});

test('always restarts with back-off until stopped; stop during the back-off cancels it', { skip }, async () => {
  await docker(['run', '-d', '--name', 'looper', '--restart', 'always', 'busybox', 'true']);
  await until('looper has restarted three times', async () => Number(await state('looper', '{{.RestartCount}}')) >= 3, { stepMs: 100 });
  // Back-off doubles from 100 ms: a second brings a handful of restarts, not hundreds.
  await new Promise((r) => setTimeout(r, 1000));
  assert.ok(Number(await state('looper', '{{.RestartCount}}')) < 12);
  assert.equal((await docker(['stop', 'looper'])).code, 0);
  assert.equal(await state('looper'), 'exited');
  const count = await state('looper', '{{.RestartCount}}');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(await state('looper', '{{.RestartCount}} {{.State.Status}}'), `${count} exited`);
});

test('--restart with --rm is refused; a bad policy gets dockerd\'s message', { skip }, async () => {
  const api = f.d.client().api;
  await assert.rejects(api.json('POST', '/containers/create', { body: { Image: 'busybox', HostConfig: { AutoRemove: true, RestartPolicy: { Name: 'always' } } } }), /can't create 'AutoRemove' container with restart policy/);
  const bad = await docker(['create', '--restart', 'always:3', 'busybox']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /maximum retry count can only be used with 'on-failure'/);
});

test('update changes the limits of a running container and its restart policy', { skip }, async () => {
  await docker(['run', '-d', '--name', 'limited', '--memory', '32m', 'busybox', 'sleep', '1000']);
  const id = await state('limited', '{{.Id}}');
  const r = await docker(['update', '--memory', '64m', '--pids-limit', '50', '--restart', 'unless-stopped', 'limited']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(`/sys/fs/cgroup/memory/berth/${id}/memory.limit_in_bytes`, 'utf8').trim(), String(64 * 1024 * 1024));
  assert.equal(readFileSync(`/sys/fs/cgroup/pids/berth/${id}/pids.max`, 'utf8').trim(), '50');
  assert.equal(await state('limited', '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}} {{.HostConfig.RestartPolicy.Name}}'), `${64 * 1024 * 1024} 50 unless-stopped`);
  assert.match((await docker(['update', '--memory', '1m', 'limited'])).stderr, /Minimum memory limit allowed is 6MB/);
});

test('daemon start runs what the policies say; without live-restore SIGTERM stops containers first', { skip }, async () => {
  await docker(['run', '-d', '--name', 'always-on', '--restart', 'always', '--stop-timeout', '1', 'busybox', 'sleep', '1000']);
  await docker(['run', '-d', '--name', 'user-stopped', '--restart', 'unless-stopped', 'busybox', 'sleep', '1000']);
  await docker(['stop', '-t', '0', 'user-stopped']);
  await docker(['run', '-d', '--name', 'always-stopped', '--restart', 'always', 'busybox', 'sleep', '1000']);
  await docker(['stop', '-t', '0', 'always-stopped']);
  await docker(['run', '-d', '--name', 'plain', '--stop-timeout', '1', 'busybox', 'sleep', '1000']);
  await f.d.stop();
  f.d = await new Berthd({ dir: f.d.dir, daemonJson: { 'live-restore': false } }).start();
  const plainPid = await state('plain', '{{.State.Pid}}');
  await f.d.stop(); // SIGTERM: without live-restore the daemon stops its containers first
  assert.throws(() => process.kill(Number(plainPid), 0), 'the container process is gone');
  f.d = await new Berthd({ dir: f.d.dir }).start();
  assert.equal(await state('plain', '{{.State.Status}} {{.State.ExitCode}}'), 'exited 137');
  assert.equal(await state('always-on'), 'running');
  assert.equal(await state('user-stopped'), 'exited');
  assert.equal(await state('always-stopped'), 'running', 'always: a daemon restart starts it even after a manual stop');
});

test('a container killed for memory says OOMKilled, with an oom event before die', { skip }, async () => {
  const r = await docker(['run', '--name', 'hungry', '--memory', '8m', '--memory-swap', '8m', 'busybox', 'sh', '-c', 'x=$(head -c 50000000 /dev/zero | tr "\\0" a); echo survived']);
  assert.equal(r.code, 137, r.stderr);
  assert.equal(await state('hungry', '{{.State.OOMKilled}} {{.State.ExitCode}}'), 'true 137');
  const events = await docker(['events', '--since', '1m', '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', 'container=hungry', '--format', '{{.Action}}']);
  assert.match(events.stdout, /oom\ndie\n/);
  // The next run, with room enough, starts clean.
  await docker(['update', '--memory', '512m', '--memory-swap', '512m', 'hungry']);
  await docker(['start', '-a', 'hungry']);
  assert.equal(await state('hungry', '{{.State.OOMKilled}} {{.State.ExitCode}}'), 'false 0');
});
