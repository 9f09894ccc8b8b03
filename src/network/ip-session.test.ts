// The daemon's long-lived ip: batches in order, each with only its own failures, and a new ip
// after one exits or fails. Read-only commands: nothing on the machine changes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requires } from '../testing/requires.ts';
import { which } from '../lib/which.ts';
import { IpSession } from './ip-session.ts';
import { until } from '../testing/until.ts';

const skip = requires('ip');

test('batches run in turn; each sees only its failures; ip starts again after an exit', { skip }, async () => {
  const s = new IpSession(which('ip'));
  try {
    const missing = 'nx' + Math.random().toString(16).slice(2, 10);
    const [a, b, c, d] = await Promise.all([
      s.run(['link show dev lo', 'addr show dev lo']),
      s.run(['link show dev lo', `link show dev ${missing}`, 'link show dev lo']),
      s.run([]),
      s.run(['route show table main']),
    ]);
    assert.deepEqual(a, { stderr: '', failed: [] });
    assert.deepEqual(b.failed, [1]);
    assert.match(b.stderr, new RegExp(`Device "${missing}" does not exist`));
    assert.deepEqual(c, { stderr: '', failed: [] });
    assert.deepEqual(d, { stderr: '', failed: [] });
    // A bad argument ends ip: that batch fails with what ip said, the next one runs on a new ip.
    await assert.rejects(s.run(['link show dev lo', `link set dev lo master ${missing}`]), (err: Error & { stderr?: string }) => {
      assert.match(err.stderr ?? '', /Device does not exist/);
      return true;
    });
    assert.deepEqual(await s.run(['link show dev lo']), { stderr: '', failed: [] });
  } finally {
    s.close();
  }
});

test('an idle ip is ended; the next batch starts another', { skip }, async () => {
  const s = new IpSession(which('ip'), 50);
  try {
    assert.equal(s.pid(), undefined);
    assert.deepEqual(await s.run(['link show dev lo']), { stderr: '', failed: [] });
    const first = s.pid();
    assert.ok(first);
    await until('the idle ip ended', () => s.pid() === undefined);
    assert.deepEqual(await s.run(['link show dev lo']), { stderr: '', failed: [] });
    assert.ok(s.pid() && s.pid() !== first);
  } finally {
    s.close();
  }
});
