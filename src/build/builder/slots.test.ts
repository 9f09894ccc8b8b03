import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Slots } from './slots.ts';

test('no more than size at once; waiters go in arrival order; a failure frees its slot', async () => {
  const slots = new Slots(2);
  let now = 0;
  let most = 0;
  const order: number[] = [];
  const job = (i: number) => slots.with(async () => {
    now++;
    most = Math.max(most, now);
    order.push(i);
    await sleep(5);
    now--;
    if (i === 1) throw new Error('boom');
    return i;
  });
  const results = await Promise.allSettled([0, 1, 2, 3, 4].map(job));
  assert.equal(most, 2);
  assert.deepEqual(order, [0, 1, 2, 3, 4]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
});
