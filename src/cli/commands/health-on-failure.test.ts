import { test } from 'node:test';
import assert from 'node:assert/strict';
import { healthOnFailureHostConfig, parseHealthOnFailure } from './health-on-failure.ts';

test('--health-on-failure takes the four actions and refuses others', () => {
  for (const a of ['none', 'kill', 'restart', 'stop']) assert.equal(parseHealthOnFailure(a), a);
  assert.throws(() => parseHealthOnFailure('reboot'), /valid actions are none, kill, restart, stop/);
  assert.throws(() => parseHealthOnFailure('Restart'), /valid actions/);
});

test('HostConfig carries the action only when it is not none', () => {
  assert.deepEqual(healthOnFailureHostConfig(undefined), {});
  assert.deepEqual(healthOnFailureHostConfig('none'), {});
  assert.deepEqual(healthOnFailureHostConfig('restart'), { HealthOnFailure: 'restart' });
});
