import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesSize, humanDuration, humanSize, truncateId } from './units.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const MONTH = 30 * DAY;
const YEAR = 365 * DAY;

describe('units', () => {
  it('humanSize: 3 significant digits, decimal units (docker image/container sizes)', () => {
    assert.equal(humanSize(0), '0B');
    assert.equal(humanSize(100), '100B');
    assert.equal(humanSize(999), '999B');
    assert.equal(humanSize(1000), '1kB');
    assert.equal(humanSize(1234), '1.23kB');
    assert.equal(humanSize(5_590_000), '5.59MB');
    assert.equal(humanSize(1_234_567_890), '1.23GB');
    assert.equal(humanSize(2.5e12), '2.5TB');
    assert.equal(humanSize(999_900), '1e+03kB'); // Go's %.3g quirk, kept
  });

  it('humanSize with go-units precision 4 matches its tests', () => {
    assert.equal(humanSize(1024, 4), '1.024kB');
    assert.equal(humanSize(1_048_576, 4), '1.049MB');
    assert.equal(humanSize(3.42e9, 4), '3.42GB');
    assert.equal(humanSize(5.372e12, 4), '5.372TB');
    assert.equal(humanSize(1e28, 4), '1e+04YB');
  });

  it('bytesSize: binary units', () => {
    assert.equal(bytesSize(1536), '1.5KiB');
    assert.equal(bytesSize(1_048_576), '1MiB');
    assert.equal(bytesSize(512), '512B');
  });

  it('humanDuration follows go-units thresholds', () => {
    const cases: [number, string][] = [
      [450, 'Less than a second'], [SECOND, '1 second'], [45 * SECOND, '45 seconds'], [59 * SECOND, '59 seconds'],
      [60 * SECOND, 'About a minute'], [3 * MINUTE, '3 minutes'], [35 * MINUTE + 40 * SECOND, '35 minutes'],
      [59 * MINUTE, '59 minutes'], [HOUR, 'About an hour'], [HOUR + 29 * MINUTE, 'About an hour'],
      [HOUR + 31 * MINUTE, '2 hours'], [3 * HOUR + 31 * MINUTE, '4 hours'], [DAY, '24 hours'],
      [DAY + 12 * HOUR, '36 hours'], [2 * DAY, '2 days'], [13 * DAY + 5 * HOUR, '13 days'],
      [2 * WEEK, '2 weeks'], [4 * WEEK + 3 * DAY, '4 weeks'], [MONTH, '4 weeks'], [MONTH + 2 * WEEK, '6 weeks'],
      [2 * MONTH, '2 months'], [5 * MONTH + 2 * WEEK, '5 months'], [24 * MONTH, '24 months'],
      [24 * MONTH + 2 * WEEK, '2 years'], [3 * YEAR + 2 * MONTH, '3 years'],
    ];
    for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
  });

  it('truncateId strips the algorithm and keeps 12 characters', () => {
    assert.equal(truncateId('sha256:4bcff63911fcb4448bd4fdacec207030997caf25e9bea4045fa6c8c44de311d1'), '4bcff63911fc');
    assert.equal(truncateId('4bcff63911fcb4448bd4'), '4bcff63911fc');
    assert.equal(truncateId('abc'), 'abc');
  });
});
