import { test } from 'node:test';
import assert from 'node:assert/strict';
import { healthOnFailureOf, healthSettings, mergeHealthcheck, validateHealthcheck, validateHealthOnFailure } from './health-config.ts';

const refuses = (hc: unknown, message: string) => assert.throws(() => validateHealthcheck(hc), (e: Error & { kind?: string }) => e.message === message && e.kind === 'invalid-parameter');

test('durations below 1ms and negative retries are refused in dockerd\'s words and order', () => {
  refuses({ Interval: -10_000_000 }, 'Interval in Healthcheck cannot be less than 1ms');
  refuses({ Interval: 500_000 }, 'Interval in Healthcheck cannot be less than 1ms');
  refuses({ Timeout: -100_000_000 }, 'Timeout in Healthcheck cannot be less than 1ms');
  refuses({ Retries: -10 }, 'Retries in Healthcheck cannot be negative');
  refuses({ StartPeriod: 5 }, 'StartPeriod in Healthcheck cannot be less than 1ms');
  refuses({ StartInterval: 999_999 }, 'StartInterval in Healthcheck cannot be less than 1ms');
  refuses({ Interval: -1, Retries: -1 }, 'Interval in Healthcheck cannot be less than 1ms');
  refuses({ Retries: -1, StartPeriod: 1 }, 'Retries in Healthcheck cannot be negative');
  // 0 means "inherit" and exactly 1ms is allowed.
  validateHealthcheck({ Test: ['CMD', 'true'], Interval: 0, Timeout: 1_000_000, StartPeriod: 0, StartInterval: 1_000_000, Retries: 0 });
  validateHealthcheck(null);
  validateHealthcheck(undefined);
});

test('wrong JSON types are refused as Go\'s decoder words them', () => {
  refuses('x', 'json: cannot unmarshal string into Go struct field CreateRequest.Healthcheck of type container.HealthConfig');
  refuses({ Test: 'true' }, 'json: cannot unmarshal string into Go struct field HealthConfig.Healthcheck.Test of type []string');
  refuses({ Test: ['CMD', 1] }, 'json: cannot unmarshal number into Go struct field HealthConfig.Healthcheck.Test of type string');
  refuses({ Interval: 1.5 }, 'json: cannot unmarshal number 1.5 into Go struct field HealthConfig.Healthcheck.Interval of type time.Duration');
  refuses({ Interval: '1s' }, 'json: cannot unmarshal string into Go struct field HealthConfig.Healthcheck.Interval of type time.Duration');
  refuses({ Retries: true }, 'json: cannot unmarshal bool into Go struct field HealthConfig.Healthcheck.Retries of type int');
});

test('the request\'s check is merged with the image\'s field by field', () => {
  const image = { Test: ['CMD-SHELL', 'true'], Interval: 1e9, Retries: 2 };
  assert.deepEqual(mergeHealthcheck(undefined, image), image);
  assert.deepEqual(mergeHealthcheck(null, image), image);
  assert.deepEqual(mergeHealthcheck({ Retries: 5 }, image), { Test: ['CMD-SHELL', 'true'], Interval: 1e9, Retries: 5 });
  // --no-healthcheck: the test is NONE, the image's interval still fills in (as dockerd shows it).
  assert.deepEqual(mergeHealthcheck({ Test: ['NONE'] }, image), { Test: ['NONE'], Interval: 1e9, Retries: 2 });
  assert.deepEqual(mergeHealthcheck({ Test: ['CMD', 'x'] }, undefined), { Test: ['CMD', 'x'] });
  assert.equal(mergeHealthcheck(undefined, undefined), undefined);
});

test('settings: dockerd\'s defaults, CMD and CMD-SHELL, nothing to run for NONE or unknown kinds', () => {
  assert.deepEqual(healthSettings({ Test: ['CMD-SHELL', 'test -e /tmp/ok'] }), {
    cmd: ['/bin/sh', '-c', 'test -e /tmp/ok'], intervalNs: 30e9, timeoutNs: 30e9, startPeriodNs: 0, startIntervalNs: 5e9, retries: 3,
  });
  const s = healthSettings({ Test: ['CMD', 'cat', '/x'], Interval: 2e8, Timeout: 3e8, StartPeriod: 1e9, StartInterval: 1e8, Retries: 2 });
  assert.deepEqual(s, { cmd: ['cat', '/x'], intervalNs: 2e8, timeoutNs: 3e8, startPeriodNs: 1e9, startIntervalNs: 1e8, retries: 2 });
  assert.deepEqual(healthSettings({ Test: ['CMD-SHELL', 'true'] }, ['/bin/ash', '-ec'])?.cmd, ['/bin/ash', '-ec', 'true']);
  assert.equal(healthSettings({ Test: ['NONE'] }), undefined);
  assert.equal(healthSettings({ Test: ['BOGUS', 'x'] }), undefined);
  assert.equal(healthSettings({}), undefined);
  assert.equal(healthSettings(undefined), undefined);
});

test('HealthOnFailure: the four actions, a clear 400 for anything else', () => {
  for (const a of ['none', 'kill', 'restart', 'stop']) validateHealthOnFailure({ HealthOnFailure: a });
  validateHealthOnFailure({});
  validateHealthOnFailure(undefined);
  assert.throws(() => validateHealthOnFailure({ HealthOnFailure: 'reboot' }), (e: Error & { kind?: string }) =>
    e.kind === 'invalid-parameter' && e.message === 'invalid on-failure action "reboot" for health check: supported actions are none, kill, restart, stop');
  assert.throws(() => validateHealthOnFailure({ HealthOnFailure: 3 }), /invalid on-failure action "3"/);
  assert.equal(healthOnFailureOf({ HealthOnFailure: 'kill' }), 'kill');
  assert.equal(healthOnFailureOf({}), 'none');
});
