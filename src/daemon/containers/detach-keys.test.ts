// Detach keys: parsing as docker spells them, and the scanner holding back a sequence only as
// long as it may still complete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detachScanner, parseDetachKeys, parseExecDetachKeys } from './detach-keys.ts';

test('key specs: ctrl-letters, ctrl-punctuation and plain characters; bad specs are refused', () => {
  assert.deepEqual([...parseDetachKeys('ctrl-p,ctrl-q')], [0x10, 0x11]);
  assert.deepEqual([...parseDetachKeys('ctrl-@,ctrl-[,ctrl-_,a')], [0, 0x1b, 0x1f, 0x61]);
  for (const bad of ['', 'ctrl-', 'ctrl-pq', 'p,', 'shift-a']) assert.throws(() => parseDetachKeys(bad), /Invalid detach keys/, bad);
});

test('the daemon takes keys spelled exactly as moby/term does; an exec\'s bad keys are "escape keys"', () => {
  assert.deepEqual([...parseDetachKeys('ctrl-p')], [0x10]);
  assert.deepEqual([...parseDetachKeys('DEL,ctrl-\\')], [0x7f, 0x1c]);
  for (const bad of ['ctrl-P', ' ctrl-p', 'ctrl-p ', 'del', 'é']) assert.throws(() => parseDetachKeys(bad), { message: `Invalid detach keys (${bad}) provided` }, bad);
  assert.throws(() => parseExecDetachKeys('ctrl-1'), { message: 'Invalid escape keys (ctrl-1) provided' });
  assert.deepEqual([...parseExecDetachKeys('')], []);
  assert.deepEqual([...parseExecDetachKeys('ctrl-p,a')], [0x10, 0x61]);
});

async function scan(keys: string, chunks: string[], tty = true): Promise<{ out: string; detached: boolean }> {
  const s = detachScanner(parseDetachKeys(keys), tty);
  let out = '';
  s.on('data', (d: Buffer) => (out += d.toString('latin1')));
  for (const c of chunks) s.write(Buffer.from(c, 'latin1'));
  s.end();
  await new Promise((r) => setImmediate(r));
  return { out, detached: s.escaped };
}

test('the sequence detaches, across chunks too; nothing after it passes', async () => {
  assert.deepEqual(await scan('ctrl-p,ctrl-q', ['abc\x10\x11def']), { out: 'abc', detached: true });
  assert.deepEqual(await scan('ctrl-p,ctrl-q', ['abc\x10', '\x11def']), { out: 'abc', detached: true });
});

test('a broken-off sequence is ordinary input, in order', async () => {
  assert.deepEqual(await scan('ctrl-p,ctrl-q', ['a\x10b']), { out: 'a\x10b', detached: false });
  assert.deepEqual(await scan('ctrl-p,ctrl-q', ['\x10', '\x10\x11']), { out: '\x10', detached: true });
  assert.deepEqual(await scan('x,y,z', ['xyxyz']), { out: 'xy', detached: true });
  assert.deepEqual(await scan('ctrl-p,ctrl-q', ['end\x10']), { out: 'end\x10', detached: false });
});

test('without a TTY nothing is watched: the keys are input like any other byte (dockerd)', async () => {
  assert.deepEqual(await scan('ctrl-p,ctrl-q', ['abc\x10\x11def'], false), { out: 'abc\x10\x11def', detached: false });
});

test('no keys named: the default sequence', async () => {
  const s = detachScanner(Buffer.alloc(0));
  s.resume();
  s.end(Buffer.from('a\x10\x11'));
  await new Promise((r) => setImmediate(r));
  assert.equal(s.escaped, true);
});
