import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flat, flatAtEnd, verdict, type Sample } from './verdict.ts';
import { slope } from './verdict-memory.ts';
import { SOAK_QUIET_S10 } from './soak-quiet-s10.fixture.ts';

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
  assert.deepEqual(byName, { 'rssKb flat at the end': false, 'pssKb flat at the end': false, 'heapKb flat': true, 'fds flat': true, 'list p99': false, 'no unexpected errors': false });
});

test('malloc in use is judged when the memory probe gave it: a native leak fails with V8\'s heap flat', () => {
  const run = (mallocMb: (i: number) => number) => Array.from({ length: 12 }, (_, i) => ({ ...sample(i + 1, 150, 50), mallocKb: mallocMb(i) * 1024 }));
  const byName = (s: Sample[]) => Object.fromEntries(verdict(s, 0).map((c) => [c.name, c]));
  assert.equal(byName(run((i) => 8 + (i % 3)))['mallocKb flat']!.ok, true);
  const leak = byName(run((i) => 8 + 2 * i))['mallocKb flat']!;
  assert.equal(leak.ok, false, leak.detail); // +16 MiB between the thirds' medians > 8 MiB
  assert.equal(byName(run((i) => 8 + 2 * i))['heapKb flat']!.ok, true);
});

const mb = (kb: number) => (kb / 1024).toFixed(1);
/** Samples whose RSS (and PSS, half of it) follows rssMb(minute). */
const run = (minutes: number, rssMb: (m: number) => number) => Array.from({ length: minutes }, (_, i) => sample(i + 1, rssMb(i + 1), 50));

test('RSS flat at the end: a plateau after a step passes, a steady climb fails, however it began', () => {
  // Over a 30-minute run the window is minutes 23–30 (span 7): 2 MiB a minute rises 14 MiB in it,
  // 3 MiB a minute 21.
  const slow = flatAtEnd(run(30, (m) => 100 + 2 * m), 'rssKb', mb);
  assert.equal(slow.ok, true, slow.detail); // the leak checks' to catch (heap, malloc: by thirds)
  const leak = flatAtEnd(run(30, (m) => 100 + 3 * m), 'rssKb', mb);
  assert.equal(leak.ok, false, leak.detail);
  assert.match(leak.detail, /last 8 samples \(minutes 23–30\) a rise of 21\.0 .*first third's median 118\.0, maximum 190\.0 \(minute 30\), end 190\.0/);
  // A step of +50 MiB at minute 13, then a plateau: resident memory V8 took once and keeps.
  const plateau = flatAtEnd(run(30, (m) => (m < 13 ? 120 : 170) + (m % 2)), 'rssKb', mb);
  assert.equal(plateau.ok, true, plateau.detail);
  // The fit, not last − first: one burst sample at the very end moves it by its share only.
  const burst = flatAtEnd(run(30, (m) => (m === 30 ? 180 : 160)), 'rssKb', mb);
  assert.equal(burst.ok, true, burst.detail);
  // But a climb inside the window fails even after a long flat run.
  const late = flatAtEnd(run(30, (m) => (m < 24 ? 150 : 150 + 4 * (m - 23))), 'rssKb', mb);
  assert.equal(late.ok, false, late.detail);
});

test('RSS flat at the end needs five samples in its window', () => {
  assert.equal(flatAtEnd(run(5, () => 100), 'rssKb', mb).ok, false); // 4 after the warm-up
  assert.equal(flatAtEnd(run(6, () => 100), 'rssKb', mb).ok, true);
  assert.equal(slope([1, 2, 3], [5, 7, 9]), 2);
});

test("this morning's 30-minute soak passes RSS and PSS at the end, and would have failed the thirds", () => {
  const quiet: Sample[] = SOAK_QUIET_S10.map(([minute, rssKb, pssKb, heapKb, mallocKb, fds]) => ({ ...sample(minute, 0, fds), rssKb, pssKb, heapKb, mallocKb }));
  const checks = Object.fromEntries(verdict(quiet, 0).map((c) => [c.name, c]));
  for (const name of ['rssKb flat at the end', 'pssKb flat at the end', 'heapKb flat', 'mallocKb flat', 'fds flat']) assert.equal(checks[name]!.ok, true, checks[name]!.detail);
  assert.match(checks['rssKb flat at the end']!.detail, /minutes 23–30.*maximum 187\.8 MiB \(minute 29\), end 186\.9 MiB/);
  assert.equal(flat(quiet, 'rssKb', mb).ok, false); // the thirds' rule it replaces: 138.6 → 186.9 MiB
});

test('the heap is judged without code when the probe tells them apart: compiling more passes, keeping objects fails', () => {
  const withCode = (rest: (m: number) => number) => run(12, () => 150).map((s) => ({ ...s, heapCodeKb: (4 + s.minute / 2) * 1024, heapRestKb: rest(s.minute) * 1024, heapKb: (4 + s.minute / 2 + rest(s.minute)) * 1024 }));
  const byName = (s: Sample[]) => Object.fromEntries(verdict(s, 0).map((c) => [c.name, c]));
  const compiling = byName(withCode(() => 14))['heap without code flat']!;
  assert.equal(compiling.ok, true, compiling.detail);
  assert.match(compiling.detail, /not judged: code and bytecode 5\.0 MiB → 10\.0 MiB, the whole heap 19\.0 MiB → 24\.0 MiB/);
  const keeping = byName(withCode((m) => 14 + 2 * m))['heap without code flat']!;
  assert.equal(keeping.ok, false, keeping.detail);
});
