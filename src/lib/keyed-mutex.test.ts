import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedMutex } from './keyed-mutex.ts';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('same key runs in order, other keys do not wait, a failure does not block the queue', async () => {
  const m = new KeyedMutex();
  const log: string[] = [];
  const a1 = m.run('a', async () => (await tick(30), log.push('a1')));
  const a2 = m.run('a', async () => {
    log.push('a2');
    throw new Error('boom');
  });
  const a3 = m.run('a', async () => log.push('a3'));
  const b1 = m.run('b', async () => log.push('b1'));
  await Promise.allSettled([a1, a2, a3, b1]);
  assert.deepEqual(log, ['b1', 'a1', 'a2', 'a3']);
  await assert.rejects(a2, /boom/);
});
