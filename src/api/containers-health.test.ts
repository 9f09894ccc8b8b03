// Health checks against berthd with the real docker CLI: starting → unhealthy → healthy, the
// probe log in inspect, docker ps's status and health filter, health_status events, a probe past
// its timeout, output kept to 4 KiB, an image's HEALTHCHECK and --no-healthcheck, and the
// validation texts. Intervals are a few hundred milliseconds so the file stays quick.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { busyboxRootfs } from '../testing/busybox.ts';
import { requires, RUNS_CONTAINERS } from '../testing/requires.ts';
import { useBusyboxDaemon } from '../testing/busybox-daemon.ts';
import { importImage } from '../testing/api.ts';
import { until } from '../testing/until.ts';

const skip = requires('docker', ...RUNS_CONTAINERS);
const f = useBusyboxDaemon({
  skip,
  // A second image whose own HEALTHCHECK the tests see (or switch off).
  setup: async (fx) => {
    await importImage(fx.d.client().api, busyboxRootfs(), { repo: 'checked', tag: 'latest', changes: ['CMD ["sh"]', 'HEALTHCHECK --interval=100ms CMD true'] });
  },
});
const docker = (...args: string[]) => f.docker(args);

interface Health {
  Status: string;
  FailingStreak: number;
  Log: { Start: string; End: string; ExitCode: number; Output: string }[];
}

async function health(name: string): Promise<Health | null> {
  const r = await docker('inspect', '--format', '{{json .State.Health}}', name);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Health | null;
}

/** Polls the container's health until `ok` holds (10 s at most). */
async function healthUntil(name: string, ok: (h: Health) => boolean): Promise<Health> {
  let h: Health | null = null;
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    h = await health(name);
    if (h && ok(h)) return h;
  }
  assert.fail(`health of ${name} never got there: ${JSON.stringify(h)}`);
}

const psStatus = async (name: string) => (await docker('ps', '-a', '--filter', `name=^${name}$`, '--format', '{{.Status}}')).stdout.trim();
const psNames = async (...filters: string[]) => (await docker('ps', '-a', ...filters.flatMap((f) => ['--filter', f]), '--format', '{{.Names}}')).stdout.split('\n').filter(Boolean).sort();

test('a failing check: starting, then unhealthy; passing: healthy — inspect, ps, filter, events', { skip }, async () => {
  const since = String(Math.floor(Date.now() / 1000) - 1);
  // The start period keeps it "starting" for 3 s whatever the machine's load (failures in it do
  // not count); the start interval is the probe interval during it.
  const r = await docker('run', '-d', '--name', 'web', '--health-cmd', 'test -e /tmp/ok', '--health-interval', '200ms', '--health-retries', '2',
    '--health-start-period', '3s', '--health-start-interval', '100ms', 'busybox', 'sleep', '1000');
  assert.equal(r.code, 0, r.stderr);
  assert.match(await psStatus('web'), /^Up .* \(health: starting\)$/);
  // Two probes at the start interval come well inside the start period (at 200 ms the second
  // would be at 400 ms at best).
  let early = (await health('web'))!;
  await until('two probes have run at the start interval', async () => (early = (await health('web'))!).Log.length >= 2, { timeoutMs: 2500, stepMs: 50 });
  assert.deepEqual([early.Status, early.FailingStreak], ['starting', 0], 'failures in the start period do not count');
  const sick = await healthUntil('web', (h) => h.Status === 'unhealthy');
  assert.ok(sick.FailingStreak >= 2);
  assert.ok(sick.Log.length >= 2 && sick.Log.length <= 5);
  for (const e of sick.Log) {
    assert.deepEqual(Object.keys(e), ['Start', 'End', 'ExitCode', 'Output']);
    assert.match(e.Start, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
    assert.ok(Date.parse(e.End) >= Date.parse(e.Start));
    assert.deepEqual([e.ExitCode, e.Output], [1, '']);
  }
  assert.match(await psStatus('web'), /^Up .* \(unhealthy\)$/);
  assert.deepEqual(await psNames('health=unhealthy'), ['web']);
  assert.deepEqual(await psNames('health=healthy'), []);

  assert.equal((await docker('exec', 'web', 'touch', '/tmp/ok')).code, 0);
  const well = await healthUntil('web', (h) => h.Status === 'healthy');
  assert.deepEqual([well.FailingStreak, well.Log.at(-1)!.ExitCode], [0, 0]);
  assert.match(await psStatus('web'), /^Up .* \(healthy\)$/);
  assert.deepEqual(await psNames('health=healthy'), ['web']);

  const to = (Date.now() / 1000).toFixed(3);
  const events = await docker('events', '--since', since, '--until', to, '--filter', 'container=web', '--format', '{{.Action}}');
  const actions = events.stdout.split('\n').filter(Boolean);
  assert.deepEqual(actions.filter((a) => a.startsWith('health_status')), ['health_status: unhealthy', 'health_status: healthy']);
  // Probes are exec sessions with their events, as in dockerd.
  assert.ok(actions.includes('exec_create: /bin/sh -c test -e /tmp/ok'), actions.join('\n'));
  assert.ok(actions.includes('exec_die'));

  const bad = await docker('ps', '--filter', 'health=bogus');
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /Unrecognised filter value for health: bogus/);

  // A stopped container reads as unhealthy and keeps its log; a start makes it starting again.
  assert.equal((await docker('stop', '-t', '0', 'web')).code, 0);
  const stopped = (await health('web'))!;
  assert.deepEqual([stopped.Status, stopped.Log.length], ['unhealthy', 5]);
  assert.match(await psStatus('web'), /^Exited \(137\)/);
  assert.equal((await docker('start', 'web')).code, 0);
  const restarted = (await health('web'))!;
  assert.deepEqual([restarted.Status, restarted.FailingStreak], ['starting', 0]);
});

test('a probe past its timeout is killed: ExitCode -1 and dockerd\'s text; output kept to 4096 bytes', { skip }, async () => {
  const slow = await docker('run', '-d', '--name', 'slow', '--health-cmd', 'echo hi; sleep 5', '--health-timeout', '300ms', '--health-interval', '200ms', 'busybox', 'sleep', '1000');
  assert.equal(slow.code, 0, slow.stderr);
  const [first] = (await healthUntil('slow', (h) => h.Log.length > 0)).Log;
  assert.deepEqual([first!.ExitCode, first!.Output], [-1, 'Health check exceeded timeout (300ms): hi\n']);
  assert.ok(Date.parse(first!.End) - Date.parse(first!.Start) < 2_000, 'the probe was killed, not waited for');

  const chatty = await docker('run', '-d', '--name', 'chatty', '--health-cmd', 'head -c 5000 /dev/zero | tr "\\0" x', '--health-interval', '200ms', 'busybox', 'sleep', '1000');
  assert.equal(chatty.code, 0, chatty.stderr);
  const h = await healthUntil('chatty', (x) => x.Status === 'healthy');
  assert.equal(h.Log[0]!.Output, `${'x'.repeat(4096)}...`);
});

test('a probe that cannot start fails with -1 and the runtime\'s message (CMD form through the API)', { skip }, async () => {
  const api = f.d.client().api;
  const body = { Image: 'busybox', Cmd: ['sleep', '1000'], Healthcheck: { Test: ['CMD', 'nosuch'], Interval: 100e6 } };
  await api.json('POST', '/containers/create', { query: { name: 'nosuch' }, body });
  assert.equal((await docker('start', 'nosuch')).code, 0);
  const h = await healthUntil('nosuch', (x) => x.Log.length > 0);
  assert.equal(h.Log[0]!.ExitCode, -1);
  assert.match(h.Log[0]!.Output, /^OCI runtime exec failed: .*"nosuch": executable file not found in \$PATH/);
});

test('an image\'s HEALTHCHECK runs; --no-healthcheck leaves a container without one', { skip }, async () => {
  assert.equal((await docker('run', '-d', '--name', 'inherits', '--health-retries', '5', 'checked', 'sleep', '1000')).code, 0);
  const cfg = JSON.parse((await docker('inspect', '--format', '{{json .Config.Healthcheck}}', 'inherits')).stdout);
  assert.deepEqual(cfg, { Test: ['CMD-SHELL', 'true'], Interval: 100e6, Retries: 5 });
  await healthUntil('inherits', (h) => h.Status === 'healthy');

  assert.equal((await docker('run', '-d', '--name', 'unchecked', '--no-healthcheck', 'checked', 'sleep', '1000')).code, 0);
  const none = JSON.parse((await docker('inspect', '--format', '{{json .Config.Healthcheck}}', 'unchecked')).stdout);
  assert.deepEqual(none.Test, ['NONE']);
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(await health('unchecked'), null);
  assert.match(await psStatus('unchecked'), /^Up [^(]*$/);
  assert.ok((await psNames('health=none')).includes('unchecked'));
  // API 1.52 lists carry a Health summary ("none" without a check); earlier versions do not.
  type Summary = { Names: string[]; Health?: unknown };
  const list = async (v: string) => Object.fromEntries((await f.d.client(v).api.json<Summary[]>('GET', '/containers/json')).map((c) => [c.Names[0], c.Health]));
  const now = await list('1.52');
  assert.deepEqual([now['/inherits'], now['/unchecked']], [{ Status: 'healthy', FailingStreak: 0 }, { Status: 'none', FailingStreak: 0 }]);
  assert.deepEqual(Object.values(await list('1.51')).filter((h) => h !== undefined), []);
});

test('bad health settings are refused with dockerd\'s texts', { skip }, async () => {
  const fast = await docker('run', '--health-interval', '500us', 'busybox', 'true');
  assert.equal(fast.code, 125);
  assert.match(fast.stderr, /Interval in Healthcheck cannot be less than 1ms/);
  const start = await docker('create', '--health-start-interval', '10us', 'busybox', 'true');
  assert.match(start.stderr, /StartInterval in Healthcheck cannot be less than 1ms/);
  const api = f.d.client().api;
  await assert.rejects(api.json('POST', '/containers/create', { body: { Image: 'busybox', Healthcheck: { Retries: -1 } } }), /Retries in Healthcheck cannot be negative/);
  await assert.rejects(api.json('POST', '/containers/create', { body: { Image: 'busybox', HostConfig: { HealthOnFailure: 'reboot' } } }), (e: Error & { kind?: string }) =>
    e.kind === 'invalid-parameter' && /invalid on-failure action "reboot" for health check: supported actions are none, kill, restart, stop/.test(e.message));
});
