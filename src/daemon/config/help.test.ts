import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FLAG_NAMES } from './flags.ts';
import { DAEMON_HELP } from './help.ts';

test('the help text lists every flag, one per line', () => {
  const listed = [...DAEMON_HELP.matchAll(/^ {2}(?:-\w, | {4})--([\w-]+)/gm)].map((m) => m[1]);
  assert.deepEqual([...listed].sort(), [...FLAG_NAMES].sort());
});
