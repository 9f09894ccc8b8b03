import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AttachedOutputs } from './attached-outputs.ts';

test('a wait is answered after the streams following the run are done, and only theirs', async () => {
  const o = new AttachedOutputs();
  const a = Promise.withResolvers<void>();
  const b = Promise.withResolvers<void>();
  o.add('c1', a.promise);
  o.add('c1', b.promise);
  o.add('c2', new Promise<void>(() => {})); // another container's stream never ends
  let drained = false;
  const waiting = o.drained('c1', 60_000).then(() => (drained = true));
  a.resolve();
  await new Promise((r) => setImmediate(r));
  assert.equal(drained, false, 'one stream is still sending');
  b.resolve();
  await waiting;
  assert.equal(drained, true);
  await o.drained('c3', 60_000); // nothing attached: at once
});

test('a stream that never finishes delays a wait by the bound only', async () => {
  const o = new AttachedOutputs();
  o.add('c1', new Promise<void>(() => {}));
  const t = performance.now();
  await o.drained('c1', 50);
  assert.ok(performance.now() - t >= 45);
});

test('a finished stream is no longer counted', async () => {
  const o = new AttachedOutputs();
  const a = Promise.withResolvers<void>();
  o.add('c1', a.promise);
  a.resolve();
  await new Promise((r) => setImmediate(r));
  const t = performance.now();
  await o.drained('c1', 5000);
  assert.ok(performance.now() - t < 1000);
});
