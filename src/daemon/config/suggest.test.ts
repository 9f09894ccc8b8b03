import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editDistance, suggest } from './suggest.ts';

const KEYS = ['hosts', 'live-restore', 'tlsverify', 'dns', 'log-opts', 'registry-mirrors'];

test('editDistance counts edits, with a swap of neighbours as one', () => {
  assert.equal(editDistance('liverestore', 'live-restore'), 1);
  assert.equal(editDistance('tlsverfiy', 'tlsverify'), 1);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('same', 'same'), 0);
  assert.equal(editDistance('kitten', 'sitting'), 3);
});

test('suggest finds the nearest key, ignoring case', () => {
  assert.equal(suggest('liverestore', KEYS), 'live-restore');
  assert.equal(suggest('liveRestore', KEYS), 'live-restore');
  assert.equal(suggest('host', KEYS), 'hosts');
  assert.equal(suggest('registry-mirror', KEYS), 'registry-mirrors');
  assert.equal(suggest('log-opt', KEYS), 'log-opts');
});

test('suggest gives nothing when no key is close', () => {
  assert.equal(suggest('storage', KEYS), undefined);
  assert.equal(suggest('x', KEYS), undefined);
  assert.equal(suggest('completely-unrelated', KEYS), undefined);
});
