import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoDuration, parseGoDuration } from './go-duration.ts';

test('formatGoDuration writes what Go\'s Duration.String() writes', () => {
  const cases: [number, string][] = [
    [0, '0s'], [1, '1ns'], [1_500, '1.5µs'], [300e6, '300ms'], [1_500_000, '1.5ms'], [1e9, '1s'], [2.5e9, '2.5s'],
    [30e9, '30s'], [90e9, '1m30s'], [3_600e9, '1h0m0s'], [3_661e9, '1h1m1s'], [-300e6, '-300ms'],
  ];
  for (const [ns, text] of cases) assert.equal(formatGoDuration(ns), text, String(ns));
  assert.equal(parseGoDuration('1m30s'), 90_000);
});
