import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flat, verdict, type Sample } from './verdict.ts';

const sample = (minute: number, rssMb: number, fds: number, listMs: number[] = [5]): Sample => ({
  minute, rssKb: rssMb * 1024, pssKb: rssMb * 512, heapKb: rssMb * 256, fullGcs: 1, fds, containers: 0, images: 0, networks: 0, volumes: 0, ops: 0,
  errors: {}, listCount: listMs.length, listP50: 0, listP99: 0, listMs, opsByFamily: {}, clientLoopP99: 0, load1: 0, pingP50: 0, pingP99: 0,
});
const mib = (kb: number) => `${kb / 1024}`;

test('the warm-up minute is left out and thirds are compared by their medians', () => {
  // A big first minute (warm-up) and one outlier in the last third change nothing.
  const s = [sample(1, 400, 300), sample(2, 100, 50), sample(3, 102, 52), sample(4, 101, 51), sample(5, 100, 50), sample(6, 200, 51), sample(7, 103, 50)];
  assert.equal(flat(s, 'rssKb', mib).ok, true);
  assert.equal(flat(s, 'fds', String).ok, true);
});

test('growth beyond max(floor, 10 %, the first third\'s range) fails; the detail names the noise allowed', () => {
  const s = [sample(1, 100, 50), sample(2, 200, 50), sample(3, 210, 90), sample(4, 240, 150)];
  const rss = flat(s, 'rssKb', mib);
  assert.equal(rss.ok, false, rss.detail); // 40 MiB > max(16, 20, 0) MiB
  assert.match(rss.detail, /noise allowed 20 \(max of 16, 10 % of the first third and its range 0\)/);
  assert.equal(flat(s, 'fds', String).ok, false); // 100 fds > 32
});

test('swings the first third shows itself are noise; a steady leak is not, however slow', () => {
  const swinging = [120, 220, 130, 210, 125, 200];
  const s = [sample(1, 300, 50), ...swinging.map((m, i) => sample(i + 2, m, 50)), ...[215, 130, 205].map((m, i) => sample(i + 8, m, 50))];
  assert.equal(flat(s, 'rssKb', mib).ok, true, flat(s, 'rssKb', mib).detail);
  // 1 MiB a minute for 30 minutes: the thirds' medians part by twice the first third's range.
  const leak = Array.from({ length: 30 }, (_, i) => ({ ...sample(i + 1, 100, 50), heapKb: (60 + i) * 1024 }));
  assert.equal(flat(leak, 'heapKb', mib).ok, false, flat(leak, 'heapKb', mib).detail);
  // No full collection yet in a minute (NaN): left out, not a failure.
  const early = [sample(1, 100, 50), { ...sample(2, 100, 50), heapKb: Number.NaN }, sample(3, 100, 50), sample(4, 100, 50)];
  assert.equal(flat(early, 'heapKb', mib).ok, true, flat(early, 'heapKb', mib).detail);
});

test('too few samples, slow lists and errors fail the verdict', () => {
  assert.equal(flat([sample(1, 100, 50), sample(2, 100, 50)], 'rssKb', mib).ok, false);
  const slow = [sample(1, 100, 50), sample(2, 100, 50, [5, 60]), sample(3, 100, 50, Array(200).fill(60))];
  const byName = Object.fromEntries(verdict(slow, 2).map((c) => [c.name, c.ok]));
  assert.deepEqual(byName, { 'rssKb flat': true, 'pssKb flat': true, 'heapKb flat': true, 'fds flat': true, 'list p99': false, 'no unexpected errors': false });
});

test('malloc in use is judged when the memory probe gave it: a native leak fails with V8\'s heap flat', () => {
  const run = (mallocMb: (i: number) => number) => Array.from({ length: 12 }, (_, i) => ({ ...sample(i + 1, 150, 50), mallocKb: mallocMb(i) * 1024 }));
  const byName = (s: Sample[]) => Object.fromEntries(verdict(s, 0).map((c) => [c.name, c]));
  assert.equal(byName(run((i) => 8 + (i % 3)))['mallocKb flat']!.ok, true);
  const leak = byName(run((i) => 8 + 2 * i))['mallocKb flat']!;
  assert.equal(leak.ok, false, leak.detail); // +16 MiB between the thirds' medians > 8 MiB
  assert.equal(byName(run((i) => 8 + 2 * i))['heapKb flat']!.ok, true);
});
