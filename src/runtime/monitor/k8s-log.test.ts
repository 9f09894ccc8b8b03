// Timestamps of conmon's records: the fast path (a cached second) must agree with the general
// parser whatever the fraction length, zone, or order of records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTimestamp, parseTimestamp } from './k8s-log.ts';

test('parseTimestamp: fractions, zones and a changing second, as the slow path reads them', () => {
  const cases: [string, bigint][] = [
    ['2024-05-01T10:00:00.123456789Z', 1714557600123456789n],
    ['2024-05-01T10:00:00.5Z', 1714557600500000000n],
    ['2024-05-01T12:00:00.000000001+02:00', 1714557600000000001n],
    ['2024-05-01T10:00:01.1+00:00', 1714557601100000000n],
    ['2024-05-01T08:30:01.1-01:30', 1714557601100000000n],
    ['2024-05-01T10:00:00Z', 1714557600000000000n],
  ];
  for (let round = 0; round < 2; round++) for (const [s, ns] of cases) assert.equal(parseTimestamp(s), ns, s);
  for (const bad of ['2024-05-01T10:00:00.Z', '2024-05-01T10:00:00.1234567890Z', '2024-05-01T10:00:00.1', 'x024-05-01T10:00:00.1Z']) assert.equal(parseTimestamp(bad), undefined, bad);
  assert.equal(formatTimestamp(1714557600000000001n), '2024-05-01T10:00:00.000000001Z');
});
