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

test('parseGoDuration takes each unit Go takes, microseconds in its three spellings', () => {
  assert.equal(parseGoDuration('1500us'), 1.5);
  assert.equal(parseGoDuration('1500\u00b5s'), 1.5); // micro sign, as Go's Duration.String() writes it
  assert.equal(parseGoDuration('1500\u03bcs'), 1.5); // Greek small letter mu
  assert.equal(parseGoDuration('2h1m0.5s'), 7_260_500);
  assert.equal(parseGoDuration('1000000ns'), 1);
  assert.equal(parseGoDuration('5'), undefined);
  assert.equal(parseGoDuration('5x'), undefined);
});
