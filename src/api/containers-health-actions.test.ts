// HostConfig.HealthOnFailure (berth's extension, set through the API since the docker CLI has no
// flag for it): restart, stop and kill an unhealthy container. And State.Health across a berthd
// restart: kept in the store, monitoring resumed for re-adopted containers, and a container that
// ended while berthd was down reads as unhealthy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Berthd } from '../testing/berthd-harness.ts';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { until } from '../testing/until.ts';

const skip = requires('docker', ...RUNS_CONTAINERS);
const f = useBusyboxDaemon({ skip });
const docker = (...args: string[]) => f.docker(args);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const POLL = { stepMs: 100 };
const inspect = async (name: string, format: string) => (await docker('inspect', '--format', format, name)).stdout.trim();

/** A container whose check fails until /tmp/ok exists, doing `action` when it turns unhealthy. */
async function createFailing(name: string, action: string): Promise<void> {
  const body = {
    Image: 'busybox', Cmd: ['sleep', '1000'], StopSignal: 'KILL',
    Healthcheck: { Test: ['CMD-SHELL', 'test -e /tmp/ok'], Interval: 100e6, Retries: 1 },
    HostConfig: { HealthOnFailure: action },
  };
  await f.d.client().api.json('POST', '/containers/create', { query: { name }, body });
  assert.equal((await docker('start', name)).code, 0);
}

test('restart: an unhealthy container is restarted until its check passes', { skip }, async () => {
  await createFailing('phoenix', 'restart');
  assert.equal(await inspect('phoenix', '{{.HostConfig.HealthOnFailure}}'), 'restart');
  const first = await inspect('phoenix', '{{.State.StartedAt}}');
  await until('it was restarted', async () => (await inspect('phoenix', '{{.State.StartedAt}}')) !== first, POLL);
  // The writable layer outlives restarts: once the file is there the check passes for good.
  await until('the file is made', async () => (await docker('exec', 'phoenix', 'touch', '/tmp/ok')).code === 0, POLL);
  await until('it is healthy', async () => (await inspect('phoenix', '{{.State.Health.Status}}')) === 'healthy', POLL);
  const settled = await inspect('phoenix', '{{.State.StartedAt}}');
  await sleep(500);
  assert.equal(await inspect('phoenix', '{{.State.StartedAt}} {{.State.Status}}'), `${settled} running`);
  const events = await docker('events', '--since', '1m', '--until', (Date.now() / 1000).toFixed(3), '--filter', 'container=phoenix', '--filter', 'event=restart', '--format', '{{.Action}}');
  assert.match(events.stdout, /^restart$/m);
});

test('stop stops it; kill SIGKILLs it', { skip }, async () => {
  await createFailing('stopper', 'stop');
  await createFailing('killer', 'kill');
  await until('stopper stopped', async () => (await inspect('stopper', '{{.State.Status}}')) === 'exited', POLL);
  await until('killer killed', async () => (await inspect('killer', '{{.State.Status}} {{.State.ExitCode}}')) === 'exited 137', POLL);
  assert.equal(await inspect('stopper', '{{.State.Health.Status}}'), 'unhealthy');
  const events = await docker('events', '--since', '1m', '--until', (Date.now() / 1000).toFixed(3), '--filter', 'container=killer', '--filter', 'event=kill', '--format', '{{.Actor.Attributes.signal}}');
  assert.match(events.stdout, /^9$/m);
  // No action: the container runs on, unhealthy.
  await createFailing('patient', 'none');
  await until('patient unhealthy', async () => (await inspect('patient', '{{.State.Health.Status}}')) === 'unhealthy', POLL);
  await sleep(300);
  assert.equal(await inspect('patient', '{{.State.Status}}'), 'running');
});

test('State.Health survives a berthd restart; monitoring resumes; an end while down reads unhealthy', { skip }, async () => {
  assert.equal((await docker('run', '-d', '--name', 'keep', '--health-cmd', 'true', '--health-interval', '100ms', 'busybox', 'sleep', '1000')).code, 0);
  assert.equal((await docker('run', '-d', '--name', 'brief', '--health-cmd', 'true', '--health-interval', '100ms', 'busybox', 'sleep', '2')).code, 0);
  await until('both healthy', async () => (await inspect('keep', '{{.State.Health.Status}}')) === 'healthy' && (await inspect('brief', '{{.State.Health.Status}}')) === 'healthy', POLL);
  const logBefore = JSON.parse(await inspect('keep', '{{json .State.Health.Log}}')) as { Start: string }[];
  await f.d.kill();
  await sleep(2_500); // brief ends meanwhile
  const restartedAt = Date.now();
  f.d = await new Berthd({ dir: f.d.dir }).start();
  const resumed = JSON.parse(await inspect('keep', '{{json .State.Health}}')) as { Status: string; Log: { Start: string }[] };
  assert.ok(['starting', 'healthy'].includes(resumed.Status), resumed.Status);
  assert.ok(resumed.Log.some((e) => e.Start === logBefore.at(-1)!.Start), 'the probe log was kept');
  await until('probes run again', async () => {
    const log = JSON.parse(await inspect('keep', '{{json .State.Health.Log}}')) as { Start: string }[];
    return Date.parse(log.at(-1)!.Start) > restartedAt;
  });
  assert.equal(await inspect('keep', '{{.State.Health.Status}}'), 'healthy');
  assert.equal(await inspect('brief', '{{.State.Status}} {{.State.Health.Status}}'), 'exited unhealthy');
});
