import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { runInNewContext } from 'node:vm';
import { settleHeapWhenIdle } from './idle-heap.ts';
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
