// lockedAll against the daemon's own keyed mutex: fn runs holding every lock of the set it is
// given, a container that joins while the locks are taken is taken too, and a held lock delays fn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedMutex } from '../../lib/keyed-mutex.ts';
import { lockedAll } from './locked-all.ts';

function locker() {
  const m = new KeyedMutex();
  const held = new Set<string>();
  return {
    held,
    m,
    lockedContainer: <T>(id: string, fn: () => Promise<T>) => m.run(id, async () => {
      held.add(id);
      try {
        return await fn();
      } finally {
        held.delete(id);
      }
    }),
  };
}

test('fn waits for a held lock, then runs holding every lock of its set', async () => {
  const l = locker();
  const order: string[] = [];
  let release!: () => void;
  const start = l.m.run('b', () => new Promise<void>((r) => (release = () => (order.push('start done'), r()))));
  const removal = lockedAll(l, 'a test', () => ['b', 'a'], async (ids) => {
    order.push(`fn ${ids.sort().join(',')} holding ${[...l.held].sort().join(',')}`);
  });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, [], 'fn ran while b was held by a start');
  release();
  await Promise.all([start, removal]);
  assert.deepEqual(order, ['start done', 'fn a,b holding a,b']);
});

test('a container that joins while the locks are taken is taken as well', async () => {
  const l = locker();
  const members = ['a'];
  let reads = 0;
  const seen = await lockedAll(l, 'a test', () => {
    if (++reads === 2) members.push('c'); // joined between the first read and the locks
    return [...members];
  }, async (ids) => ({ ids: [...ids].sort(), held: [...l.held].sort() }));
  assert.deepEqual(seen, { ids: ['a', 'c'], held: ['a', 'c'] });
});
