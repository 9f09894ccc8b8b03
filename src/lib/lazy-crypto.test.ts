// The random IDs berthd makes without node:crypto: right length, UUID shape, not repeated.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomBytes, randomUUID, createHash, randomInt } from './lazy-crypto.ts';

test('randomBytes gives the asked length and differs from call to call', () => {
  for (const n of [0, 1, 4, 32, 70_000]) assert.equal(randomBytes(n).length, n);
  assert.notEqual(randomBytes(32).toString('hex'), randomBytes(32).toString('hex'));
});

test('randomUUID is a version 4, RFC 9562 variant UUID', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const u = randomUUID();
    assert.match(u, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    seen.add(u);
  }
  assert.equal(seen.size, 200);
});

test('createHash and randomInt are node:crypto\'s', () => {
  assert.equal(createHash('sha256').update('abc').digest('hex'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  for (let i = 0; i < 50; i++) assert.ok(randomInt(3) >= 0 && randomInt(3) < 3);
});
