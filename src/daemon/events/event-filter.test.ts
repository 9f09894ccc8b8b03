import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventMatches, eventToWire } from './event-filter.ts';
import type { StoredEvent } from '../../store/events.ts';

const ev = (over: Partial<StoredEvent> = {}): StoredEvent => ({
  seq: 1,
  timeNano: 1_700_000_000_123_456_789n,
  type: 'container',
  action: 'exec_start: sh -c true',
  actorId: 'abc123def456',
  attributes: { name: 'web', image: 'busybox', 'com.example': 'yes' },
  scope: 'local',
  ...over,
});
const f = (o: Record<string, string[]>) => new Map(Object.entries(o));

test('event filter: type, event (before the colon), container by id prefix or name', () => {
  assert.ok(eventMatches(ev(), f({ type: ['container'], event: ['exec_start'] })));
  assert.ok(!eventMatches(ev(), f({ type: ['image'] })));
  assert.ok(eventMatches(ev(), f({ container: ['abc1'] })));
  assert.ok(eventMatches(ev(), f({ container: ['web'] })));
  assert.ok(!eventMatches(ev(), f({ container: ['db'] })));
  assert.ok(eventMatches(ev(), f({ image: ['busybox'] })));
  assert.ok(eventMatches(ev(), f({ label: ['com.example=yes'] })));
  assert.ok(!eventMatches(ev(), f({ label: ['com.example=no'] })));
  assert.ok(eventMatches(ev(), f({ type: ['image', 'container'] })), 'values of one key are alternatives');
  assert.ok(!eventMatches(ev(), f({ service: ['x'] })), 'swarm filters match nothing on a single host');
});

test('wire shape: legacy status/id/from before 1.52 only', () => {
  const modern = eventToWire(ev(), false);
  assert.deepEqual(Object.keys(modern), ['Type', 'Action', 'Actor', 'scope', 'time', 'timeNano']);
  assert.equal(modern.time, 1_700_000_000);
  const legacy = eventToWire(ev(), true);
  assert.equal(legacy.status, 'exec_start: sh -c true');
  assert.equal(legacy.id, 'abc123def456');
  assert.equal(legacy.from, 'busybox');
  assert.equal(eventToWire(ev({ type: 'daemon' }), true).status, undefined);
});
