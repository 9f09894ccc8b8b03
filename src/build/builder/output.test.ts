import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OrderedOutput } from './output.ts';

function recorder() {
  const lines: string[] = [];
  return { lines, out: { stream: (t: string) => lines.push(t), aux: (v: unknown) => lines.push(`aux:${JSON.stringify(v)}`) } };
}

test('later lanes are held until every earlier lane has finished, then written in order', () => {
  const r = recorder();
  const o = new OrderedOutput(r.out, 3);
  o.lane(2).stream('c1');
  o.lane(1).stream('b1');
  o.lane(0).stream('a1');
  assert.deepEqual(r.lines, ['a1']);
  o.lane(2).aux({ ID: 'c' });
  o.finish(2);
  o.lane(1).stream('b2');
  o.finish(0);
  assert.deepEqual(r.lines, ['a1', 'b1', 'b2']);
  o.lane(1).stream('b3');
  o.finish(1);
  assert.deepEqual(r.lines, ['a1', 'b1', 'b2', 'b3', 'c1', 'aux:{"ID":"c"}']);
});

test('flushAll writes what is held, in lane order (a failure in a later stage is shown)', () => {
  const r = recorder();
  const o = new OrderedOutput(r.out, 3);
  o.lane(2).stream('c');
  o.lane(1).stream('b');
  o.lane(0).stream('a');
  o.flushAll();
  assert.deepEqual(r.lines, ['a', 'b', 'c']);
  o.lane(1).stream('late');
  assert.deepEqual(r.lines, ['a', 'b', 'c']);
});
