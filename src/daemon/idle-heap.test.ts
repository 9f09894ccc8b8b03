import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { runInNewContext } from 'node:vm';
import { execFileSync } from 'node:child_process';
import { START_MAGLEV_CALLS, endStartTiering, settleHeapWhenIdle } from './idle-heap.ts';
import { until } from '../testing/until.ts';

test('the settling collection is a full one, and leaves node without --expose-gc (V8 keys its code cache on the flags)', async () => {
  const majors: number[] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (((e as { detail?: { kind?: number } }).detail)?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors.push(e.startTime);
  });
  obs.observe({ entryTypes: ['gc'] });
  try {
    const asked = performance.now();
    settleHeapWhenIdle(0);
    await until('a major collection after the settle was asked for', () => majors.some((t) => t >= asked), { timeoutMs: 5000 });
  } finally {
    obs.disconnect();
  }
  assert.equal(runInNewContext('typeof gc'), 'undefined');
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined');
});

test("start-up's Maglev count is set back only when it is bin/berthd's", () => {
  assert.equal(endStartTiering(['--max-semi-space-size=8']), false);
  assert.equal(endStartTiering([`--invocation-count-for-maglev=${START_MAGLEV_CALLS}`, '--invocation-count-for-maglev=900']), false);
  assert.equal(endStartTiering([`--invocation-count-for-maglev=${START_MAGLEV_CALLS}`]), true);
});

test('after the start, a function called 1000 times is compiled with Maglev again (V8 under bin/berthd\'s start flag)', () => {
  const module = new URL('./idle-heap.js', import.meta.url).href;
  const child = (end: boolean) => execFileSync(process.execPath, [`--invocation-count-for-maglev=${START_MAGLEV_CALLS}`, '--trace-opt', '--input-type=module', '-e', `
    const { endStartTiering } = await import(${JSON.stringify(module)});
    if (${end} && !endStartTiering()) throw new Error('not set back');
    function hotAfterStart(x) { return x + 1; }
    let s = 0;
    for (let i = 0; i < 1000; i++) s = hotAfterStart(s);
  `], { encoding: 'utf8' });
  assert.match(child(true), /hotAfterStart.*MAGLEV/);
  assert.doesNotMatch(child(false), /hotAfterStart.*MAGLEV/);
});
