import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpDate, isoTime } from './utc-time.ts';

const MAX = 8.64e15;
// Around the epoch, today, the four-digit years' edges, the expanded years', and the range's ends.
const times = [0, -1, 1, 1796662155070, Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1), Date.UTC(0, 0, 1) - 1e10, Date.UTC(-1, 5, 6, 7, 8, 9, 10), -62198755200000, -62198755200001, MAX, -MAX, 951782400000, 1e12 + 7];
for (let i = 0; i < 2000; i++) times.push(Math.round((Math.random() * 2 - 1) * MAX));

test('isoTime prints what toISOString prints', () => {
  for (const t of times) assert.equal(isoTime(new Date(t)), new Date(t).toISOString(), `time ${t}`);
});

test('isoTime of an invalid date throws the RangeError toISOString throws', () => {
  assert.throws(() => new Date(NaN).toISOString(), RangeError);
  assert.throws(() => isoTime(new Date(NaN)), { name: 'RangeError', message: 'Invalid time value' });
});

test('httpDate prints what toUTCString prints', () => {
  for (const t of times) assert.equal(httpDate(new Date(t)), new Date(t).toUTCString(), `time ${t}`);
  assert.equal(httpDate(new Date(NaN)), new Date(NaN).toUTCString());
});
