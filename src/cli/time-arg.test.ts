// --since/--until as the docker CLI reads them (its GetTimestamp): durations back from now (a
// sign is Go's too), RFC 3339 times down to an hour alone, dates, unix timestamps unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toApiTimestamp } from './time-arg.ts';

const now = Date.parse('2026-12-07T10:00:00Z');
const at = (iso: string) => toApiTimestamp(iso, now);

test('durations count back from now; a negative one counts ahead', () => {
  assert.equal(at('10m'), '1796637000.000000000');
  assert.equal(at('1h30m'), '1796632200.000000000');
  assert.equal(at('0s'), '1796637600.000000000');
  assert.equal(at('-10m'), '1796638200.000000000');
  assert.equal(at('+10m'), '1796637000.000000000');
});

test('unix timestamps pass through; "0" is the epoch, not a duration', () => {
  assert.equal(at('1700000000'), '1700000000');
  assert.equal(at('1700000000.5'), '1700000000.5');
  assert.equal(at('0'), '0');
});

test('RFC 3339 times with a zone, down to the hour', () => {
  assert.equal(at('2026-12-07T09:30:00Z'), '1796635800.000000000');
  assert.equal(at('2026-12-07T09:30:00.25+01:00'), '1796632200.250000000');
  assert.equal(at('2026-12-07T09:30Z'), '1796635800.000000000');
  assert.equal(at('2026-12-07T09Z'), '1796634000.000000000');
  assert.equal(at('2026-12-07T09-01:00'), '1796637600.000000000');
});

test('times without a zone and dates are local', () => {
  const local = (s: string) => String(new Date(s).getTime() / 1000) + '.000000000';
  assert.equal(at('2026-12-07T09'), local('2026-12-07T09:00:00'));
  assert.equal(at('2026-12-07T09:30'), local('2026-12-07T09:30:00'));
  assert.equal(at('2026-12-07'), local('2026-12-07T00:00:00'));
});

test('anything else is the docker CLI\'s error', () => {
  assert.throws(() => at('yesterday'), /failed to parse value as time or duration: "yesterday"/);
  assert.throws(() => at('10x'), /failed to parse value as time or duration/);
});
