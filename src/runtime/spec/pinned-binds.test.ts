import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApprovedSourceChanged, pinBinds } from './pinned-binds.ts';
import { bindMount } from './mounts.ts';

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'berth-pinned-binds-')));
after(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'allowed', 'x'), { recursive: true });
mkdirSync(join(dir, 'outside'));
const x = join(dir, 'allowed', 'x');

test('an approved bind is handed over as the descriptor of the approved directory', () => {
  const other = bindMount({ source: join(dir, 'outside'), destination: '/o' });
  const pinned = pinBinds([bindMount({ source: x, destination: '/h' }), other], new Map([['/h', x]]));
  try {
    const [h, o] = pinned.mounts;
    assert.match(h!.source!, new RegExp(`^/proc/${process.pid}/fd/\\d+$`));
    assert.equal(statSync(h!.source!).ino, statSync(x).ino, 'the magic link leads to the approved inode');
    assert.deepEqual(h!.options, ['rbind', 'rprivate']);
    assert.equal(o, other, 'a bind no rule approved is left alone');
  } finally {
    pinned.close();
  }
});

test('no approved bind: the same list comes back, nothing opened', () => {
  const mounts = [bindMount({ source: x, destination: '/h' })];
  assert.equal(pinBinds(mounts, new Map()).mounts, mounts);
});

test('a component swapped for a symlink, or a missing source, refuses the start', () => {
  const swapped = join(dir, 'allowed', 'swapped');
  symlinkSync(join(dir, 'outside'), swapped);
  assert.throws(() => pinBinds([bindMount({ source: swapped, destination: '/h' })], new Map([['/h', swapped]])),
    (err) => err instanceof ApprovedSourceChanged && /no longer the path the authorization policy approved, not mounted: .*swapped: a component of it is a symbolic link/.test(err.message));
  // A symlink above the source counts too, not only the last component.
  const parent = join(dir, 'parent-link');
  symlinkSync(join(dir, 'allowed'), parent);
  assert.throws(() => pinBinds([bindMount({ source: join(parent, 'x'), destination: '/h' })], new Map([['/h', join(parent, 'x')]])), ApprovedSourceChanged);
  const gone = join(dir, 'allowed', 'gone');
  assert.throws(() => pinBinds([bindMount({ source: gone, destination: '/h' })], new Map([['/h', gone]])), /gone: it does not exist/);
});
