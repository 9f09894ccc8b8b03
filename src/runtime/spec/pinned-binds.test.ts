import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApprovedSourceChanged, pinBinds } from './pinned-binds.ts';
import { bindMount } from './mounts.ts';
import { requires } from '../../testing/requires.ts';

const skip = requires('root');

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'berth-pinned-binds-')));
after(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'allowed', 'x'), { recursive: true });
mkdirSync(join(dir, 'outside'));
const x = join(dir, 'allowed', 'x');
writeFileSync(join(x, 'marker'), '');
const stage = join(dir, 'bundle', 'pinned');

test('an approved bind is handed over staged from the approved directory, detached at close', { skip }, () => {
  const other = bindMount({ source: join(dir, 'outside'), destination: '/o' });
  const pinned = pinBinds([bindMount({ source: x, destination: '/h' }), other], new Map([['/h', x]]), stage);
  try {
    const [h, o] = pinned.mounts;
    assert.equal(h!.source, join(stage, '0'));
    assert.ok(existsSync(join(h!.source!, 'marker')), 'the staging point shows the approved directory');
    assert.ok(readFileSync('/proc/self/mountinfo', 'utf8').includes(` ${join(stage, '0')} `));
    assert.deepEqual(h!.options, ['rbind', 'rprivate']);
    assert.equal(o, other, 'a bind no rule approved is left alone');
  } finally {
    pinned.close();
  }
  assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').includes(stage), 'nothing left mounted');
  assert.ok(!existsSync(stage));
});

test('no approved bind: the same list comes back, nothing opened', () => {
  const mounts = [bindMount({ source: x, destination: '/h' })];
  assert.equal(pinBinds(mounts, new Map(), stage).mounts, mounts);
  assert.ok(!existsSync(stage));
});

test('a component swapped for a symlink, or a missing source, refuses the start', { skip }, () => {
  const swapped = join(dir, 'allowed', 'swapped');
  symlinkSync(join(dir, 'outside'), swapped);
  assert.throws(() => pinBinds([bindMount({ source: swapped, destination: '/h' })], new Map([['/h', swapped]]), stage),
    (err) => err instanceof ApprovedSourceChanged && /no longer the path the authorization policy approved, not mounted: .*swapped: a component of it is a symbolic link/.test(err.message));
  // A symlink above the source counts too, not only the last component.
  const parent = join(dir, 'parent-link');
  symlinkSync(join(dir, 'allowed'), parent);
  assert.throws(() => pinBinds([bindMount({ source: join(parent, 'x'), destination: '/h' })], new Map([['/h', join(parent, 'x')]]), stage), ApprovedSourceChanged);
  const gone = join(dir, 'allowed', 'gone');
  assert.throws(() => pinBinds([bindMount({ source: gone, destination: '/h' })], new Map([['/h', gone]]), stage), /gone: it does not exist/);
  assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').includes(stage), 'nothing left mounted');
});
