import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mean, median, p90, percentile, parseMeminfo, usedBytes } from './stats.ts';

test('median takes the middle sample, or the mean of the middle two, whatever the order', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
  assert.ok(Number.isNaN(median([])));
});

test('p90 is the nearest-rank 90th percentile', () => {
  const xs = Array.from({ length: 20 }, (_, i) => 20 - i); // 20..1, unsorted on purpose
  assert.equal(p90(xs), 18);
  assert.equal(p90([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 9);
  assert.equal(p90([3]), 3);
  assert.equal(percentile([1, 2, 3, 4], 100), 4);
  assert.equal(percentile([1, 2, 3, 4], 0), 1);
  assert.equal(mean([1, 2, 6]), 3);
});

test('meminfo parses kB fields into bytes and counts as they are', () => {
  const text = 'MemTotal:       24683908 kB\nMemFree:        23848120 kB\nMemAvailable:   24302348 kB\nHugePages_Total:       4\n';
  const m = parseMeminfo(text);
  assert.equal(m.get('MemTotal'), 24683908 * 1024);
  assert.equal(m.get('HugePages_Total'), 4);
  assert.equal(usedBytes(m), (24683908 - 24302348) * 1024);
  assert.throws(() => usedBytes(parseMeminfo('MemTotal: 1 kB\n')), /MemAvailable/);
});

test('meminfo of this machine has what the memory measure needs', { skip: process.platform !== 'linux' && 'host kind: not Linux (no /proc/meminfo)' }, async () => {
  const { readFileSync } = await import('node:fs');
  const used = usedBytes(parseMeminfo(readFileSync('/proc/meminfo', 'utf8')));
  assert.ok(used > 0);
});
