import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerHealth } from '../../store/containers.ts';
import type { HealthSettings } from './health-config.ts';
import { applyResult, nextProbeDelayMs, OutputLimit, rfc3339Nano, startingHealth, stoppedHealth, timeoutOutput } from './health-state.ts';

const settings = (o: Partial<HealthSettings> = {}): HealthSettings => ({ cmd: ['true'], intervalNs: 30e9, timeoutNs: 30e9, startPeriodNs: 0, startIntervalNs: 5e9, retries: 3, ...o });
const STARTED = Date.parse('2026-01-01T00:00:00Z');
const result = (exitCode: number, afterMs = 60_000) => {
  const at = new Date(STARTED + afterMs).toISOString();
  return { Start: at, End: at, ExitCode: exitCode, Output: '' };
};

test('retries failures in a row make it unhealthy; the streak keeps counting; one success heals', () => {
  const s = settings({ retries: 2 });
  let h = startingHealth(undefined);
  h = applyResult(h, result(1), s, STARTED);
  assert.deepEqual([h.Status, h.FailingStreak], ['starting', 1]);
  h = applyResult(h, result(1), s, STARTED);
  assert.deepEqual([h.Status, h.FailingStreak], ['unhealthy', 2]);
  h = applyResult(h, result(-1), s, STARTED);
  assert.deepEqual([h.Status, h.FailingStreak], ['unhealthy', 3]);
  h = applyResult(h, result(0), s, STARTED);
  assert.deepEqual([h.Status, h.FailingStreak], ['healthy', 0]);
  h = applyResult(h, result(1), s, STARTED);
  assert.deepEqual([h.Status, h.FailingStreak], ['healthy', 1], 'a healthy container stays healthy until retries is reached');
});

test('inside the start period failures do not count while starting; a success ends it', () => {
  const s = settings({ retries: 1, startPeriodNs: 10e9 });
  let h = applyResult(startingHealth(undefined), result(1, 2_000), s, STARTED);
  assert.deepEqual([h.Status, h.FailingStreak, h.Log.length], ['starting', 0, 1]);
  h = applyResult(h, result(0, 3_000), s, STARTED);
  assert.equal(h.Status, 'healthy');
  h = applyResult(h, result(1, 4_000), s, STARTED);
  assert.deepEqual([h.Status, h.FailingStreak], ['unhealthy', 1], 'once healthy, the start period no longer shields');
  const late = applyResult(startingHealth(undefined), result(1, 11_000), s, STARTED);
  assert.equal(late.Status, 'unhealthy');
});

test('the log keeps the last five results; a start resets status and streak but keeps the log', () => {
  let h: ContainerHealth = startingHealth(undefined);
  for (let i = 0; i < 7; i++) h = applyResult(h, { ...result(i), Output: String(i) }, settings({ retries: 100 }), STARTED);
  assert.deepEqual(h.Log.map((r) => r.Output), ['2', '3', '4', '5', '6']);
  const again = startingHealth(h);
  assert.deepEqual([again.Status, again.FailingStreak, again.Log.length], ['starting', 0, 5]);
  assert.deepEqual(stoppedHealth(again), { ...again, Status: 'unhealthy' });
});

test('probe timing: interval after the start period, start interval while starting inside it', () => {
  const s = settings({ intervalNs: 30e9, startPeriodNs: 60e9, startIntervalNs: 2e9 });
  assert.equal(nextProbeDelayMs(s, STARTED, 'starting', STARTED + 1_000), 2_000);
  assert.equal(nextProbeDelayMs(s, STARTED, 'healthy', STARTED + 1_000), 30_000);
  // Less than an interval left of the start period: probe as it ends.
  assert.equal(nextProbeDelayMs(s, STARTED, 'starting', STARTED + 50_000), 10_000);
  assert.equal(nextProbeDelayMs(s, STARTED, 'starting', STARTED + 70_000), 30_000);
  assert.equal(nextProbeDelayMs(settings({ intervalNs: 2e8 }), STARTED, 'starting', STARTED), 200);
});

test('output: 4096 bytes kept, "..." when cut; the timeout text as dockerd writes it', () => {
  const o = new OutputLimit();
  o.push(Buffer.from('a'.repeat(4000)));
  o.push(Buffer.from('b'.repeat(200)));
  assert.equal(o.text(), `${'a'.repeat(4000)}${'b'.repeat(96)}...`);
  const exact = new OutputLimit();
  exact.push(Buffer.alloc(4096, 'x'));
  assert.equal(exact.text().length, 4096);
  assert.equal(timeoutOutput(300e6, ''), 'Health check exceeded timeout (300ms)');
  assert.equal(timeoutOutput(30e9, 'hi\n'), 'Health check exceeded timeout (30s): hi\n');
});

test('timestamps in Go\'s RFC3339Nano: trailing zeros dropped', () => {
  assert.equal(rfc3339Nano(1_795_926_586_342_540_750n), '2026-11-29T04:29:46.34254075Z');
  assert.equal(rfc3339Nano(1_795_926_586_000_000_000n), '2026-11-29T04:29:46Z');
  assert.equal(rfc3339Nano(1_795_926_586_100_000_000n), '2026-11-29T04:29:46.1Z');
});
