// /dev/net/tun's check: met where the device opens, and the fix named where it does not exist.
// (Refused by mode is not tried here: the tests run as root, whom a mode does not stop.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tunCheck } from './checks-kernel.ts';

test('the tun device: ok where it opens, modprobe named where it is missing', () => {
  assert.equal(tunCheck('/dev/null').status, 'ok');
  const gone = tunCheck('/dev/net/no-such-tun');
  assert.equal(gone.status, 'missing');
  assert.deepEqual(gone.asRoot, ['modprobe tun']);
});
