import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalDriver } from './local-driver.ts';
import { ApprovedSourceChanged } from '../runtime/spec/pinned-binds.ts';
import { requires } from '../testing/requires.ts';

const skip = requires('root');
// On the same file system as the volumes' root: a bind from it keeps the parent's st_dev.
const dir = realpathSync(mkdtempSync(join(tmpdir(), 'berth-local-driver-')));
const driver = new LocalDriver(join(dir, 'volumes'));
const device = join(dir, 'device');
mkdirSync(device);
writeFileSync(join(device, 'marker'), 'kept');
mkdirSync(join(dir, 'outside'));
writeFileSync(join(dir, 'outside', 'outside-marker'), '');
const bind = { type: 'none', o: 'bind', device };
const mountsOn = (name: string) => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4] === driver.path(name)).length;

after(async () => {
  for (const name of ['plain', 'pinned', 'ro', 'swapped']) while (mountsOn(name)) await driver.unmount(name);
  rmSync(dir, { recursive: true, force: true });
});

test('an o=bind volume of the same file system: mounted once, unmounted, removed without its device', { skip }, async () => {
  driver.create('plain');
  await driver.mount('plain', bind);
  await driver.mount('plain', bind); // a second user: already mounted
  assert.equal(mountsOn('plain'), 1);
  assert.ok(driver.isMounted('plain'));
  await driver.unmount('plain');
  assert.equal(mountsOn('plain'), 0);
  await driver.mount('plain', bind);
  await driver.purge(driver.detach('plain')); // a removal while mounted: unmounted first
  assert.equal(readFileSync(join(device, 'marker'), 'utf8'), 'kept', 'the removal walked into the device');
});

test('an approved device is mounted from the approved path, with the other o flags', { skip }, async () => {
  driver.create('pinned');
  await driver.mount('pinned', bind, device);
  assert.ok(existsSync(join(driver.path('pinned'), 'marker')));
  assert.equal(mountsOn('pinned'), 1);
  await driver.unmount('pinned');
  driver.create('ro');
  await driver.mount('ro', { ...bind, o: 'bind,ro' }, device);
  assert.throws(() => writeFileSync(join(driver.path('ro'), 'new'), ''), /EROFS/);
  await driver.unmount('ro');
});

test('an approved device swapped for a symlink is refused, nothing mounted', { skip }, async () => {
  const swapped = join(dir, 'swapped-device');
  symlinkSync(join(dir, 'outside'), swapped);
  driver.create('swapped');
  await assert.rejects(driver.mount('swapped', { ...bind, device: swapped }, swapped),
    (err) => err instanceof ApprovedSourceChanged && /volume swapped: its device is no longer the path the authorization policy approved, not mounted: .*swapped-device: a component of it is a symbolic link/.test(err.message));
  assert.equal(mountsOn('swapped'), 0);
  assert.ok(!existsSync(join(driver.path('swapped'), 'outside-marker')));
});
