// berth run's health flags end to end: docker's --health-* and berth's own --health-on-failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { berth } from '../../testing/run.ts';
import { requires, RUNS_CONTAINERS } from '../../testing/requires.ts';
import { useBusyboxDaemon } from '../../testing/busybox-daemon.ts';
import { until } from '../../testing/until.ts';

const skip = requires('docker', ...RUNS_CONTAINERS);
const f = useBusyboxDaemon({ skip });

test('--health-on-failure stop: an unhealthy container is stopped', { skip }, async () => {
  const r = await berth(['run', '-d', '--name', 'sick', '--health-cmd', 'false', '--health-interval', '200ms', '--health-retries', '1', '--health-on-failure', 'stop', '--stop-timeout', '1', 'busybox', 'sleep', '1000'], { env: f.env() });
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await f.docker(['inspect', '-f', '{{.HostConfig.HealthOnFailure}}', 'sick'])).stdout.trim(), 'stop');
  await until('the unhealthy container is stopped', async () => (await f.docker(['inspect', '-f', '{{.State.Status}}', 'sick'])).stdout.trim() === 'exited', { stepMs: 100 });
  assert.equal((await f.docker(['inspect', '-f', '{{.State.Health.Status}}', 'sick'])).stdout.trim(), 'unhealthy');
});
